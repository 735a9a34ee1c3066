"""Per-year metrics of the collaboration network.

Two kinds of figures, kept apart because they answer different questions:

*Activity in a year* (:class:`YearActivity`, :func:`activity_by_year`)
    What happened in projects that *started* that year: organisations and
    projects active, organisations seen for the first time, ties formed for
    the first time, ties between kinds, budgets, and who went quiet. "Active
    in year Y" means "took part in a project that started in Y" (the records
    carry start years only). Projects without a start year are left out of
    all yearly figures.

*Structure of a network* (:class:`NetworkMetrics`, :func:`network_metrics`)
    Density, components, centralities, communities and brokers of one graph:
    either the year's own graph or everything up to the year
    (``cumulative=True``).

:func:`yearly_metrics` puts both together, one :class:`YearMetrics` per year.

Definitions
-----------
degree
    number of distinct partners.
weighted degree
    joint projects summed over partners (the sum of edge ``weight``).
betweenness
    shortest-path betweenness on hop counts (a joint project is a tie; more
    joint projects make a tie stronger, not shorter), normalised as
    networkx's ``betweenness_centrality`` (``normalized=True,
    endpoints=False``). Exact up to :data:`BETWEENNESS_EXACT_MAX_NODES`
    nodes; above that estimated from :data:`BETWEENNESS_SAMPLE` sources drawn
    with a fixed seed, exactly as networkx's ``k``/``seed`` sampling does.
eigenvector
    weighted eigenvector centrality computed per connected component (it is
    undefined across components): each component's Perron vector is scaled so
    its squared entries sum to the component's share of the non-isolated
    nodes. On a connected graph this equals networkx's
    ``eigenvector_centrality(G, weight="weight")``; isolated nodes get 0.
brokers
    articulation points, ranked by how many organisations their removal cuts
    off from the largest remaining part of their component:
    ``cut_off = (component size - 1) - largest piece``.
communities
    Louvain (igraph's C implementation, weighted, fixed seed), each labelled by its most
    central members (weighted degree inside the community) and its most
    distinctive competence terms (:func:`graph.terms.distinctive_terms`).
quiet
    organisations whose latest project up to Y started exactly
    ``quiet_after`` years before Y: active once, then nothing for
    ``quiet_after`` years. Each is listed once, in the year it crosses the
    line, the most active before first (projects up to then), so the
    members most worth a call head the list.
cross-kind tie
    a tie between two organisations of different, known kinds.
"""

from __future__ import annotations

import math
import random
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import networkx as nx
import numpy as np

from data.models import Organisation, Participation, Project
from data.text import join_names, printable
from graph.build import RecordIndex, collaboration_graph_of, index_records
from graph.terms import distinctive_terms, name_words, profile_terms, project_terms

__all__ = [
    "BETWEENNESS_EXACT_MAX_NODES",
    "BETWEENNESS_SAMPLE",
    "Broker",
    "Centrality",
    "Community",
    "KindTies",
    "NetworkMetrics",
    "YearActivity",
    "YearMetrics",
    "activity_by_year",
    "betweenness",
    "brokers",
    "centralities",
    "communities",
    "community_name",
    "eigenvector",
    "network_metrics",
    "yearly_metrics",
]

#: Exact betweenness up to this many nodes (well inside a second there).
BETWEENNESS_EXACT_MAX_NODES = 2000
#: Sources sampled for betweenness on larger graphs (fixed seed).
BETWEENNESS_SAMPLE = 512


# -- result types ---------------------------------------------------------------


@dataclass(frozen=True)
class Centrality:
    """How central one organisation is in one graph (see the module docstring)."""

    org_id: str
    degree: int
    weighted_degree: int
    betweenness: float
    eigenvector: float


@dataclass(frozen=True)
class Broker:
    """An organisation whose removal splits its part of the network."""

    org_id: str
    cut_off: int  # organisations separated from the largest remaining piece
    pieces: tuple[int, ...]  # sizes of the parts left after removal, largest first
    component_size: int


@dataclass(frozen=True)
class Community:
    """A Louvain community, with a label people can read."""

    members: tuple[str, ...]  # most central first
    central: tuple[str, ...]  # the few most central members
    terms: tuple[str, ...]  # most distinctive competence terms
    label: str  # "Name A, Name B, Name C — term, term"

    @property
    def size(self) -> int:
        return len(self.members)


@dataclass(frozen=True)
class KindTies:
    """Ties between two kinds of organisation in one year (kinds sorted; ``""`` = unknown)."""

    kind_a: str
    kind_b: str
    ties: int
    new_ties: int

    @property
    def cross_kind(self) -> bool:
        return bool(self.kind_a) and bool(self.kind_b) and self.kind_a != self.kind_b


@dataclass(frozen=True)
class YearActivity:
    """What happened in the projects that started in one year."""

    year: int
    organisations: tuple[str, ...]  # active this year, sorted
    projects: tuple[str, ...]  # started this year, sorted
    new_organisations: tuple[str, ...]  # first project ever this year
    ties: int  # distinct pairs that worked together this year
    new_ties: tuple[tuple[str, str], ...]  # pairs that never had before, sorted
    kind_ties: tuple[KindTies, ...]  # most ties first
    quiet: tuple[str, ...]  # see module docstring; most projects before first
    budget_nok: float | None  # sum over projects with a budget; None if none has one
    budget_projects: int  # how many projects carried a budget

    @property
    def cross_kind_ties(self) -> int:
        return sum(k.ties for k in self.kind_ties if k.cross_kind)

    @property
    def new_cross_kind_ties(self) -> int:
        return sum(k.new_ties for k in self.kind_ties if k.cross_kind)


@dataclass(frozen=True)
class NetworkMetrics:
    """Structure of one collaboration graph."""

    nodes: int
    edges: int
    density: float
    components: int
    largest_component: int
    centrality: tuple[Centrality, ...]  # every node, by weighted degree, degree, id
    communities: tuple[Community, ...]  # largest first
    brokers: tuple[Broker, ...]  # most cut off first
    betweenness_sources: int | None  # None = exact; otherwise the sample size

    def centrality_of(self, org_id: str) -> Centrality:
        for c in self.centrality:
            if c.org_id == org_id:
                return c
        raise nx.NodeNotFound(f"Node {org_id} not in the network.")


@dataclass(frozen=True)
class YearMetrics:
    """One year: its activity and the structure of its network."""

    year: int
    cumulative: bool  # network = everything up to ``year`` (True) or ``year`` alone
    activity: YearActivity
    network: NetworkMetrics


# -- centrality -------------------------------------------------------------------


def betweenness(G: nx.Graph, *, k: int | None = None, seed: int = 0) -> dict[str, float]:
    """Shortest-path betweenness on hop counts, normalised like networkx.

    Brandes' algorithm run level by level for a batch of sources at once as
    sparse matrix products, which is an order of magnitude faster than
    networkx's per-source Python loop. Values equal
    ``nx.betweenness_centrality(G, k=k, seed=seed)`` (same sampled sources).

    Parameters
    ----------
    G : nx.Graph
        Undirected; edge weights are ignored.
    k : int, optional
        Number of sampled sources; None for exact.
    seed : int
        Seed of the source sample.

    Returns
    -------
    dict
        node -> betweenness.

    Raises
    ------
    ValueError
        If ``k`` is not between 1 and the number of nodes.

    Examples
    --------
    >>> G = nx.path_graph(["a", "b", "c", "d"])
    >>> {v: round(b, 3) for v, b in betweenness(G).items()}
    {'a': 0.0, 'b': 0.667, 'c': 0.667, 'd': 0.0}
    """
    if G.is_directed():
        raise nx.NetworkXNotImplemented("betweenness here is for undirected graphs")
    nodes, A = _adjacency(G, None)
    return _betweenness(nodes, A, k=k, seed=seed)


def _adjacency(G: nx.Graph, weight: str | None):
    """(nodes in G's order, symmetric CSR adjacency), self-loops dropped; built in one pass over the edges."""
    import scipy.sparse as sp

    nodes = list(G)
    index = {v: i for i, v in enumerate(nodes)}
    rows: list[int] = []
    cols: list[int] = []
    values: list[float] = []
    edges = G.edges(data=weight, default=1) if weight else ((u, v, 1) for u, v in G.edges())
    for u, v, w in edges:
        if u != v:
            i, j = index[u], index[v]
            rows += (i, j)
            cols += (j, i)
            values += (w, w)
    A = sp.csr_array((np.asarray(values, dtype=np.float64), (rows, cols)), shape=(len(nodes), len(nodes)))
    return nodes, A


def _betweenness(nodes: list, A, *, k: int | None, seed: int) -> dict[str, float]:
    n = len(nodes)
    if k is not None and not 1 <= k <= n:
        raise ValueError(f"k={k} sources asked for, but the graph has {n} nodes")
    out = dict.fromkeys(nodes, 0.0)
    if n < 3:
        return out
    if k == n:
        k = None
    sources = nodes if k is None else random.Random(seed).sample(nodes, k)
    import igraph
    import scipy.sparse as sp

    position = {v: i for i, v in enumerate(nodes)}
    upper = sp.triu(A, k=1).tocoo()  # hop counts: weights do not make a path shorter
    graph = igraph.Graph(n=n, edges=np.column_stack([upper.row, upper.col]).tolist())
    # Brandes in C (igraph); it counts each unordered pair once, the sums below count both ways.
    chosen = None if k is None else [position[s] for s in sources]
    total = 2.0 * np.asarray(graph.betweenness(directed=False, sources=chosen), dtype=np.float64)
    # networkx's rescaling for normalized=True, endpoints=False, undirected.
    big_n = n - 1
    if k is None:
        scale = np.full(n, 1.0 / (big_n * (big_n - 1)))
    else:
        scale = np.full(n, 1.0 / (k * (big_n - 1)))
        scale[[position[s] for s in sources]] = 1.0 / ((k - 1) * (big_n - 1)) if k > 1 else math.nan
    values = total * scale
    return {v: float(values[i]) for i, v in enumerate(nodes)}


def eigenvector(G: nx.Graph, *, weight: str | None = "weight") -> dict[str, float]:
    """Eigenvector centrality that is defined on disconnected graphs.

    Computed per connected component (see the module docstring for the
    scaling); equal to ``nx.eigenvector_centrality(G, weight=weight)`` on a
    connected graph. Never fails on empty, one-node or edgeless graphs
    (isolated nodes get 0).

    Examples
    --------
    >>> G = nx.Graph([("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")])
    >>> {v: round(x, 3) for v, x in eigenvector(G).items()}
    {'a': 0.523, 'b': 0.523, 'c': 0.612, 'd': 0.282}
    """
    nodes, A = _adjacency(G, weight)
    return _eigenvector(nodes, A)


def _eigenvector(nodes: list, A) -> dict[str, float]:
    from scipy.sparse.csgraph import connected_components
    from scipy.sparse.linalg import eigsh

    out = dict.fromkeys(nodes, 0.0)
    if not nodes:
        return out
    _, labels = connected_components(A, directed=False)
    order = np.argsort(labels, kind="stable")
    groups = np.split(order, np.flatnonzero(np.diff(labels[order])) + 1)
    groups = [g for g in groups if len(g) > 1]
    covered = sum(len(g) for g in groups)
    for idx in groups:
        if len(idx) == 2:
            vector = np.ones(2)
        else:
            block = A[idx][:, idx]
            if len(idx) <= 500:
                _, vectors = np.linalg.eigh(block.toarray())
                vector = vectors[:, -1]
            else:
                _, vectors = eigsh(block, k=1, which="LA", v0=np.ones(len(idx)))
                vector = vectors[:, 0]
        vector = np.clip(vector * np.sign(vector.sum()), 0.0, None)
        vector *= math.sqrt(len(idx) / covered) / np.linalg.norm(vector)
        out.update(zip((nodes[i] for i in idx), vector.tolist(), strict=True))
    return out


def centralities(
    G: nx.Graph, *, betweenness_k: int | None | str = "auto", seed: int = 0
) -> dict[str, Centrality]:
    """Degree, weighted degree, betweenness and eigenvector centrality of every node.

    Parameters
    ----------
    G : nx.Graph
    betweenness_k : int, None or "auto"
        Sources for betweenness: "auto" is exact up to
        :data:`BETWEENNESS_EXACT_MAX_NODES` nodes and :data:`BETWEENNESS_SAMPLE`
        above; None is always exact.
    seed : int

    Examples
    --------
    >>> G = nx.Graph([("hub", "a", {"weight": 2}), ("hub", "b", {"weight": 1}), ("hub", "c", {"weight": 1})])
    >>> c = centralities(G)["hub"]
    >>> c.degree, c.weighted_degree, c.betweenness
    (3, 4, 1.0)
    """
    if G.is_directed():
        raise nx.NetworkXNotImplemented("centralities here are for undirected graphs")
    k = _betweenness_k(G, betweenness_k)
    nodes, A = _adjacency(G, "weight")  # built once for both
    between = _betweenness(nodes, A, k=k, seed=seed)
    eigen = _eigenvector(nodes, A)
    weighted = dict(G.degree(weight="weight"))
    return {
        v: Centrality(v, G.degree(v), int(weighted[v]), between[v], eigen[v])
        for v in G
    }


def _betweenness_k(G: nx.Graph, betweenness_k: int | None | str) -> int | None:
    if betweenness_k == "auto":
        return None if len(G) <= BETWEENNESS_EXACT_MAX_NODES else BETWEENNESS_SAMPLE
    if betweenness_k is None or isinstance(betweenness_k, int):
        return betweenness_k
    raise ValueError(f"betweenness_k must be an int, None or 'auto', not {betweenness_k!r}")


# -- brokers ------------------------------------------------------------------------


def brokers(G: nx.Graph) -> list[Broker]:
    """Articulation points ranked by how many organisations they cut off.

    Linear time: one depth-first search per component gives, for each
    articulation point, the sizes of the parts its removal leaves.

    Returns
    -------
    list of Broker
        Sorted by ``cut_off`` (descending), then by the number of pieces
        (descending), then by id.

    Examples
    --------
    Two triangles joined by the edge c–d: removing c or d leaves pieces of 3
    and 2, cutting 2 organisations off the larger part.

    >>> G = nx.Graph([("a", "b"), ("b", "c"), ("c", "a"), ("c", "d"), ("d", "e"), ("e", "f"), ("f", "d")])
    >>> [(b.org_id, b.cut_off, b.pieces) for b in brokers(G)]
    [('c', 2, (3, 2)), ('d', 2, (3, 2))]
    """
    found: list[Broker] = []
    for component in nx.connected_components(G):
        size = len(component)
        if size < 3:
            continue
        root = min(component, key=str)
        disc = {root: 0}
        low = {root: 0}
        sub = {root: 1}
        separated: dict[str, list[int]] = defaultdict(list)
        clock = 1
        stack = [(root, None, iter(G[root]))]
        while stack:
            v, parent, neighbours = stack[-1]
            for w in neighbours:
                if w == parent or w == v:
                    continue
                if w in disc:
                    low[v] = min(low[v], disc[w])
                else:
                    disc[w] = low[w] = clock
                    sub[w] = 1
                    clock += 1
                    stack.append((w, v, iter(G[w])))
                    break
            else:
                stack.pop()
                if parent is not None:
                    low[parent] = min(low[parent], low[v])
                    sub[parent] += sub[v]
                    if low[v] >= disc[parent]:
                        separated[parent].append(sub[v])
        for v, parts in separated.items():
            pieces = list(parts)
            if v != root:
                pieces.append(size - 1 - sum(parts))
            if len(pieces) < 2:
                continue
            pieces.sort(reverse=True)
            found.append(Broker(v, size - 1 - pieces[0], tuple(pieces), size))
    found.sort(key=lambda b: (-b.cut_off, -len(b.pieces), b.org_id))
    return found


# -- communities ------------------------------------------------------------------------


_IGRAPH_RNG = threading.Lock()  # igraph's random generator is one per process


def louvain(G: nx.Graph, *, seed: int = 0) -> list[set]:
    """Louvain communities of a weighted graph, the same for the same graph and seed.

    igraph's ``community_multilevel`` rather than ``nx.community.louvain_communities``:
    the same method in C, about 8x faster (20,000 organisations, 306,560 ties: 13.4 s -> 1.7 s;
    modularity 0.692 vs 0.695) and the part of the metrics that grew worst with the
    register's size (BENCHMARKS.md). Nodes go to igraph in ``G``'s order.

    >>> G = nx.Graph([("a", "b"), ("b", "c"), ("c", "a"), ("c", "d"), ("d", "e"), ("e", "f"), ("f", "d")])
    >>> sorted(sorted(c) for c in louvain(G))
    [['a', 'b', 'c'], ['d', 'e', 'f']]
    """
    import igraph

    nodes = list(G)
    position = {v: i for i, v in enumerate(nodes)}
    graph = igraph.Graph(n=len(nodes), edges=[(position[u], position[v]) for u, v in G.edges()])
    weights = [float(w) for _, _, w in G.edges(data="weight", default=1)]
    with _IGRAPH_RNG:
        igraph.set_random_number_generator(random.Random(seed))
        try:
            membership = graph.community_multilevel(weights=weights).membership
        finally:
            igraph.set_random_number_generator(random)
    groups: dict[int, set] = {}
    for v, group in zip(nodes, membership, strict=True):
        groups.setdefault(group, set()).add(v)
    return list(groups.values())


def communities(
    G: nx.Graph,
    *,
    project_terms: Mapping[str, frozenset[str]] | None = None,
    profile_terms: Mapping[str, frozenset[str]] | None = None,
    seed: int = 0,
    central: int = 3,
    terms: int = 3,
) -> list[Community]:
    """Louvain communities, each with a readable label.

    The label's terms come from the community's *documents*: the projects
    its members share (the ``projects`` on edges inside it) and the members'
    own profiles, scored against all documents of ``G`` with
    :func:`graph.terms.distinctive_terms`. Counting shared projects rather
    than members keeps one large consortium from stamping its abstract's
    wording on every community it touches.

    Parameters
    ----------
    G : nx.Graph
        Edge ``weight`` and ``projects`` are used, and node ``name`` in labels.
    project_terms : mapping, optional
        project id -> terms (:func:`graph.terms.project_terms`).
    profile_terms : mapping, optional
        org id -> terms (:func:`graph.terms.profile_terms`).
        Without either, labels carry names only.
    seed : int
        Louvain's seed, so the same graph gives the same communities.
    central, terms : int
        How many members and terms go into the label.

    Returns
    -------
    list of Community
        Largest first (ties by first member id). Isolated nodes form
        one-member communities.

    Examples
    --------
    >>> G = nx.Graph([("a", "b"), ("b", "c"), ("c", "a"), ("c", "d"), ("d", "e"), ("e", "f"), ("f", "d")])
    >>> [c.members for c in communities(G)]
    [('a', 'b', 'c'), ('d', 'e', 'f')]
    """
    if len(G) == 0:
        return []
    parts = louvain(G, seed=seed) if G.number_of_edges() else [{v} for v in G]
    project_terms = project_terms or {}
    profile_terms = profile_terms or {}
    labelled = bool(project_terms or profile_terms)
    if labelled:
        all_projects = {p for _, _, ids in G.edges(data="projects", default=()) for p in ids}
        background: Counter = Counter()
        n_background = 0
        for doc in [project_terms[p] for p in all_projects if p in project_terms] + [
            profile_terms[v] for v in G if v in profile_terms
        ]:
            background.update(doc)
            n_background += 1
    # One pass over the edges: strength inside the community and shared projects.
    community_of = {v: i for i, part in enumerate(parts) for v in part}
    strength: Counter = Counter()
    shared: dict[int, set[str]] = defaultdict(set)
    for u, v, data in G.edges(data=True):
        if community_of[u] == community_of[v]:
            w = data.get("weight", 1)
            strength[u] += w
            strength[v] += w
            shared[community_of[u]].update(data.get("projects", ()))
    found = []
    for i, part in enumerate(parts):
        members = tuple(sorted(part, key=lambda v: (-strength[v], str(v))))
        top = members[:central]
        words: tuple[str, ...] = ()
        if labelled:
            documents = [project_terms[p] for p in sorted(shared[i]) if p in project_terms]
            documents += [profile_terms[v] for v in members if v in profile_terms]
            # Fewer than three texts name a consortium's abstract, not a community: no terms then.
            if len(documents) >= 3:
                words = tuple(distinctive_terms(documents, background, n_background, top=terms, min_documents=2))
        names = ", ".join(printable(str(G.nodes[v].get("name", v))) for v in top)
        label = f"{names} — {', '.join(words)}" if words else names
        found.append(Community(members, top, words, label))
    found.sort(key=lambda c: (-c.size, str(c.members[0])))
    return found


def community_name(community: Community, lang: str) -> str:
    """A community's name from its most distinctive terms: "Hydrogen, ferries and fuel cells".

    ``""`` when it has no terms (none of its texts is in the reader's language); callers then
    name it after its most central members.

    >>> c = Community(("a", "b"), ("a",), ("hydrogen", "ferjer", "brenselceller"), "")
    >>> community_name(c, "nb")
    'Hydrogen, ferjer og brenselceller'
    """
    if community.terms:
        text = join_names(list(community.terms), lang)
        return text[:1].upper() + text[1:]
    return ""


# -- whole-graph metrics ----------------------------------------------------------------


def network_metrics(
    G: nx.Graph,
    *,
    project_terms: Mapping[str, frozenset[str]] | None = None,
    profile_terms: Mapping[str, frozenset[str]] | None = None,
    seed: int = 0,
    betweenness_k: int | None | str = "auto",
) -> NetworkMetrics:
    """Density, components, centralities, communities and brokers of ``G``.

    Examples
    --------
    >>> m = network_metrics(nx.star_graph(["hub", "a", "b", "c"]))
    >>> m.nodes, m.edges, m.density, m.components, m.brokers[0].org_id, m.brokers[0].cut_off
    (4, 3, 0.5, 1, 'hub', 2)
    """
    components = [len(c) for c in nx.connected_components(G)]
    cent = centralities(G, betweenness_k=betweenness_k, seed=seed)
    ranked = tuple(sorted(cent.values(), key=lambda c: (-c.weighted_degree, -c.degree, c.org_id)))
    return NetworkMetrics(
        nodes=G.number_of_nodes(),
        edges=G.number_of_edges(),
        density=nx.density(G) if len(G) > 1 else 0.0,
        components=len(components),
        largest_component=max(components, default=0),
        centrality=ranked,
        communities=tuple(communities(G, project_terms=project_terms, profile_terms=profile_terms, seed=seed)),
        brokers=tuple(brokers(G)),
        betweenness_sources=_betweenness_k(G, betweenness_k),
    )


# -- activity per year ------------------------------------------------------------------


def activity_of(index: RecordIndex, quiet_after: int) -> dict[int, YearActivity]:
    by_year: dict[int, list[Project]] = defaultdict(list)
    for project in index.projects:
        if project.start_year is not None:
            by_year[project.start_year].append(project)
    if not by_year:
        return {}
    seen_orgs: set[str] = set()
    seen_ties: set[tuple[str, str]] = set()
    last_active: dict[str, int] = {}
    done: Counter = Counter()  # projects each organisation has taken part in so far
    out = {}
    kind = {org_id: org.kind for org_id, org in index.organisations.items()}
    for year in range(min(by_year), max(by_year) + 1):
        projects = by_year.get(year, [])
        active: set[str] = set()
        ties: set[tuple[str, str]] = set()
        for project in projects:
            members = index.members.get(project.project_id, ())
            active.update(members)
            done.update(members)
            for i, u in enumerate(members):
                for v in members[i + 1 :]:
                    ties.add((u, v))
        new_ties = ties - seen_ties
        per_kind: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
        for u, v in ties:
            pair = tuple(sorted((kind.get(u, ""), kind.get(v, ""))))
            per_kind[pair][0] += 1
            if (u, v) in new_ties:
                per_kind[pair][1] += 1
        kind_ties = tuple(
            KindTies(a, b, n, new)
            for (a, b), (n, new) in sorted(per_kind.items(), key=lambda item: (-item[1][0], item[0]))
        )
        for org_id in active:
            last_active[org_id] = year
        quiet = tuple(sorted((o for o, last in last_active.items() if last == year - quiet_after),
                             key=lambda o: (-done[o], o)))
        budgets = [p.budget_nok for p in projects if p.budget_nok is not None]
        out[year] = YearActivity(
            year=year,
            organisations=tuple(sorted(active)),
            projects=tuple(sorted(p.project_id for p in projects)),
            new_organisations=tuple(sorted(active - seen_orgs)),
            ties=len(ties),
            new_ties=tuple(sorted(new_ties)),
            kind_ties=kind_ties,
            quiet=quiet,
            budget_nok=float(sum(budgets)) if budgets else None,
            budget_projects=len(budgets),
        )
        seen_orgs |= active
        seen_ties |= ties
    return out


def activity_by_year(
    organisations: Iterable[Organisation],
    projects: Iterable[Project],
    participations: Iterable[Participation],
    *,
    quiet_after: int = 2,
) -> dict[int, YearActivity]:
    """Activity figures for every year from the first to the last project start.

    Cheap (one pass over the records); years without projects are included
    with zero counts so charts have no gaps.

    Parameters
    ----------
    quiet_after : int
        Years without a new project after which an organisation counts as
        gone quiet (see the module docstring).

    Raises
    ------
    ValueError
        For bad records (see :func:`graph.build.build_collaboration_graph`)
        or ``quiet_after < 1``.

    Examples
    --------
    >>> from data.models import Organisation, Participation, Project
    >>> orgs = [Organisation("a", "A", kind="company"), Organisation("b", "B", kind="research"),
    ...         Organisation("c", "C", kind="company"), Organisation("d", "D", kind="company")]
    >>> projects = [Project("p1", "One", start_year=2016), Project("p2", "Two", start_year=2017)]
    >>> parts = [Participation("p1", "a"), Participation("p1", "b"),
    ...          Participation("p2", "a"), Participation("p2", "b"), Participation("p2", "c")]
    >>> act = activity_by_year(orgs, projects, parts)
    >>> act[2017].new_organisations, act[2017].new_ties, act[2017].cross_kind_ties
    (('c',), (('a', 'c'), ('b', 'c')), 2)
    """
    if quiet_after < 1:
        raise ValueError(f"quiet_after must be at least 1, not {quiet_after}")
    return activity_of(index_records(organisations, projects, participations), quiet_after)


def yearly_metrics(
    organisations: Sequence[Organisation],
    projects: Sequence[Project],
    participations: Sequence[Participation],
    *,
    years: Iterable[int] | None = None,
    cumulative: bool = False,
    with_terms: bool = True,
    quiet_after: int = 2,
    seed: int = 0,
    betweenness_k: int | None | str = "auto",
) -> list[YearMetrics]:
    """Activity and network structure, year by year.

    Parameters
    ----------
    organisations, projects, participations : sequences of records
    years : iterable of int, optional
        Which years; default every year from the first to the last project start.
    cumulative : bool
        Measure the structure of everything up to each year (True) or of the
        year's own projects (False).
    with_terms : bool
        Label communities with competence terms (from the projects in each
        year's graph and the organisations' profiles).
    quiet_after, seed, betweenness_k
        See :func:`activity_by_year` and :func:`network_metrics`.

    Returns
    -------
    list of YearMetrics
        In year order.

    Raises
    ------
    ValueError
        For bad records, or a year outside the data.

    Examples
    --------
    >>> from data.models import Organisation, Participation, Project
    >>> orgs = [Organisation(x, x.upper()) for x in "abcd"]
    >>> projects = [Project("p1", "One", start_year=2016), Project("p2", "Two", start_year=2017)]
    >>> parts = [Participation("p1", "a"), Participation("p1", "b"), Participation("p2", "b"),
    ...          Participation("p2", "c"), Participation("p2", "d")]
    >>> [(m.year, m.network.nodes, m.network.edges) for m in yearly_metrics(orgs, projects, parts, cumulative=True)]
    [(2016, 2, 1), (2017, 4, 4)]
    """
    if quiet_after < 1:
        raise ValueError(f"quiet_after must be at least 1, not {quiet_after}")
    index = index_records(organisations, projects, participations)
    activity = activity_of(index, quiet_after)
    wanted = sorted(activity) if years is None else sorted(set(years))
    missing = [y for y in wanted if y not in activity]
    if missing:
        span = f"{min(activity)}–{max(activity)}" if activity else "none"
        raise ValueError(f"no data for year {missing[0]} (project years: {span})")
    if with_terms:
        names = name_words(index.organisations.values())
        texts = (project_terms(index.projects, exclude=names), profile_terms(index.organisations.values()))
    else:
        texts = (None, None)
    out = []
    for year in wanted:
        G = collaboration_graph_of(index, None if cumulative else year, year)
        network = network_metrics(
            G, project_terms=texts[0], profile_terms=texts[1], seed=seed, betweenness_k=betweenness_k
        )
        out.append(YearMetrics(year, cumulative, activity[year], network))
    return out
