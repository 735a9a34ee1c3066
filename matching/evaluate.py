"""The development protocol of the real H2020 set (see ../shared/data/README.md).

Build the history from projects that started up to ``query_year - 1``; take every
``query_year`` project with a summary and at least three participants as a new
idea (``title. summary``) and rank the organisations of the history. A hit is an
organisation that really took part and already appears in the history. Recall@10,
Recall@50 and MRR are macro-averaged over ideas, for the matcher and for two
baselines computed in the same run:

* popularity: most projects first;
* TF-IDF: an organisation's profile is the mean of its projects' TF-IDF vectors.

The matcher's gain over TF-IDF comes with a 95% paired-bootstrap interval over the
ideas (:func:`gain_interval`): at about 140 ideas, gains of a few per cent are noise.

Modes: ``cold`` (idea only), ``seeded`` (the coordinator is known, passed as "we
are"; it is neither a target nor a candidate) and ``research`` / ``company``
(only partners of that kind are targets and candidates).

The reported split is 2018. Weights were chosen on the 2017 split
(``--query-year 2017``), never on 2018.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.preprocessing import normalize

from data.models import Organisation, Participation, Project
from matching.index import ITEM_TYPES, MatchIndex, build_match_index
from matching.lexical import guess_language, make_vectorizer
from matching.profiles import project_document
from matching.scoring import DEFAULT_WEIGHTS, RankingWeights, score_organisations

MODES = ("cold", "seeded", "research", "company")
RANKERS = ("popularity", "tfidf", "matcher")


@dataclass(frozen=True)
class EvalQuery:
    project_id: str
    text: str
    participants: frozenset[str]  # those in the history
    coordinator: str | None


@dataclass(frozen=True)
class Split:
    query_year: int
    history: tuple[Project, ...]
    participations: tuple[Participation, ...]
    candidates: tuple[Organisation, ...]
    queries: tuple[EvalQuery, ...]


@dataclass(frozen=True)
class Score:
    ranker: str
    mode: str
    queries: int
    recall_10: float
    recall_50: float
    mrr: float
    #: (queries, 3) Recall@10, Recall@50 and reciprocal rank of each idea, in split order
    per_query: np.ndarray | None = field(default=None, repr=False, compare=False)


def gain_interval(
    ours: Score, base: Score, *, metric: int = 0, resamples: int = 2000, seed: int = 0
) -> tuple[float, float]:
    """95% paired-bootstrap interval of ``ours / base - 1`` on one metric (0 = Recall@10, 2 = MRR).

    With about 140 ideas a gain of a few per cent is within noise; the interval says how
    much. Both scores must come from the same ideas in the same order (one
    :func:`evaluate_split` run).
    """
    a, b = ours.per_query, base.per_query
    if a is None or b is None or a.shape != b.shape or a.shape[0] == 0:
        raise ValueError("gain_interval needs per-query values of the same ideas")
    picks = np.random.default_rng(seed).integers(0, a.shape[0], size=(resamples, a.shape[0]))
    base_means = b[picks, metric].mean(axis=1)
    gains = a[picks, metric].mean(axis=1) / np.where(base_means > 0, base_means, np.nan) - 1
    low, high = np.nanpercentile(gains, [2.5, 97.5])
    return float(low), float(high)


def development_split(
    organisations: Sequence[Organisation],
    projects: Sequence[Project],
    participations: Sequence[Participation],
    *,
    query_year: int = 2018,
    min_participants: int = 3,
) -> Split:
    history = tuple(p for p in projects if p.start_year is not None and p.start_year < query_year)
    history_ids = {p.project_id for p in history}
    members: dict[str, list[Participation]] = {}
    for pa in participations:
        members.setdefault(pa.project_id, []).append(pa)
    active = {pa.org_id for pid in history_ids for pa in members.get(pid, [])}
    queries = []
    for p in sorted(projects, key=lambda p: p.project_id):
        team = members.get(p.project_id, [])
        if p.start_year != query_year or not p.summary.strip() or len(team) < min_participants:
            continue
        known = frozenset(pa.org_id for pa in team if pa.org_id in active)
        if not known:
            continue
        coordinator = next((pa.org_id for pa in team if pa.role == "coordinator"), None)
        queries.append(EvalQuery(p.project_id, project_document(p), known, coordinator))
    return Split(
        query_year,
        history,
        tuple(pa for pa in participations if pa.project_id in history_ids),
        tuple(o for o in organisations if o.org_id in active),
        tuple(queries),
    )


def recall_at(ranked: Sequence[str], targets: frozenset[str], k: int) -> float:
    return len(set(ranked[:k]) & targets) / len(targets)


def reciprocal_rank(ranked: Sequence[str], targets: frozenset[str]) -> float:
    for position, org_id in enumerate(ranked, start=1):
        if org_id in targets:
            return 1.0 / position
    return 0.0


def _mode_targets(query: EvalQuery, mode: str, kind_of: dict[str, str]) -> tuple[frozenset[str], str | None]:
    """(targets, excluded seed) of one idea in one mode."""
    if mode == "seeded":
        if query.coordinator is None or query.coordinator not in query.participants:
            return frozenset(), None
        return query.participants - {query.coordinator}, query.coordinator
    if mode in ("research", "company"):
        return frozenset(o for o in query.participants if kind_of.get(o) == mode), None
    return query.participants, None


class _Rankers:
    """Per-organisation scores of the three rankers for one split, as functions of the idea."""

    def __init__(self, split: Split, index: MatchIndex, query_vectors: np.ndarray, weights: RankingWeights):
        self.index, self.query_vectors, self.weights = index, query_vectors, weights
        self.org_ids = [o.org_id for o in index.orgs]
        # Baseline TF-IDF: the configuration of the data README (unigrams, stop words,
        # min_df 2 on a large corpus), sublinear tf as in our own lexical index.
        docs = [project_document(p) for p in index.projects]
        vectorizer = make_vectorizer(len(docs)).set_params(ngram_range=(1, 1))
        projects = vectorizer.fit_transform(docs)
        profiles = normalize(index.incidence @ projects)
        self.tfidf_profiles, self.vectorizer = profiles.tocsr(), vectorizer
        self.popularity = index.activity
        self.query_terms = index.lexical.transform([q.text for q in split.queries])
        self.query_languages = [guess_language(q.text) for q in split.queries]
        self.baseline_terms = vectorizer.transform([q.text for q in split.queries])

    def scores(self, ranker: str, i: int, seed_row: int | None) -> np.ndarray:
        if ranker == "matcher, seed unused":
            ranker, seed_row = "matcher", None
        if ranker == "popularity":
            return self.popularity.astype(np.float64)
        if ranker == "tfidf":
            return np.asarray((self.tfidf_profiles @ self.baseline_terms[i].T).todense()).ravel()
        evidence = score_organisations(
            self.index,
            self.query_vectors[i],
            self.query_terms[i],
            query_language=self.query_languages[i],
            as_row=seed_row,
            weights=self.weights,
        )
        return evidence.scores.astype(np.float64)


def evaluate_split(
    split: Split,
    *,
    model_id: str,
    vectors: dict[str, tuple[Sequence[str], np.ndarray]],
    query_vectors: np.ndarray,
    weights: RankingWeights = DEFAULT_WEIGHTS,
    modes: Sequence[str] = MODES,
    rankers: Sequence[str] = RANKERS,
    progress: Callable[[int, int, str], None] | None = None,
) -> list[Score]:
    """Score every ranker in every mode on one split. ``query_vectors`` are aligned with ``split.queries``."""
    index = build_match_index(split.candidates, split.history, split.participations, model_id=model_id, vectors=vectors)
    rankers_ = _Rankers(split, index, query_vectors, weights)
    kind_of = {o.org_id: o.kind for o in index.orgs}
    kinds = index.kinds()
    ids = np.array(rankers_.org_ids, dtype=object)
    sums: dict[tuple[str, str], list[tuple[float, float, float]]] = {}
    total = len(split.queries) * len(modes)
    done = 0
    for i, query in enumerate(split.queries):
        cache: dict[tuple[str, int | None], np.ndarray] = {}
        for mode in modes:
            targets, seed = _mode_targets(query, mode, kind_of)
            done += 1
            if progress:
                progress(done, total, "evaluating")
            if not targets:
                continue
            seed_row = index.org_row[seed] if seed else None
            allowed = np.ones(index.n_orgs, bool)
            if mode in ("research", "company"):
                allowed &= kinds == mode
            if seed_row is not None:
                allowed[seed_row] = False
            for ranker in [*rankers, *(["matcher, seed unused"] if mode == "seeded" and "matcher" in rankers else [])]:
                key = (ranker, seed_row if ranker == "matcher" else None)
                if key not in cache:
                    cache[key] = rankers_.scores(ranker, i, seed_row)
                scores = cache[key]
                rows = np.flatnonzero(allowed)
                order = rows[np.lexsort((ids[rows], -scores[rows]))]
                ranked = list(ids[order[:1000]])
                sums.setdefault((ranker, mode), []).append(
                    (recall_at(ranked, targets, 10), recall_at(ranked, targets, 50), reciprocal_rank(ranked, targets))
                )
    out = []
    for (ranker, mode), values in sums.items():
        if values:
            arr = np.array(values)
            out.append(Score(ranker, mode, len(values), *map(float, arr.mean(axis=0)), per_query=arr))
    return out


def evaluate_store(
    store,
    embedder,
    *,
    query_year: int = 2018,
    weights: RankingWeights = DEFAULT_WEIGHTS,
    modes: Sequence[str] = MODES,
    progress: Callable[[int, int, str], None] | None = None,
) -> tuple[Split, list[Score], float]:
    """Run the protocol on a store whose vectors are indexed (``samspill index``).

    Returns the split, the scores, and the seconds taken (excluding indexing).
    """
    started = time.perf_counter()
    split = development_split(store.organisations(), store.projects(), store.participations(), query_year=query_year)
    if not split.queries:
        raise ValueError(f"no {query_year} projects with a summary and 3+ participants in {store.path}")
    query_vectors = embedder.embed_queries([q.text for q in split.queries])
    vectors = {t: store.load_embeddings(t) for t in ITEM_TYPES}
    scores = evaluate_split(
        split,
        model_id=embedder.model_id,
        vectors=vectors,
        query_vectors=query_vectors,
        weights=weights,
        modes=modes,
        progress=progress,
    )
    return split, scores, time.perf_counter() - started


def format_table(scores: Sequence[Score], *, markdown: bool = False) -> str:
    """One row per mode and ranker, with the matcher's gain over TF-IDF."""
    by = {(s.mode, s.ranker): s for s in scores}
    header = ["mode", "ranker", "queries", "Recall@10", "Recall@50", "MRR"]
    rows = []
    for mode in MODES:
        for ranker in (*RANKERS, "matcher, seed unused"):
            s = by.get((mode, ranker))
            if s is None:
                continue
            rows.append([mode, ranker, str(s.queries), f"{s.recall_10:.3f}", f"{s.recall_50:.3f}", f"{s.mrr:.3f}"])
        base, ours = by.get((mode, "tfidf")), by.get((mode, "matcher"))
        if base and ours and base.recall_10 and base.mrr:
            rows.append(
                [
                    mode,
                    "matcher vs TF-IDF",
                    "",
                    f"{ours.recall_10 / base.recall_10 - 1:+.0%}",
                    f"{ours.recall_50 / base.recall_50 - 1:+.0%}" if base.recall_50 else "",
                    f"{ours.mrr / base.mrr - 1:+.0%}",
                ]
            )
            if ours.per_query is not None and base.per_query is not None:
                r10 = gain_interval(ours, base, metric=0)
                mrr = gain_interval(ours, base, metric=2)
                rows.append([mode, "95% interval", "", _span(r10), "", _span(mrr)])
    return render_table(header, rows, markdown=markdown)


def render_table(header: Sequence[str], rows: Sequence[Sequence[str]], *, markdown: bool = False) -> str:
    """A results table: Markdown, or aligned text (the first two columns left, numbers right).

    >>> print(render_table(["ranker", "mode", "MRR"], [["tfidf", "cold", "0.34"]]))
    ranker  mode   MRR
    tfidf   cold  0.34
    """
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(lines)
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    fmt = "  ".join(f"{{:<{w}}}" if i < 2 else f"{{:>{w}}}" for i, w in enumerate(widths))
    return "\n".join([fmt.format(*header), *(fmt.format(*r) for r in rows)])


def _span(interval: tuple[float, float]) -> str:
    return f"{interval[0]:+.0%}..{interval[1]:+.0%}"
