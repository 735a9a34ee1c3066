"""The network page's figures as plain rows: the app sees no NetworkX.

:func:`network_view` builds one year's (or everything up to a year's)
collaboration graph, places it on the stable layout of all years, measures it
and suggests introductions, and returns plain dataclasses and row dicts that a
chart or table can show as they are.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from data.models import Organisation, Participation, Project
from graph.build import build_collaboration_graph, project_years, window
from graph.draw import KIND_COLOURS
from graph.layout import stable_layout
from graph.metrics import Broker, Community, YearActivity, yearly_metrics
from graph.suggest import Introduction, suggest_introductions
from graph.terms import organisation_terms

__all__ = ["KIND_COLOURS", "NetworkView", "Tie", "layout", "network_view", "project_years"]


@dataclass(frozen=True)
class Tie:
    partner: str
    name: str
    kind: str
    joint_projects: int
    years: tuple[int, ...]
    projects: tuple[str, ...]  # project titles


@dataclass(frozen=True)
class NetworkView:
    year: int
    cumulative: bool
    nodes: list[dict]  # org_id, name, kind, x, y, projects, partners, weighted_degree, betweenness, eigenvector, active
    edges: list[dict]  # source, target, x, y, x2, y2, weight, active
    ties: dict[str, list[Tie]]  # org id -> its ties in the active graph, strongest first
    activity: YearActivity
    nodes_active: int
    edges_active: int
    density: float
    components: int
    largest_component: int
    brokers: tuple[Broker, ...]
    communities: tuple[Community, ...]
    introductions: tuple[Introduction, ...]
    names: dict[str, str]


def layout(
    organisations: Sequence[Organisation], projects: Sequence[Project], participations: Sequence[Participation]
) -> dict[str, tuple[float, float]]:
    """The stable layout of the whole network (every year), so nobody moves between years."""
    everything = build_collaboration_graph(organisations, projects, participations)
    return stable_layout(everything, seed=0)


def network_view(
    organisations: Sequence[Organisation],
    projects: Sequence[Project],
    participations: Sequence[Participation],
    *,
    year: int,
    cumulative: bool,
    pos: dict[str, tuple[float, float]],
    lang: str = "nb",
    similarity: Callable[[str, str], float] | None = None,
    introductions: int = 10,
    max_edges: int = 4000,
) -> NetworkView:
    """Everything the Network page shows for ``year``.

    Single-year views carry the network up to the year as inactive
    background (``active=False``) rows, drawn in grey behind the year's own.

    Raises
    ------
    ValueError
        For a year outside the data or bad records (from :mod:`graph`).
    """
    since, until = window(year, cumulative=cumulative)
    G = build_collaboration_graph(organisations, projects, participations, since=since, until=until)
    background = G if cumulative else build_collaboration_graph(organisations, projects, participations, until=year)
    metrics = yearly_metrics(organisations, projects, participations, years=[year], cumulative=cumulative)[0]
    centrality = {c.org_id: c for c in metrics.network.centrality}
    titles = {p.project_id: p.title for p in projects}

    nodes = []
    for v, data in background.nodes(data=True):
        x, y = pos.get(v, (0.0, 0.0))
        c = centrality.get(v)
        nodes.append(
            {
                "org_id": v,
                "name": data.get("name", v),
                "kind": data.get("kind", ""),
                "x": x,
                "y": y,
                "projects": G.nodes[v].get("projects", 0) if v in G else 0,  # in the window, not in total
                "partners": c.degree if c else 0,
                "weighted_degree": c.weighted_degree if c else 0,
                "betweenness": round(c.betweenness, 4) if c else 0.0,
                "eigenvector": round(c.eigenvector, 4) if c else 0.0,
                "active": v in G,
            }
        )
    edges = []
    ranked = sorted(background.edges(data=True), key=lambda e: (-(e[0] in G and e[1] in G and G.has_edge(e[0], e[1])),
                                                                 -e[2].get("weight", 1)))
    for u, v, data in ranked[:max_edges]:
        (x, y), (x2, y2) = pos.get(u, (0.0, 0.0)), pos.get(v, (0.0, 0.0))
        edges.append(
            {
                "source": u,
                "target": v,
                "x": x,
                "y": y,
                "x2": x2,
                "y2": y2,
                "weight": data.get("weight", 1),
                "active": G.has_edge(u, v),
            }
        )
    ties: dict[str, list[Tie]] = {}
    for v in G:
        rows = [
            Tie(
                partner=w,
                name=G.nodes[w].get("name", w),
                kind=G.nodes[w].get("kind", ""),
                joint_projects=d.get("weight", 1),
                years=tuple(d.get("years", ())),
                projects=tuple(titles.get(p, p) for p in d.get("projects", ())),
            )
            for w, d in G[v].items()
        ]
        rows.sort(key=lambda r: (-r.joint_projects, r.name))
        ties[v] = rows

    # Introductions look at everything up to the year: a pair that worked together
    # three years ago is no introduction, even if the year's own graph lacks the tie.
    intros: list[Introduction] = []
    if background.number_of_edges():
        terms = organisation_terms(organisations, projects, participations, until=year)
        intros = suggest_introductions(background, similarity=similarity, org_terms=terms, k=introductions, lang=lang)
    net = metrics.network
    return NetworkView(
        year=year,
        cumulative=cumulative,
        nodes=nodes,
        edges=edges,
        ties=ties,
        activity=metrics.activity,
        nodes_active=net.nodes,
        edges_active=net.edges,
        density=net.density,
        components=net.components,
        largest_component=net.largest_component,
        brokers=net.brokers,
        communities=net.communities,
        introductions=tuple(intros),
        names={o.org_id: o.name for o in organisations} | {v: d.get("name", v) for v, d in background.nodes(data=True)},
    )
