"""graph.build: records -> organisation graph and bipartite graph; plus the doctests of graph/."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from data.models import Organisation, Participation, Project
from graph.build import build_bipartite_graph, build_collaboration_graph, project_years, window


def records():
    """Four organisations, three projects in 2016-2017, one without a year.

    p1 (2016): a b        p2 (2017): a b c       p3 (no year): c d
    """
    orgs = [
        Organisation("a", "Aker", "company", region="Trøndelag", employees=120),
        Organisation("b", "SINTEF", "research", region="Trøndelag"),
        Organisation("c", "Proneo", "support"),
        Organisation("d", "NTNU", "education"),
    ]
    projects = [
        Project("p1", "One", start_year=2016, budget_nok=1_000_000),
        Project("p2", "Two", start_year=2017),
        Project("p3", "Three"),
    ]
    parts = [
        Participation("p1", "a", "coordinator"),
        Participation("p1", "b"),
        Participation("p2", "a"),
        Participation("p2", "b", "coordinator"),
        Participation("p2", "c"),
        Participation("p3", "c"),
        Participation("p3", "d"),
    ]
    return orgs, projects, parts


def test_edges_carry_weight_years_and_projects():
    G = build_collaboration_graph(*records())
    assert sorted(G) == ["a", "b", "c", "d"]
    assert G["a"]["b"] == {"weight": 2, "projects": ("p1", "p2"), "years": (2016, 2017), "first_year": 2016}
    assert G["a"]["c"] == {"weight": 1, "projects": ("p2",), "years": (2017,), "first_year": 2017}
    # A joint project without a year: a tie, but no years.
    assert G["c"]["d"] == {"weight": 1, "projects": ("p3",), "years": ()}
    assert G.number_of_edges() == 4  # ab ac bc cd


def test_node_attributes():
    G = build_collaboration_graph(*records())
    assert G.nodes["a"] == {
        "name": "Aker", "kind": "company", "region": "Trøndelag", "country": "", "size": 120,
        "projects": 2, "first_year": 2016, "last_year": 2017,
    }
    assert "size" not in G.nodes["b"]  # employees unknown: no attribute at all
    assert G.nodes["d"]["projects"] == 1 and "first_year" not in G.nodes["d"]


@pytest.mark.parametrize(
    ("since", "until", "nodes", "edges"),
    [
        (2016, 2016, ["a", "b"], [("a", "b")]),  # one year
        (2017, 2017, ["a", "b", "c"], [("a", "b"), ("a", "c"), ("b", "c")]),
        (None, 2016, ["a", "b"], [("a", "b")]),  # cumulative up to 2016
        (2016, 2017, ["a", "b", "c"], [("a", "b"), ("a", "c"), ("b", "c")]),  # a range
        (2018, None, [], []),
    ],
)
def test_windows(since, until, nodes, edges):
    G = build_collaboration_graph(*records(), since=since, until=until)
    assert sorted(G) == nodes
    assert sorted(tuple(sorted(e)) for e in G.edges()) == edges
    assert G.graph == {"since": since, "until": until}


def test_weight_counts_only_projects_in_the_window():
    G = build_collaboration_graph(*records(), since=2017, until=2017)
    assert G["a"]["b"]["weight"] == 1 and G["a"]["b"]["years"] == (2017,)
    assert G.nodes["a"]["projects"] == 1 and G.nodes["a"]["first_year"] == 2017


def test_window_helper():
    assert window(2018) == (2018, 2018)
    assert window(2018, cumulative=True) == (None, 2018)
    assert window() == (None, None)
    assert project_years(records()[1]) == [2016, 2017]


def test_organisation_missing_from_the_register_is_named_by_its_id():
    orgs, projects, parts = records()
    G = build_collaboration_graph(orgs[:1], projects, parts)
    assert G.nodes["b"]["name"] == "b" and G.nodes["b"]["kind"] == ""


def test_duplicate_participation_counts_once_and_isolated_member_stays():
    orgs, projects, parts = records()
    projects = projects + [Project("p4", "Solo", start_year=2017)]
    parts = parts + [Participation("p1", "a"), Participation("p4", "d")]
    G = build_collaboration_graph(orgs, projects, parts, since=2016, until=2017)
    assert G["a"]["b"]["weight"] == 2
    assert "d" in G and G.degree("d") == 0  # took part alone: active, but no tie


def test_input_order_does_not_matter():
    orgs, projects, parts = records()
    G1 = build_collaboration_graph(orgs, projects, parts)
    G2 = build_collaboration_graph(orgs[::-1], projects[::-1], parts[::-1])
    assert list(G1) == list(G2)
    assert {tuple(sorted(e)): d for *e, d in G1.edges(data=True)} == {
        tuple(sorted(e)): d for *e, d in G2.edges(data=True)
    }


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda o, p, pa: (o, p, pa + [Participation("nope", "a")]), "project 'nope'"),
        (lambda o, p, pa: (o + [Organisation("a", "Again")], p, pa), "organisation 'a' is given twice"),
        (lambda o, p, pa: (o, p + [Project("p1", "Again")], pa), "project 'p1' is given twice"),
    ],
)
def test_bad_records(change, message):
    with pytest.raises(ValueError, match=message):
        build_collaboration_graph(*change(*records()))


def test_empty_window_is_an_error():
    with pytest.raises(ValueError, match="since=2018 is after until=2017"):
        build_collaboration_graph(*records(), since=2018, until=2017)


def test_empty_input_gives_empty_graph():
    G = build_collaboration_graph([], [], [])
    assert len(G) == 0


def test_bipartite_graph():
    B = build_bipartite_graph(*records(), since=2016, until=2017)
    orgs = {v for v, d in B.nodes(data=True) if d["bipartite"] == 0}
    projects = {v for v, d in B.nodes(data=True) if d["bipartite"] == 1}
    assert orgs == {"a", "b", "c"} and projects == {"p1", "p2"}
    assert B["p1"]["a"]["role"] == "coordinator" and B["p2"]["a"]["role"] == "partner"
    assert B.nodes["p1"] == {"bipartite": 1, "type": "project", "title": "One", "programme": "",
                             "year": 2016, "budget_nok": 1_000_000}
    assert B.nodes["a"]["type"] == "organisation" and B.nodes["a"]["kind"] == "company"
    assert nx.is_bipartite(B)
    # Projecting onto organisations gives the collaboration graph's ties.
    projected = nx.bipartite.projected_graph(B, orgs)
    G = build_collaboration_graph(*records(), since=2016, until=2017)
    assert {frozenset(e) for e in projected.edges()} == {frozenset(e) for e in G.edges()}


def test_bipartite_refuses_an_id_used_twice():
    orgs, projects, parts = records()
    with pytest.raises(ValueError, match="both an organisation and a project"):
        build_bipartite_graph(orgs, projects + [Project("a", "Clash", start_year=2016)], parts)


# -- the real data set, as a size check ------------------------------------------------------------


@pytest.mark.shared_data
def test_h2020_graph_size(h2020_records):
    orgs, projects, parts = h2020_records
    G = build_collaboration_graph(orgs, projects, parts)
    # 5,470 organisations; 4,973 have a partner, the rest only ran projects alone.
    assert len(G) == 5470
    assert sum(1 for v in G if G.degree(v) > 0) == 4973
    assert G.number_of_edges() == 90748
    assert max(d for _, d in G.degree()) == 1208  # Fraunhofer
    year = build_collaboration_graph(orgs, projects, parts, since=2018, until=2018)
    assert (len(year), year.number_of_edges()) == (1742, 31213)
    B = build_bipartite_graph(orgs, projects, parts)
    assert B.number_of_edges() == len({(p.project_id, p.org_id) for p in parts})


def test_importing_graph_leaves_matplotlib_alone():
    import subprocess
    import sys

    code = "import sys, graph, graph.report, graph.export; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parents[1],
                         capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
