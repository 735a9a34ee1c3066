"""Drawings of the collaboration network with matplotlib: PNG, SVG, PDF, GIF, MP4.

Where the nodes go is :mod:`graph.layout`'s business (:func:`graph.layout.stable_layout`,
computed once on the cumulative graph and reused by every year's picture and
every animation frame); this module only draws at given positions.

Nodes are coloured by kind (:data:`KIND_COLOURS`, Okabe–Ito colours that
stay distinct for colour-blind readers), sized by joint projects, and the
most central ones are labelled. Names are drawn with ``parse_math=False``,
so a ``$`` in a name is a dollar sign; SVG keeps text as text (XML-escaped
by matplotlib) so names stay searchable.

matplotlib is imported inside the functions, as networkx does with its
optional dependencies; importing :mod:`graph` stays light.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import numpy as np

from data.text import kind_label, printable, t
from graph.glyphs import drawable, families
from graph.layout import Position, stable_layout

__all__ = [
    "ANIMATION_FORMATS",
    "DRAWING_FORMATS",
    "KIND_COLOURS",
    "PATH_SEGMENTS",
    "Drawing",
    "draw_network",
    "ffmpeg_path",
    "quiet_glyphs",
    "save_animation",
    "label_text",
    "save_drawing",
]

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


@dataclass(frozen=True)
class Drawing:
    """What a drawing shows, for callers and tests."""

    nodes: int  # nodes of the graph drawn in colour
    edges: int
    background_nodes: int  # grey nodes from the background graph
    labels: tuple[str, ...]  # org ids labelled


# -- drawing -------------------------------------------------------------------------


@contextmanager
def quiet_glyphs():
    # A name with an emoji draws a box in DejaVu Sans; that is expected, not news.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"Glyph .* missing from font")
        warnings.filterwarnings("ignore", message=r"Matplotlib currently does not support .* natively")
        yield


def label_text(name: str, width: int = 24) -> str:
    """A node's name for a label, whole: long names wrap onto a second line at a space, never cut.

    >>> label_text("Trønder Offshore Wind Structures AS")
    'Trønder Offshore\\nWind Structures AS'
    >>> label_text("SINTEF")
    'SINTEF'
    """
    name = printable(name)
    if len(name) <= width or " " not in name:
        return name
    middle = len(name) / 2
    spaces = [i for i, c in enumerate(name) if c == " "]
    cut = min(spaces, key=lambda i: abs(i - middle))
    return name[:cut] + "\n" + name[cut + 1 :]


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
    highlight: str = "#5A6B7B",
    sizes: dict | None = None,
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
        At most this many names, the most central nodes (weighted degree)
        first, each only where it fits: beside its node, over no other label
        and no larger node's mark, inside the picture
        (:func:`graph.layout.place_labels`). Names are never shortened.
    title : str, optional
    legend : bool
    lang : {"nb", "en"}
        Language of legend entries.
    highlight : str
        Colour of ``G``'s ties (the grey background keeps its own).
    sizes : mapping, optional
        node -> value the marks are sized by (default: joint projects, the
        weighted degree).

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
    >>> from graph.layout import stable_layout
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
            colour=highlight,
            # Thousands of ties would paint a solid blob; fade them with their number.
            alpha=float(np.clip(25 / math.sqrt(len(edges)), 0.06, 0.5)),
            zorder=3,
            gid="edges",
        )
    strength = dict(sizes) if sizes is not None else dict(G.degree(weight="weight"))
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
    radius = {v: math.sqrt(base * (0.6 + 3.0 * math.sqrt(strength[v] / top_strength))) / 2 for v in G}
    labelled = _place_labels(ax, G, pos, ranked, labels, radius, fontsize=7 if big else 8)
    if title:
        with quiet_glyphs():
            ax.set_title(drawable(printable(title)), family=families(), fontsize=12, loc="left", parse_math=False)
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


#: Ties per compound path: Agg refuses a single path beyond its cell limit.
PATH_SEGMENTS = 200_000


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
        # One path per PATH_SEGMENTS ties: Agg refuses a single path beyond its cell limit
        # ("Exceeded cell block limit" at ~750,000 ties, a 50k-organisation register).
        for start in range(0, len(segments), PATH_SEGMENTS):
            block = vertices[2 * start : 2 * (start + PATH_SEGMENTS)]
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


def _place_labels(ax, G: nx.Graph, pos: Position, ranked: list, wanted: int, radius: dict,
                  *, fontsize: float) -> tuple:
    """Name the most central nodes where their names fit (hubs first), measured by matplotlib itself."""
    if wanted <= 0 or not ranked:
        return ()
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from graph.layout import LabelBox, place_labels

    fig = ax.figure
    if not hasattr(fig.canvas, "get_renderer"):
        FigureCanvasAgg(fig)
    renderer = fig.canvas.get_renderer()
    xy = np.array([pos[v] for v in G])
    pad = 0.08
    ax.set_xlim(xy[:, 0].min() - pad, xy[:, 0].max() + pad)
    ax.set_ylim(xy[:, 1].min() - pad, xy[:, 1].max() + pad)
    ax.apply_aspect()
    to_pixels = ax.transData.transform
    points = fig.dpi / 72
    candidates, texts = [], {}
    with quiet_glyphs():
        for v in ranked[: max(wanted * 4, 60)]:
            text = ax.text(0, 0, label_text(drawable(str(G.nodes[v].get("name", v)))), fontsize=fontsize, ha="center",
                           va="center", zorder=6, parse_math=False, linespacing=1.0, family=families(),
                           # A box, not a path effect: path effects turn SVG text into outlines.
                           bbox={"boxstyle": "round,pad=0.12", "facecolor": "white", "edgecolor": "none",
                                 "alpha": 0.8})
            extent = text.get_window_extent(renderer)
            x, y = to_pixels(pos[v])
            candidates.append(LabelBox(v, float(x), float(y), extent.width + 2 * points, extent.height + points,
                                       radius[v] * points))
            texts[v] = text
        box = ax.get_window_extent(renderer)
        placed = place_labels(candidates, bounds=(box.x0, box.y0, box.x1, box.y1), limit=wanted, gap=points)
        inverse = ax.transData.inverted()
        for v, text in texts.items():
            if v in placed:
                text.set_position(tuple(inverse.transform(placed[v])))
            else:
                text.remove()
    return tuple(placed)


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


def ffmpeg_path() -> str | None:
    """The ffmpeg an MP4 is written with: imageio-ffmpeg's own binary, else one on ``PATH``, else None."""
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
        ffmpeg = ffmpeg_path()
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
