"""The network page's views as plain rows: what the browser is sent, and nothing more.

Two steps, so that changing a view costs little:

1. :func:`year_network` does the heavy work once per year (and window): the
   graphs, the layout of the network up to the year (:func:`year_layout`,
   shared by every view of that year so nobody moves between views), the
   metrics, the communities and the suggested introductions. The app keeps
   the result while the data stays the same.
2. :func:`network_view` cuts one view out of it -- rows of nodes, ties and
   the labels that fit -- at the size it will be shown.

The views (:data:`VIEWS`), readable from 50 to 50,000 organisations:

``members``
    the cluster's members (:func:`graph.cluster.member_ids`) and their
    direct partners; the default.
``communities``
    one node per community, sized by its members, ties between communities
    added up.
``organisation``
    one organisation's neighbourhood: it in the middle, its partners around
    it by kind, its own ties highlighted and the ties among its partners in grey.

Each view can be filtered by kind, country and community. Names are placed
with :func:`graph.layout.place_labels` in the chart's own pixels, hubs first,
and only where they fit. At most ``max_edges`` ties are sent (the strongest
and this year's first); the view says how many were left out.
"""

from __future__ import annotations

import functools
import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import networkx as nx

from data.models import Organisation, Participation, Project
from data.text import printable
from graph.build import collaboration_graph_of, index_records, project_years, window
from graph.cluster import ClusterProfile, member_ids
from graph.draw import KIND_COLOURS, label_text
from graph.layout import LabelBox, place_labels, stable_layout
from graph.metrics import Community, YearMetrics, activity_of, community_name, network_metrics
from graph.suggest import Introduction, suggest_introductions
from graph.terms import name_words, naming_language, organisation_terms, profile_terms, project_terms

__all__ = [
    "KIND_COLOURS",
    "SIZE_METRICS",
    "VIEWS",
    "NetworkView",
    "Tie",
    "YearNetwork",
    "community_graph",
    "induced",
    "members_and_partners",
    "network_view",
    "project_years",
    "year_layout",
    "year_network",
]

VIEWS: tuple[str, ...] = ("members", "communities", "organisation")
SIZE_METRICS: tuple[str, ...] = ("weighted_degree", "betweenness", "eigenvector")

#: Marks are drawn with these areas (square pixels) from the smallest to the largest node.
MIN_AREA, MAX_AREA = 30.0, 900.0
#: Label font size in pixels, and an upper estimate of a character's width in it (sans-serif).
LABEL_PX = 11.0
CHAR_PX = 0.62 * LABEL_PX


@dataclass(frozen=True)
class Tie:
    partner: str
    name: str
    kind: str
    joint_projects: int
    years: tuple[int, ...]
    projects: tuple[str, ...]  # project titles


@dataclass(frozen=True)
class YearNetwork:
    """One year's network, measured once; every view of the year is cut from it."""

    year: int
    cumulative: bool
    lang: str
    graph: nx.Graph  # the window: the year alone, or everything up to it
    network: nx.Graph  # everything up to the year
    pos: dict[str, tuple[float, float]]  # layout of ``network``
    metrics: YearMetrics
    community_of: dict[str, int]  # org id -> index into metrics.network.communities
    members: frozenset[str]
    introductions: tuple[Introduction, ...]
    titles: dict[str, str]  # project id -> title

    # Computed on first use and kept (the page asks on every rerun; 5,470 names cost milliseconds
    # once, seconds when rebuilt for each community label).
    @functools.cached_property
    def names(self) -> dict[str, str]:
        return {v: printable(str(d.get("name", v))) for v, d in self.network.nodes(data=True)}

    @functools.cached_property
    def member_graph(self) -> nx.Graph:
        """The members and their direct partners in the window (:func:`members_and_partners`)."""
        return members_and_partners(self.graph, self.members)

    @functools.cached_property
    def member_network(self) -> nx.Graph:
        """The members and their direct partners in the network up to the year."""
        return self.member_graph if self.cumulative else members_and_partners(self.network, self.members)

    @property
    def communities(self) -> tuple[Community, ...]:
        return self.metrics.network.communities

    def options(self) -> dict[str, list]:
        """What the filters can offer: kinds and countries present, and communities of 2 or more."""
        kinds = sorted({d.get("kind", "") for _, d in self.graph.nodes(data=True)})
        countries = sorted({d.get("country", "") for _, d in self.graph.nodes(data=True)} - {""})
        communities = [i for i, c in enumerate(self.communities) if c.size >= 2]
        return {"kinds": kinds, "countries": countries, "communities": communities}

    def ties_of(self, org_id: str) -> list[Tie]:
        """``org_id``'s ties in the window, strongest first (empty when it has none)."""
        G = self.graph
        if org_id not in G:
            return []
        rows = [
            Tie(partner=w, name=printable(str(G.nodes[w].get("name", w))), kind=G.nodes[w].get("kind", ""),
                joint_projects=d.get("weight", 1), years=tuple(d.get("years", ())),
                projects=tuple(self.titles.get(p, p) for p in d.get("projects", ())))
            for w, d in G[org_id].items()
        ]
        rows.sort(key=lambda r: (-r.joint_projects, r.name))
        return rows


@dataclass(frozen=True)
class NetworkView:
    """One view, ready to draw: every row is something the browser shows."""

    view: str
    year: int
    cumulative: bool
    nodes: list[dict]  # org_id, name, kind, x, y, area, size, projects, partners, active, focus, community
    edges: list[dict]  # x, y, x2, y2, weight, active, mine
    labels: list[dict]  # x, y, text (names that fit, hubs first)
    extent: tuple[float, float, float, float]  # x0, x1, y0, y1 of the chart
    width: int
    height: int
    total_nodes: int  # nodes in the view before the edge cap (all are sent)
    total_edges: int  # ties in the view; len(edges) of them are sent
    focus: str | None = None


def year_layout(G: nx.Graph, *, seed: int = 0) -> dict[str, tuple[float, float]]:
    """The layout every view of a year shares: :func:`graph.layout.stable_layout` of the network up to it."""
    return stable_layout(G, seed=seed)


def members_and_partners(G: nx.Graph, members: Iterable[str]) -> nx.Graph:
    """The members in ``G`` and their direct partners, with every tie among them.

    >>> G = nx.Graph([("m", "a"), ("a", "b"), ("b", "c"), ("m", "d")])
    >>> sorted(members_and_partners(G, {"m"}).edges())
    [('a', 'm'), ('d', 'm')]
    """
    inside = {v for v in members if v in G}
    shown = set(inside)
    for v in inside:
        shown.update(G.adj[v])
    return induced(G, shown)


def induced(G: nx.Graph, nodes: Iterable[str]) -> nx.Graph:
    """The subgraph of ``G`` on ``nodes``, in sorted order, with node and edge attributes shared (not copied).

    ``G.subgraph(nodes).copy()`` filters every edge through a view and copies every attribute
    dict: seconds at 90,000 ties. This walks only the adjacency of the nodes kept.

    >>> H = induced(nx.Graph([("b", "a", {"weight": 2}), ("a", "c")]), {"a", "b"})
    >>> list(H), list(H.edges(data="weight"))
    (['a', 'b'], [('a', 'b', 2)])
    """
    keep = set(nodes)
    order = sorted(keep, key=str)
    H = nx.Graph()
    H.add_nodes_from((v, G.nodes[v]) for v in order)
    H.add_edges_from((u, w, d) for u in order for w, d in G.adj[u].items() if w in keep and str(u) < str(w))
    return H


def community_graph(G: nx.Graph, communities: Sequence[Community], *, lang: str,
                    keep: Callable[[str], bool] | None = None, min_size: int = 3, most: int = 60,
                    strongest: int = 3) -> nx.Graph:
    """One node per community (id = its index), ties between communities added up.

    The ``most`` largest communities of ``min_size`` members or more are kept
    (a picture of hundreds of three-member consortia reads as badly as a hairball), each with
    its ``strongest`` ties to the others.

    Node attributes: ``name`` (:func:`graph.metrics.community_name`, or its
    most central members' names when it has no terms), ``members`` (how many
    pass ``keep``); edge ``weight``: joint projects across.

    >>> G = nx.Graph([("a", "b"), ("b", "c"), ("c", "a"), ("c", "d"), ("d", "e"), ("e", "f"), ("f", "d")])
    >>> C = community_graph(G, [Community(("a", "b", "c"), ("c",), ("wind",), ""),
    ...                         Community(("d", "e", "f"), ("d",), (), "")], lang="en")
    >>> C.nodes[0]["name"], C.nodes[1]["name"], C[0][1]["weight"]
    ('Wind', 'd', 1)
    """
    keep = keep or (lambda v: True)
    of = {v: i for i, c in enumerate(communities) for v in c.members}
    counted: Counter = Counter(of[v] for v in G if v in of and keep(v))
    C = nx.Graph()
    ranked = sorted((i for i, c in enumerate(communities) if c.size >= min_size and counted[i]),
                    key=lambda i: (-counted[i], i))[:most]
    for i in sorted(ranked):
        c = communities[i]
        names = ", ".join(printable(str(G.nodes[v].get("name", v))) for v in c.central[:2] if v in G)
        C.add_node(i, name=community_name(c, lang) or names, members=counted[i], kind="")
    links: Counter = Counter()
    for u, v, w in G.edges(data="weight", default=1):
        a, b = of.get(u), of.get(v)
        if a is not None and b is not None and a != b and a in C and b in C and keep(u) and keep(v):
            links[(min(a, b), max(a, b))] += w
    # Each community keeps its ``strongest`` ties to others: between large communities nearly every
    # pair has some tie, and drawing them all shows no structure.
    best: dict[int, list] = {i: [] for i in C}
    for (a, b), w in links.items():
        best[a].append((w, b))
        best[b].append((w, a))
    kept = {(min(i, j), max(i, j)) for i, ties in best.items() for _, j in sorted(ties, reverse=True)[:strongest]}
    C.add_edges_from((a, b, {"weight": links[(a, b)]}) for a, b in sorted(kept))
    return C


def community_layout(C: nx.Graph) -> dict:
    """Positions for a community graph: evenly spread (Kamada–Kawai), the same every time.

    Weights are left out: the few strongest ties between large communities
    would pull them on top of each other.
    """
    if len(C) <= 1:
        return {v: (0.0, 0.0) for v in C}
    return dict(_kamada_kawai(tuple(sorted(C)), tuple(sorted((min(u, v), max(u, v)) for u, v in C.edges()))))


@functools.lru_cache(maxsize=64)
def _kamada_kawai(nodes: tuple, edges: tuple) -> tuple:
    # Cached: a page rerun (another filter, another size measure) asks again for the same picture,
    # and Kamada-Kawai costs a second or two where the rest of the view costs milliseconds.
    H = nx.Graph()
    H.add_nodes_from(nodes)
    H.add_edges_from(edges)
    return tuple((v, (float(x), float(y))) for v, (x, y) in nx.kamada_kawai_layout(H, weight=None).items())


def year_network(
    organisations: Sequence[Organisation],
    projects: Sequence[Project],
    participations: Sequence[Participation],
    *,
    year: int,
    cumulative: bool = False,
    lang: str = "nb",
    similarity: Callable[[str, str], float] | None = None,
    cluster: ClusterProfile | None = None,
    pos: dict[str, tuple[float, float]] | None = None,
    introductions: int = 10,
    seed: int = 0,
) -> YearNetwork:
    """Measure the network of ``year`` (or up to it) once, for all its views.

    Parameters
    ----------
    organisations, projects, participations : sequences of records
    year : int
    cumulative : bool
        The window is everything up to ``year`` (True) or the year alone.
    lang : {"nb", "en"}
        Language of the introductions' reasons and of the word joining a community's terms
        ("og", "and"); the terms themselves come from the texts in the register's main
        language (:func:`graph.terms.naming_language`), so a community has one name in both.
    similarity : callable, optional
        Competence similarity for the introductions (graph/ never loads a model).
    cluster : ClusterProfile, optional
        Who the members are (:func:`graph.cluster.member_ids`).
    pos : mapping, optional
        The year's layout when the caller keeps it (:func:`year_layout`); computed otherwise.
    introductions : int
    seed : int

    Raises
    ------
    ValueError
        For a year outside the data or bad records.

    Examples
    --------
    >>> from data.models import Organisation, Participation, Project
    >>> orgs = [Organisation(x, x.upper(), country="NO" if x == "a" else "SE") for x in "abcd"]
    >>> net = year_network(orgs, [Project("p1", "One", start_year=2020), Project("p2", "Two", start_year=2020)],
    ...                    [Participation("p1", "a"), Participation("p1", "b"), Participation("p2", "c"),
    ...                     Participation("p2", "d")], year=2020)
    >>> sorted(net.members), net.graph.number_of_edges()
    (['a'], 2)
    """
    index = index_records(organisations, projects, participations)
    years = project_years(index.projects)
    if not years or not years[0] <= year <= years[-1]:
        span = f"{years[0]}–{years[-1]}" if years else "none"
        raise ValueError(f"no data for {year}: projects start {span}")
    since, until = window(year, cumulative=cumulative)
    network = collaboration_graph_of(index, None, year)
    G = network if cumulative else collaboration_graph_of(index, since, until)
    names = name_words(index.organisations.values())
    naming = naming_language(index.projects, index.organisations.values())  # not the reader's: the same names
    structure = network_metrics(
        G,
        project_terms=project_terms(index.projects, exclude=names, lang=naming),
        profile_terms=profile_terms(index.organisations.values(), lang=naming),
        seed=seed,
    )
    activity = activity_of(index, quiet_after=2)[year]
    metrics = YearMetrics(year, cumulative, activity, structure)
    community_of = {v: i for i, c in enumerate(structure.communities) for v in c.members}
    intros: list[Introduction] = []
    # Introductions look at everything up to the year: a pair that worked together
    # three years ago is no introduction, even if the year's own graph lacks the tie.
    if network.number_of_edges():
        terms = organisation_terms(index.organisations.values(), index.projects, participations, until=year,
                                   lang=lang)
        intros = suggest_introductions(network, similarity=similarity, org_terms=terms, k=introductions, lang=lang)
    return YearNetwork(
        year=year, cumulative=cumulative, lang=lang, graph=G, network=network,
        pos=dict(pos) if pos is not None else year_layout(network, seed=seed),
        metrics=metrics, community_of=community_of,
        members=member_ids(index.organisations.values(), cluster) & set(network),
        introductions=tuple(intros), titles={p.project_id: p.title for p in index.projects},
    )


# -- views ------------------------------------------------------------------------------------


def network_view(
    net: YearNetwork,
    *,
    view: str = "members",
    org: str | None = None,
    kinds: Sequence[str] = (),
    countries: Sequence[str] = (),
    communities: Sequence[int] = (),
    size_by: str = "weighted_degree",
    width: int = 1000,
    height: int = 640,
    max_edges: int = 3000,
    max_labels: int = 40,
) -> NetworkView:
    """One view of the year's network (module docstring), at ``width`` × ``height`` pixels.

    Parameters
    ----------
    net : YearNetwork
    view : {"members", "communities", "organisation"}
    org : str, optional
        The organisation of the ``organisation`` view (and highlighted in the others).
    kinds, countries, communities : sequences
        Keep only organisations of these kinds / countries / communities
        (indexes into ``net.communities``); empty keeps all. The chosen
        organisation always stays.
    size_by : {"weighted_degree", "betweenness", "eigenvector"}
    width, height : int
        The chart's size in pixels: labels are fitted to it.
    max_edges, max_labels : int

    Raises
    ------
    ValueError
        For an unknown view or size measure, or the organisation view without ``org``.
    nx.NodeNotFound
        If ``org`` is not in the network up to the year.

    Examples
    --------
    >>> from data.models import Organisation, Participation, Project
    >>> orgs = [Organisation(x, x.upper(), country="NO" if x == "a" else "SE") for x in "abcd"]
    >>> net = year_network(orgs, [Project("p1", "One", start_year=2020), Project("p2", "Two", start_year=2020)],
    ...                    [Participation("p1", "a"), Participation("p1", "b"), Participation("p2", "c"),
    ...                     Participation("p2", "d")], year=2020)
    >>> [n["org_id"] for n in network_view(net).nodes]  # a member and its partner; c and d are strangers
    ['a', 'b']
    >>> v = network_view(net, view="organisation", org="b")
    >>> [(e["mine"], e["weight"]) for e in v.edges], [n["focus"] for n in v.nodes]
    ([(True, 1)], [True, False])
    """
    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r}; expected one of {', '.join(VIEWS)}")
    if size_by not in SIZE_METRICS:
        raise ValueError(f"unknown size measure {size_by!r}; expected one of {', '.join(SIZE_METRICS)}")
    if org is not None and org not in net.network:
        raise nx.NodeNotFound(f"Node {org} not in the network up to {net.year}.")
    if view == "organisation" and org is None:
        raise ValueError("the organisation view needs an organisation")
    keep = _filter(net, set(kinds), set(countries), set(communities), org)
    if view == "communities":
        return _communities_view(net, keep, size_by, width, height, max_edges, max_labels)
    if view == "organisation":
        return _organisation_view(net, org, keep, size_by, width, height, max_edges, max_labels)
    return _members_view(net, org, keep, size_by, width, height, max_edges, max_labels)


def _filter(net: YearNetwork, kinds: set, countries: set, communities: set, org: str | None) -> Callable[[str], bool]:
    nodes = net.network.nodes

    def keep(v: str) -> bool:
        if v == org:
            return True
        data = nodes[v]
        return ((not kinds or data.get("kind", "") in kinds)
                and (not countries or data.get("country", "") in countries)
                and (not communities or net.community_of.get(v) in communities))

    return keep


def _centrality(net: YearNetwork, size_by: str) -> dict[str, float]:
    return {c.org_id: float(getattr(c, size_by)) for c in net.metrics.network.centrality}


def _area(values: dict[str, float]) -> dict[str, float]:
    """Mark areas: the square root of the value, so a node twice as central looks about 1.4x as wide.

    Above 200 nodes the marks shrink (with the square root of their number): a thousand full-size
    dots would cover each other and the ties between them.
    """
    top = max(values.values(), default=0.0) or 1.0
    shrink = min(1.0, math.sqrt(200 / max(len(values), 1)))
    low, high = max(6.0, MIN_AREA * shrink), MAX_AREA * shrink
    return {v: low + (high - low) * math.sqrt(max(x, 0.0) / top) for v, x in values.items()}


def _members_view(net, org, keep, size_by, width, height, max_edges, max_labels) -> NetworkView:
    active = net.member_graph
    shown = [v for v in active if keep(v)]
    if not net.cumulative:
        # Members and partners of earlier years stay in grey, so the year's part can be seen in context.
        shown += [v for v in net.member_network if v not in active and keep(v)]
    if org is not None and org not in shown:
        shown.append(org)
    base = net.member_network
    if len(shown) == len(base) and all(v in base for v in shown):
        edges = list(base.edges(data=True))
    else:
        edges = list(induced(net.network if not net.cumulative else net.graph, shown).edges(data=True))
    return _assemble(net, "members", shown, edges, {v: net.pos[v] for v in shown}, size_by, width, height,
                     max_edges, max_labels, focus=org)


def _organisation_view(net, org, keep, size_by, width, height, max_edges, max_labels) -> NetworkView:
    base = net.graph if org in net.graph else net.network
    partners = [w for w in base.adj[org] if keep(w)]
    shown = [org, *partners]
    edges = [(u, v, d) for u, v, d in base.subgraph(shown).edges(data=True)]
    return _assemble(net, "organisation", shown, edges, _radial(base, org, partners), size_by, width, height,
                     max_edges, max_labels, focus=org)


def _radial(G: nx.Graph, org: str, partners: list[str]) -> dict[str, tuple[float, float]]:
    """``org`` in the middle, its partners on rings around it, grouped by kind, the strongest ties nearest."""
    order = sorted(partners, key=lambda w: (G.nodes[w].get("kind", ""), -G[org][w].get("weight", 1), str(w)))
    pos = {org: (0.0, 0.0)}
    ring, start, capacity = 0, 0, 24
    while start < len(order):
        group = order[start : start + capacity]
        radius = 0.55 + 0.45 * ring
        offset = math.pi * ring / max(capacity, 1)  # stagger the rings so names do not line up
        for i, w in enumerate(group):
            angle = 2 * math.pi * i / len(group) + offset
            pos[w] = (radius * math.cos(angle), radius * math.sin(angle))
        start += len(group)
        ring += 1
        capacity = int(capacity * 1.6)
    return pos


def _communities_view(net, keep, size_by, width, height, max_edges, max_labels) -> NetworkView:
    C = community_graph(net.graph, net.communities, lang=net.lang, keep=keep)
    raw = community_layout(C)
    area = _area({str(i): float(C.nodes[i]["members"]) for i in C})
    nodes, pos = [], {}
    for i, data in C.nodes(data=True):
        key = str(i)
        pos[key] = tuple(map(float, raw[i]))
        nodes.append({"org_id": key, "name": data["name"], "kind": "", "x": pos[key][0], "y": pos[key][1],
                      "area": area[key], "size": data["members"], "projects": 0, "partners": C.degree(i),
                      "active": True, "focus": False, "community": i})
    edges = [(str(a), str(b), {"weight": w}) for a, b, w in C.edges(data="weight")]
    return _finish("communities", net, nodes, edges, pos, width, height, max_edges, max_labels, None)


def _assemble(net, view, shown, edges, pos, size_by, width, height, max_edges, max_labels, *, focus) -> NetworkView:
    G = net.graph
    values = _centrality(net, size_by)
    area = _area({v: values.get(v, 0.0) for v in shown})
    degree = dict(net.network.degree(shown))
    nodes = [
        {"org_id": v, "name": printable(str(net.network.nodes[v].get("name", v))),
         "kind": net.network.nodes[v].get("kind", ""), "x": pos[v][0], "y": pos[v][1], "area": area[v],
         "size": round(values.get(v, 0.0), 4), "projects": G.nodes[v].get("projects", 0) if v in G else 0,
         "partners": degree.get(v, 0), "active": v in G, "focus": v == focus, "community": net.community_of.get(v)}
        for v in shown
    ]
    return _finish(view, net, nodes, edges, pos, width, height, max_edges, max_labels, focus)


def _finish(view, net, nodes, edges, pos, width, height, max_edges, max_labels, focus) -> NetworkView:
    G = net.graph
    extent = _extent([(n["x"], n["y"]) for n in nodes], width, height)
    ranked = sorted(
        edges,
        key=lambda e: (-(e[0] == focus or e[1] == focus), -(view == "communities" or G.has_edge(e[0], e[1])),
                       -e[2].get("weight", 1), str(e[0]), str(e[1])),
    )
    rows = []
    for u, v, d in ranked[:max_edges]:
        (x, y), (x2, y2) = pos[u], pos[v]
        rows.append({"x": round(x, 4), "y": round(y, 4), "x2": round(x2, 4), "y2": round(y2, 4),
                     "weight": d.get("weight", 1), "active": view == "communities" or G.has_edge(u, v),
                     "mine": focus is not None and focus in (u, v)})
    for n in nodes:
        n["x"], n["y"] = round(n["x"], 4), round(n["y"], 4)
    labels = _labels(nodes, extent, width, height, max_labels, focus)
    return NetworkView(view=view, year=net.year, cumulative=net.cumulative, nodes=nodes, edges=rows,
                       labels=labels, extent=extent, width=width, height=height, total_nodes=len(nodes),
                       total_edges=len(edges), focus=focus)


def _extent(points, width, height) -> tuple[float, float, float, float]:
    """The shown nodes' bounding box, padded and widened to the chart's shape, so x and y share a scale."""
    if not points:
        return (-1.0, 1.0, -1.0, 1.0)
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    span = max(x1 - x0, y1 - y0, 0.2)
    pad = 0.08 * span
    x0, x1, y0, y1 = x0 - pad, x1 + pad, y0 - pad, y1 + pad
    w, h = x1 - x0, y1 - y0
    if w / h < width / height:
        grow = (h * width / height - w) / 2
        x0, x1 = x0 - grow, x1 + grow
    else:
        grow = (w * height / width - h) / 2
        y0, y1 = y0 - grow, y1 + grow
    return (x0, x1, y0, y1)


def _labels(nodes, extent, width, height, max_labels, focus) -> list[dict]:
    x0, x1, y0, y1 = extent
    sx, sy = width / (x1 - x0), height / (y1 - y0)

    def pixels(x, y):
        return (x - x0) * sx, (y - y0) * sy

    ranked = sorted(nodes, key=lambda n: (-(n["org_id"] == focus), -n["area"], n["name"]))
    candidates = []
    texts = {}
    for n in ranked[: max(max_labels * 4, 60)]:
        text = label_text(n["name"])
        lines = text.split("\n")
        px, py = pixels(n["x"], n["y"])
        candidates.append(LabelBox(n["org_id"], px, py, CHAR_PX * max(map(len, lines)) + 6,
                                   LABEL_PX * 1.25 * len(lines) + 2, math.sqrt(n["area"] / math.pi)))
        texts[n["org_id"]] = text
    placed = place_labels(candidates, bounds=(0, 0, width, height), limit=max_labels, gap=2)
    return [{"x": round(x0 + px / sx, 4), "y": round(y0 + py / sy, 4), "text": texts[v], "org_id": v}
            for v, (px, py) in placed.items()]
