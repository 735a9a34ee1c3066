"""Drawings of the collaboration network with matplotlib: PNG, SVG, PDF, GIF, MP4.

*Stable layout.* :func:`stable_layout` is computed once, on the cumulative
graph, with a fixed seed; every year's picture and every animation frame
reuses it, so an organisation stays in the same place from year to year.
Small networks (up to :data:`SPRING_MAX_NODES` connected nodes) get a plain
``nx.spring_layout``. Larger ones would take minutes that way, so the
:data:`BACKBONE` best-connected organisations are laid out with
``spring_layout`` and everyone else is placed next to the partners already
placed, in breadth-first order, with a seeded jitter. Organisations without
partners (and, in large networks, very small separate groups) go on a ring
around the picture.

Nodes are coloured by kind (:data:`KIND_COLOURS`, Okabe–Ito colours that
stay distinct for colour-blind readers), sized by joint projects, and the
most central ones are labelled. Names are drawn with ``parse_math=False``,
so a ``$`` in a name is a dollar sign; SVG keeps text as text (XML-escaped
by matplotlib) so names stay searchable.

matplotlib is imported inside the functions, as networkx does with its
optional dependencies; importing :mod:`graph` stays light.
"""

from __future__ import annotations

import functools
import math
import random
import warnings
from collections.abc import Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import numpy as np

from data.text import kind_label, printable, t

__all__ = [
    "BACKBONE",
    "DRAWING_FORMATS",
    "KIND_COLOURS",
    "SPRING_MAX_NODES",
    "Drawing",
    "draw_network",
    "save_animation",
    "save_drawing",
    "stable_layout",
    "text_width",
]

#: Up to this many connected nodes the whole graph goes through spring_layout.
SPRING_MAX_NODES = 600
#: Nodes laid out with spring_layout in larger graphs.
BACKBONE = 400

KIND_COLOURS: dict[str, str] = {
    "company": "#E69F00",
    "research": "#0072B2",
    "education": "#56B4E9",
    "public": "#009E73",
    "support": "#CC79A7",
    "other": "#D55E00",
    "": "#8C8C8C",
}
_GREY = "#D9D9D9"

DRAWING_FORMATS: tuple[str, ...] = ("png", "svg", "pdf")
ANIMATION_FORMATS: tuple[str, ...] = ("gif", "mp4")

Position = Mapping[str, tuple[float, float]]


@dataclass(frozen=True)
class Drawing:
    """What a drawing shows, for callers and tests."""

    nodes: int  # nodes of the graph drawn in colour
    edges: int
    background_nodes: int  # grey nodes from the background graph
    labels: tuple[str, ...]  # org ids labelled


# -- layout --------------------------------------------------------------------------


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


# -- drawing -------------------------------------------------------------------------


@contextmanager
def quiet_glyphs():
    # A name with an emoji draws a box in DejaVu Sans; that is expected, not news.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"Glyph .* missing from font")
        warnings.filterwarnings("ignore", message=r"Matplotlib currently does not support .* natively")
        yield


@functools.lru_cache(maxsize=2)
def _font(bold: bool):
    from matplotlib import ft2font
    from matplotlib.font_manager import FontProperties, findfont

    font = ft2font.FT2Font(findfont(FontProperties(family="DejaVu Sans", weight="bold" if bold else "normal")))
    font.set_size(100, 72)  # 100 pt at 72 dpi: advances in 1/64 of a point
    return font


@functools.lru_cache(maxsize=8192)
def _advance(char: str, bold: bool) -> float:
    """Width of one glyph at 1 pt, in points; a glyph the font lacks counts as an "M"."""
    from matplotlib import ft2font

    font = _font(bold)
    if font.get_char_index(ord(char)) == 0:
        char = "M"
    return font.load_char(ord(char), flags=ft2font.LoadFlags.NO_HINTING).linearHoriAdvance / 65536 / 100


def text_width(text: str, fontsize: float, bold: bool = False) -> float:
    """Width of ``text`` in inches, from the font's glyph advances.

    7 % is added: rendering at a small size rounds glyphs up to whole pixels
    (measured against matplotlib's own text extents).
    """
    return 1.07 * sum(_advance(c, bold) for c in text) * fontsize / 72


def _short(name: str, limit: int = 30) -> str:
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


def draw_network(
    G: nx.Graph,
    pos: Position,
    *,
    ax=None,
    background: nx.Graph | None = None,
    labels: int = 12,
    title: str | None = None,
    legend: bool = True,
    lang: str = "nb",
) -> Drawing:
    """Draw ``G`` on ``ax`` at ``pos``: colours by kind, size by joint projects, labels for the central ones.

    Parameters
    ----------
    G : nx.Graph
        The graph to show in colour.
    pos : mapping
        node -> (x, y), e.g. :func:`stable_layout` of the cumulative graph;
        must cover ``G`` and ``background``.
    ax : matplotlib Axes, optional
        Drawn on a new figure when omitted.
    background : nx.Graph, optional
        Drawn first in grey (nodes and edges not in ``G``), e.g. the
        network up to the year when ``G`` is the year's own.
    labels : int
        How many of the most central nodes (weighted degree) get their name.
    title : str, optional
    legend : bool
    lang : {"nb", "en"}
        Language of legend entries.

    Returns
    -------
    Drawing

    Raises
    ------
    nx.NodeNotFound
        If ``pos`` lacks a node to draw.

    Examples
    --------
    >>> G = nx.Graph([("a", "b"), ("b", "c"), ("c", "d")])
    >>> nx.set_node_attributes(G, {"a": "company", "b": "research", "c": "company", "d": ""}, "kind")
    >>> draw_network(G, stable_layout(G), labels=2)
    Drawing(nodes=4, edges=3, background_nodes=0, labels=('b', 'c'))
    """
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    for v in list(G) + (list(background) if background is not None else []):
        if v not in pos:
            raise nx.NodeNotFound(f"Node {v} has no position.")
    if ax is None:
        ax = Figure(figsize=(8, 8)).add_subplot()
    ax.set_axis_off()
    ax.set_aspect("equal")
    n_all = len(G) + (len(background) if background is not None else 0)
    big = n_all > 1500
    extra = 0
    if background is not None:
        back_edges = [(pos[u], pos[v]) for u, v in background.edges() if not G.has_edge(u, v)]
        if back_edges:
            _add_edges(ax, back_edges, 0.3, colour=_GREY, alpha=0.5, zorder=1, gid="background-edges")
        back_nodes = [v for v in background if v not in G]
        extra = len(back_nodes)
        if back_nodes:
            xy = np.array([pos[v] for v in back_nodes])
            sc = ax.scatter(xy[:, 0], xy[:, 1], s=4 if big else 12, c=_GREY, linewidths=0, zorder=2)
            sc.set_gid("background-nodes")
    edges = [(pos[u], pos[v]) for u, v in G.edges()]
    if edges:
        weights = np.array([d.get("weight", 1) for _, _, d in G.edges(data=True)], dtype=float)
        _add_edges(
            ax,
            edges,
            np.clip(0.3 + 0.4 * np.log1p(weights), 0.3, 2.5) * (0.5 if big else 1.0),
            colour="#5A6B7B",
            # Thousands of ties would paint a solid blob; fade them with their number.
            alpha=float(np.clip(25 / math.sqrt(len(edges)), 0.06, 0.5)),
            zorder=3,
            gid="edges",
        )
    strength = dict(G.degree(weight="weight"))
    top_strength = max(strength.values(), default=1) or 1
    base = float(np.clip(3000 / max(len(G), 1), 6, 60))
    kinds_present = []
    for kind, colour in KIND_COLOURS.items():
        members = [v for v in G if G.nodes[v].get("kind", "") == kind]
        unknown_kind = [v for v in G if G.nodes[v].get("kind", "") not in KIND_COLOURS] if kind == "" else []
        members += unknown_kind
        if not members:
            continue
        kinds_present.append(kind)
        xy = np.array([pos[v] for v in members])
        sizes = [base * (0.6 + 3.0 * math.sqrt(strength[v] / top_strength)) for v in members]
        sc = ax.scatter(
            xy[:, 0], xy[:, 1], s=sizes, c=colour, edgecolors="white", linewidths=0.3 if big else 0.6, zorder=4
        )
        sc.set_gid(f"nodes-{kind or 'unknown'}")
    ranked = sorted(G, key=lambda v: (-strength[v], -G.degree(v), str(v)))
    labelled = _place_labels(ax, G, pos, ranked, labels, fontsize=7 if big else 8)
    if title:
        with quiet_glyphs():
            ax.set_title(printable(title), fontsize=12, loc="left", parse_math=False)
    if legend and kinds_present:
        handles = [
            Line2D([], [], marker="o", linestyle="", markersize=7, markerfacecolor=KIND_COLOURS[k],
                   markeredgecolor="white", label=kind_label(lang, k))
            for k in kinds_present
        ]
        if background is not None and extra:
            handles.append(Line2D([], [], color=_GREY, marker="o", markersize=5, label=t(lang, "draw.background")))
        # Hangs below the axes; callers leave a strip for it (see save_drawing).
        ax.legend(handles=handles, loc="upper left", fontsize=8, frameon=False, ncol=min(len(handles), 4),
                  bbox_to_anchor=(0.0, 0.0), borderaxespad=0.2)
    return Drawing(nodes=len(G), edges=G.number_of_edges(), background_nodes=extra, labels=labelled)


_PATH_SEGMENTS = 200_000


def _add_edges(ax, segments, widths, *, colour: str, alpha: float, zorder: int, gid: str) -> None:
    """Edges as a LineCollection; beyond a few thousand, as one compound path.

    A LineCollection builds a Path object per segment, which costs seconds
    for the tens of thousands of ties of a large network; one path with
    MOVETO/LINETO pairs draws the same lines (one stroke, so overlaps do not
    darken) at a fraction of the cost. Both are rasterised in vector output
    when large, so a PDF stays small and quick to open.
    """
    from matplotlib.collections import LineCollection
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path as MplPath

    if len(segments) <= 4000:
        artist = LineCollection(segments, colors=colour, linewidths=widths, alpha=alpha, zorder=zorder)
        ax.add_collection(artist)
        artists = [artist]
    else:
        vertices = np.asarray(segments, dtype=float).reshape(-1, 2)
        width = float(np.median(widths)) if np.ndim(widths) else float(widths)
        artists = []
        # One path per _PATH_SEGMENTS ties: Agg refuses a single path beyond its cell limit
        # ("Exceeded cell block limit" at ~750,000 ties, a 50k-organisation register).
        for start in range(0, len(segments), _PATH_SEGMENTS):
            block = vertices[2 * start : 2 * (start + _PATH_SEGMENTS)]
            codes = np.tile(np.array([MplPath.MOVETO, MplPath.LINETO], dtype=MplPath.code_type), len(block) // 2)
            # One stroke: overlapping ties no longer add up, so give it more opacity.
            artist = PathPatch(MplPath(block, codes), facecolor="none", edgecolor=colour, linewidth=width,
                               alpha=max(alpha, 0.35), zorder=zorder, transform=ax.transData)
            # add_artist, not add_patch: add_patch walks every segment to update the data limits
            # (seconds for 100,000 ties), and the limits are set from the node positions anyway.
            ax.add_artist(artist)
            artist.set_clip_path(ax.patch)
            artists.append(artist)
    for artist in artists:
        artist.set_rasterized(len(segments) > 2000)
        artist.set_gid(gid)


def _place_labels(ax, G: nx.Graph, pos: Position, ranked: list, wanted: int, *, fontsize: float) -> tuple:
    """Name the most central nodes, skipping any whose label would cover one already placed."""
    if wanted <= 0:
        return ()
    to_pixels = ax.transData.transform
    scale = fontsize * ax.figure.dpi / 72
    boxes: list[tuple[float, float, float, float]] = []
    chosen = []
    with quiet_glyphs():
        for v in ranked[: wanted * 5]:
            text = _short(printable(str(G.nodes[v].get("name", v))))
            x, y = to_pixels(pos[v])
            half = text_width(text, fontsize) * ax.figure.dpi / 2 + 0.15 * scale
            box = (x - half, y, x + half, y + 1.4 * scale)
            if any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in boxes):
                continue
            boxes.append(box)
            chosen.append(v)
            ax.text(
                pos[v][0],
                pos[v][1],
                text,
                fontsize=fontsize,
                ha="center",
                va="bottom",
                zorder=6,
                parse_math=False,
                # A box, not a path effect: path effects turn SVG text into outlines.
                bbox={"boxstyle": "round,pad=0.12", "facecolor": "white", "edgecolor": "none", "alpha": 0.75},
            )
            if len(chosen) == wanted:
                break
    return tuple(chosen)


def _format_of(path: Path, fmt: str | None, allowed: Sequence[str]) -> str:
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    if fmt not in allowed:
        raise ValueError(f"cannot write {fmt or 'a file without extension'!r}; expected one of {', '.join(allowed)}")
    return fmt


_RC = {"svg.fonttype": "none", "svg.hashsalt": "samspill", "pdf.fonttype": 42, "path.simplify": True}


def save_drawing(
    G: nx.Graph,
    path: str | Path,
    *,
    pos: Position | None = None,
    fmt: str | None = None,
    background: nx.Graph | None = None,
    title: str | None = None,
    labels: int = 12,
    lang: str = "nb",
    size: float = 10.0,
    dpi: int = 150,
) -> Drawing:
    """Draw ``G`` into a PNG, SVG or PDF file.

    Parameters
    ----------
    G : nx.Graph
    path : path
    pos : mapping, optional
        Default :func:`stable_layout` of ``background`` (or of ``G``).
    fmt : {"png", "svg", "pdf"}, optional
        Default from the file extension.
    background, title, labels, lang
        As :func:`draw_network`.
    size : float
        Width and height in inches.
    dpi : int
        For PNG and rasterised edges.

    Raises
    ------
    ValueError
        For an unknown format.
    """
    import matplotlib as mpl
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    path = Path(path)
    fmt = _format_of(path, fmt, DRAWING_FORMATS)
    if pos is None:
        pos = stable_layout(background if background is not None else G)
    with mpl.rc_context(_RC), quiet_glyphs():
        fig = Figure(figsize=(size, size))
        FigureCanvasAgg(fig)
        ax = fig.add_axes((0.02, 0.06, 0.96, 0.9))
        drawing = draw_network(G, pos, ax=ax, background=background, labels=labels, title=title, lang=lang)
        fig.savefig(path, format=fmt, dpi=dpi, metadata=_metadata(fmt, title))
    return drawing


def _metadata(fmt: str, title: str | None) -> dict:
    if fmt == "png":
        return {"Software": "Samspill"}
    if fmt == "svg":
        return {"Title": title or "Samspill", "Date": None}
    if fmt == "pdf":
        return {"Title": title or "Samspill", "Creator": "Samspill", "CreationDate": None}
    return {}


def _ffmpeg_path() -> str | None:
    import shutil

    try:
        import imageio_ffmpeg  # optional: ships its own ffmpeg binary
    except ImportError:
        return shutil.which("ffmpeg")
    return imageio_ffmpeg.get_ffmpeg_exe()


def save_animation(
    frames: Sequence[tuple[int, nx.Graph]],
    path: str | Path,
    *,
    pos: Position | None = None,
    fmt: str | None = None,
    fps: float = 1.0,
    labels: int = 10,
    lang: str = "nb",
    size: float = 8.0,
    dpi: int = 100,
) -> int:
    """The network growing year by year as an animated GIF (or MP4 when an ffmpeg is available).

    Parameters
    ----------
    frames : sequence of (year, graph)
        Typically the cumulative graph up to each year, oldest first.
    path : path
    pos : mapping, optional
        Default :func:`stable_layout` of the last frame's graph (the largest).
    fmt : {"gif", "mp4"}, optional
        Default from the file extension.
    fps : float
        Frames (years) per second.

    Returns
    -------
    int
        Number of frames written.

    Raises
    ------
    ValueError
        For no frames or an unknown format.
    RuntimeError
        For MP4 without an ffmpeg (install ``imageio-ffmpeg`` or ffmpeg).
    """
    import matplotlib as mpl
    from matplotlib.animation import FFMpegWriter, FuncAnimation, PillowWriter
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    path = Path(path)
    fmt = _format_of(path, fmt, ANIMATION_FORMATS)
    if not frames:
        raise ValueError("no frames to animate: no year has projects")
    if fmt == "mp4":
        ffmpeg = _ffmpeg_path()
        if ffmpeg is None:
            raise RuntimeError(
                "MP4 needs ffmpeg: install the imageio-ffmpeg package or an ffmpeg binary, or write a GIF"
            )
        mpl.rcParams["animation.ffmpeg_path"] = ffmpeg
        writer = FFMpegWriter(fps=fps, codec="libx264", extra_args=["-pix_fmt", "yuv420p"])
    else:
        writer = PillowWriter(fps=fps)
    if pos is None:
        pos = stable_layout(frames[-1][1])
    with mpl.rc_context(_RC), quiet_glyphs():
        fig = Figure(figsize=(size, size))
        FigureCanvasAgg(fig)
        ax = fig.add_axes((0.02, 0.06, 0.96, 0.9))

        def update(i):
            ax.clear()
            year, H = frames[i]
            draw_network(H, pos, ax=ax, labels=labels, lang=lang,
                         title=t(lang, "draw.frame", year=year, nodes=len(H), edges=H.number_of_edges()))
            # Keep the frame steady: the same limits every year.
            xy = np.array(list(pos.values()))
            ax.set_xlim(xy[:, 0].min() - 0.08, xy[:, 0].max() + 0.08)
            ax.set_ylim(xy[:, 1].min() - 0.08, xy[:, 1].max() + 0.08)
            return []

        animation = FuncAnimation(fig, update, frames=len(frames), blit=False, repeat=False)
        animation.save(path, writer=writer, dpi=dpi)
    return len(frames)
