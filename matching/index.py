"""Embedding what changed, and the in-memory snapshot the matcher ranks against.

:func:`index_store` embeds the profile items (see :mod:`matching.profiles`) whose
text or model changed and writes their vectors to the store in one transaction.

:class:`MatchIndex` is an immutable snapshot built once from records and vectors:
every array is aligned to ``orgs`` (rows) or ``projects`` (columns). Shapes:

* ``profile_vectors``  (n_orgs, dim)       unit rows; zero where an organisation has no words of its own
* ``project_vectors``  (n_projects, dim)   unit rows
* ``passage_vectors``  (n_passages, dim)   unit rows; ``passage_org[i]`` = org row
* ``incidence``        (n_orgs, n_projects) 1 where the organisation took part
* ``collaboration``    (n_orgs, n_orgs)     number of joint projects, zero diagonal

Every vector in the index is *language-neutral*: the direction along which Norwegian and
English texts differ on average (estimated from the register's own texts, see
:func:`language_axis`) is projected out, and a query must be passed through
:meth:`MatchIndex.neutral` before it is compared. e5 otherwise scores a text in the idea's
own language higher than a better one in the other language: on the cluster benchmark's
tuning half this one projection moved the bare model's MRR from 0.69 to 0.79 and the
top 5 shared by an idea and its translation from 2.0 to 3.0.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, partial

import numpy as np
import scipy.sparse as sp

from data.models import Organisation, Participation, Project
from matching.embedder import Embedder
from matching.lexical import LexicalIndex, corpus_digest
from matching.profiles import (
    content_hash,
    iter_profile_items,
    organisation_passages,
    passage_id,
    profile_document,
    project_document,
)
from matching.types import MatchingError

#: progress(done, total, label) -- called between batches; the app draws a bar, the CLI tqdm.
Progress = Callable[[int, int, str], None]

ITEM_TYPES = ("profile", "passage", "project")


@dataclass(frozen=True)
class IndexReport:
    model_id: str
    embedded: int
    unchanged: int
    removed: int
    seconds: float

    def summary(self) -> str:
        return (
            f"{self.embedded:,} texts embedded, {self.unchanged:,} unchanged, {self.removed:,} removed "
            f"with {self.model_id} in {self.seconds:.1f} s"
        )


_INDEX_LOCKS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_INDEX_LOCKS_GUARD = threading.Lock()


def _index_lock(store) -> threading.Lock:
    with _INDEX_LOCKS_GUARD:
        lock = _INDEX_LOCKS.get(store)
        if lock is None:
            lock = _INDEX_LOCKS[store] = threading.Lock()
        return lock


def index_store(store, embedder: Embedder, *, progress: Progress | None = None, batch_size: int = 64) -> IndexReport:
    """Embed every profile passage and project text whose content hash changed.

    The new vectors are written in one transaction at the end, so an interrupted
    run leaves the previous index intact. A model change re-embeds everything.
    Runs over one store take turns: two overlapping runs could otherwise write an
    older text's vector after a newer one (the app's matchers may overlap).
    """
    with _index_lock(store):
        return _index_store(store, embedder, progress=progress, batch_size=batch_size)


#: Part of the recorded index fingerprint: bump when what is embedded changes
#: (:func:`matching.profiles.iter_profile_items`, :func:`~matching.profiles.content_hash`).
PROFILE_FORMAT = "profiles-2"


def _index_state(model_id: str, register: str, vectors: str) -> str:
    return f"{PROFILE_FORMAT}|{model_id}|{register}|{vectors}"


def _index_store(store, embedder: Embedder, *, progress: Progress | None, batch_size: int) -> IndexReport:
    started = time.perf_counter()
    model_id = embedder.model_id
    store.ensure_embedding_space(model_id, embedder.dim)
    # Nothing changed since the last complete run: a few aggregates inside DuckDB instead of
    # every record, passage split and content hash (seconds at 100k organisations).
    register, vectors_before, n_vectors = store.profile_fingerprint()
    if store.index_state() == _index_state(model_id, register, vectors_before):
        if store.lexical_index_digest() is None and not store.read_only:  # a store from before m004
            _save_lexical_index(store, store.organisations(), store.projects())
        return IndexReport(model_id, 0, n_vectors, 0, time.perf_counter() - started)
    organisations, projects = store.organisations(), store.projects()
    items = list(iter_profile_items(organisations, projects))
    todo: dict[str, list[tuple[str, str, str]]] = {t: [] for t in ITEM_TYPES}
    keep: dict[str, tuple[list[str], list[str]]] = {t: ([], []) for t in ITEM_TYPES}
    stored = {t: store.embedding_hashes(t) for t in ITEM_TYPES}
    unchanged = 0
    for item_type, item_id, text in items:
        digest = content_hash(model_id, text)
        keep[item_type][0].append(item_id)
        keep[item_type][1].append(digest)
        if stored[item_type].get(item_id) == digest:
            unchanged += 1
        else:
            todo[item_type].append((item_id, digest, text))
    removed = sum(len(set(stored[t]) - set(keep[t][0])) for t in ITEM_TYPES)
    total = sum(len(v) for v in todo.values())
    vectors: dict[str, np.ndarray] = {}
    done = 0
    if progress:
        progress(0, total, "embedding")
    for item_type in ITEM_TYPES:
        texts = [text for _, _, text in todo[item_type]]
        # Longest first, as sentence-transformers orders one encode call: each chunk then
        # holds texts of similar length and pads little (chunks in stored order padded
        # short texts to the longest in the chunk: measured in bench/bench_index.py).
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        out = np.zeros((len(texts), embedder.dim), np.float32)
        for start in range(0, len(texts), batch_size):
            rows = order[start : start + batch_size]
            out[rows] = embedder.embed_passages([texts[i] for i in rows])
            done += len(rows)
            if progress:
                progress(done, total, "embedding")
        vectors[item_type] = out
    if total or removed:
        store.replace_embeddings(
            {
                item_type: (
                    [i for i, _, _ in todo[item_type]],
                    [h for _, h, _ in todo[item_type]],
                    vectors[item_type],
                    keep[item_type][0],
                )
                for item_type in ITEM_TYPES
            }
        )
    if not getattr(store, "read_only", False):
        _save_lexical_index(store, organisations, projects)
        # The register as it was when this run read it: a change made meanwhile shows next time.
        store.set_index_state(_index_state(model_id, register, store.profile_fingerprint()[1]))
    return IndexReport(model_id, total, unchanged, removed, time.perf_counter() - started)


def _save_lexical_index(store, organisations: Sequence[Organisation], projects: Sequence[Project]) -> None:
    """Fit TF-IDF on the register's texts and keep it in the store, unless that fit is kept already.

    Done here, in the step that writes anyway, so loading the index only reads.
    """
    project_texts, passage_texts = lexical_texts(organisations, projects)
    digest = corpus_digest(project_texts, passage_texts)
    if store.lexical_index_digest() != digest:
        store.save_lexical_index(digest, LexicalIndex.fit(project_texts, passage_texts).to_parts())


def lexical_texts(organisations: Sequence[Organisation], projects: Sequence[Project]) -> tuple[list[str], list[str]]:
    """The texts TF-IDF is fitted on, in index row order: project documents, then profile passages."""
    project_texts = [t for p in sorted(projects, key=lambda p: p.project_id) if (t := project_document(p))]
    passage_texts = [t for o in sorted(organisations, key=lambda o: o.org_id) for t in organisation_passages(o)]
    return project_texts, passage_texts


@dataclass(frozen=True)
class StaleItem:
    """A profile item whose stored vector does not fit its current text (see :func:`stale_items`)."""

    item_type: str  # "profile", "passage" or "project"
    item_id: str
    problem: str  # "missing", "outdated" (text or model changed) or "orphaned" (the item is gone)


def stale_items(store, model_id: str | None = None) -> list[StaleItem]:
    """Profile items without a vector of ``model_id`` for their current text, and vectors of vanished items.

    ``model_id`` defaults to the model of the stored vectors; vectors of another
    model count as missing. Empty after a complete :func:`index_store` run.
    """
    space = store.embedding_space()
    model_id = model_id or (space[0] if space else "")
    current = space is not None and space[0] == model_id
    stored = {t: store.embedding_hashes(t) if current else {} for t in ITEM_TYPES}
    out, seen = [], {t: set() for t in ITEM_TYPES}
    for item_type, item_id, text in iter_profile_items(store.organisations(), store.projects()):
        seen[item_type].add(item_id)
        digest = stored[item_type].get(item_id)
        if digest is None:
            out.append(StaleItem(item_type, item_id, "missing"))
        elif digest != content_hash(model_id, text):
            out.append(StaleItem(item_type, item_id, "outdated"))
    for item_type in ITEM_TYPES:
        out.extend(StaleItem(item_type, i, "orphaned") for i in sorted(set(stored[item_type]) - seen[item_type]))
    return out


@dataclass(frozen=True, eq=False)
class MatchIndex:
    """Everything ranking needs, aligned by row; built once, never mutated."""

    model_id: str
    orgs: tuple[Organisation, ...]
    org_row: Mapping[str, int]
    projects: tuple[Project, ...]
    profile_vectors: np.ndarray
    has_profile: np.ndarray  # (n_orgs,) bool: the organisation has a description or competences
    project_vectors: np.ndarray
    passage_texts: tuple[str, ...]
    passage_org: np.ndarray
    passage_vectors: np.ndarray
    incidence: sp.csr_matrix
    coordinators: frozenset[tuple[int, int]]
    collaboration: sp.csr_matrix
    activity: np.ndarray  # projects per organisation
    first_year: np.ndarray  # 0 where unknown
    last_year: np.ndarray
    lexical: LexicalIndex
    project_language: np.ndarray  # "nb", "en" or "" per project (see lexical.guess_language)
    passage_language: np.ndarray
    feedback: np.ndarray = field(default=None)  # useful minus not-useful verdicts per organisation
    language_axis: np.ndarray | None = None  # unit (dim,), projected out of every vector; None: one language

    def neutral(self, vectors: np.ndarray) -> np.ndarray:
        """Query vectors, (dim,) or (n, dim), made comparable with the index's language-neutral ones."""
        return neutralise(vectors, self.language_axis)

    @property
    def n_orgs(self) -> int:
        return len(self.orgs)

    @cached_property
    def members(self) -> sp.csr_matrix:
        """(n_projects, n_orgs): the incidence seen from the projects."""
        return self.incidence.T.tocsr()

    @cached_property
    def passage_ptr(self) -> np.ndarray:
        """(n_orgs + 1,): the passages of org row ``i`` are ``passage_ptr[i]:passage_ptr[i + 1]``
        (``passage_org`` is sorted, because passages are laid out organisation by organisation)."""
        return np.searchsorted(self.passage_org, np.arange(self.n_orgs + 1)).astype(np.int64)

    def passages_of(self, row: int) -> np.ndarray:
        """Passage indices of one organisation row."""
        return np.arange(self.passage_ptr[row], self.passage_ptr[row + 1])

    def row(self, org_id: str) -> int:
        try:
            return self.org_row[org_id]
        except KeyError:
            raise MatchingError(f"unknown organisation {org_id!r}") from None

    def kinds(self) -> np.ndarray:
        """Kind of every organisation row (read-only, built once)."""
        return self._kinds

    @cached_property
    def _kinds(self) -> np.ndarray:
        kinds = np.array([o.kind for o in self.orgs], dtype=object)
        kinds.setflags(write=False)
        return kinds

    def rows_where(self, attribute: str, value: str) -> np.ndarray:
        """Rows whose ``region`` or ``country`` equals ``value``, ignoring case (looked up, not scanned)."""
        return self._by_value(attribute).get(value.casefold(), _NO_ROWS)

    def _by_value(self, attribute: str) -> dict[str, np.ndarray]:
        if attribute not in ("region", "country"):
            raise ValueError(f"cannot look organisations up by {attribute!r}")
        cache = self.__dict__.setdefault("_rows_by", {})
        if attribute not in cache:
            groups: dict[str, list[int]] = {}
            for i, o in enumerate(self.orgs):
                groups.setdefault(getattr(o, attribute).casefold(), []).append(i)
            cache[attribute] = {k: np.array(v, dtype=np.int64) for k, v in groups.items()}
        return cache[attribute]

    @cached_property
    def place_names(self) -> frozenset[str]:
        """Every word of the organisations' regions and municipalities, case-folded."""
        return frozenset(
            word for o in self.orgs for place in (o.region, o.municipality) for word in place.casefold().split()
        )

    def warm(self) -> MatchIndex:
        """Build the lazily derived lookups now, so the first query does not pay for them."""
        for name in ("members", "passage_ptr", "_kinds", "place_names"):
            getattr(self, name)
        self.lexical.vocabulary()
        for attribute in ("region", "country"):
            self._by_value(attribute)
        return self


_NO_ROWS = np.zeros(0, np.int64)


def build_match_index(
    organisations: Sequence[Organisation],
    projects: Sequence[Project],
    participations: Sequence[Participation],
    *,
    model_id: str,
    vectors: Mapping[str, tuple[Sequence[str], np.ndarray]],
    feedback: Mapping[str, int] | None = None,
    fit_lexical: Callable[[Sequence[str], Sequence[str]], LexicalIndex] = LexicalIndex.fit,
) -> MatchIndex:
    """Assemble a :class:`MatchIndex` from records and stored vectors.

    ``vectors`` maps item type (``"profile"``, ``"passage"``, ``"project"``) to ``(ids, matrix)``.
    Every item must have a vector: run :func:`index_store` first.
    ``fit_lexical(project_texts, passage_texts)`` gives the TF-IDF; :func:`load_match_index`
    passes one that reuses the fit saved in the store.
    """
    orgs = tuple(sorted(organisations, key=lambda o: o.org_id))
    org_row = {o.org_id: i for i, o in enumerate(orgs)}
    projects = tuple(p for p in sorted(projects, key=lambda p: p.project_id) if project_document(p))
    project_row = {p.project_id: j for j, p in enumerate(projects)}

    project_vectors = _aligned(vectors.get("project"), [p.project_id for p in projects], "project")
    passage_ids, passage_texts, passage_org = [], [], []
    for o in orgs:
        for n, text in enumerate(organisation_passages(o)):
            passage_ids.append(passage_id(o.org_id, n))
            passage_texts.append(text)
            passage_org.append(org_row[o.org_id])
    passage_vectors = _aligned(vectors.get("passage"), passage_ids, "passage")
    has_profile = np.array([bool(profile_document(o)) for o in orgs], dtype=bool)
    profiled = _aligned(vectors.get("profile"), [o.org_id for o in orgs if profile_document(o)], "profile")
    dim = max(m.shape[1] for m in (profiled, project_vectors, passage_vectors))
    profile_vectors = np.zeros((len(orgs), dim), np.float32)
    if profiled.size:
        profile_vectors[has_profile] = profiled

    rows, cols, coordinators = [], [], set()
    for p in participations:
        i, j = org_row.get(p.org_id), project_row.get(p.project_id)
        if i is None or j is None:
            continue  # a participation outside this snapshot (e.g. a later year in evaluation)
        rows.append(i)
        cols.append(j)
        if p.role == "coordinator":
            coordinators.add((i, j))
    incidence = sp.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape=(len(orgs), len(projects)))
    incidence.sum_duplicates()
    incidence.data[:] = 1.0
    collaboration = (incidence @ incidence.T).tocsr()
    collaboration.setdiag(0)
    collaboration.eliminate_zeros()

    years = np.array([p.start_year or 0 for p in projects], dtype=np.int32)
    first, last = np.zeros(len(orgs), np.int32), np.zeros(len(orgs), np.int32)
    for i in range(len(orgs)):
        ys = years[incidence.indices[incidence.indptr[i] : incidence.indptr[i + 1]]]
        ys = ys[ys > 0]
        if ys.size:
            first[i], last[i] = ys.min(), ys.max()

    project_texts = [project_document(p) for p in projects]
    lexical = fit_lexical(project_texts, passage_texts)
    axis = language_axis(
        np.vstack([m for m in (passage_vectors, project_vectors) if m.size] or [np.zeros((0, dim), np.float32)]),
        np.concatenate([lexical.passage_language, lexical.project_language]),
    )
    balance = np.zeros(len(orgs), np.float32)
    for org_id, n in (feedback or {}).items():
        if org_id in org_row:
            balance[org_row[org_id]] = n
    return MatchIndex(
        model_id=model_id,
        orgs=orgs,
        org_row=org_row,
        projects=projects,
        profile_vectors=neutralise(profile_vectors, axis),
        has_profile=has_profile,
        project_vectors=neutralise(project_vectors, axis),
        passage_texts=tuple(passage_texts),
        passage_org=np.array(passage_org, dtype=np.int64),
        passage_vectors=neutralise(passage_vectors, axis),
        incidence=incidence,
        coordinators=frozenset(coordinators),
        collaboration=collaboration,
        activity=np.asarray(incidence.sum(axis=1)).ravel().astype(np.float32),
        first_year=first,
        last_year=last,
        lexical=lexical,
        project_language=lexical.project_language,
        passage_language=lexical.passage_language,
        feedback=balance,
        language_axis=axis,
    )


#: Texts a language needs in the register before its direction is estimated from them.
MIN_TEXTS_PER_LANGUAGE = 10


def language_axis(vectors: np.ndarray, languages: np.ndarray) -> np.ndarray | None:
    """The unit direction from the mean English to the mean Norwegian text, or None.

    None when the register holds fewer than :data:`MIN_TEXTS_PER_LANGUAGE` texts of either
    language: then there is nothing to correct, and too few texts would give a noisy
    direction. Swedish and Danish texts are too few in a cluster to estimate their own
    directions from; they sit close to Norwegian in the model's space.
    """
    if vectors.ndim != 2 or not vectors.size:
        return None
    means = []
    for language in ("nb", "en"):
        chosen = languages == language
        if chosen.sum() < MIN_TEXTS_PER_LANGUAGE:
            return None
        means.append(vectors[chosen].mean(axis=0))
    axis = means[0] - means[1]
    norm = float(np.linalg.norm(axis))
    return (axis / norm).astype(np.float32) if norm > 1e-6 else None


def neutralise(vectors: np.ndarray, axis: np.ndarray | None) -> np.ndarray:
    """``vectors`` with their component along ``axis`` removed, rows scaled back to unit length.

    Zero rows stay zero.
    """
    if axis is None or vectors.size == 0:
        return vectors
    flat = vectors.reshape(-1, vectors.shape[-1]).astype(np.float32)
    out = flat - np.outer(flat @ axis, axis)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    out = np.divide(out, norms, out=np.zeros_like(out), where=norms > 1e-9)
    return out.reshape(vectors.shape)


def _aligned(stored: tuple[Sequence[str], np.ndarray] | None, wanted: Sequence[str], item_type: str) -> np.ndarray:
    """Rows of ``stored`` in the order of ``wanted``; every wanted id must be there."""
    if stored is None:
        if wanted:
            raise MatchingError(f"no {item_type} vectors stored: run `samspill index` first")
        return np.zeros((0, 0), np.float32)
    ids, matrix = stored
    position = {item_id: k for k, item_id in enumerate(ids)}
    missing = [w for w in wanted if w not in position]
    if missing:
        raise MatchingError(
            f"{len(missing):,} {item_type} texts have no vector (e.g. {missing[0]!r}): run `samspill index`"
        )
    return np.ascontiguousarray(matrix[[position[w] for w in wanted]], dtype=np.float32).reshape(
        len(wanted), matrix.shape[1] if matrix.ndim == 2 else 0
    )


def load_match_index(store, model_id: str) -> MatchIndex:
    """Build the snapshot from the store's current records and vectors (lookups built, ready to serve)."""
    space = store.embedding_space()
    if space is None or space[0] != model_id:
        raise MatchingError(f"the store holds no vectors of {model_id}: run `samspill index`")
    return build_match_index(
        store.organisations(),
        store.projects(),
        store.participations(),
        model_id=model_id,
        vectors={t: store.load_embeddings(t) for t in ITEM_TYPES},
        feedback=store.feedback_balance(),
        fit_lexical=partial(saved_lexical_index, store),
    ).warm()


def saved_lexical_index(store, project_texts: Sequence[str], passage_texts: Sequence[str]) -> LexicalIndex:
    """The TF-IDF fitted on exactly these texts as saved in the store, else a new fit.

    Fitting is most of a large index load (24 s of 30 s at 100,000 organisations);
    reading the saved fit takes under a second. :func:`index_store` saves it; a fit that is
    missing here (texts changed without an index run) or does not add up is fitted again
    and saved, unless the store is read-only.
    """
    digest = corpus_digest(project_texts, passage_texts)
    parts = store.lexical_index(digest)
    if parts is not None:
        try:
            return LexicalIndex.from_parts(parts, n_projects=len(project_texts), n_passages=len(passage_texts))
        except ValueError:
            pass  # damaged: fit again below and overwrite it
    lexical = LexicalIndex.fit(project_texts, passage_texts)
    if not store.read_only:
        store.save_lexical_index(digest, lexical.to_parts())
    return lexical
