"""graph.layout: where nodes sit, and where their names fit (hubs first, never on top of each other)."""

from __future__ import annotations

import itertools
import math

import networkx as nx
import pytest

from graph.layout import LabelBox, place_labels, stable_layout


def overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def boxes(candidates, placed):
    size = {b.node: b for b in candidates}
    return {v: (x - size[v].width / 2, y - size[v].height / 2, x + size[v].width / 2, y + size[v].height / 2)
            for v, (x, y) in placed.items()}


def test_labels_never_overlap_on_a_crowded_grid():
    candidates = [LabelBox(f"n{i}", (i % 10) * 12.0, (i // 10) * 12.0, 40, 9, 2) for i in range(100)]
    placed = place_labels(candidates, bounds=(-30, -30, 150, 150))
    drawn = boxes(candidates, placed)
    assert 5 < len(placed) < 100  # some fit, not all
    for (u, a), (v, b) in itertools.combinations(drawn.items(), 2):
        assert not overlaps(a, b), (u, v)
    for box in drawn.values():
        assert -30 <= box[0] and box[2] <= 150 and -30 <= box[1] and box[3] <= 150


def test_hubs_are_named_first_and_nobody_covers_their_mark():
    # The hub comes first, so its name is placed; the small node beside it may not cover the hub's dot.
    hub = LabelBox("hub", 0, 0, 60, 10, radius=8)
    small = LabelBox("small", 12, 0, 60, 10, radius=2)
    placed = place_labels([hub, small])
    assert list(placed)[0] == "hub"
    drawn = boxes([hub, small], placed)
    if "small" in drawn:
        assert not overlaps(drawn["small"], (-8, -8, 8, 8))


def test_a_node_at_the_edge_leans_its_label_inwards():
    edge = LabelBox("edge", 2, 50, 60, 10, radius=2)
    placed = place_labels([edge], bounds=(0, 0, 200, 100))
    x, _ = placed["edge"]
    assert x - 30 >= 0  # inside the picture, not centred over the edge


def test_limit_and_empty():
    candidates = [LabelBox(str(i), i * 100.0, 0, 20, 10) for i in range(5)]
    assert list(place_labels(candidates, limit=2)) == ["0", "1"]
    assert place_labels(candidates, limit=0) == {} and place_labels([]) == {}


def test_layout_is_stable_and_covers_every_node():
    G = nx.les_miserables_graph()
    pos = stable_layout(G, seed=3)
    assert set(pos) == set(G) and pos == stable_layout(G, seed=3)
    assert max(math.hypot(*p) for p in pos.values()) <= 1.2


@pytest.mark.parametrize("n", [0, 1])
def test_layout_of_tiny_graphs(n):
    G = nx.path_graph(n)
    assert len(stable_layout(G)) == n
