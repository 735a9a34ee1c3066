"""Scoring: pure functions over score vectors and the participation matrix.

Nothing here sees a model, a store or text. Inputs are per-project or
per-passage similarities for one query; outputs are per-organisation scores
aligned with the index's organisation rows.

How an organisation's history is summarised matters more than which similarity
is used (see README, "Evaluation"): the default is a *harmonic top-k sum* of its
projects' similarities -- the best project counts fully, the second half, the
third a third... -- so a partner with several relevant projects outranks one
lucky hit, without rewarding sheer volume the way a plain sum would.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp


def harmonic_top_k(
    members: sp.csr_matrix,
    project_scores: np.ndarray,
    n_orgs: int,
    *,
    k: int = 10,
    candidates: int = 3000,
) -> np.ndarray:
    """Per organisation, ``sum_r s_(r) / (r + 1)`` over its ``k`` best project scores.

    Parameters
    ----------
    members : (n_projects, n_orgs) CSR, 1 where the organisation took part.
    project_scores : (n_projects,) similarity of each project to the query.
    candidates : only the best ``candidates`` projects are considered; an
        organisation none of whose projects is among them scores from what is
        left (a lower bound). Keeps the cost flat as the history grows.
    """
    cand = _top_indices(project_scores, candidates)
    cand = cand[project_scores[cand] > 0]
    if cand.size == 0:
        return np.zeros(n_orgs, np.float32)
    sub = members[cand]
    counts = np.diff(sub.indptr)
    orgs = sub.indices
    scores = np.repeat(project_scores[cand], counts)
    order = np.lexsort((-scores, orgs))
    orgs, scores = orgs[order], scores[order]
    starts = np.r_[0, np.flatnonzero(np.diff(orgs)) + 1]
    group_start = np.repeat(starts, np.diff(np.r_[starts, orgs.size]))
    rank = np.arange(orgs.size) - group_start
    keep = rank < k
    return np.bincount(orgs[keep], weights=scores[keep] / (rank[keep] + 1), minlength=n_orgs).astype(np.float32)


def mean_top_k(members: sp.csr_matrix, project_scores: np.ndarray, n_orgs: int, *, k: int = 3) -> np.ndarray:
    """Per organisation, the mean of its ``k`` best project scores, weighted ``1/(r + 1)`` by rank.

    The weighted mean of :func:`harmonic_top_k`: how well an organisation's closest projects fit,
    whatever their number. Organisations without projects score 0.

    >>> members = sp.csr_matrix(np.array([[1, 0], [1, 0], [0, 1]], dtype=np.float32))  # org 0: 2 projects
    >>> [round(float(x), 2) for x in mean_top_k(members, np.array([0.9, 0.3, 0.9]), 2, k=3)]
    [0.7, 0.9]
    """
    if project_scores.size == 0:
        return np.zeros(n_orgs, np.float32)
    sums = harmonic_top_k(members, project_scores, n_orgs, k=k)
    counts = np.minimum(np.asarray(members.sum(axis=0)).ravel(), k).astype(np.int64)
    harmonic = np.r_[0.0, np.cumsum(1.0 / np.arange(1, k + 1))]  # H_0 .. H_k
    weights = harmonic[counts]
    return np.divide(sums, weights, out=np.zeros(n_orgs, np.float32), where=weights > 0).astype(np.float32)


def neighbour_votes(
    members: sp.csr_matrix, project_scores: np.ndarray, n_orgs: int, *, n: int = 50, power: float = 2.0
) -> np.ndarray:
    """Each of the ``n`` most similar past projects votes ``score**power`` for each participant.

    Rewards organisations that keep appearing in the consortia of the closest projects.
    """
    top = _top_indices(project_scores, n)
    top = top[project_scores[top] > 0]
    if top.size == 0:
        return np.zeros(n_orgs, np.float32)
    weights = project_scores[top] ** power
    return np.asarray(members[top].T @ weights).ravel().astype(np.float32)


def best_passage(passage_org: np.ndarray, passage_scores: np.ndarray, n_orgs: int) -> tuple[np.ndarray, np.ndarray]:
    """Per organisation, its best passage score and that passage's index (-1 if none)."""
    best = np.zeros(n_orgs, np.float32)
    which = np.full(n_orgs, -1, np.int64)
    if passage_scores.size == 0:
        return best, which
    if passage_org.size < 2 or bool((passage_org[1:] >= passage_org[:-1]).all()):
        # grouped already (as in MatchIndex): no sort; the same pick (the last of tied bests)
        starts = np.r_[0, np.flatnonzero(np.diff(passage_org)) + 1]
        top = np.maximum.reduceat(passage_scores, starts)
        at_top = np.flatnonzero(passage_scores == np.repeat(top, np.diff(np.r_[starts, passage_scores.size])))
        group = passage_org[at_top]
        last = at_top[np.r_[group[1:] != group[:-1], True]]
        rows = passage_org[last]
        best[rows] = np.maximum(passage_scores[last], 0)
        which[rows] = last
        return best, which
    order = np.lexsort((passage_scores, passage_org))  # last of each org group = its best
    last = np.r_[np.flatnonzero(np.diff(passage_org[order])), order.size - 1]
    rows = passage_org[order[last]]
    best[rows] = np.maximum(passage_scores[order[last]], 0)
    which[rows] = order[last]
    return best, which


def standardise(scores: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
    """Scores as z-values over the organisations that have any signal (so sources can be added)."""
    pool = scores[mask] if mask is not None else scores
    if pool.size < 2:
        return np.zeros_like(scores)
    spread = float(pool.std())
    if spread == 0:
        return np.zeros_like(scores)
    return (scores - float(pool.mean())) / spread


def network_closeness(collaboration: sp.csr_matrix, seed_row: int) -> tuple[np.ndarray, np.ndarray]:
    """How close each organisation is to the seed in the collaboration network.

    Returns ``(partners, partners_of_partners)``: ``log1p`` of joint projects with the
    seed, and ``log1p`` of the two-step paths for those who are not direct partners.
    Both are zero for the seed itself.
    """
    direct = np.zeros(collaboration.shape[0], np.float32)
    row = collaboration[seed_row]
    direct[row.indices] = row.data
    paths = np.asarray(collaboration.T @ direct).ravel()
    second = np.log1p(paths) * (direct == 0)
    direct = np.log1p(direct)
    direct[seed_row] = second[seed_row] = 0
    return direct.astype(np.float32), second.astype(np.float32)


def top_k(scores: np.ndarray, k: int, allowed: np.ndarray | None = None) -> np.ndarray:
    """Indices of the ``k`` best scores, best first; ties broken by index (stable)."""
    idx = np.flatnonzero(allowed) if allowed is not None else np.arange(scores.size)
    if idx.size == 0 or k <= 0:
        return idx[:0]
    if idx.size > k:
        part = np.argpartition(-scores[idx], k - 1)[:k]
        idx = idx[part]
    return idx[np.lexsort((idx, -scores[idx]))]


def _top_indices(scores: np.ndarray, n: int) -> np.ndarray:
    if scores.size <= n:
        return np.arange(scores.size)
    return np.argpartition(-scores, n - 1)[:n]
