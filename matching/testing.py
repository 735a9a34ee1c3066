"""Test doubles for the matcher. Not for production ranking.

:class:`HashingEmbedder` is a deterministic stand-in for a real :class:`~matching.embedder.Embedder`
in unit tests of ranking logic: texts that share words get similar vectors, so a test can assert
an order without loading a model. Tests whose point is the model's quality use the real one.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np

from matching.embedder import check_texts

_WORD = re.compile(r"\w+")
_NO_WORDS = "\x00"  # bucket for texts without any word, so every row still has unit length


class HashingEmbedder:
    """Bag of words hashed into ``dim`` buckets, then L2-normalised.

    Words are lower-cased ``\\w+`` runs (so æ, ø and å count as letters); each goes to bucket
    ``blake2b(word) mod dim``. ``hashlib`` keeps vectors identical across processes, which the
    built-in ``hash()`` would not. Queries and passages are embedded alike (no prompts).

    >>> fake = HashingEmbedder(dim=16)
    >>> v = fake.embed_passages(["fish farming", "fish farming in Norway", "ballet"])
    >>> bool(v[0] @ v[1] > v[0] @ v[2])
    True
    """

    def __init__(self, dim: int = 64) -> None:
        if dim < 1:
            raise ValueError(f"dim must be >= 1, got {dim}")
        self.dim = dim
        self.model_id = f"hashing-bow-{dim}"

    def __repr__(self) -> str:
        return f"HashingEmbedder(dim={self.dim})"

    def bucket(self, word: str) -> int:
        digest = hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest()
        return int.from_bytes(digest, "little") % self.dim

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts)

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        items = check_texts(texts)
        out = np.zeros((len(items), self.dim), dtype=np.float32)
        for row, text in enumerate(items):
            for word in _WORD.findall(text.lower()) or [_NO_WORDS]:
                out[row, self.bucket(word)] += 1.0
        out /= np.linalg.norm(out, axis=1, keepdims=True)
        return out
