"""Collaboration graphs built from project records.

Two plain ``nx.Graph`` shapes, both built from sequences of the records in
:mod:`data.models` (never from the store, so tests and scripts can hand in
literals):

*Organisation graph* (:func:`build_collaboration_graph`)
    One node per organisation that took part in at least one project of the
    window, keyed by its ``org_id``. Two organisations are joined when they
    took part in the same project. Edge attributes:

    ``weight``
        number of joint projects (int);
    ``projects``
        the ids of those projects, oldest first (tuple of str);
    ``years``
        the distinct start years of those projects, sorted (tuple of int);
    ``first_year``
        the earliest of ``years`` (absent when no joint project has a year).

    Node attributes: ``name``, ``kind``, ``region``, ``country`` (strings,
    ``""`` when unknown), ``size`` (employees, only when known), ``projects``
    (number of projects in the window), ``first_year`` and ``last_year``
    (absent when none of its projects has a year).

*Bipartite graph* (:func:`build_bipartite_graph`)
    Organisation nodes (``bipartite=0``, ``type="organisation"``, the node
    attributes above) and project nodes (``bipartite=1``, ``type="project"``,
    ``title``, ``programme``, ``year`` and ``budget_nok`` when known), with an
    edge per participation carrying its ``role``.

The *window* is given by ``since`` and ``until`` (inclusive start years):
one year is ``since=until=Y``, a range is ``since=A, until=B`` and
"cumulative up to Y" is ``until=Y``. With either bound set, projects without
a start year are left out; with neither, every project counts.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import networkx as nx

from data.models import Organisation, Participation, Project

__all__ = [
    "build_bipartite_graph",
    "build_collaboration_graph",
    "project_years",
    "window",
]


def window(year: int | None = None, *, cumulative: bool = False) -> tuple[int | None, int | None]:
    """The ``(since, until)`` bounds for "year Y" or "everything up to Y".

    >>> window(2018)
    (2018, 2018)
    >>> window(2018, cumulative=True)
    (None, 2018)
    >>> window()
    (None, None)
    """
    if year is None:
        return None, None
    return (None, year) if cumulative else (year, year)


def project_years(projects: Iterable[Project]) -> list[int]:
    """The distinct start years of ``projects``, sorted (projects without a year are skipped).

    >>> project_years([Project("p2", "B", start_year=2019), Project("p1", "A", start_year=2017), Project("p3", "C")])
    [2017, 2019]
    """
    return sorted({p.start_year for p in projects if p.start_year is not None})


@dataclass(frozen=True)
class RecordIndex:
    """Records checked once and arranged for repeated graph building."""

    organisations: dict[str, Organisation]
    projects: tuple[Project, ...]  # sorted by (year, id); yearless ones first
    members: dict[str, tuple[str, ...]]  # project id -> org ids, sorted, distinct
    roles: dict[tuple[str, str], str]  # (project id, org id) -> role


def index_records(
    organisations: Iterable[Organisation],
    projects: Iterable[Project],
    participations: Iterable[Participation],
) -> RecordIndex:
    orgs: dict[str, Organisation] = {}
    for org in organisations:
        if org.org_id in orgs:
            raise ValueError(f"organisation {org.org_id!r} is given twice")
        orgs[org.org_id] = org
    by_id: dict[str, Project] = {}
    for project in projects:
        if project.project_id in by_id:
            raise ValueError(f"project {project.project_id!r} is given twice")
        by_id[project.project_id] = project
    members: dict[str, set[str]] = defaultdict(set)
    roles: dict[tuple[str, str], str] = {}
    for part in participations:
        if part.project_id not in by_id:
            raise ValueError(
                f"participation of {part.org_id!r} refers to project {part.project_id!r}, "
                "which is not among the projects given"
            )
        members[part.project_id].add(part.org_id)
        # A coordinator role wins over a duplicate partner row.
        if roles.get((part.project_id, part.org_id)) != "coordinator":
            roles[(part.project_id, part.org_id)] = part.role
    ordered = tuple(
        sorted(by_id.values(), key=lambda p: (p.start_year is not None, p.start_year or 0, p.project_id))
    )
    return RecordIndex(
        organisations=orgs,
        projects=ordered,
        members={pid: tuple(sorted(ids)) for pid, ids in members.items()},
        roles=roles,
    )


def _check_window(since: int | None, until: int | None) -> None:
    if since is not None and until is not None and since > until:
        raise ValueError(f"empty window: since={since} is after until={until}")


def _in_window(project: Project, since: int | None, until: int | None) -> bool:
    if since is None and until is None:
        return True
    year = project.start_year
    if year is None:
        return False
    return (since is None or year >= since) and (until is None or year <= until)


def _org_attributes(org: Organisation | None, org_id: str) -> dict:
    if org is None:
        return {"name": org_id, "kind": "", "region": "", "country": ""}
    attrs = {"name": org.name or org_id, "kind": org.kind, "region": org.region, "country": org.country}
    if org.employees is not None:
        attrs["size"] = org.employees
    return attrs


def _add_org_nodes(G: nx.Graph, index: RecordIndex, selected: Sequence[Project]) -> None:
    counts: dict[str, int] = defaultdict(int)
    years: dict[str, list[int]] = defaultdict(list)
    for project in selected:
        for org_id in index.members.get(project.project_id, ()):
            counts[org_id] += 1
            if project.start_year is not None:
                years[org_id].append(project.start_year)
    for org_id in sorted(counts):
        attrs = _org_attributes(index.organisations.get(org_id), org_id)
        attrs["projects"] = counts[org_id]
        if years[org_id]:
            attrs["first_year"] = min(years[org_id])
            attrs["last_year"] = max(years[org_id])
        G.add_node(org_id, **attrs)


def collaboration_graph_of(index: RecordIndex, since: int | None, until: int | None) -> nx.Graph:
    selected = [p for p in index.projects if _in_window(p, since, until)]
    G = nx.Graph(since=since, until=until)
    _add_org_nodes(G, index, selected)
    # Projects are in (year, id) order, so each pair's list is chronological.
    pair_projects: dict[tuple[str, str], list[Project]] = defaultdict(list)
    for project in selected:
        for pair in itertools.combinations(index.members.get(project.project_id, ()), 2):
            pair_projects[pair].append(project)

    def edges():
        for (u, v), joint in pair_projects.items():
            if len(joint) == 1:  # most ties; skip the general path
                only = joint[0]
                years = () if only.start_year is None else (only.start_year,)
                attrs = {"weight": 1, "projects": (only.project_id,), "years": years}
            else:
                years = tuple(dict.fromkeys(p.start_year for p in joint if p.start_year is not None))
                attrs = {"weight": len(joint), "projects": tuple(p.project_id for p in joint), "years": years}
            if years:
                attrs["first_year"] = years[0]
            yield u, v, attrs

    G.add_edges_from(edges())
    return G


def build_collaboration_graph(
    organisations: Iterable[Organisation],
    projects: Iterable[Project],
    participations: Iterable[Participation],
    *,
    since: int | None = None,
    until: int | None = None,
) -> nx.Graph:
    """Organisation–organisation graph of co-participation in projects.

    Parameters
    ----------
    organisations : iterable of Organisation
        Where node attributes come from. An organisation that takes part in a
        project but is missing here still becomes a node, named by its id.
    projects : iterable of Project
    participations : iterable of Participation
        Who took part in what; duplicate rows count once.
    since, until : int, optional
        Inclusive bounds on the projects' start year (see the module
        docstring); :func:`window` turns "year Y" or "up to Y" into them.

    Returns
    -------
    G : nx.Graph
        Nodes are the org ids active in the window, sorted; ``G.graph`` holds
        ``since`` and ``until``.

    Raises
    ------
    ValueError
        If a participation names a project that is not in ``projects``, an id
        is given twice, or ``since > until``.

    Examples
    --------
    >>> from data.models import Organisation, Participation, Project
    >>> orgs = [Organisation("a", "A"), Organisation("b", "B"), Organisation("c", "C"), Organisation("d", "D")]
    >>> projects = [Project("p1", "One", start_year=2016), Project("p2", "Two", start_year=2017)]
    >>> parts = [Participation("p1", "a"), Participation("p1", "b"), Participation("p2", "a"),
    ...          Participation("p2", "b"), Participation("p2", "c"), Participation("p2", "d")]
    >>> G = build_collaboration_graph(orgs, projects, parts)
    >>> G["a"]["b"]["weight"], G["a"]["b"]["years"], G["a"]["b"]["projects"]
    (2, (2016, 2017), ('p1', 'p2'))
    >>> sorted(build_collaboration_graph(orgs, projects, parts, since=2016, until=2016))
    ['a', 'b']
    """
    _check_window(since, until)
    return collaboration_graph_of(index_records(organisations, projects, participations), since, until)


def build_bipartite_graph(
    organisations: Iterable[Organisation],
    projects: Iterable[Project],
    participations: Iterable[Participation],
    *,
    since: int | None = None,
    until: int | None = None,
) -> nx.Graph:
    """Bipartite organisation–project graph.

    Parameters are as for :func:`build_collaboration_graph`. Projects of the
    window without participants are included as isolated project nodes.

    Returns
    -------
    B : nx.Graph
        Organisation nodes carry ``bipartite=0``, project nodes ``bipartite=1``
        (networkx's convention, so ``nx.bipartite`` functions apply).

    Raises
    ------
    ValueError
        As :func:`build_collaboration_graph`, and when an organisation id is
        also a project id (the two would be one node).

    Examples
    --------
    >>> from data.models import Organisation, Participation, Project
    >>> B = build_bipartite_graph(
    ...     [Organisation("a", "A"), Organisation("b", "B")],
    ...     [Project("p1", "One", start_year=2016), Project("p2", "Two", start_year=2017)],
    ...     [Participation("p1", "a", "coordinator"), Participation("p1", "b"), Participation("p2", "b")],
    ... )
    >>> sorted(B["p1"]), B["p1"]["a"]["role"], B.nodes["p2"]["year"]
    (['a', 'b'], 'coordinator', 2017)
    """
    _check_window(since, until)
    index = index_records(organisations, projects, participations)
    selected = [p for p in index.projects if _in_window(p, since, until)]
    B = nx.Graph(since=since, until=until)
    _add_org_nodes(B, index, selected)
    for org_id in B:
        B.nodes[org_id].update(bipartite=0, type="organisation")
    clashes = sorted(p.project_id for p in selected if p.project_id in B)
    if clashes:
        raise ValueError(f"ids used for both an organisation and a project: {', '.join(map(repr, clashes[:5]))}")
    for project in selected:
        attrs = {"bipartite": 1, "type": "project", "title": project.title, "programme": project.programme}
        if project.start_year is not None:
            attrs["year"] = project.start_year
        if project.budget_nok is not None:
            attrs["budget_nok"] = project.budget_nok
        B.add_node(project.project_id, **attrs)
        for org_id in index.members.get(project.project_id, ()):
            B.add_edge(org_id, project.project_id, role=index.roles[(project.project_id, org_id)])
    return B
