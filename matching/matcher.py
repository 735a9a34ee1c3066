"""The matcher: a project idea in, ranked partners, pairings and consortia out, each with reasons.

:class:`Matcher` ties the store, the embedder and the in-memory :class:`MatchIndex` together:
it checks the query, embeds the idea (keeping recent ideas' vectors), scores every organisation
(:func:`matching.scoring.score_organisations`, a function of arrays that the evaluations call
too, so what is measured is what is served), filters, and builds the reasons
(:mod:`matching.reasons`) and teams (:mod:`matching.teams`) for what it shows.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from data.models import KINDS
from matching import rank, teams
from matching.embedder import Embedder
from matching.index import IndexReport, MatchIndex, Progress, index_store, load_match_index
from matching.lexical import guess_language
from matching.profiles import split_passages
from matching.reasons import Explainer, phrase
from matching.scoring import DEFAULT_WEIGHTS, RankingWeights, score_organisations
from matching.types import MAX_FILTER_VALUES, MatchingError, MatchQuery, MatchResult

#: Longer ideas are cut here (and the result says so). The model reads 512 tokens
#: anyway; the cut keeps lexical scoring and aspect splitting bounded.
MAX_IDEA_CHARS = 20_000
MAX_TOP = 200
#: Recent ideas whose vectors are kept: asking again with another filter or "we are X" then
#: costs only the ranking (the model is ~90% of a match; BENCHMARKS.md).
IDEA_CACHE_SIZE = 64


class Matcher:
    """Rank partners for project ideas against one store.

    Args:
        store: a :class:`data.store.PartnerStore`.
        embedder: any :class:`matching.embedder.Embedder`.
        weights: how evidence is fused.
        lang: default language of the reasons, ``"nb"`` or ``"en"`` (a query's ``lang`` wins).
        index: a ready :class:`MatchIndex` to rank against until :meth:`refresh` (default: loaded
            from the store on first use).

    The index is loaded on first use (embedding whatever is missing) and kept
    until :meth:`refresh`. Thread-safe: matching reads an immutable snapshot.
    """

    def __init__(
        self,
        store,
        embedder: Embedder,
        *,
        weights: RankingWeights = DEFAULT_WEIGHTS,
        lang: str = "nb",
        index: MatchIndex | None = None,
    ):
        self.store = store
        self.embedder = embedder
        self.weights = weights
        self.lang = lang
        self._index: MatchIndex | None = index
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
        """Several ideas; each idea's text goes through the model once.

        An embedder with ``embed_query_with_parts`` (:class:`matching.embedder.OnnxEmbedder`)
        gives an idea's vector and its parts' (:func:`idea_aspects`) from one pass. Any other
        embedder gets two calls for all the ideas: the ideas, then their parts (in one call the
        short parts were padded to the length of the whole idea).
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

    @property
    def remembered_ideas(self) -> int:
        """How many recent ideas' vectors are kept (at most :data:`IDEA_CACHE_SIZE`)."""
        with self._ideas_lock:
            return len(self._ideas)

    def forget_ideas(self) -> None:
        """Drop the vectors kept for recent ideas (the next match of each embeds it again)."""
        with self._ideas_lock:
            self._ideas.clear()

    def _embed_ideas(self, texts: Sequence[str]) -> list[tuple[np.ndarray, list[str], np.ndarray]]:
        """Each idea's vector, its parts and their vectors; recent ideas come from a small cache."""
        with self._ideas_lock:
            found = {t: self._ideas[t] for t in texts if t in self._ideas}
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        one_pass = getattr(self.embedder, "embed_query_with_parts", None)
        if missing and one_pass is not None:
            # the parts' vectors come out of the idea's own pass (OnnxEmbedder)
            for text in missing:
                parts = idea_aspects(text)
                vector, part_vectors = one_pass(text, parts)
                for shared in (vector, part_vectors):
                    shared.setflags(write=False)  # cached and handed to every later query
                found[text] = (vector, parts, part_vectors)
        elif missing:
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
        language = guess_language(query.text)
        evidence = score_organisations(
            index, qvec, qterms, query_language=language, as_row=as_row, weights=self.weights
        )
        allowed = _allowed(index, query, as_row) & evidence.has_signal
        top = rank.top_k(evidence.scores, query.top, allowed)
        explainer = Explainer(
            index,
            evidence,
            qterms,
            query_text=query.text,
            query_language=language,
            as_row=as_row,
            lang=query.lang or self.lang,
        )
        organisations = tuple(explainer.suggestion(r) for r in top)
        # A filter value nobody has (a typo, a city for a county) would otherwise answer with silence.
        for attribute, wanted in (("region", query.regions), ("country", query.countries)):
            for value in wanted:
                if not len(index.rows_where(attribute, value)):
                    notes = [*notes, phrase(query.lang or self.lang, f"no_{attribute}", value=value[:80])]
        # Teams come from every kind: a company's best partner is often of a kind the list was not filtered to.
        pool_allowed = _allowed(index, MatchQuery(query.text, exclude=query.exclude), as_row) & evidence.has_signal
        pool = rank.top_k(evidence.scores, teams.POOL_SIZE, pool_allowed)
        coverage = teams.aspect_coverage(index, pool, index.neutral(aspect_vectors))
        ties = index.collaboration[pool][:, pool].toarray()  # joint projects within the pool
        pairings = teams.pairings(explainer, pool, coverage, aspects, ties)
        consortia = teams.consortia(explainer, pool, coverage, ties)
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
    for kind in query.kinds:
        if kind not in KINDS:
            raise MatchingError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    for name in ("kinds", "regions", "countries", "exclude"):
        if not all(isinstance(v, str) for v in getattr(query, name)):
            raise MatchingError(f"{name} must be text, not {getattr(query, name)!r}")
    for name in ("regions", "countries"):
        if len(getattr(query, name)) > MAX_FILTER_VALUES:
            raise MatchingError(f"at most {MAX_FILTER_VALUES} {name} in one query, not {len(getattr(query, name)):,}")
    notes = []
    if len(text) > MAX_IDEA_CHARS:
        notes.append(phrase(lang, "truncated", n=len(text), limit=MAX_IDEA_CHARS))
        text = text[:MAX_IDEA_CHARS]
    return replace(query, text=text.strip()), notes


def idea_aspects(text: str, *, limit: int = 8, min_words: int = 6) -> list[str]:
    """The parts of an idea a consortium should cover: its sentences (at most ``limit``).

    A title (a short line without a full stop) is not a part to cover.
    """
    parts = [p for p in split_passages(text, min_words=min_words) if p[-1] in ".!?" or len(p.split()) >= min_words]
    return parts[:limit] if len(parts) > 1 else []


def _allowed(index: MatchIndex, query: MatchQuery, as_row: int | None) -> np.ndarray:
    """Rows the query's filters let through: any of its kinds, any of its regions, any of its countries."""
    allowed = np.ones(index.n_orgs, bool)
    if query.kinds:
        allowed &= np.isin(index.kinds(), list(query.kinds))
    for attribute, wanted in (("region", query.regions), ("country", query.countries)):
        if wanted:
            match = np.zeros(index.n_orgs, bool)
            for value in wanted:
                match[index.rows_where(attribute, value)] = True
            allowed &= match
    for org_id in query.exclude:
        if org_id in index.org_row:
            allowed[index.org_row[org_id]] = False
    if as_row is not None:
        allowed[as_row] = False
    return allowed
