"""graph.metrics on graphs whose answers can be checked by hand, and the real set as a size check."""

from __future__ import annotations

import math
import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest

from data.models import Organisation, Participation, Project
from graph import metrics
from graph.build import build_collaboration_graph
from graph.metrics import (
    activity_by_year,
    betweenness,
    brokers,
    centralities,
    communities,
    eigenvector,
    louvain,
    network_metrics,
    yearly_metrics,
)
from graph.terms import distinctive_terms, project_terms

REPO = Path(__file__).resolve().parents[1]


def path5():
    return nx.path_graph(["a", "b", "c", "d", "e"])


def star4():
    return nx.star_graph(["hub", "w", "x", "y", "z"])


def bridged_triangles():
    """a-b-c and d-e-f, joined by the bridge c-d."""
    return nx.Graph([("a", "b"), ("b", "c"), ("c", "a"), ("c", "d"), ("d", "e"), ("e", "f"), ("f", "d")])


def labelled(G):
    return nx.relabel_nodes(G, {v: f"n{v:03d}" for v in G})


# -- betweenness -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        # Path: b lies on 3 of the 6 pairs without b (a-c, a-d, a-e), c on 4 of 6.
        (path5, {"a": 0, "b": 3 / 6, "c": 4 / 6, "d": 3 / 6, "e": 0}),
        # Star: the hub lies on all 6 leaf pairs.
        (star4, {"hub": 1.0, "w": 0, "x": 0, "y": 0, "z": 0}),
        # Bridge: c and d each carry the 2 x 3 pairs across, of 10.
        (bridged_triangles, {"a": 0, "b": 0, "c": 0.6, "d": 0.6, "e": 0, "f": 0}),
        (lambda: nx.cycle_graph(["a", "b", "c", "d"]), {v: 1 / 6 for v in "abcd"}),
    ],
)
def test_betweenness_by_hand(graph, expected):
    assert betweenness(graph()) == pytest.approx(expected)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("k", [None, 1, 7, 40])
def test_betweenness_equals_networkx_including_sampling(seed, k):
    G = labelled(nx.gnp_random_graph(40, 0.08, seed=seed))
    ours = betweenness(G, k=k, seed=seed)
    theirs = nx.betweenness_centrality(G, k=k, seed=seed)
    for v in G:
        if math.isnan(theirs[v]):  # networkx: k=1 leaves the sampled source undefined
            assert math.isnan(ours[v])
        else:
            assert ours[v] == pytest.approx(theirs[v], abs=1e-12)


def test_betweenness_ignores_weights_and_handles_tiny_graphs():
    G = path5()
    nx.set_edge_attributes(G, 5, "weight")
    assert betweenness(G) == betweenness(path5())
    assert betweenness(nx.Graph()) == {}
    assert betweenness(nx.path_graph(["a", "b"])) == {"a": 0.0, "b": 0.0}


@pytest.mark.parametrize("k", [0, 6, -1])
def test_betweenness_bad_k(k):
    with pytest.raises(ValueError, match="sources"):
        betweenness(path5(), k=k)


def test_betweenness_sample_size_follows_the_threshold(monkeypatch):
    monkeypatch.setattr(metrics, "BETWEENNESS_EXACT_MAX_NODES", 4)
    monkeypatch.setattr(metrics, "BETWEENNESS_SAMPLE", 3)
    assert network_metrics(path5()).betweenness_sources == 3
    assert network_metrics(nx.path_graph(["a", "b", "c"])).betweenness_sources is None
    assert network_metrics(path5(), betweenness_k=None).betweenness_sources is None


# -- eigenvector -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        (lambda: nx.path_graph(["a", "b", "c"]), {"a": 0.5, "b": math.sqrt(0.5), "c": 0.5}),
        # Two separate triangles: every node 1/sqrt(6), the squares summing to 1.
        (lambda: nx.Graph([("a", "b"), ("b", "c"), ("c", "a"), ("x", "y"), ("y", "z"), ("z", "x")]),
         {v: 1 / math.sqrt(6) for v in "abcxyz"}),
        # A triangle and an isolated node: the node has no neighbours, hence 0.
        (lambda: nx.Graph([("a", "b"), ("b", "c"), ("c", "a"), ("lonely", "x")]),
         {"a": 1 / math.sqrt(3), "b": 1 / math.sqrt(3), "c": 1 / math.sqrt(3), "lonely": 0.0}),
        (lambda: nx.path_graph(["a", "b"]), {"a": math.sqrt(0.5), "b": math.sqrt(0.5)}),
        (lambda: nx.empty_graph(["only"]), {"only": 0.0}),
        (nx.Graph, {}),
    ],
)
def test_eigenvector_by_hand(graph, expected):
    G = graph()
    if "lonely" in G:
        G.remove_node("x")  # leaves "lonely" without a partner
    assert eigenvector(G) == pytest.approx(expected)


@pytest.mark.parametrize("seed", range(4))
def test_eigenvector_equals_networkx_on_connected_weighted_graphs(seed):
    G = labelled(nx.connected_watts_strogatz_graph(60 if seed < 3 else 700, 4, 0.2, seed=seed))
    for i, (u, v) in enumerate(G.edges()):
        G[u][v]["weight"] = 1 + i % 3
    ours = eigenvector(G)
    theirs = nx.eigenvector_centrality_numpy(G, weight="weight")
    assert ours == pytest.approx(theirs, abs=1e-6)


# -- degree and the whole table ----------------------------------------------------------------------


def test_centralities_degree_and_weighted_degree():
    G = nx.Graph([("hub", "a", {"weight": 3}), ("hub", "b", {"weight": 1}), ("a", "b", {"weight": 2})])
    G.add_node("alone")
    c = centralities(G)
    assert (c["hub"].degree, c["hub"].weighted_degree) == (2, 4)
    assert (c["a"].degree, c["a"].weighted_degree) == (2, 5)
    assert (c["alone"].degree, c["alone"].weighted_degree, c["alone"].eigenvector) == (0, 0, 0.0)


def test_network_metrics_by_hand():
    G = bridged_triangles()
    G.add_node("z")
    m = network_metrics(G)
    assert (m.nodes, m.edges, m.components, m.largest_component) == (7, 7, 2, 6)
    assert m.density == pytest.approx(7 / 21)
    assert [c.org_id for c in m.centrality[:2]] == ["c", "d"]  # weighted degree 3 each, then id
    assert m.centrality_of("z").degree == 0
    with pytest.raises(nx.NodeNotFound):
        m.centrality_of("nope")


@pytest.mark.parametrize("graph", [nx.Graph, lambda: nx.empty_graph(["x"]), lambda: nx.empty_graph(["x", "y"])])
def test_network_metrics_never_fail_on_tiny_graphs(graph):
    m = network_metrics(graph())
    assert m.brokers == () and m.density == 0.0
    assert len(m.communities) == len(graph())


# -- brokers -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        # Path: removing c leaves 2 + 2 (2 cut off); b or d leave 3 + 1 (1 cut off).
        (path5, [("c", 2, (2, 2)), ("b", 1, (3, 1)), ("d", 1, (3, 1))]),
        (star4, [("hub", 3, (1, 1, 1, 1))]),
        (bridged_triangles, [("c", 2, (3, 2)), ("d", 2, (3, 2))]),
        (lambda: nx.cycle_graph(["a", "b", "c", "d"]), []),
        # Two paths of three: one broker each, component sizes kept apart.
        (lambda: nx.Graph([("a", "b"), ("b", "c"), ("x", "y"), ("y", "z")]), [("b", 1, (1, 1)), ("y", 1, (1, 1))]),
        (nx.Graph, []),
    ],
)
def test_brokers_by_hand(graph, expected):
    assert [(b.org_id, b.cut_off, b.pieces) for b in brokers(graph())] == expected


@pytest.mark.parametrize("seed", range(15))
def test_brokers_agree_with_removing_each_node(seed):
    G = labelled(nx.gnp_random_graph(35, 0.07, seed=seed))
    found = {b.org_id: b for b in brokers(G)}
    assert set(found) == set(nx.articulation_points(G))
    for v, b in found.items():
        component = nx.node_connected_component(G, v)
        rest = G.subgraph(component - {v})
        pieces = sorted((len(c) for c in nx.connected_components(rest)), reverse=True)
        assert b.pieces == tuple(pieces)
        assert b.cut_off == len(component) - 1 - pieces[0]
        assert b.component_size == len(component)


def test_brokers_on_a_long_path_need_no_recursion():
    G = nx.path_graph([f"n{i:05d}" for i in range(5000)])
    found = brokers(G)
    assert len(found) == 4998 and found[0].cut_off == 2499


# -- communities -------------------------------------------------------------------------------------


def community_records():
    orgs = [Organisation(x, x.upper(), "company") for x in "abcdef"]
    projects = [
        Project("p1", "Hydrogen electrolysis", start_year=2020),
        Project("p1b", "Electrolysis stacks for hydrogen", start_year=2020),
        Project("p1c", "Hydrogen from electrolysis", start_year=2021),
        Project("p2", "Salmon sensors", "Sensors for salmon farming.", start_year=2020),
        Project("p2b", "Salmon farming sensors", start_year=2020),
        Project("p2c", "Sensors that count salmon lice", "Farming with fewer lice.", start_year=2021),
        Project("p3", "Shared logistics", start_year=2021),
    ]
    parts = [Participation("p1", x) for x in "abc"] + [Participation("p2", x) for x in "def"]
    parts += [Participation("p1b", x) for x in "ab"] + [Participation("p1c", x) for x in "bc"]
    parts += [Participation("p2b", x) for x in "de"] + [Participation("p2c", x) for x in "ef"]
    parts += [Participation("p3", "c"), Participation("p3", "d")]
    return orgs, projects, parts


def test_communities_with_labels():
    orgs, projects, parts = community_records()
    G = build_collaboration_graph(orgs, projects, parts)
    found = communities(G, project_terms=project_terms(projects), seed=0)
    assert [c.members for c in found] == [("b", "a", "c"), ("e", "d", "f")]  # most central first
    assert found[0].terms == ("electrolysis", "hydrogen")  # equal scores: alphabetical; "stacks" is in one text
    assert found[0].label == "B, A, C — electrolysis, hydrogen"
    assert found[1].terms == ("farming", "salmon", "sensors")  # a project counts each word once
    assert all(c.size == 3 for c in found)


def test_a_community_of_fewer_than_three_texts_gets_no_terms():
    # One consortium's abstract is no name for a community ("Agrarian, disqualifies and pools").
    orgs = [Organisation(x, x.upper()) for x in "abc"]
    G = build_collaboration_graph(orgs, [Project("p1", "Agrarian pools disqualified", start_year=2020)],
                                  [Participation("p1", x) for x in "abc"])
    found = communities(G, project_terms=project_terms([Project("p1", "Agrarian pools disqualified")]))
    assert found[0].terms == () and found[0].label == "A, B, C"


def test_communities_without_terms_and_same_every_time():
    G = bridged_triangles()
    first = communities(G, seed=3)
    assert [c.label for c in first] == ["a, b, c", "d, e, f"]
    assert communities(G, seed=3) == first
    assert communities(nx.empty_graph(["x", "y"])) == [
        metrics.Community(("x",), ("x",), (), "x"), metrics.Community(("y",), ("y",), (), "y")
    ]


def test_communities_are_the_same_in_every_process():
    """Louvain and labels must not depend on Python's per-process string hashing."""
    script = textwrap.dedent(
        """
        import networkx as nx
        from graph.metrics import communities
        G = nx.relabel_nodes(nx.connected_caveman_graph(30, 6), lambda v: f"org{v:04d}")
        print([c.members for c in communities(G, seed=1)])
        """
    )
    outputs = {
        subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True,
                       env={"PYTHONHASHSEED": seed, "PATH": ""}).stdout
        for seed in ("1", "2")
    }
    assert len(outputs) == 1


def test_distinctive_terms_prefer_group_specific_words():
    docs = [frozenset({"wind", "energy"}), frozenset({"wind", "energy", "blade"})]
    # wind: 2 of 2 here, 2 of 20 overall -> 2 log 10; blade: 1 log 10;
    # energy is in every background document -> score 0, dropped.
    background = Counter(wind=2, energy=20, blade=1, solar=8)
    assert distinctive_terms(docs, background, 20, top=3) == ["wind", "blade"]
    assert distinctive_terms(docs, background, 20, top=3, min_documents=2) == ["wind"]
    assert distinctive_terms([], background, 20) == []


# -- activity per year -------------------------------------------------------------------------------


def activity_records():
    """2016: a b | 2017: a b c | 2018: nothing | 2019: c d (2 MNOK), d alone."""
    orgs = [
        Organisation("a", "A", "company"),
        Organisation("b", "B", "research"),
        Organisation("c", "C", "company"),
        Organisation("d", "D", "support"),
    ]
    projects = [
        Project("p1", "One", start_year=2016),
        Project("p2", "Two", start_year=2017),
        Project("p3", "Three", start_year=2019, budget_nok=2e6),
        Project("p4", "Four", start_year=2019),
        Project("p5", "Undated"),
    ]
    parts = [Participation("p1", x) for x in "ab"] + [Participation("p2", x) for x in "abc"]
    parts += [Participation("p3", "c"), Participation("p3", "d"), Participation("p4", "d"), Participation("p5", "a")]
    return orgs, projects, parts


def test_activity_by_hand():
    act = activity_by_year(*activity_records())
    assert sorted(act) == [2016, 2017, 2018, 2019]  # the gap year is there, with zeros
    a16, a17, a18, a19 = (act[y] for y in (2016, 2017, 2018, 2019))
    assert (a16.organisations, a16.projects, a16.new_organisations) == (("a", "b"), ("p1",), ("a", "b"))
    assert (a16.ties, a16.new_ties, a16.cross_kind_ties) == (1, (("a", "b"),), 1)
    assert a17.new_organisations == ("c",)
    assert (a17.ties, a17.new_ties) == (3, (("a", "c"), ("b", "c")))
    assert [(k.kind_a, k.kind_b, k.ties, k.new_ties) for k in a17.kind_ties] == [
        ("company", "research", 2, 1),  # a-b (old) and b-c (new)
        ("company", "company", 1, 1),  # a-c
    ]
    assert (a17.cross_kind_ties, a17.new_cross_kind_ties) == (2, 1)
    assert (a18.organisations, a18.ties, a18.new_ties, a18.budget_nok) == ((), 0, (), None)
    assert (a19.organisations, a19.new_organisations, a19.new_ties) == (("c", "d"), ("d",), (("c", "d"),))
    assert (a19.budget_nok, a19.budget_projects, a17.budget_projects) == (2e6, 1, 0)


@pytest.mark.parametrize(
    ("quiet_after", "expected"),
    [
        (1, {2016: (), 2017: (), 2018: ("a", "b", "c"), 2019: ()}),  # active 2017, not 2018
        (2, {2016: (), 2017: (), 2018: (), 2019: ("a", "b")}),  # last seen 2017, nothing for two years
        (3, {2016: (), 2017: (), 2018: (), 2019: ()}),
    ],
)
def test_quiet_by_hand(quiet_after, expected):
    act = activity_by_year(*activity_records(), quiet_after=quiet_after)
    assert {y: a.quiet for y, a in act.items()} == expected


def test_unknown_kind_ties_are_not_cross_kind():
    orgs = [Organisation("a", "A", "company"), Organisation("b", "B", "")]
    parts = [Participation("p", "a"), Participation("p", "b")]
    act = activity_by_year(orgs, [Project("p", "P", start_year=2020)], parts)
    assert act[2020].kind_ties[0].kind_a == "" and act[2020].cross_kind_ties == 0


def test_activity_bad_quiet_after():
    with pytest.raises(ValueError, match="quiet_after"):
        activity_by_year(*activity_records(), quiet_after=0)


# -- yearly metrics ----------------------------------------------------------------------------------


def test_yearly_metrics_year_alone_and_cumulative():
    alone = yearly_metrics(*activity_records())
    together = yearly_metrics(*activity_records(), cumulative=True)
    assert [(m.year, m.network.nodes, m.network.edges) for m in alone] == [
        (2016, 2, 1), (2017, 3, 3), (2018, 0, 0), (2019, 2, 1)]
    # d's solo project makes it active in 2019 either way; the undated p5 never counts.
    assert [(m.year, m.network.nodes, m.network.edges) for m in together] == [
        (2016, 2, 1), (2017, 3, 3), (2018, 3, 3), (2019, 4, 4)]
    assert together[-1].activity == alone[-1].activity
    assert all(m.cumulative for m in together) and not any(m.cumulative for m in alone)


def test_yearly_metrics_for_chosen_years_and_errors():
    chosen = yearly_metrics(*activity_records(), years=[2019, 2017, 2017], with_terms=False)
    assert [m.year for m in chosen] == [2017, 2019]
    with pytest.raises(ValueError, match="no data for year 2030"):
        yearly_metrics(*activity_records(), years=[2030])


# -- the real data set, as a size check ------------------------------------------------------------


@pytest.mark.shared_data
def test_h2020_metrics_size(h2020_records):
    orgs, projects, parts = h2020_records
    act = activity_by_year(orgs, projects, parts)
    assert sorted(act) == [2013, 2014, 2015, 2016, 2017, 2018]
    a = act[2018]
    assert (len(a.organisations), len(a.projects), len(a.new_organisations)) == (1742, 562, 1055)
    assert (a.ties, len(a.new_ties)) == (31213, 29400)
    assert sum(len(x.new_ties) for x in act.values()) == 90748  # every tie is new exactly once
    G = build_collaboration_graph(orgs, projects, parts, since=2018, until=2018)
    m = network_metrics(G, project_terms=project_terms(projects))
    assert m.betweenness_sources is None  # 1,742 nodes: exact
    assert (m.nodes, m.edges) == (1742, 31213)
    assert sum(c.size for c in m.communities) == 1742
    assert all(c.terms for c in m.communities if c.size >= 20)
    assert m.brokers and all(b.cut_off >= 1 for b in m.brokers)
    assert sum(c.eigenvector ** 2 for c in m.centrality) == pytest.approx(1.0)
    # Spot-check betweenness against networkx with the same 20 sampled sources.
    ours, theirs = betweenness(G, k=20, seed=7), nx.betweenness_centrality(G, k=20, seed=7)
    top = sorted(theirs, key=theirs.get, reverse=True)[:10]
    assert [ours[v] for v in top] == pytest.approx([theirs[v] for v in top])


def test_louvain_finds_planted_groups_as_well_as_networkx_and_repeats_itself():
    G = nx.planted_partition_graph(8, 30, 0.5, 0.02, seed=1)
    nx.set_edge_attributes(G, 1, "weight")
    ours = louvain(G, seed=3)
    assert louvain(G, seed=3) == ours  # same graph, same seed, same communities
    theirs = nx.community.louvain_communities(G, weight="weight", seed=3)
    ours_q = nx.community.modularity(G, ours, weight="weight")
    assert ours_q >= nx.community.modularity(G, theirs, weight="weight") - 0.01
    planted = [set(range(30 * k, 30 * (k + 1))) for k in range(8)]
    assert sorted(map(sorted, ours)) == sorted(map(sorted, planted))


def test_quiet_come_most_active_before_first_not_alphabetically():
    orgs = [Organisation(x, x.upper()) for x in "azmq"]
    projects = [Project(f"p{i}", "P", start_year=2016) for i in range(3)] + [Project("p9", "Later", start_year=2018)]
    parts = [Participation("p0", "a"), Participation("p0", "z"), Participation("p1", "z"), Participation("p1", "m"),
             Participation("p2", "z"), Participation("p2", "m"), Participation("p9", "q")]
    assert activity_by_year(orgs, projects, parts, quiet_after=2)[2018].quiet == ("z", "m", "a")  # 3, 2, 1 projects
