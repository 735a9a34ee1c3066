"""Scoring: the evidence about every organisation, fused into one score per index row.

Organisations are known in two ways, and their evidence is weighed by what there is of it:

* **With words of their own** (a description or competences; every member of a cluster). The
  profile is first-class evidence: the model's similarity of the idea to the whole profile and,
  a quarter, to its best sentence (which catches one competence in a long text). History stands
  in where it fits the idea better than the profile: the weighted mean of its three closest
  projects, counted at 60%, never how many projects there are, so a long list of loosely
  related projects does not outrank an exact fit, and a member without projects competes on
  its profile alone. Word overlap
  is left out: it is blind across languages, and one shared word of several meanings ("farm")
  put organisations above exact fits. On the cluster benchmark's tuning half this weighing
  took hit@3 of the member to call first from 0.49 to 0.89 (README, "Evaluation").
* **Known only from projects** (most of the real H2020 set): the fusion chosen on the H2020
  tuning splits, where word overlap on long English abstracts is strong evidence. The harmonic
  top-10 of the model's and TF-IDF's project similarities, votes from the participants of the
  closest past projects and a weak activity prior, each scaled by its best value.

Each kind is scaled so that its best organisation for the query scores 1, so both rank on one
list. Closeness to the "we are" organisation and advisers' feedback are added to both on the
same scale. The similarities are language-neutral (:meth:`matching.index.MatchIndex.neutral`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matching import rank
from matching.index import MatchIndex


@dataclass(frozen=True)
class RankingWeights:
    """How much each kind of evidence counts (see the module docstring and README)."""

    # -- organisations with words of their own (chosen on the cluster benchmark's tuning half) --
    profile_whole: float = 0.75  # similarity to the whole profile
    profile_passage: float = 0.25  # similarity to its best sentence
    history_share: float = 0.6  # how much its closest projects' fit counts against its profile's
    history_fit_k: int = 3  # closest projects whose weighted mean is that fit
    # -- organisations known only from projects (chosen on the H2020 tuning splits) --
    semantic_history: float = 0.25  # harmonic top-k of the model's project similarities
    lexical_history: float = 1.5  # the same over TF-IDF similarities
    lexical_votes: float = 1.5  # participants of the lexically closest past projects
    fused_votes: float = 0.5  # participants of the closest projects by model + TF-IDF
    activity: float = 0.1  # log number of projects: a weak prior
    history_k: int = 10
    votes_n: int = 50
    # -- both, on the scale of the history sources above --
    partners: float = 1.0  # seeded mode: joint projects with the "we are" organisation
    partners_of_partners: float = 0.5
    seed_votes: float = 0.5  # seeded mode: participants of the seed's own projects closest to the idea
    feedback: float = 0.3  # advisers' useful / not useful verdicts

    @property
    def history_scale(self) -> float:
        """The weight of all history sources: what a perfect history-only organisation scores."""
        return self.semantic_history + self.lexical_history + self.lexical_votes + self.fused_votes


DEFAULT_WEIGHTS = RankingWeights()


@dataclass(frozen=True, eq=False)
class Evidence:
    """Per-query similarities kept for reasons, pairings and consortia."""

    scores: np.ndarray  # (n_orgs,) fused; 1 = the best fit for the query
    semantic_projects: np.ndarray  # (n_projects,) the model's similarity, minus the query's typical one
    lexical_projects: np.ndarray  # (n_projects,) TF-IDF, the model's stand-in across languages
    semantic_passages: np.ndarray  # (n_passages,) minus the typical similarity
    best_passage: np.ndarray  # (n_orgs,) passage index or -1
    has_signal: np.ndarray  # (n_orgs,) bool
    profile_fit: np.ndarray  # (n_orgs,) how well an organisation's own words fit, minus the typical; 0 without
    history_fit: np.ndarray  # (n_orgs,) weighted mean of its closest projects' fit (same scale)


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


def term_scores(documents, query_terms) -> np.ndarray:
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

    ``query_vector`` is the model's query vector of the idea (made language-neutral here);
    ``query_terms`` its TF-IDF row; ``query_language`` (see :func:`matching.lexical.guess_language`)
    turns on the cross-language stand-in for word overlap.
    """
    n, w = index.n_orgs, weights
    q = index.neutral(query_vector)
    sem_p = index.project_vectors @ q if index.projects else np.zeros(0, np.float32)
    sem_s = index.passage_vectors @ q if index.passage_texts else np.zeros(0, np.float32)
    both = np.concatenate([sem_s, sem_p])
    typical = float(np.median(both)) if both.size else 0.0
    sem_p_fit, sem_s_fit = sem_p - typical, sem_s - typical

    # -- organisations with words of their own ---------------------------------------------------
    best, which = rank.best_passage(index.passage_org, sem_s_fit, n)
    profile_fit = np.where(
        index.has_profile, w.profile_whole * (index.profile_vectors @ q - typical) + w.profile_passage * best, 0
    ).astype(np.float32)
    history_fit = (
        rank.mean_top_k(index.members, np.maximum(sem_p_fit, 0), n, k=w.history_fit_k)
        if index.projects
        else np.zeros(n, np.float32)
    )
    fit = np.maximum(profile_fit, w.history_share * history_fit)
    content = np.zeros(n, np.float32)
    profiled = index.has_profile
    if profiled.any():
        top = float(fit[profiled].max())
        content[profiled] = fit[profiled] / top if top > 0 else fit[profiled]
    has_signal = profiled.copy()

    # -- organisations known only from projects --------------------------------------------------
    scale = w.history_scale or 1.0
    extras = np.zeros(n, np.float32)
    lex_p = fused_p = np.zeros(sem_p.size, np.float32)
    if index.projects:
        members = index.members
        lex_p = term_scores(index.lexical.projects, query_terms)
        sem_cal = _calibrate_semantic(sem_p)
        lex_p = _across_languages(lex_p, sem_cal, index.project_language, query_language)
        fused_p = _unit_max(sem_cal) + _unit_max(lex_p)
        if (~profiled).any():
            sources = [
                (w.semantic_history, rank.harmonic_top_k(members, sem_cal, n, k=w.history_k)),
                (w.lexical_history, rank.harmonic_top_k(members, lex_p, n, k=w.history_k)),
                (w.lexical_votes, rank.neighbour_votes(members, lex_p, n, n=w.votes_n)),
                (w.fused_votes, rank.neighbour_votes(members, fused_p, n, n=w.votes_n)),
            ]
            history = np.zeros(n, np.float32)
            for weight, values in sources:
                history += weight * _unit_max(values)
                has_signal |= ~profiled & (values > 0)
            content[~profiled] = history[~profiled] / scale
            if w.activity:
                extras += np.where(profiled, 0, w.activity * _unit_max(np.log1p(index.activity)) / scale)

    # -- both: the "we are" organisation's network, and advisers' verdicts -------------------------
    if as_row is not None:
        direct, second = rank.network_closeness(index.collaboration, as_row)
        own = index.incidence.indices[index.incidence.indptr[as_row] : index.incidence.indptr[as_row + 1]]
        seed_projects = np.zeros_like(fused_p)
        seed_projects[own] = fused_p[own]
        for weight, values in (
            (w.partners, direct),
            (w.partners_of_partners, second),
            (w.seed_votes, rank.neighbour_votes(index.members, seed_projects, n, n=max(len(own), 1))),
        ):
            extras += weight * _unit_max(values) / scale
            has_signal |= values > 0
    if w.feedback and index.feedback is not None and index.feedback.any():
        extras += w.feedback * np.tanh(index.feedback).astype(np.float32) / scale

    fused = (content + extras).astype(np.float32)
    # Organisations with no evidence at all go last, whatever the priors say.
    fused[~has_signal] = np.minimum(fused[~has_signal], 0) - 1
    return Evidence(fused, sem_p_fit, lex_p, sem_s_fit, which, has_signal, profile_fit, history_fit)
