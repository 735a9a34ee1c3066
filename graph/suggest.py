"""Suggested introductions: pairs that have never worked together but should meet.

Candidates are the pairs at distance two: not tied, but with at least one
partner in common. Each gets the three classic neighbourhood scores
networkx offers (``common_neighbors``, ``adamic_adar_index``,
``resource_allocation_index``); they are computed here for all pairs at once
as sparse matrix products (``A · diag(w) · A``), which gives the same numbers
and is fast enough for networks of thousands of organisations.

Fusion with competence similarity
---------------------------------
``similarity`` is a function ``(org_a, org_b) -> float`` in [0, 1] supplied
by the matching side (graph/ never imports a model). It re-weights the
candidates, it does not add new ones::

    score = (1 - alpha) * (1 - (rank - 1) / n) + alpha * similarity

where ``rank`` is the pair's rank by the structural score among the ``n``
pooled candidates (1 = best, ties share their average rank). Ranks rather
than raw scores, because neighbourhood scores are heavy-tailed (two hubs
share hundreds of partners) and dividing by the maximum squashes everyone
else to zero. The *pool* is the best candidates by the structural score
(``pool``, default ``max(50 * k, 5000)``; all candidates when suggesting for
given organisations), which bounds the number of similarity calls.

The defaults (Adamic–Adar, ``alpha`` = :data:`DEFAULT_ALPHA`, rank fusion)
were chosen on the H2020 set predicting the ties of 2017 from the network up
to 2016, among common neighbours / Adamic–Adar / resource allocation, raw /
log / rank normalisation and alpha 0.3 / 0.5 / 0.7; ``bench/bench_graph.py``
reports the held-out ties of 2018 predicted from the network up to 2017, with
a TF-IDF competence similarity built in the bench script. Precision@k:

=====================================  ======  ======  ======  ======
2018 ties from the network up to 2017   P@10    P@50   P@100   P@500
=====================================  ======  ======  ======  ======
common neighbours (baseline)            0.40    0.28    0.26    0.126
Adamic–Adar                             0.50    0.32    0.24    0.122
resource allocation                     0.50    0.42    0.33    0.126
Adamic–Adar + similarity (default)      0.70    0.48    0.40    0.250
=====================================  ======  ======  ======  ======

On the 2017 validation split the default scores 0.50 / 0.38 / 0.36 / 0.228
against the baseline's 0.30 / 0.22 / 0.25 / 0.180. Without a similarity the
three structural scores are close and swap places between the two splits.
(These figures measure *prediction*: they were taken with the two rules
below turned off, ``overlap_weight=hub_weight=0``.)

Worth making
------------
Predicting who will work together next is not the same as suggesting whom to
introduce: the likeliest new ties are between giants that already share
dozens of partners, and they need no adviser. Each candidate's score is
therefore multiplied by :func:`worth_making`:

* pairs that already share most of their partners rank lower
  (``overlap_weight`` = :data:`OVERLAP_WEIGHT`), and
* the better connected the *less* connected of the two, the lower the pair
  (``hub_weight`` = :data:`HUB_WEIGHT`): an introduction that gives a small
  member a large partner counts, one between two giants does not.

Complementary competence is named from ``org_terms``; give it terms in the
reader's language (:func:`graph.terms.organisation_terms` with ``lang``), and
stop words of both languages never appear (:data:`graph.terms.STOP_WORDS`).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import networkx as nx
import numpy as np

from data.text import format_number, join_names, printable, t
from graph.terms import idf, top_terms

__all__ = [
    "DEFAULT_ALPHA",
    "HUB_WEIGHT",
    "METHODS",
    "OVERLAP_WEIGHT",
    "Introduction",
    "link_scores",
    "rank_scores",
    "suggest_introductions",
    "worth_making",
]

METHODS: tuple[str, ...] = ("adamic_adar", "resource_allocation", "common_neighbours")
#: Weight of competence similarity in the fused score (see the module docstring).
DEFAULT_ALPHA = 0.5
#: How much sharing most partners already lowers a pair's score (see "Worth making").
OVERLAP_WEIGHT = 0.8
#: How much a well-connected pair's score is lowered (see "Worth making").
HUB_WEIGHT = 0.5

Similarity = Callable[[str, str], float]


@dataclass(frozen=True)
class Introduction:
    """Two organisations worth introducing, with why."""

    org_a: str  # org_a < org_b
    org_b: str
    score: float  # the ranking score (fused when a similarity was given)
    common_neighbours: tuple[str, ...]  # shared partners, most telling first
    adamic_adar: float
    resource_allocation: float
    similarity: float | None
    shared_terms: tuple[str, ...]
    complementary: tuple[tuple[str, ...], tuple[str, ...]]  # (a's terms b lacks, b's terms a lacks)
    reasons: tuple[str, ...]

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)


def _weights(degree: np.ndarray, method: str) -> np.ndarray:
    # Common neighbours have degree >= 2, so log(degree) > 0 wherever it matters.
    with np.errstate(divide="ignore"):
        if method == "common_neighbours":
            return np.ones_like(degree)
        if method == "resource_allocation":
            return np.where(degree > 0, 1.0 / np.maximum(degree, 1), 0.0)
        if method == "adamic_adar":
            return np.where(degree > 1, 1.0 / np.log(np.maximum(degree, 2)), 0.0)
    raise ValueError(f"unknown method {method!r}; expected one of {', '.join(METHODS)}")


def _check(G: nx.Graph, nodes: Iterable[str] | None, method: str) -> list[str] | None:
    if G.is_directed() or G.is_multigraph():
        raise nx.NetworkXNotImplemented("link prediction here is for simple undirected graphs")
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; expected one of {', '.join(METHODS)}")
    if nodes is None:
        return None
    nodes = list(nodes)
    for u in nodes:
        if u not in G:
            raise nx.NodeNotFound(f"Node {u} not in G.")
    return nodes


def _score_matrix(G: nx.Graph, method: str, nodes: list[str] | None):
    """Upper-triangle sparse matrix of scores for unlinked pairs at distance two."""
    import scipy.sparse as sp

    order = list(G)
    if len(order) < 3:  # no pair can share a partner
        return order, sp.coo_array((len(order), len(order)))
    A = nx.to_scipy_sparse_array(G, nodelist=order, weight=None, dtype=np.float64, format="csr")
    A.setdiag(0)  # a self-loop is not a partner
    A.eliminate_zeros()
    degree = np.asarray(A.sum(axis=1)).ravel()
    W = sp.diags(_weights(degree, method))
    if nodes is None:
        S = (A @ W @ A).tocsr()
    else:
        position = {v: i for i, v in enumerate(order)}
        mask = np.zeros(len(order))
        mask[[position[u] for u in set(nodes)]] = 1.0
        # Pairs with at least one end in ``nodes``: their rows, mirrored, minus
        # the pairs with both ends there (which would be counted twice).
        half = (sp.diags(mask) @ A @ W @ A).tocsr()
        S = (half + half.T - half @ sp.diags(mask)).tocsr()
    S = sp.triu(S, k=1).tocsr()
    S = S - S.multiply(A)  # existing ties are not candidates
    S.eliminate_zeros()
    return order, S.tocoo()


def link_scores(
    G: nx.Graph, method: str = "adamic_adar", *, nodes: Iterable[str] | None = None
) -> Iterator[tuple[str, str, float]]:
    """Neighbourhood scores of all unlinked pairs that share a partner.

    Parameters
    ----------
    G : nx.Graph
    method : {"adamic_adar", "resource_allocation", "common_neighbours"}
        Same definitions as networkx's ``resource_allocation_index``,
        ``adamic_adar_index`` and ``common_neighbors`` (count).
    nodes : iterable, optional
        Only pairs with at least one end among these.

    Returns
    -------
    iterator of (u, v, score)
        One entry per pair, ``u`` before ``v`` in ``G``'s node order; in no
        particular order.

    Raises
    ------
    nx.NodeNotFound
        At call time, if one of ``nodes`` is not in ``G``.
    ValueError
        For an unknown method.

    Examples
    --------
    >>> G = nx.Graph([("a", "b"), ("b", "c"), ("c", "d"), ("b", "d")])
    >>> sorted((u, v, round(s, 3)) for u, v, s in link_scores(G, "resource_allocation"))
    [('a', 'c', 0.333), ('a', 'd', 0.333)]
    """
    nodes = _check(G, nodes, method)
    order, S = _score_matrix(G, method, nodes)
    return ((order[i], order[j], float(s)) for i, j, s in zip(S.row, S.col, S.data, strict=True))


def rank_scores(scores: Sequence[float]) -> list[float]:
    """``1 - (rank - 1) / n`` for scores, best first by value; tied scores share their average rank.

    >>> rank_scores([5.0, 3.0, 3.0, 1.0])
    [1.0, 0.625, 0.625, 0.25]
    """
    from scipy.stats import rankdata

    n = len(scores)
    if not n:
        return []
    ranks = rankdata([-s for s in scores], method="average")
    return [float(1 - (r - 1) / n) for r in ranks]


def _best_pairs(order: list, S, size: int) -> list[tuple[str, str, float]]:
    """The ``size`` best pairs of the score matrix, by score then ids (numpy, no Python sort of millions)."""
    scores = S.data
    if len(scores) > size:
        threshold = np.partition(scores, len(scores) - size)[len(scores) - size]
        keep = np.flatnonzero(scores >= threshold)
    else:
        keep = np.arange(len(scores))
    rank = np.empty(len(order), dtype=np.int64)
    rank[sorted(range(len(order)), key=lambda i: str(order[i]))] = np.arange(len(order))
    ri, rj = rank[S.row[keep]], rank[S.col[keep]]
    first, second = np.minimum(ri, rj), np.maximum(ri, rj)
    chosen = keep[np.lexsort((second, first, -scores[keep]))][:size]
    out = []
    for i, j, score in zip(S.row[chosen], S.col[chosen], scores[chosen], strict=True):
        u, v = (order[i], order[j]) if rank[i] < rank[j] else (order[j], order[i])
        out.append((u, v, float(score)))
    return out


def _telling_partners(G: nx.Graph, u: str, v: str) -> list[str]:
    common = set(G[u]) & set(G[v])
    return sorted(
        common,
        key=lambda z: (-min(G[u][z].get("weight", 1), G[v][z].get("weight", 1)), G.degree(z), str(z)),
    )


def _name(G: nx.Graph, v: str) -> str:
    return printable(str(G.nodes[v].get("name", v)))


def _reasons(
    G: nx.Graph,
    u: str,
    v: str,
    partners: list[str],
    shared: list[str],
    complementary: tuple[list[str], list[str]],
    similarity: float | None,
    lang: str,
) -> tuple[str, ...]:
    names = [_name(G, z) for z in partners[:2]]
    if len(partners) > 2:
        who = t(lang, "reason.partners_more", names=", ".join(names), more=len(partners) - 2)
    else:
        who = join_names(names, lang)
    first = t(lang, "reason.partners", partners=who)
    if shared:
        first = t(lang, "reason.on", reason=first, terms=join_names(shared, lang))
    reasons = [first]
    if complementary[0] and complementary[1]:
        reasons.append(
            t(lang, "reason.complementary", a=", ".join(complementary[0]), b=", ".join(complementary[1]))
        )
    if similarity is not None:
        reasons.append(t(lang, "reason.similarity", value=format_number(similarity, lang, decimals=2)))
    return tuple(reasons)


def worth_making(
    G: nx.Graph,
    u: str,
    v: str,
    *,
    overlap_weight: float = OVERLAP_WEIGHT,
    hub_weight: float = HUB_WEIGHT,
    degree: Mapping[str, int] | None = None,
    top_degree: float | None = None,
) -> float:
    """How much an introduction of ``u`` and ``v`` adds, in (0, 1]: 1 for two newcomers with one partner in common.

    ``(1 - overlap_weight * overlap) * (1 - hub_weight * served)``, where
    ``overlap`` is the share of the less connected one's partners the two
    already share, ``common / (its partners + 1)`` (they move in the same
    circle; the + 1 keeps a newcomer with one partner from counting as a
    closed circle), and ``served`` is how well
    connected the less connected one is, ``log(1 + degree) / log(1 + the
    largest degree in G)`` (two giants need no introduction).

    Examples
    --------
    Two giants that share most of their partners against two small firms with one partner in common:

    >>> G = nx.Graph([(x, y) for x in "AB" for y in "cdefg"] + [("h", "c"), ("i", "c")])
    >>> round(worth_making(G, "A", "B"), 3), round(worth_making(G, "h", "i"), 3)
    (0.167, 0.484)
    """
    if degree is None:
        degree = dict(G.degree())
    if top_degree is None:
        top_degree = math.log1p(max(degree.values(), default=1))
    du, dv = degree[u], degree[v]
    smaller = min(du, dv)
    common = len(G.adj[u].keys() & G.adj[v].keys()) if smaller else 0
    overlap = common / (smaller + 1)
    served = math.log1p(smaller) / top_degree if top_degree > 0 else 0.0
    return (1 - overlap_weight * overlap) * (1 - hub_weight * served)


def suggest_introductions(
    G: nx.Graph,
    *,
    similarity: Similarity | None = None,
    org_terms: Mapping[str, Counter] | None = None,
    k: int = 20,
    nodes: Iterable[str] | None = None,
    method: str = "adamic_adar",
    alpha: float = DEFAULT_ALPHA,
    pool: int | None = None,
    lang: str = "en",
    overlap_weight: float = OVERLAP_WEIGHT,
    hub_weight: float = HUB_WEIGHT,
) -> list[Introduction]:
    """The ``k`` best introductions between organisations that have never worked together.

    Introductions worth making: besides sharing partners and competence, a
    pair ranks higher the fewer of its partners it already shares, and the
    less connected its better-served member is (module docstring, "Worth
    making").

    Parameters
    ----------
    G : nx.Graph
        A collaboration graph (:func:`graph.build.build_collaboration_graph`).
    similarity : callable, optional
        ``(org_a, org_b) -> float`` in [0, 1], competence similarity from the
        matching side; re-weights candidates (module docstring). Values are
        clipped to [0, 1]; a non-finite value raises ``ValueError``.
    org_terms : mapping, optional
        org id -> Counter of terms (:func:`graph.terms.organisation_terms`),
        for the shared and complementary terms in the reasons.
    k : int
        How many to return.
    nodes : iterable, optional
        Only introductions involving these organisations.
    method : str
        Structural score, one of :data:`METHODS`.
    alpha : float
        Weight of similarity in [0, 1].
    pool : int, optional
        Candidates re-weighted by similarity (default ``max(50 * k, 5000)``;
        ignored when ``nodes`` is given: all their candidates are used).
    lang : {"nb", "en"}
        Language of the reasons.
    overlap_weight, hub_weight : float
        How much a shared circle of partners and a well-served pair lower the
        score (0 turns a rule off, e.g. to predict ties rather than suggest them).

    Returns
    -------
    list of Introduction
        Best first; ties by ids.

    Raises
    ------
    nx.NodeNotFound
        If one of ``nodes`` is not in ``G``.
    ValueError
        For bad ``k``, ``alpha``, ``method``, ``lang`` or weights.

    Examples
    --------
    Two organisations that both work with SINTEF but not with each other:

    >>> G = nx.Graph([("sintef", "a"), ("sintef", "b"), ("sintef", "c"), ("a", "c")])
    >>> G.add_nodes_from([("sintef", {"name": "SINTEF"}), ("a", {"name": "Aker"}), ("b", {"name": "Brim"})])
    >>> terms = {"a": Counter(hydrogen=3, electrolysis=2), "b": Counter(hydrogen=2, ferries=2),
    ...          "c": Counter(steel=1)}
    >>> [(i.org_a, i.org_b, i.reason) for i in suggest_introductions(G, org_terms=terms, k=1)]
    [('a', 'b', 'both work with SINTEF on hydrogen; complementary: electrolysis vs. ferries')]
    """
    nodes = _check(G, nodes, method)
    if k < 1:
        raise ValueError(f"k must be at least 1, not {k}")
    if not 0.0 <= alpha <= 1.0:
        raise ValueError(f"alpha must be between 0 and 1, not {alpha}")
    for name, weight in (("overlap_weight", overlap_weight), ("hub_weight", hub_weight)):
        if not 0.0 <= weight <= 1.0:
            raise ValueError(f"{name} must be between 0 and 1, not {weight}")
    t(lang, "and")  # fails early on an unknown language
    order, S = _score_matrix(G, method, nodes)
    if S.nnz == 0:
        return []
    reweighted = similarity is not None or overlap_weight > 0 or hub_weight > 0
    size = k if not reweighted else (S.nnz if nodes is not None else (pool or max(50 * k, 5000)))
    head = _best_pairs(order, S, size)
    if not reweighted:
        ranked = [(u, v, s, None) for u, v, s in head]
    else:
        structural = rank_scores([s for _, _, s in head])
        degree = dict(G.degree())
        top_degree = math.log1p(max(degree.values(), default=1))
        ranked = []
        for (u, v, _), rank_score in zip(head, structural, strict=True):
            sim = None
            score = rank_score
            if similarity is not None:
                sim = float(similarity(u, v))
                if not math.isfinite(sim):
                    raise ValueError(f"similarity({u!r}, {v!r}) returned {sim!r}")
                sim = min(max(sim, 0.0), 1.0)
                score = (1 - alpha) * rank_score + alpha * sim
            score *= worth_making(G, u, v, degree=degree, top_degree=top_degree, overlap_weight=overlap_weight,
                                  hub_weight=hub_weight)
            ranked.append((u, v, score, sim))
        ranked.sort(key=lambda r: (-r[2], str(r[0]), str(r[1])))
        ranked = ranked[:k]
    weights = idf(org_terms) if org_terms else {}
    out = []
    for u, v, score, sim in ranked:
        partners = _telling_partners(G, u, v)
        aa = sum(1.0 / math.log(G.degree(z)) for z in partners)
        ra = sum(1.0 / G.degree(z) for z in partners)
        tu = org_terms.get(u, Counter()) if org_terms else Counter()
        tv = org_terms.get(v, Counter()) if org_terms else Counter()
        both = Counter({w: min(tu[w], tv[w]) for w in tu.keys() & tv.keys()})
        shared = top_terms(both, weights, top=2)
        only_u = top_terms(tu, weights, top=2, exclude=tv.keys())
        only_v = top_terms(tv, weights, top=2, exclude=tu.keys())
        out.append(
            Introduction(
                org_a=u,
                org_b=v,
                score=score,
                common_neighbours=tuple(partners),
                adamic_adar=aa,
                resource_allocation=ra,
                similarity=sim,
                shared_terms=tuple(shared),
                complementary=(tuple(only_u), tuple(only_v)),
                reasons=_reasons(G, u, v, partners, shared, (only_u, only_v), sim, lang),
            )
        )
    return out
