"""The annual report: one self-contained PDF or HTML document per year.

:func:`build_report` computes everything once and returns a :class:`Report`,
a list of plain blocks (headings, paragraphs, tables, charts); two renderers
turn the same blocks into

* PDF (:func:`write_pdf`): A4 pages drawn with matplotlib and written with
  ``PdfPages`` -- no external programs;
* HTML (:func:`render_html`): one file with inline CSS and the charts inlined
  as base64 PNG; every name goes through ``html.escape``, and a
  Content-Security-Policy forbids scripts and outside resources.

Structure (centrality, brokers, communities, the picture) is measured on the
network *up to and including* the year -- the cluster's network as it stands
-- while the yearly figures (active organisations, new ties, kinds) count
the projects that started in the year; see :mod:`graph.metrics`. All text
comes from :mod:`data.text` (``lang="nb"`` or ``"en"``).
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import html
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from data.models import Organisation, Participation, Project
from data.text import format_number, kind_label, printable, t
from graph.build import collaboration_graph_of, index_records, project_years
from graph.metrics import YearActivity, YearMetrics, activity_of, network_metrics
from graph.suggest import suggest_introductions
from graph.terms import name_words, organisation_terms, profile_terms, project_terms

__all__ = [
    "REPORT_FORMATS",
    "Chart",
    "Heading",
    "PageBreak",
    "Paragraph",
    "Report",
    "Table",
    "build_report",
    "render_html",
    "write_pdf",
    "write_report",
]

REPORT_FORMATS: tuple[str, ...] = ("pdf", "html")


# -- blocks ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 2


@dataclass(frozen=True)
class Paragraph:
    text: str
    small: bool = False


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]  # relative column widths
    align: tuple[str, ...]  # "left" or "right" per column


@dataclass(frozen=True)
class Chart:
    """A picture drawn into ``rect`` (left, bottom, width, height; figure fractions) of a figure."""

    draw: Callable = field(repr=False)
    height: float  # inches at full text width
    alt: str
    min_height: float | None = None  # in a PDF, shrink down to this to stay on the page
    caption: str = ""


@dataclass(frozen=True)
class PageBreak:
    pass


@dataclass(frozen=True)
class Report:
    year: int
    lang: str
    title: str
    subtitle: str
    blocks: tuple


# -- building --------------------------------------------------------------------------


def _name(G: nx.Graph, v: str) -> str:
    return printable(str(G.nodes[v].get("name", v)) if v in G else str(v))


def _count_row(lang, key, this, previous, *, decimals=0, **kw):
    change = None if previous is None or this is None else this - previous
    return (
        t(lang, key, **kw),
        format_number(previous, lang, decimals=decimals),
        format_number(this, lang, decimals=decimals),
        format_number(change, lang, decimals=decimals, signed=True) if change is not None else "–",
    )


def _as_it_stood(G: nx.Graph, year: int) -> nx.Graph:
    """The cumulative network ``G`` cut back to the end of ``year`` (by first years), without attributes."""
    H = nx.Graph()
    H.add_nodes_from(v for v, first in G.nodes(data="first_year") if first is not None and first <= year)
    H.add_edges_from((u, v) for u, v, first in G.edges(data="first_year") if first is not None and first <= year)
    return H


def _network_counts(G: nx.Graph) -> tuple[int, int, float, int, int]:
    sizes = [len(c) for c in nx.connected_components(G)]
    density = nx.density(G) if len(G) > 1 else 0.0
    return len(G), G.number_of_edges(), density, len(sizes), max(sizes, default=0)


def build_report(
    organisations: Sequence[Organisation],
    projects: Sequence[Project],
    participations: Sequence[Participation],
    *,
    year: int,
    lang: str = "nb",
    similarity: Callable[[str, str], float] | None = None,
    today: dt.date | None = None,
    seed: int = 0,
    top: int = 12,
    metrics: YearMetrics | None = None,
) -> Report:
    """Compute the annual report of ``year``.

    Parameters
    ----------
    organisations, projects, participations : sequences of records
    year : int
        Must lie between the first and last project start.
    lang : {"nb", "en"}
    similarity : callable, optional
        Competence similarity for the suggested introductions
        (:func:`graph.suggest.suggest_introductions`).
    today : date, optional
        Date printed on the report (default today).
    seed : int
        Seed of Louvain, sampled betweenness and the layout.
    top : int
        Rows in the longer tables.
    metrics : YearMetrics, optional
        This year's metrics of the network up to the year, when the caller
        has them already (:func:`graph.metrics.yearly_metrics` with
        ``cumulative=True``); computed here otherwise.

    Raises
    ------
    ValueError
        For a year outside the data, an unknown language, bad records, or
        ``metrics`` of another year or not cumulative.
    """
    from graph.draw import stable_layout

    t(lang, "and")  # unknown language fails here
    index = index_records(organisations, projects, participations)
    years = project_years(index.projects)
    if not years:
        raise ValueError("no project has a start year: nothing to report")
    if not years[0] <= year <= years[-1]:
        raise ValueError(f"no data for {year}: projects start {years[0]}–{years[-1]}")
    activity = activity_of(index, quiet_after=2)
    act = activity[year]
    prev = activity.get(year - 1)
    network = collaboration_graph_of(index, None, year)
    year_graph = collaboration_graph_of(index, year, year)
    everything = network if year == years[-1] else collaboration_graph_of(index, None, years[-1])
    if metrics is None:
        metrics = network_metrics(
            network,
            project_terms=project_terms(index.projects, exclude=name_words(index.organisations.values())),
            profile_terms=profile_terms(index.organisations.values()),
            seed=seed,
        )
    elif metrics.year != year or not metrics.cumulative:
        raise ValueError(f"metrics are for {metrics.year}{'' if metrics.cumulative else ' alone'}; "
                         f"the report of {year} needs those of the network up to {year}")
    else:
        metrics = metrics.network
    previous_counts = _network_counts(_as_it_stood(network, year - 1)) if prev else None
    pos = stable_layout(everything, seed=seed)
    terms = organisation_terms(index.organisations.values(), index.projects, participations, until=year)
    intros = suggest_introductions(network, similarity=similarity, org_terms=terms, k=10, lang=lang)

    blocks: list = []
    blocks.append(Paragraph(t(lang, "report.source", projects=format_number(len(index.projects), lang),
                              organisations=format_number(len(network), lang), first=years[0], last=year)))
    # Headline figures.
    blocks.append(Heading(t(lang, "report.headline")))
    counts = (metrics.nodes, metrics.edges, metrics.density, metrics.components, metrics.largest_component)
    pc = previous_counts or (None,) * 5
    p = prev
    rows = [
        _count_row(lang, "report.h.organisations", len(act.organisations), p and len(p.organisations)),
        _count_row(lang, "report.h.projects", len(act.projects), p and len(p.projects)),
        _count_row(lang, "report.h.new_organisations", len(act.new_organisations), p and len(p.new_organisations)),
        _count_row(lang, "report.h.ties", act.ties, p and p.ties),
        _count_row(lang, "report.h.new_ties", len(act.new_ties), p and len(p.new_ties)),
        _count_row(lang, "report.h.cross_kind", act.cross_kind_ties, p and p.cross_kind_ties),
        _count_row(lang, "report.h.network_nodes", counts[0], pc[0]),
        _count_row(lang, "report.h.network_edges", counts[1], pc[1]),
        _count_row(lang, "report.h.density", counts[2], pc[2], decimals=4),
        _count_row(lang, "report.h.components", counts[3], pc[3]),
        _count_row(lang, "report.h.largest", counts[4], pc[4]),
        _count_row(lang, "report.h.quiet", len(act.quiet), p and len(p.quiet), n=2),
    ]
    if act.budget_nok is not None or (p and p.budget_nok is not None):
        rows.append(_count_row(lang, "report.h.budget", act.budget_nok, p and p.budget_nok))
    blocks.append(Table(("", str(year - 1), str(year), t(lang, "report.change")), tuple(rows),
                        (5, 1.3, 1.3, 1.3), ("left", "right", "right", "right")))
    if not act.projects:
        blocks.append(Paragraph(t(lang, "report.no_data", year=year)))
    # The picture.
    blocks.append(Heading(t(lang, "report.network")))

    def draw_network_chart(fig, rect, _g=year_graph, _bg=network, _pos=pos):
        from graph.draw import draw_network

        left, bottom, width, height = rect
        ax = fig.add_axes((left, bottom + 0.1 * height, width, 0.9 * height))  # legend strip below
        draw_network(_g, _pos, ax=ax, background=_bg, labels=12, lang=lang)

    caption = t(lang, "report.network_caption", year=year)
    blocks.append(Chart(draw_network_chart, 6.6, caption, min_height=4.8, caption=caption))
    blocks.append(PageBreak())
    # Top collaborators.
    blocks.append(Heading(t(lang, "report.top")))
    blocks.append(Paragraph(t(lang, "report.top_caption", year=year), small=True))
    blocks.append(Table(
        ("#", t(lang, "report.col.name"), t(lang, "report.col.kind"), t(lang, "report.col.partners"),
         t(lang, "report.col.joint"), t(lang, "report.col.betweenness"), t(lang, "report.col.eigenvector")),
        tuple(
            (str(i), _name(network, c.org_id), kind_label(lang, network.nodes[c.org_id].get("kind", "")),
             format_number(c.degree, lang), format_number(c.weighted_degree, lang),
             format_number(c.betweenness, lang, decimals=3), format_number(c.eigenvector, lang, decimals=3))
            for i, c in enumerate(metrics.centrality[:top], start=1)
        ),
        (0.45, 3.0, 1.2, 1.1, 2.0, 1.75, 1.6),
        ("right", "left", "left", "right", "right", "right", "right"),
    ))
    # Brokers.
    blocks.append(Heading(t(lang, "report.brokers")))
    blocks.append(Paragraph(t(lang, "report.brokers_caption"), small=True))
    if metrics.brokers:
        blocks.append(Table(
            (t(lang, "report.col.name"), t(lang, "report.col.kind"), t(lang, "report.col.cut_off"),
             t(lang, "report.col.pieces")),
            tuple(
                (_name(network, b.org_id), kind_label(lang, network.nodes[b.org_id].get("kind", "")),
                 format_number(b.cut_off, lang), " + ".join(format_number(x, lang) for x in b.pieces[:4])
                 + (" …" if len(b.pieces) > 4 else ""))
                for b in metrics.brokers[:top]
            ),
            (5, 1.6, 1.6, 2.2),
            ("left", "left", "right", "right"),
        ))
    else:
        blocks.append(Paragraph(t(lang, "report.no_brokers")))
    # Communities.
    blocks.append(Heading(t(lang, "report.communities")))
    blocks.append(Paragraph(t(lang, "report.communities_caption"), small=True))
    shown = [c for c in metrics.communities if c.size >= 3][:8]
    blocks.append(Table(
        (t(lang, "report.col.size"), t(lang, "report.col.central"), t(lang, "report.col.label")),
        tuple(
            (format_number(c.size, lang), "; ".join(_name(network, v) for v in c.central), ", ".join(c.terms))
            for c in shown
        ) or ((t(lang, "report.none"), "", ""),),
        (1.5, 5.3, 3.3),
        ("right", "left", "left"),
    ))
    # New ties and kinds.
    blocks.append(Heading(t(lang, "report.new_ties", year=year)))
    blocks.append(Paragraph(t(lang, "report.new_ties_caption", n=format_number(len(act.new_ties), lang)),
                            small=True))
    strength = dict(network.degree(weight="weight"))
    new_sorted = sorted(
        act.new_ties,
        key=lambda e: (-year_graph[e[0]][e[1]].get("weight", 1), -(strength[e[0]] + strength[e[1]]), e),
    )[:top]
    blocks.append(Table(
        (t(lang, "report.col.pair"), t(lang, "report.col.kinds"), t(lang, "report.col.joint")),
        tuple(
            (f"{_name(network, u)} — {_name(network, v)}",
             "–".join(kind_label(lang, network.nodes[x].get("kind", "")) for x in (u, v)),
             format_number(year_graph[u][v].get("weight", 1), lang))
            for u, v in new_sorted
        ) or ((t(lang, "report.none"), "", ""),),
        (5.6, 2.6, 2.0),
        ("left", "left", "right"),
    ))
    blocks.append(Heading(t(lang, "report.cross_kind")))
    blocks.append(Paragraph(t(lang, "report.cross_kind_caption", year=year), small=True))
    before = {(k.kind_a, k.kind_b): k.ties for k in (p.kind_ties if p else ())}
    kinds_sorted = sorted(act.kind_ties, key=lambda k: (not k.cross_kind, -k.ties, k.kind_a, k.kind_b))[:top]
    blocks.append(Table(
        (t(lang, "report.col.kinds"), t(lang, "report.col.ties"), t(lang, "report.col.new"),
         t(lang, "report.col.previous")),
        tuple(
            (f"{kind_label(lang, k.kind_a)}–{kind_label(lang, k.kind_b)}", format_number(k.ties, lang),
             format_number(k.new_ties, lang), format_number(before.get((k.kind_a, k.kind_b)), lang))
            for k in kinds_sorted
        ) or ((t(lang, "report.none"), "", "", ""),),
        (4, 1.4, 1.4, 1.4),
        ("left", "right", "right", "right"),
    ))
    # Growth.
    blocks.append(Heading(t(lang, "report.growth")))
    series = [activity[y] for y in range(years[0], year + 1)]
    blocks.append(Chart(_growth_chart(series, year, lang), 6.4, t(lang, "report.growth")))
    # Introductions.
    blocks.append(Heading(t(lang, "report.suggest")))
    blocks.append(Paragraph(t(lang, "report.suggest_caption"), small=True))
    blocks.append(Table(
        (t(lang, "report.col.pair"), t(lang, "report.col.reason")),
        tuple((f"{_name(network, i.org_a)} — {_name(network, i.org_b)}", i.reason) for i in intros)
        or ((t(lang, "report.none"), ""),),
        (4, 6),
        ("left", "left"),
    ))
    # Quiet.
    blocks.append(Heading(t(lang, "report.quiet")))
    blocks.append(Paragraph(t(lang, "report.quiet_caption", n=format_number(len(act.quiet), lang), year=year - 2),
                            small=True))
    if act.quiet:
        names = sorted(_name(everything, v) for v in act.quiet)
        more = f" {t(lang, 'report.more', n=format_number(len(names) - 30, lang))}" if len(names) > 30 else ""
        blocks.append(Paragraph("; ".join(names[:30]) + more))
    sampled = metrics.betweenness_sources
    method = t(lang, "report.method.exact") if sampled is None else t(lang, "report.method.sampled", k=sampled)
    blocks.append(Paragraph(t(lang, "report.method", betweenness=method), small=True))
    date = (today or dt.date.today()).isoformat()
    return Report(year, lang, t(lang, "report.title", year=year), t(lang, "report.subtitle", date=date), tuple(blocks))


def _growth_chart(series: Sequence[YearActivity], year: int, lang: str) -> Callable:
    years = [a.year for a in series]
    active = [len(a.organisations) for a in series]
    started = [len(a.projects) for a in series]
    nodes, edges, total_nodes, total_edges = [], [], 0, 0
    for a in series:
        total_nodes += len(a.new_organisations)
        total_edges += len(a.new_ties)
        nodes.append(total_nodes)
        edges.append(total_edges)
    new_ties = [len(a.new_ties) for a in series]
    cross_new = [a.new_cross_kind_ties for a in series]
    budgets = [a.budget_nok / 1e6 if a.budget_nok is not None else 0.0 for a in series]
    has_budget = any(a.budget_nok is not None for a in series)

    def draw(fig, rect):
        left, bottom, width, height = rect
        grid = fig.add_gridspec(2, 2, left=left + 0.04, right=left + width, bottom=bottom + 0.03,
                                top=bottom + height - 0.02, hspace=0.45, wspace=0.35)
        colours = ["#0072B2" if y != year else "#D55E00" for y in years]

        def style(ax, title):
            ax.set_title(title, fontsize=9, loc="left", parse_math=False)
            ax.tick_params(labelsize=7)
            ax.spines[["top", "right"]].set_visible(False)
            ax.set_xticks(years)
            ax.set_xticklabels([str(y) for y in years], rotation=45 if len(years) > 6 else 0)

        ax = fig.add_subplot(grid[0, 0])
        ax.bar(years, active, color=colours, label=t(lang, "report.series.organisations"))
        ax.plot(years, started, color="#E69F00", marker="o", label=t(lang, "report.series.projects"))
        style(ax, t(lang, "report.chart.activity"))
        ax.legend(fontsize=7, frameon=False)
        ax = fig.add_subplot(grid[0, 1])
        ax.plot(years, nodes, color="#0072B2", marker="o", label=t(lang, "report.series.nodes"))
        ax2 = ax.twinx()
        ax2.plot(years, edges, color="#009E73", marker="s", label=t(lang, "report.series.edges"))
        ax2.tick_params(labelsize=7)
        ax2.spines[["top"]].set_visible(False)
        style(ax, t(lang, "report.chart.network"))
        handles = ax.get_legend_handles_labels()[0] + ax2.get_legend_handles_labels()[0]
        ax.legend(handles=handles, fontsize=7, frameon=False, loc="upper left")
        ax = fig.add_subplot(grid[1, 0])
        ax.bar(years, new_ties, color=colours, label=t(lang, "report.series.new_ties"))
        ax.bar(years, cross_new, color="#CC79A7", width=0.5, label=t(lang, "report.series.cross_kind"))
        style(ax, t(lang, "report.chart.ties"))
        ax.legend(fontsize=7, frameon=False)
        ax = fig.add_subplot(grid[1, 1])
        if has_budget:
            ax.bar(years, budgets, color=colours)
            style(ax, t(lang, "report.chart.budget"))
        else:
            ax.bar(years, [len(a.new_organisations) for a in series], color=colours)
            style(ax, t(lang, "report.h.new_organisations"))

    return draw


@functools.lru_cache(maxsize=2)
def _font(bold: bool):
    from matplotlib import ft2font
    from matplotlib.font_manager import FontProperties, findfont

    font = ft2font.FT2Font(findfont(FontProperties(family="DejaVu Sans", weight="bold" if bold else "normal")))
    font.set_size(100, 72)
    return font


@functools.lru_cache(maxsize=8192)
def _advance(char: str, bold: bool) -> float:
    from matplotlib import ft2font

    font = _font(bold)
    if font.get_char_index(ord(char)) == 0:
        char = "M"
    return font.load_char(ord(char), flags=ft2font.LoadFlags.NO_HINTING).linearHoriAdvance / 65536 / 100


def text_width(text: str, fontsize: float, bold: bool = False) -> float:
    return 1.07 * sum(_advance(c, bold) for c in text) * fontsize / 72


# -- PDF -----------------------------------------------------------------------------------

_A4 = (8.27, 11.69)
_MARGIN = 0.7
_BODY = 9.0
_SMALL = 7.5
_TABLE = 7.5


def _fit(text: str, width_in: float, fontsize: float, *, bold: bool = False) -> str:
    """``text``, cut with "…" so it fits ``width_in``."""
    if text_width(text, fontsize, bold) <= width_in:
        return text
    lo, hi = 0, len(text)
    while lo < hi:  # longest prefix that fits with the ellipsis
        mid = (lo + hi + 1) // 2
        if text_width(text[:mid].rstrip() + "…", fontsize, bold) <= width_in:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + "…"


def _wrap(text: str, width_in: float, fontsize: float, *, lines: int = 3) -> list[str]:
    """Up to ``lines`` lines of ``text`` that fit ``width_in``, the last one cut with "…" if needed."""
    out: list[str] = []
    current = ""
    words = text.split()
    for i, word in enumerate(words):
        trial = f"{current} {word}" if current else word
        if text_width(trial, fontsize) <= width_in:
            current = trial
            continue
        if current:
            out.append(current)
        current = word
        if len(out) == lines - 1:
            current = " ".join(words[i:])
            break
    if current:
        out.append(current)
    out = out or [""]
    if len(out) > lines:
        out = out[:lines]
    return [_fit(line, width_in, fontsize) for line in out]


class _PdfFlow:
    """Places blocks top to bottom on A4 figures, starting a new page when one is full."""

    def __init__(self, report: Report):
        self.report = report
        self.pages: list = []
        self.width = _A4[0] - 2 * _MARGIN
        self._new_page(first=True)

    def _new_page(self, first: bool = False) -> None:
        from matplotlib.figure import Figure

        self.fig = Figure(figsize=_A4)
        self.pages.append(self.fig)
        self.y = _MARGIN
        if first:
            self._text(self.report.title, 18, weight="bold")
            self.y += 0.38
            self._text(self.report.subtitle, _BODY, colour="#555555")
            self.y += 0.35

    def _fx(self, x_in: float) -> float:
        return x_in / _A4[0]

    def _fy(self, y_in: float) -> float:
        return 1 - y_in / _A4[1]

    def _text(self, text, size, *, x=None, weight="normal", colour="#111111", ha="left"):
        self.fig.text(self._fx(_MARGIN if x is None else x), self._fy(self.y), text, fontsize=size,
                      fontweight=weight, color=colour, ha=ha, va="top", parse_math=False)

    def _room(self, height: float) -> None:
        if self.y + height > _A4[1] - _MARGIN - 0.2 and self.y > _MARGIN + 0.01:
            self._new_page()

    def heading(self, block: Heading, following=None) -> None:
        # Keep a heading with the start of what it heads.
        if isinstance(following, Chart):
            after = following.min_height or following.height
        elif isinstance(following, Table):
            after = 3 * _TABLE * 1.8 / 72
        else:
            after = 0.45
        self._room(0.5 + after)
        self.y += 0.12
        self._text(block.text, 13 if block.level <= 2 else 11, weight="bold", colour="#0B3C5D")
        self.y += 0.3

    def paragraph(self, block: Paragraph) -> None:
        size = _SMALL if block.small else _BODY
        lines = _wrap(block.text, self.width, size, lines=1000)
        line_height = size * 1.45 / 72
        for line in lines:
            self._room(line_height)
            self._text(line, size, colour="#444444" if block.small else "#111111")
            self.y += line_height
        self.y += 0.08

    def table(self, block: Table) -> None:
        from matplotlib.lines import Line2D
        from matplotlib.patches import Rectangle

        total = sum(block.widths)
        widths = [self.width * w / total for w in block.widths]
        line_height = _TABLE * 1.3 / 72
        pad = _TABLE * 0.5 / 72

        def header():
            cells = [[_fit(str(c), w - 0.1, _TABLE, bold=True)] for c, w in zip(block.columns, widths, strict=True)]
            self._row(cells, widths, block.align, bold=True)
            y = self._fy(self.y + line_height + pad / 2)
            self.fig.add_artist(Line2D([self._fx(_MARGIN), self._fx(_MARGIN + self.width)], [y, y],
                                       color="#0B3C5D", linewidth=0.8))
            self.y += line_height + pad

        self._room((line_height + pad) * 3)
        header()
        for i, row in enumerate(block.rows):
            cells = [
                _wrap(str(c), w - 0.1, _TABLE) if a == "left" else [_fit(str(c), w - 0.1, _TABLE)]
                for c, w, a in zip(row, widths, block.align, strict=True)
            ]
            height = max(len(c) for c in cells) * line_height + pad
            if self.y + height > _A4[1] - _MARGIN - 0.2:
                self._new_page()
                header()
            if i % 2 == 1:
                self.fig.add_artist(Rectangle(
                    (self._fx(_MARGIN), self._fy(self.y + height - pad / 2)), self._fx(self.width),
                    height / _A4[1], color="#F0F3F6", zorder=0, linewidth=0))
            self._row(cells, widths, block.align)
            self.y += height
        self.y += 0.15

    def _row(self, cells, widths, align, *, bold=False) -> None:
        x = _MARGIN
        top = self.y
        for lines, width, how in zip(cells, widths, align, strict=True):
            anchor = x + width - 0.04 if how == "right" else x
            for j, line in enumerate(lines):
                self.y = top + j * _TABLE * 1.3 / 72
                self._text(line, _TABLE, x=anchor, weight="bold" if bold else "normal", ha=how)
            x += width
        self.y = top

    def chart(self, block: Chart) -> None:
        caption = _wrap(block.caption, self.width, _SMALL, lines=6) if block.caption else []
        caption_height = len(caption) * _SMALL * 1.45 / 72
        left = _A4[1] - _MARGIN - 0.25 - caption_height - self.y
        height = block.height
        if block.min_height is not None and block.min_height <= left < height:
            height = left
        self._room(height + caption_height)
        rect = (self._fx(_MARGIN), self._fy(self.y + height), self._fx(self.width), height / _A4[1])
        block.draw(self.fig, rect)
        self.y += height + 0.05
        for line in caption:
            self._text(line, _SMALL, colour="#444444")
            self.y += _SMALL * 1.45 / 72
        self.y += 0.1

    def page_break(self) -> None:
        if self.y > _MARGIN + 0.01:
            self._new_page()

    def footers(self) -> None:
        n = len(self.pages)
        for i, fig in enumerate(self.pages, start=1):
            fig.text(0.5, 0.025, t(self.report.lang, "report.page", page=i, pages=n), fontsize=7, ha="center",
                     color="#777777", parse_math=False)
            fig.text(self._fx(_MARGIN), 0.025, self.report.title, fontsize=7, color="#777777", parse_math=False)


def write_pdf(report: Report, path: str | Path) -> int:
    """Write the report as a PDF; returns the number of pages."""
    import matplotlib as mpl
    from matplotlib.backends.backend_pdf import PdfPages

    from graph.draw import quiet_glyphs

    with mpl.rc_context({"pdf.fonttype": 42, "font.family": "DejaVu Sans"}), quiet_glyphs():
        flow = _PdfFlow(report)
        for i, block in enumerate(report.blocks):
            if isinstance(block, Heading):
                following = report.blocks[i + 1 : i + 3]
                # A small caption may sit between a heading and its table or chart.
                nxt = next((b for b in following if not (isinstance(b, Paragraph) and b.small)), None)
                flow.heading(block, nxt)
            elif isinstance(block, Paragraph):
                flow.paragraph(block)
            elif isinstance(block, Table):
                flow.table(block)
            elif isinstance(block, Chart):
                flow.chart(block)
            elif isinstance(block, PageBreak):
                flow.page_break()
        if len(flow.pages) > 1 and len(flow.pages[-1].texts) == 0 and not flow.pages[-1].axes:
            flow.pages.pop()
        flow.footers()
        metadata = {"Title": report.title, "Creator": "Samspill", "Subject": report.subtitle,
                    "CreationDate": None, "ModDate": None}
        with PdfPages(path, metadata=metadata) as pdf:
            for fig in flow.pages:
                pdf.savefig(fig)
    return len(flow.pages)


# -- HTML ------------------------------------------------------------------------------------

_CSS = """
body{font-family:"DejaVu Sans",Verdana,Arial,sans-serif;color:#111;max-width:52rem;margin:2rem auto;padding:0 1rem;
line-height:1.45}
h1{font-size:1.7rem;margin-bottom:.2rem}h2{color:#0B3C5D;font-size:1.2rem;margin-top:2rem}
.subtitle{color:#555;margin-top:0}.small{color:#444;font-size:.85rem}
table{border-collapse:collapse;width:100%;font-size:.85rem;margin:.5rem 0 1rem}
th{text-align:left;border-bottom:2px solid #0B3C5D;padding:.25rem .4rem}
td{padding:.2rem .4rem;vertical-align:top}tr:nth-child(even) td{background:#F0F3F6}
.num{text-align:right;white-space:nowrap}figure{margin:1rem 0}img{max-width:100%;height:auto}
figcaption{color:#444;font-size:.85rem}
@media print{.pagebreak{break-after:page}body{margin:0}}
"""


def _chart_png(block: Chart, dpi: int = 110) -> bytes:
    import matplotlib as mpl
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from graph.draw import quiet_glyphs

    width = _A4[0] - 2 * _MARGIN
    with mpl.rc_context({"font.family": "DejaVu Sans"}), quiet_glyphs():
        fig = Figure(figsize=(width, block.height))
        FigureCanvasAgg(fig)
        block.draw(fig, (0.0, 0.0, 1.0, 1.0))
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def render_html(report: Report) -> str:
    """The report as one self-contained HTML document (no scripts, no outside resources)."""
    esc = html.escape
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{esc(report.lang)}">',
        "<head>",
        '<meta charset="utf-8">',
        "<meta http-equiv=\"Content-Security-Policy\" "
        "content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(report.title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{esc(report.title)}</h1>",
        f'<p class="subtitle">{esc(report.subtitle)}</p>',
    ]
    for block in report.blocks:
        if isinstance(block, Heading):
            level = min(max(block.level, 2), 4)
            parts.append(f"<h{level}>{esc(block.text)}</h{level}>")
        elif isinstance(block, Paragraph):
            parts.append(f'<p class="small">{esc(block.text)}</p>' if block.small else f"<p>{esc(block.text)}</p>")
        elif isinstance(block, Table):
            parts.append("<table>")
            head = "".join(
                f'<th class="num">{esc(c)}</th>' if a == "right" else f"<th>{esc(c)}</th>"
                for c, a in zip(block.columns, block.align, strict=True)
            )
            parts.append(f"<thead><tr>{head}</tr></thead><tbody>")
            for row in block.rows:
                cells = "".join(
                    f'<td class="num">{esc(str(c))}</td>' if a == "right" else f"<td>{esc(str(c))}</td>"
                    for c, a in zip(row, block.align, strict=True)
                )
                parts.append(f"<tr>{cells}</tr>")
            parts.append("</tbody></table>")
        elif isinstance(block, Chart):
            data = base64.b64encode(_chart_png(block)).decode("ascii")
            caption = f"<figcaption>{esc(block.caption)}</figcaption>" if block.caption else ""
            parts.append(f'<figure><img src="data:image/png;base64,{data}" alt="{esc(block.alt)}">{caption}</figure>')
        elif isinstance(block, PageBreak):
            parts.append('<div class="pagebreak"></div>')
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)


def write_report(report: Report, path: str | Path, *, fmt: str | None = None) -> str:
    """Write ``report`` as PDF or HTML (default from the extension); returns the format.

    Raises
    ------
    ValueError
        For any other format.
    """
    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    if fmt == "htm":
        fmt = "html"
    if fmt not in REPORT_FORMATS:
        raise ValueError(f"cannot write a report as {fmt or 'a file without extension'!r}; use .pdf or .html")
    if fmt == "pdf":
        write_pdf(report, path)
    else:
        path.write_text(render_html(report), encoding="utf-8")
    return fmt


def report_bytes(report: Report, fmt: str) -> bytes:
    """The report written as ``fmt`` into memory, for a download button.

    Raises
    ------
    ValueError
        For a format not in :data:`REPORT_FORMATS`.
    """
    import tempfile

    with tempfile.TemporaryDirectory(prefix="samspill-report-") as tmp:
        path = Path(tmp) / f"report.{fmt}"
        write_report(report, path, fmt=fmt)
        return path.read_bytes()
