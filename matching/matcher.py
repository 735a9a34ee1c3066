"""The matcher: a project idea in, ranked partners, pairings and consortia out, each with reasons.

:class:`Matcher` ties the store, the embedder and the in-memory :class:`MatchIndex`
together; the scoring itself is :func:`score_organisations`, a function of arrays
that the evaluation calls too, so what is measured is what is served.

Fusion. Each evidence source is standardised over the organisations that have any
of it and added with the weights in :class:`RankingWeights`. The weights were
chosen on a validation split of the real H2020 set that never touches the
reported one (2017 projects as ideas, history up to 2016) and then frozen; the
README's evaluation table shows what each source adds on the reported split.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from data.models import KINDS, RESEARCH_KINDS
from matching import rank
from matching.embedder import Embedder
from matching.index import IndexReport, MatchIndex, Progress, index_store, load_match_index
from matching.lexical import guess_language, shared_terms
from matching.profiles import split_passages
from matching.reasons import kind_name, phrase, shorten
from matching.types import Consortium, MatchingError, MatchQuery, MatchResult, Pairing, Suggestion

#: Longer ideas are cut here (and the result says so). The model reads 512 tokens
#: anyway; the cut keeps lexical scoring and aspect splitting bounded.
MAX_IDEA_CHARS = 20_000
MAX_TOP = 200
#: Recent ideas whose vectors are kept: asking again with another filter or "we are X" then
#: costs only the ranking (the model is ~90% of a match; BENCHMARKS.md).
IDEA_CACHE_SIZE = 64
PARTNER_KINDS = (*RESEARCH_KINDS, "support")


@dataclass(frozen=True)
class RankingWeights:
    """How much each kind of evidence counts (see the module docstring and README)."""

    semantic_history: float = 0.25  # harmonic top-k of the model's project similarities
    lexical_history: float = 1.5  # the same over TF-IDF similarities
    lexical_votes: float = 1.5  # participants of the lexically closest past projects
    fused_votes: float = 0.5  # participants of the closest projects by model + TF-IDF
    semantic_profile: float = 1.0  # best matching passage of the organisation's own description
    lexical_profile: float = 0.5
    activity: float = 0.1  # log number of projects: a weak prior
    partners: float = 1.0  # seeded mode: joint projects with the "we are" organisation
    partners_of_partners: float = 0.5
    seed_votes: float = 0.5  # seeded mode: participants of the seed's own projects closest to the idea
    feedback: float = 0.3  # advisers' useful / not useful verdicts
    history_k: int = 10
    votes_n: int = 50


DEFAULT_WEIGHTS = RankingWeights()


@dataclass(frozen=True, eq=False)
class Evidence:
    """Per-query similarities kept for reasons, pairings and consortia."""

    scores: np.ndarray  # (n_orgs,) fused
    semantic_projects: np.ndarray  # (n_projects,)
    lexical_projects: np.ndarray
    semantic_passages: np.ndarray  # (n_passages,)
    best_passage: np.ndarray  # (n_orgs,) passage index or -1
    has_signal: np.ndarray  # (n_orgs,) bool


def _calibrate_semantic(similarities: np.ndarray) -> np.ndarray:
    """Cosines of e5 crowd into 0.7-0.9; keep only how far a text rises above the typical one."""
    if similarities.size == 0:
        return similarities
    typical = float(np.median(similarities))
    return np.maximum(similarities - typical, 0).astype(np.float32)


def _unit_max(values: np.ndarray) -> np.ndarray:
    """Scale a non-negative source to [0, 1] by its best value, so sources can be added.

    Chosen over z-scores: most sources are zero for most organisations, and a z-score
    then turns the few non-zero values into outliers that swamp everything else.
    """
    top = float(values.max(initial=0))
    return values / top if top > 0 else np.zeros_like(values)


def _across_languages(lexical: np.ndarray, semantic: np.ndarray, languages: np.ndarray, query_language: str):
    """Word overlap is blind across languages: for texts in another language than the
    idea, let the model's (calibrated) similarity stand in, on the lexical scale."""
    if not query_language or lexical.size == 0:
        return lexical
    other = (languages != "") & (languages != query_language)
    if not other.any():
        return lexical
    same_best = float(lexical[~other].max(initial=0)) or 1.0
    out = lexical.copy()
    out[other] = _unit_max(semantic)[other] * same_best
    return out


def _term_scores(documents, query_terms) -> np.ndarray:
    """``documents @ query_terms.T`` as a float32 vector.

    The query goes in as a dense vector: scipy then runs one matrix-vector product
    (same sums in the same order, so the same floats) instead of a sparse-sparse product
    that converts the query's whole vocabulary-long column first (5x faster at 100k).
    """
    dense = np.zeros(documents.shape[1], dtype=np.result_type(documents.dtype, query_terms.dtype))
    dense[query_terms.indices] = query_terms.data
    return np.asarray(documents @ dense).ravel().astype(np.float32)


def score_organisations(
    index: MatchIndex,
    query_vector: np.ndarray,
    query_terms,
    *,
    query_language: str = "",
    as_row: int | None = None,
    weights: RankingWeights = DEFAULT_WEIGHTS,
) -> Evidence:
    """Fuse every evidence source into one score per organisation row.

    ``query_language`` (``"nb"``/``"en"``/``""``) turns on the cross-language stand-in
    for word overlap; see :func:`_across_languages`.
    """
    n = index.n_orgs
    w = weights
    sources: list[tuple[float, np.ndarray]] = []
    if index.projects:
        members = index.members
        sem_p = index.project_vectors @ query_vector
        lex_p = _term_scores(index.lexical.projects, query_terms)
        sem_cal = _calibrate_semantic(sem_p)
        lex_p = _across_languages(lex_p, sem_cal, index.project_language, query_language)
        fused_p = _unit_max(sem_cal) + _unit_max(lex_p)
        sources += [
            (w.semantic_history, rank.harmonic_top_k(members, sem_cal, n, k=w.history_k)),
            (w.lexical_history, rank.harmonic_top_k(members, lex_p, n, k=w.history_k)),
            (w.lexical_votes, rank.neighbour_votes(members, lex_p, n, n=w.votes_n)),
            (w.fused_votes, rank.neighbour_votes(members, fused_p, n, n=w.votes_n)),
        ]
    else:
        sem_p = lex_p = fused_p = np.zeros(0, np.float32)
    if index.passage_texts:
        sem_s = index.passage_vectors @ query_vector
        lex_s = _term_scores(index.lexical.passages, query_terms)
        sem_s_cal = _calibrate_semantic(sem_s)
        lex_s = _across_languages(lex_s, sem_s_cal, index.passage_language, query_language)
        best_sem, which = rank.best_passage(index.passage_org, sem_s_cal, n)
        best_lex, _ = rank.best_passage(index.passage_org, lex_s, n)
        sources += [(w.semantic_profile, best_sem), (w.lexical_profile, best_lex)]
    else:
        sem_s, which = np.zeros(0, np.float32), np.full(n, -1, np.int64)
    if as_row is not None:
        direct, second = rank.network_closeness(index.collaboration, as_row)
        own = index.incidence.indices[index.incidence.indptr[as_row] : index.incidence.indptr[as_row + 1]]
        seed_projects = np.zeros_like(fused_p)
        seed_projects[own] = fused_p[own]
        sources += [
            (w.partners, direct),
            (w.partners_of_partners, second),
            (w.seed_votes, rank.neighbour_votes(index.members, seed_projects, n, n=max(len(own), 1))),
        ]

    has_signal = np.zeros(n, bool)
    for _, values in sources:
        has_signal |= values > 0
    fused = np.zeros(n, np.float32)
    for weight, values in sources:
        if weight:
            fused += weight * _unit_max(values)
    if w.activity:
        fused += w.activity * _unit_max(np.log1p(index.activity))
    if w.feedback and index.feedback is not None and index.feedback.any():
        fused += w.feedback * np.tanh(index.feedback).astype(np.float32)
    # Organisations with no evidence at all go last, whatever the priors say.
    fused[~has_signal] = np.minimum(fused[~has_signal], 0) - 1
    return Evidence(fused, sem_p, lex_p, sem_s, which, has_signal)


class Matcher:
    """Rank partners for project ideas against one store.

    Args:
        store: a :class:`data.store.PartnerStore`.
        embedder: any :class:`matching.embedder.Embedder`.
        weights: how evidence is fused.
        lang: default language of the reasons, ``"nb"`` or ``"en"`` (a query's ``lang`` wins).

    The index is loaded on first use (embedding whatever is missing) and kept
    until :meth:`refresh`. Thread-safe: matching reads an immutable snapshot.
    """

    def __init__(self, store, embedder: Embedder, *, weights: RankingWeights = DEFAULT_WEIGHTS, lang: str = "nb"):
        self.store = store
        self.embedder = embedder
        self.weights = weights
        self.lang = lang
        self._index: MatchIndex | None = None
        self._lock = threading.Lock()
        self._ideas: OrderedDict[str, tuple[np.ndarray, list[str], np.ndarray]] = OrderedDict()
        self._ideas_lock = threading.Lock()

    @property
    def index(self) -> MatchIndex:
        if self._index is None:
            with self._lock:
                if self._index is None:
                    self._index = self._load(progress=None)
        return self._index

    def _load(self, progress: Progress | None) -> MatchIndex:
        index_store(self.store, self.embedder, progress=progress)
        return load_match_index(self.store, self.embedder.model_id)

    def refresh(self, progress: Progress | None = None) -> IndexReport:
        """Embed what changed in the store (edited profiles, imports) and reload the snapshot."""
        with self._lock:
            report = index_store(self.store, self.embedder, progress=progress)
            self._index = load_match_index(self.store, self.embedder.model_id)
        return report

    def match(self, query: MatchQuery | str, **options) -> MatchResult:
        """Rank organisations, pairings and consortia for one idea."""
        if isinstance(query, str):
            query = MatchQuery(text=query, **options)
        return self.match_many([query])[0]

    def match_many(self, queries: Sequence[MatchQuery]) -> list[MatchResult]:
        """Several ideas with at most two calls to the model (the batch CLI uses this).

        The ideas and their parts (:func:`idea_aspects`) go to the model separately: in one
        call the short parts were padded to the length of the whole idea, which made
        embedding one idea cost several times the idea alone.
        """
        checked = [_check_query(q, q.lang or self.lang) for q in queries]
        index = self.index
        for q, _ in checked:
            if q.as_org is not None:
                index.row(q.as_org)  # unknown id -> MatchingError before any work
        embedded = self._embed_ideas([q.text for q, _ in checked])
        terms = index.lexical.transform([q.text for q, _ in checked])
        return [
            self._result(index, q, notes, vector, terms[i], aspects, aspect_vectors)
            for i, ((q, notes), (vector, aspects, aspect_vectors)) in enumerate(zip(checked, embedded, strict=True))
        ]

    def forget_ideas(self) -> None:
        """Drop the vectors kept for recent ideas (the next match of each embeds it again)."""
        with self._ideas_lock:
            self._ideas.clear()

    def _embed_ideas(self, texts: Sequence[str]) -> list[tuple[np.ndarray, list[str], np.ndarray]]:
        """Each idea's vector, its parts and their vectors; recent ideas come from a small cache."""
        with self._ideas_lock:
            found = {t: self._ideas[t] for t in texts if t in self._ideas}
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        if missing:
            aspects = [idea_aspects(t) for t in missing]
            vectors = self.embedder.embed_queries(missing)
            flat = [a for parts in aspects for a in parts]
            aspect_vectors = self.embedder.embed_queries(flat) if flat else vectors[:0]
            for shared in (vectors, aspect_vectors):
                shared.setflags(write=False)  # cached and handed to every later query
            start = 0
            for text, vector, parts in zip(missing, vectors, aspects, strict=True):
                found[text] = (vector, parts, aspect_vectors[start : start + len(parts)])
                start += len(parts)
        with self._ideas_lock:
            for text in dict.fromkeys(texts):
                self._ideas[text] = found[text]
                self._ideas.move_to_end(text)
            while len(self._ideas) > IDEA_CACHE_SIZE:
                self._ideas.popitem(last=False)
        return [found[t] for t in texts]

    def _result(self, index, query, notes, qvec, qterms, aspects, aspect_vectors) -> MatchResult:
        as_row = index.row(query.as_org) if query.as_org else None
        evidence = score_organisations(
            index, qvec, qterms, query_language=guess_language(query.text), as_row=as_row, weights=self.weights
        )
        allowed = _allowed(index, query, as_row) & evidence.has_signal
        top = rank.top_k(evidence.scores, query.top, allowed)
        context = _ReasonContext(index, evidence, qterms, as_row, query.lang or self.lang)
        organisations = tuple(context.suggestion(r) for r in top)
        pool_allowed = _allowed(index, replace(query, kind=None), as_row) & evidence.has_signal
        pool = rank.top_k(evidence.scores, 40, pool_allowed)
        coverage = _aspect_coverage(index, pool, aspects, aspect_vectors)
        ties = index.collaboration[pool][:, pool].toarray()  # joint projects within the pool
        pairings = _pairings(context, pool, coverage, aspects, ties)
        consortia = _consortia(context, pool, coverage, aspects, as_row, ties)
        return MatchResult(query, organisations, pairings, consortia, tuple(notes))


def _check_query(query: MatchQuery, lang: str) -> tuple[MatchQuery, list[str]]:
    if not isinstance(query.text, str):
        raise MatchingError(f"the idea must be text, not {type(query.text).__name__}")
    text = query.text.replace("\x00", " ")
    if not text.strip():
        raise MatchingError("the idea is empty: describe the project in a sentence or more")
    if not any(ch.isalnum() for ch in text):
        raise MatchingError("the idea has no words in it: describe the project in a sentence or more")
    if not 1 <= query.top <= MAX_TOP:
        raise MatchingError(f"top must be between 1 and {MAX_TOP}, not {query.top}")
    if query.kind is not None and query.kind not in KINDS:
        raise MatchingError(f"unknown kind {query.kind!r}; expected one of {', '.join(KINDS)}")
    notes = []
    if len(text) > MAX_IDEA_CHARS:
        notes.append(phrase(lang, "truncated", n=len(text), limit=MAX_IDEA_CHARS))
        text = text[:MAX_IDEA_CHARS]
    return replace(query, text=text.strip()), notes


def idea_aspects(text: str, *, limit: int = 8) -> list[str]:
    """The parts of an idea a consortium should cover: its sentences (at most ``limit``)."""
    parts = split_passages(text, min_words=6)
    return parts[:limit] if len(parts) > 1 else []


def _allowed(index: MatchIndex, query: MatchQuery, as_row: int | None) -> np.ndarray:
    allowed = np.ones(index.n_orgs, bool)
    if query.kind:
        allowed &= index.kinds() == query.kind
    for attribute in ("region", "country"):
        wanted = getattr(query, attribute)
        if wanted:
            match = np.zeros(index.n_orgs, bool)
            match[index.rows_where(attribute, wanted)] = True
            allowed &= match
    for org_id in query.exclude:
        if org_id in index.org_row:
            allowed[index.org_row[org_id]] = False
    if as_row is not None:
        allowed[as_row] = False
    return allowed


def _aspect_coverage(index: MatchIndex, pool: np.ndarray, aspects, aspect_vectors) -> np.ndarray:
    """(len(pool), n_aspects): how well each pooled organisation speaks to each part of the idea."""
    if not aspects or pool.size == 0:
        return np.zeros((pool.size, 0), np.float32)
    out = np.zeros((pool.size, len(aspects)), np.float32)
    for i, row in enumerate(pool):
        projects = index.incidence.indices[index.incidence.indptr[row] : index.incidence.indptr[row + 1]]
        passages = index.passages_of(row)
        vecs = [index.project_vectors[projects], index.passage_vectors[passages]]
        stacked = np.vstack([v for v in vecs if v.size]) if any(v.size for v in vecs) else None
        if stacked is not None:
            out[i] = (stacked @ aspect_vectors.T).max(axis=0)
    return out


class _ReasonContext:
    """Builds suggestions with reasons for organisation rows of one query."""

    def __init__(self, index: MatchIndex, evidence: Evidence, qterms, as_row: int | None, lang: str):
        self.index, self.evidence, self.qterms, self.as_row, self.lang = index, evidence, qterms, as_row, lang
        self._cache: dict[int, Suggestion] = {}
        self._typical_passage = float(np.median(evidence.semantic_passages)) if evidence.semantic_passages.size else 0.0

    def suggestion(self, row: int) -> Suggestion:
        if row not in self._cache:
            org = self.index.orgs[row]
            self._cache[row] = Suggestion(
                org_id=org.org_id,
                name=org.name,
                kind=org.kind,
                score=round(float(self.evidence.scores[row]), 4),
                reasons=tuple(self._reasons(row)),
                region=org.region,
                country=org.country,
            )
        return self._cache[row]

    def _reasons(self, row: int) -> list[str]:
        index, ev, lang = self.index, self.evidence, self.lang
        reasons = []
        passage = ev.best_passage[row]
        if passage >= 0 and ev.semantic_passages[passage] > self._typical_passage:
            reasons.append(phrase(lang, "profile", passage=shorten(index.passage_texts[passage])))
        projects = index.incidence.indices[index.incidence.indptr[row] : index.incidence.indptr[row + 1]]
        if projects.size:
            relevance = ev.semantic_projects[projects] + ev.lexical_projects[projects]
            for j in projects[np.argsort(-relevance, kind="stable")][:2]:
                p = index.projects[j]
                role = phrase(lang, "coordinator") if (row, j) in index.coordinators else ""
                reasons.append(phrase(lang, "project", title=shorten(p.title, 90), year=p.start_year or "?", role=role))
        docs = [index.lexical.passages[index.passages_of(row)]]
        if projects.size:
            docs.append(index.lexical.projects[projects])
        import scipy.sparse as sp

        terms = shared_terms(self.qterms, sp.vstack(docs).tocsr(), index.lexical.vocabulary())
        if terms:
            reasons.append(phrase(lang, "terms", terms=", ".join(terms)))
        if self.as_row is not None:
            reasons.extend(self._network_reasons(row))
        if index.activity[row] >= 2 and index.first_year[row]:
            reasons.append(
                phrase(
                    lang, "active", n=int(index.activity[row]), first=index.first_year[row], last=index.last_year[row]
                )
            )
        if index.feedback is not None and index.feedback[row] > 0:
            reasons.append(phrase(lang, "feedback", n=int(index.feedback[row])))
        return reasons

    def _network_reasons(self, row: int) -> list[str]:
        index, seed = self.index, self.as_row
        joint = index.collaboration[seed, row]
        if joint:
            shared = np.intersect1d(
                index.incidence.indices[index.incidence.indptr[seed] : index.incidence.indptr[seed + 1]],
                index.incidence.indices[index.incidence.indptr[row] : index.incidence.indptr[row + 1]],
            )
            year = max((index.projects[j].start_year or 0) for j in shared) or "?"
            return [phrase(self.lang, "worked_with", name=index.orgs[seed].name, n=int(joint), year=year)]
        partners = index.collaboration[seed].indices
        # the tie counts are symmetric: row's own ties answer "has p worked with row?" for every p at once
        ties = index.collaboration[row]
        with_row = dict(zip(ties.indices.tolist(), ties.data.tolist(), strict=True))
        via = [p for p in partners if with_row.get(int(p))]
        if via:
            via = sorted(via, key=lambda p: -with_row[int(p)])[:3]
            return [phrase(self.lang, "via", names=", ".join(index.orgs[p].name for p in via))]
        return []


def _pairings(context: _ReasonContext, pool: np.ndarray, coverage: np.ndarray, aspects, ties, *, limit: int = 5):
    index, scores, lang = context.index, context.evidence.scores, context.lang
    kinds = index.kinds()
    companies = [i for i, r in enumerate(pool) if kinds[r] == "company"][:8]
    partners = [i for i, r in enumerate(pool) if kinds[r] in PARTNER_KINDS][:8]
    if not companies or not partners:
        return ()
    pool_scores = scores[pool]
    spread = float(pool_scores.max() - pool_scores.min()) or 1.0
    norm = (pool_scores - pool_scores.min()) / spread
    candidates = []
    for c in companies:
        for p in partners:
            joint = int(ties[c, p])
            complement = 0.0
            if coverage.shape[1]:
                complement = float(
                    np.maximum(coverage[c], coverage[p]).mean() - max(coverage[c].mean(), coverage[p].mean())
                )
            score = (norm[c] + norm[p]) / 2 + 0.1 * min(joint, 3) + 2.0 * complement
            candidates.append((score, c, p, joint))
    candidates.sort(key=lambda t: (-t[0], int(pool[t[1]]), int(pool[t[2]])))
    used: dict[int, int] = {}
    out = []
    for score, c, p, joint in candidates:
        if used.get(c, 0) >= 2 or used.get(p, 0) >= 2:
            continue
        used[c] = used.get(c, 0) + 1
        used[p] = used.get(p, 0) + 1
        a, b = context.suggestion(int(pool[c])), context.suggestion(int(pool[p]))
        if joint:
            why = [phrase(lang, "pair_worked", a=a.name, b=b.name, n=joint)]
        else:
            why = [
                phrase(
                    lang, "pair_new", a=a.name, b=b.name, kind_a=kind_name(lang, a.kind), kind_b=kind_name(lang, b.kind)
                )
            ]
        if coverage.shape[1]:
            for member, i in ((a, c), (b, p)):
                why.append(
                    phrase(
                        lang, "pair_covers", name=member.name, aspect=shorten(aspects[int(coverage[i].argmax())], 80)
                    )
                )
        out.append(Pairing(a, b, round(float(score), 4), tuple(why)))
        if len(out) == limit:
            break
    return tuple(out)


def _consortia(
    context: _ReasonContext, pool: np.ndarray, coverage: np.ndarray, aspects, as_row, pool_ties, *, limit: int = 3
):
    """Greedy consortia: start from a strong company, add members that cover what is still
    uncovered, until 3-5 members hold at least one company and one research or education partner."""
    index, scores, lang = context.index, context.evidence.scores, context.lang
    if pool.size < 3:
        return ()
    kinds = index.kinds()[pool]
    pool_scores = scores[pool]
    norm = (pool_scores - pool_scores.min()) / (float(pool_scores.max() - pool_scores.min()) or 1.0)
    n_aspects = coverage.shape[1]
    if n_aspects:
        best_per_aspect = coverage.max(axis=0)
        covers = coverage >= 0.97 * best_per_aspect  # near the best anyone in the pool offers
    seeds = [i for i in range(pool.size) if kinds[i] == "company"][:limit]
    out, seen = [], set()
    for seed in seeds:
        members = [seed]
        while len(members) < 5:
            have = set(kinds[members])
            need_research = not have & set(RESEARCH_KINDS)
            best, best_gain = None, 0.0
            for i in range(pool.size):
                if i in members:
                    continue
                if need_research and len(members) >= 2 and kinds[i] not in RESEARCH_KINDS:
                    continue
                gain = norm[i]
                if n_aspects:
                    current = coverage[members].max(axis=0)
                    gain += 2.0 * float(np.maximum(coverage[i] - current, 0).sum())
                gain += 0.05 * sum(1 for m in members if pool_ties[m, i])
                if kinds[i] in have and kinds[i] != "company":
                    gain *= 0.7  # prefer a mix of kinds
                if gain > best_gain:
                    best, best_gain = i, gain
            if best is None or (len(members) >= 3 and best_gain < 0.35):
                break
            members.append(best)
        has = set(kinds[members])
        if len(members) < 3 or "company" not in has or not has & set(RESEARCH_KINDS):
            continue
        key = frozenset(members)
        if key in seen:
            continue
        seen.add(key)
        covered = int(covers[members].any(axis=0).sum()) if n_aspects else 0
        share = covered / n_aspects if n_aspects else 1.0
        ties = sum(1 for a in members for b in members if a < b and pool_ties[a, b])
        suggestions = tuple(context.suggestion(int(pool[m])) for m in members)
        why = [phrase(lang, "consortium_kinds", kinds=", ".join(kind_name(lang, k) for k in sorted(has)))]
        if n_aspects:
            why.append(phrase(lang, "consortium_covers", covered=covered, total=n_aspects))
        if ties:
            why.append(phrase(lang, "consortium_ties", n=ties))
        score = float(norm[members].mean()) * (0.5 + 0.5 * share)
        out.append(Consortium(suggestions, round(score, 4), tuple(why), round(share, 3)))
    out.sort(key=lambda c: -c.score)
    return tuple(out)
