"""Where each organisation sits in a picture of the network, and where its name fits.

*Stable layout.* :func:`stable_layout` is computed once, with a fixed seed, and
every picture of the same years reuses it, so an organisation stays in the
same place from one view to the next. Small networks (up to
:data:`SPRING_MAX_NODES` connected nodes) get a plain ``nx.spring_layout``.
Larger ones would take minutes that way, so the :data:`BACKBONE`
best-connected organisations are laid out with ``spring_layout`` and everyone
else is placed next to the partners already placed, in breadth-first order,
with a seeded jitter. Organisations without partners (and, in large networks,
very small separate groups) go on a ring around the picture.

*Labels that fit.* :func:`place_labels` takes label boxes (in any unit, e.g.
pixels), the most important first, and keeps each one only where it covers no
label already placed and no other node's mark, trying a few spots around its
node. Both the drawings (:mod:`graph.draw`, widths measured by matplotlib) and
the app's views (:mod:`graph.view`) use it.

No matplotlib here: plain geometry on ``nx.Graph``.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import networkx as nx
import numpy as np

__all__ = [
    "BACKBONE",
    "SPRING_MAX_NODES",
    "LabelBox",
    "Position",
    "place_labels",
    "stable_layout",
]

#: Up to this many connected nodes the whole graph goes through spring_layout.
SPRING_MAX_NODES = 600
#: Nodes laid out with spring_layout in larger graphs.
BACKBONE = 400

Position = Mapping[str, tuple[float, float]]


def stable_layout(G: nx.Graph, *, seed: int = 0) -> dict[str, tuple[float, float]]:
    """Positions for every node of ``G`` in about [-1, 1]², the same for the same graph and seed.

    Parameters
    ----------
    G : nx.Graph
        Usually the cumulative graph of all years.
    seed : int

    Returns
    -------
    dict
        node -> (x, y).

    Examples
    --------
    >>> G = nx.Graph([("a", "b"), ("b", "c"), ("c", "d")])
    >>> G.add_node("lonely")
    >>> pos = stable_layout(G, seed=1)
    >>> sorted(pos) == sorted(G) and pos == stable_layout(G, seed=1)
    True
    >>> round(math.hypot(*pos["lonely"]), 2)  # on the outer ring
    1.15
    """
    rng = random.Random(seed)
    components = sorted(nx.connected_components(G), key=lambda c: (-len(c), min(map(str, c))))
    connected = sum(len(c) for c in components if len(c) > 1)
    if connected <= SPRING_MAX_NODES:
        core = [c for c in components if len(c) > 1]
    else:
        core = [c for c in components if len(c) >= 3]
    ring = [c for c in components if c not in core]
    core_nodes = sorted((v for c in core for v in c), key=str)
    pos: dict[str, tuple[float, float]] = {}
    if core_nodes:
        if len(core_nodes) <= SPRING_MAX_NODES:
            placed = nx.spring_layout(_induced(G, core_nodes), seed=seed, weight=None, iterations=100)
        else:
            placed = _backbone_layout(G, core_nodes, rng, seed)
        pos.update(_normalise(placed))
    pos.update(_ring(ring, radius=1.15 if pos else 1.0))
    return {v: pos[v] for v in G}


def _induced(G: nx.Graph, nodes: Sequence) -> nx.Graph:
    """The subgraph on ``nodes``, built in the order given.

    ``G.subgraph(small_set)`` iterates in the *set's* order, which changes
    with Python's string hashing from one process to the next -- and with it
    any layout seeded on node order.
    """
    keep = set(nodes)
    H = nx.Graph()
    H.add_nodes_from(nodes)
    H.add_edges_from((u, v) for u in nodes for v in G.adj[u] if v in keep)
    return H


def _normalise(pos: Mapping) -> dict:
    """Centre on the median and scale so most nodes fill the unit disc.

    The 95th percentile of the distance from the centre becomes 0.9 and the
    few nodes beyond are pulled in to below 1.0, so one far-flung node cannot
    shrink everyone else into a dot.
    """
    xy = np.array(list(pos.values()), dtype=float)
    xy -= np.median(xy, axis=0)
    r = np.hypot(xy[:, 0], xy[:, 1])
    scale = np.percentile(r, 95) / 0.9 if len(r) > 1 else 0.0
    if scale > 0:
        xy /= scale
        r = np.hypot(xy[:, 0], xy[:, 1])
        far = r > 0.9
        squeezed = 0.9 + 0.1 * np.tanh((r[far] - 0.9) / 0.1)
        xy[far] *= (squeezed / r[far])[:, None]
    return {v: (float(x), float(y)) for v, (x, y) in zip(pos, xy, strict=True)}


def _backbone_layout(G: nx.Graph, nodes: list, rng: random.Random, seed: int) -> dict:
    """Spring layout for the best-connected nodes, the rest placed beside their partners.

    ``nodes`` are whole components of ``G``, so every neighbour of one of
    them is among them too and ``G`` itself serves as their adjacency.
    """
    ranked = sorted(nodes, key=lambda v: (-G.degree(v), str(v)))
    backbone = ranked[:BACKBONE]
    core = _induced(G, backbone)
    # A larger optimal distance than the default spreads the dense core.
    spread_k = 3.0 / math.sqrt(len(backbone))
    pos = {v: tuple(p) for v, p in nx.spring_layout(core, seed=seed, weight=None, k=spread_k).items()}
    # Typical spacing between backbone nodes sets the jitter radius.
    spread = 0.6 / math.sqrt(len(backbone))
    frontier = list(backbone)
    seen = set(backbone)
    while frontier:
        nxt = []
        for u in frontier:
            for w in sorted(G[u], key=str):
                if w not in seen:
                    seen.add(w)
                    nxt.append(w)
        for w in nxt:
            anchors = [pos[z] for z in G[w] if z in pos]
            x = sum(p[0] for p in anchors) / len(anchors)
            y = sum(p[1] for p in anchors) / len(anchors)
            angle = rng.uniform(0, 2 * math.pi)
            radius = spread * (0.5 + rng.random())
            pos[w] = (x + radius * math.cos(angle), y + radius * math.sin(angle))
        frontier = nxt
    for v in nodes:  # parts not reached from the backbone
        if v not in pos:
            pos[v] = (rng.uniform(-1, 1), rng.uniform(-1, 1))
    return pos


def _ring(groups: Sequence[set], radius: float) -> dict:
    nodes = [v for group in groups for v in sorted(group, key=str)]
    n = len(nodes)
    return {
        v: (radius * math.cos(2 * math.pi * i / n + math.pi / 2), radius * math.sin(2 * math.pi * i / n + math.pi / 2))
        for i, v in enumerate(nodes)
    }


# -- labels -------------------------------------------------------------------------


@dataclass(frozen=True)
class LabelBox:
    """A label wanted beside a node: the node's centre and mark radius, and the label's size.

    Any unit will do (pixels, points) as long as every box and obstacle uses the same one.
    """

    node: str
    x: float
    y: float
    width: float
    height: float
    radius: float = 0.0


class _Grid:
    """Boxes hashed into square cells, so a new box is checked against its neighbours only."""

    def __init__(self, cell: float):
        self.cell = cell
        self.cells: dict[tuple[int, int], list[tuple[float, float, float, float]]] = {}

    def _keys(self, box):
        x0, y0, x1, y1 = box[:4]
        c = self.cell
        for i in range(math.floor(x0 / c), math.floor(x1 / c) + 1):
            for j in range(math.floor(y0 / c), math.floor(y1 / c) + 1):
                yield i, j

    def hits(self, box) -> bool:
        x0, y0, x1, y1 = box
        for key in self._keys(box):
            for b in self.cells.get(key, ()):
                if x0 < b[2] and b[0] < x1 and y0 < b[3] and b[1] < y1:
                    return True
        return False

    def add(self, box) -> None:
        for key in self._keys(box):
            self.cells.setdefault(key, []).append(box)


def place_labels(
    candidates: Sequence[LabelBox],
    *,
    bounds: tuple[float, float, float, float] | None = None,
    obstacles: Sequence[tuple[str, float, float, float]] = (),
    limit: int | None = None,
    gap: float = 1.0,
) -> dict[str, tuple[float, float]]:
    """Where each label fits, most important first; labels that fit nowhere are left out.

    Each label tries spots around its node -- above, below, right, left, then
    above and below leaning right or left (for nodes near the edge) -- and
    takes the first whose box overlaps no label already placed, no mark
    of a node more important than its own (an earlier candidate), no
    ``obstacles``, and stays inside ``bounds``. Give the hubs first: they get
    their names before anyone else, and nobody's name covers them.

    Parameters
    ----------
    candidates : sequence of LabelBox
        In order of importance.
    bounds : (x0, y0, x1, y1), optional
        Labels must lie inside.
    obstacles : sequence of (node, x, y, radius)
        Further node marks no label may cover (its own node's excepted).
    limit : int, optional
        Stop after this many labels.
    gap : float
        Space between a node's mark and its label.

    Returns
    -------
    dict
        node -> (x, y), the centre of its label box; in the order placed.

    Examples
    --------
    Two hubs side by side: the second label cannot go above its node (the
    first one is there), so it goes below.

    >>> boxes = [LabelBox("a", 0, 0, 40, 10), LabelBox("b", 10, 0, 40, 10)]
    >>> place_labels(boxes)
    {'a': (0, 6.0), 'b': (10, -6.0)}
    """
    if limit is not None and limit <= 0:
        return {}
    sizes = [b.height for b in candidates] + [2 * r for _, _, _, r in obstacles]
    cell = max(4 * max(sizes, default=1.0), 1e-9)
    grid = _Grid(cell)
    marks = _Grid(cell)
    for node, x, y, r in obstacles:
        marks.add((x - r, y - r, x + r, y + r, node))
    placed: dict[str, tuple[float, float]] = {}
    for b in candidates:
        off_y = b.radius + gap + b.height / 2
        off_x = b.radius + gap + b.width / 2
        lean = b.width / 2 - b.radius
        spots = ((b.x, b.y + off_y), (b.x, b.y - off_y), (b.x + off_x, b.y), (b.x - off_x, b.y),
                 (b.x + lean, b.y + off_y), (b.x - lean, b.y + off_y), (b.x + lean, b.y - off_y),
                 (b.x - lean, b.y - off_y))
        for cx, cy in spots:
            box = (cx - b.width / 2, cy - b.height / 2, cx + b.width / 2, cy + b.height / 2)
            if bounds is not None and not (
                box[0] >= bounds[0] and box[1] >= bounds[1] and box[2] <= bounds[2] and box[3] <= bounds[3]
            ):
                continue
            if grid.hits(box) or _covers_mark(marks, box, b.node):
                continue
            grid.add(box)
            placed[b.node] = (cx, cy)
            break
        # Whether named or not, this node outranks the rest: no later label may cover its mark.
        marks.add((b.x - b.radius, b.y - b.radius, b.x + b.radius, b.y + b.radius, b.node))
        if limit is not None and len(placed) >= limit:
            break
    return placed


def _covers_mark(marks: _Grid, box, own: str) -> bool:
    x0, y0, x1, y1 = box
    for key in marks._keys(box):
        for m in marks.cells.get(key, ()):
            if m[4] != own and x0 < m[2] and m[0] < x1 and y0 < m[3] and m[1] < y1:
                return True
    return False
