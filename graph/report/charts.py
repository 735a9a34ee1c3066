"""The report's pictures, drawn once by matplotlib as PNG and shared by every format.

Each chart is its own matplotlib figure with constrained layout, so titles,
tick labels and legends are measured by matplotlib and never clipped; the
network pictures fill their figure and keep a strip for the legend. (Not
``bbox_inches="tight"``: it draws every figure twice, seconds for a network of
thousands of ties.)
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import networkx as nx

from data.text import t
from graph.metrics import YearActivity

__all__ = ["DPI", "TEXT_WIDTH", "community_figure", "growth_figure", "network_figure"]

#: Inches of text width on an A4 page with 2 cm margins; pictures are drawn at this size.
TEXT_WIDTH = 6.7
DPI = 200


def _png(fig, dpi: int = DPI) -> tuple[bytes, float]:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": "Samspill"})
    from PIL import Image

    buffer.seek(0)
    with Image.open(buffer) as image:
        aspect = image.height / image.width
    return buffer.getvalue(), aspect


def network_figure(network: nx.Graph, year_graph: nx.Graph, members, *, lang: str, seed: int, accent: str,
                   caption: str):
    """The cluster's members and their direct partners up to the year; the year's ties in colour."""
    import matplotlib as mpl
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure as MplFigure

    from graph.draw import draw_network, quiet_glyphs
    from graph.layout import stable_layout
    from graph.report.content import Figure
    from graph.view import induced, members_and_partners

    shown = members_and_partners(network, members)
    pos = stable_layout(shown, seed=seed)
    year_part = induced(year_graph, (v for v in year_graph if v in shown))
    with mpl.rc_context({"font.family": "DejaVu Sans"}), quiet_glyphs():
        fig = MplFigure(figsize=(TEXT_WIDTH, TEXT_WIDTH * 0.92))
        FigureCanvasAgg(fig)
        ax = fig.add_axes((0.0, 0.08, 1.0, 0.92))
        # Sized (and named, biggest first) by joint projects up to the year, as the table of the most central.
        strength = dict(network.degree(year_part, weight="weight"))
        draw_network(year_part, pos, ax=ax, background=shown, labels=40, lang=lang, highlight=accent, sizes=strength)
        png, aspect = _png(fig)
    return Figure(png, caption, caption=caption, aspect=aspect, width=0.9)


def community_figure(network: nx.Graph, communities, *, lang: str, seed: int, caption: str):
    """One circle per community (sized by its members, named by its terms), ties between them added up."""
    import matplotlib as mpl
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure as MplFigure

    from graph.draw import draw_network, quiet_glyphs
    from graph.report.content import Figure
    from graph.view import community_graph, community_layout

    C = community_graph(network, communities, lang=lang, most=12)
    pos = {f"c{i}": xy for i, xy in community_layout(C).items()}
    C = nx.relabel_nodes(C, {i: f"c{i}" for i in C})
    with mpl.rc_context({"font.family": "DejaVu Sans"}), quiet_glyphs():
        fig = MplFigure(figsize=(TEXT_WIDTH, TEXT_WIDTH * 0.75))
        FigureCanvasAgg(fig)
        ax = fig.add_axes((0.01, 0.01, 0.98, 0.98))
        draw_network(C, pos, ax=ax, labels=len(C), legend=False, lang=lang, highlight="#8795A1",
                     sizes={v: C.nodes[v]["members"] for v in C})
        png, aspect = _png(fig, dpi=150)
    return Figure(png, caption, caption=caption, aspect=aspect)


def growth_figure(series: Sequence[YearActivity], year: int, lang: str, *, primary: str, accent: str):
    """Six small charts, one measure each, years on the x axis; the report's year in the accent colour."""
    import matplotlib as mpl
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure as MplFigure
    from matplotlib.ticker import MaxNLocator

    from graph.report.content import Figure

    years = [a.year for a in series]
    totals_nodes, totals_edges, nodes, edges = [], [], 0, 0
    for a in series:
        nodes += len(a.new_organisations)
        edges += len(a.new_ties)
        totals_nodes.append(nodes)
        totals_edges.append(edges)
    panels = [
        ("rep.chart.projects", [len(a.projects) for a in series]),
        ("rep.chart.active", [len(a.organisations) for a in series]),
        ("rep.chart.new_organisations", [len(a.new_organisations) for a in series]),
        ("rep.chart.new_ties", [len(a.new_ties) for a in series]),
        ("rep.chart.network_nodes", totals_nodes),
        ("rep.chart.network_edges", totals_edges),
    ]
    if any(a.budget_nok is not None for a in series):
        panels.append(("rep.chart.budget", [(a.budget_nok or 0) / 1e6 for a in series]))
    rows = (len(panels) + 1) // 2
    colours = [accent if y == year else primary for y in years]
    step = max(1, (len(years) + 7) // 8)  # at most about eight year labels per chart
    with mpl.rc_context({"font.family": "DejaVu Sans", "font.size": 8}):
        fig = MplFigure(figsize=(TEXT_WIDTH, 2.1 * rows), layout="constrained")
        FigureCanvasAgg(fig)
        axes = fig.subplots(rows, 2, squeeze=False)
        for ax, (key, values) in zip(axes.flat, panels, strict=False):
            ax.bar(years, values, color=colours, width=0.7)
            ax.set_title(t(lang, key), loc="left", fontsize=9, parse_math=False)
            ax.spines[["top", "right"]].set_visible(False)
            ax.set_xticks(years[::step])
            ax.set_xticklabels([str(y) for y in years[::step]])
            ax.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
            ax.tick_params(labelsize=7.5)
        for ax in list(axes.flat)[len(panels):]:
            ax.set_axis_off()
        png, aspect = _png(fig, dpi=150)  # bars need less than names do
    return Figure(png, t(lang, "rep.growth"), caption=t(lang, "rep.growth_caption", year=year), aspect=aspect)
