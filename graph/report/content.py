"""The annual report's content: one tree of plain blocks, built once from the records.

:func:`build_report` measures the year and returns a :class:`Report` -- a
story, then sections of paragraphs, tables, figures and short explanations.
It knows nothing of pages, HTML or Word: the renderers in
:mod:`graph.report.html`, :mod:`graph.report.pdf` and :mod:`graph.report.docx`
turn the same tree into each format, and a document library does the wrapping,
the page breaks and the fonts.

*Facts as of the year.* Every figure counts only what had happened by the end
of the year: projects that started in it or before, the network up to it. The
yearly figures (active organisations, new ties, kinds) count the projects that
started in the year; the structure (who is central, who holds the network
together, the communities, the picture) is measured on the network up to and
including the year; see :mod:`graph.metrics`.

*Public and internal.* The members who have gone quiet are for the cluster's
advisers: an internal appendix that ``internal=True`` adds, off by default.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import networkx as nx

from data.introductions import IntroductionYear
from data.models import Organisation, Participation, Project
from data.text import format_number, join_names, kind_label, printable, t
from graph.build import collaboration_graph_of, index_records, project_years
from graph.cluster import ClusterProfile, member_ids
from graph.metrics import YearActivity, YearMetrics, activity_of, community_name, network_metrics
from graph.suggest import suggest_introductions
from graph.terms import name_words, naming_language, organisation_terms, profile_terms, project_terms

__all__ = [
    "Bullets",
    "Cell",
    "Figure",
    "Paragraph",
    "Report",
    "Section",
    "Table",
    "build_report",
]


# -- the content tree ------------------------------------------------------------------------


@dataclass(frozen=True)
class Paragraph:
    """Running text. ``style``: "lead" (the story's sentences), "body" or "note" (small, grey)."""

    text: str
    style: str = "body"


@dataclass(frozen=True)
class Bullets:
    """A short list, e.g. what each column of the table above means."""

    items: tuple[str, ...]
    style: str = "note"


@dataclass(frozen=True)
class Cell:
    """A table cell; ``note`` is a line of explanation shown under the text, smaller."""

    text: str
    note: str = ""
    number: bool = False  # right-aligned figure


@dataclass(frozen=True)
class Table:
    columns: tuple[Cell, ...]
    rows: tuple[tuple[Cell, ...], ...]
    widths: tuple[float, ...]  # relative column widths


@dataclass(frozen=True)
class Figure:
    """A chart drawn once by matplotlib as PNG; ``width`` is a share of the text width."""

    png: bytes = field(repr=False)
    alt: str
    caption: str = ""
    width: float = 1.0
    aspect: float = 1.0  # height / width of the picture


@dataclass(frozen=True)
class Section:
    title: str
    blocks: tuple
    new_page: bool = False
    internal: bool = False  # an appendix for the cluster's advisers, not for publishing


@dataclass(frozen=True)
class Report:
    year: int
    lang: str
    cluster: ClusterProfile
    kicker: str  # the cluster's name, or Samspill's
    title: str
    subtitle: str
    story: Section  # the first page
    sections: tuple[Section, ...]

    @property
    def all_sections(self) -> tuple[Section, ...]:
        return (self.story, *self.sections)


# -- helpers -----------------------------------------------------------------------------------


def _name(G: nx.Graph, v: str) -> str:
    return printable(str(G.nodes[v].get("name", v)) if v in G else str(v))


def _num(value, lang: str, **kw) -> Cell:
    return Cell(format_number(value, lang, **kw), number=True)


def _head(lang: str, key: str, *, number: bool = False) -> Cell:
    return Cell(t(lang, key), number=number)


def _change(this, previous, lang, decimals=0) -> Cell:
    if this is None or previous is None:
        return Cell("–", number=True)
    return _num(this - previous, lang, decimals=decimals, signed=True)


def _network_counts(G: nx.Graph) -> tuple[int, int, float, int, int]:
    sizes = [len(c) for c in nx.connected_components(G)]
    density = nx.density(G) if len(G) > 1 else 0.0
    return len(G), G.number_of_edges(), density, len(sizes), max(sizes, default=0)


def _percent(value: float | None, lang: str) -> str:
    if value is None:
        return "–"
    decimals = 1 if value >= 0.01 else 2
    return format_number(100 * value, lang, decimals=decimals) + " %"


# -- building ----------------------------------------------------------------------------------


def build_report(
    organisations: Sequence[Organisation],
    projects: Sequence[Project],
    participations: Sequence[Participation],
    *,
    year: int,
    lang: str = "nb",
    similarity: Callable[[str, str], float] | None = None,
    cluster: ClusterProfile | None = None,
    introductions: IntroductionYear | None = None,
    internal: bool = False,
    today: dt.date | None = None,
    seed: int = 0,
    top: int = 12,
    metrics: YearMetrics | None = None,
) -> Report:
    """The annual report of ``year`` as a content tree.

    Parameters
    ----------
    organisations, projects, participations : sequences of records
    year : int
        Must lie between the first and last project start.
    lang : {"nb", "en"}
    similarity : callable, optional
        Competence similarity for the suggested introductions
        (:func:`graph.suggest.suggest_introductions`).
    cluster : ClusterProfile, optional
        Name, logo and colours (:func:`graph.cluster.load_cluster`), and who the members are.
    introductions : IntroductionYear, optional
        The introductions the cluster's advisers made in the year and how many
        became joint projects (:func:`data.introductions.introductions_per_year`);
        the story says so when given.
    internal : bool
        Add the internal appendix (members gone quiet). Off for the public report.
    today : date, optional
        Date printed on the report (default today).
    seed : int
        Seed of Louvain, sampled betweenness and the layout.
    top : int
        Rows in the longer tables.
    metrics : YearMetrics, optional
        This year's metrics of the network up to the year, when the caller
        has them already (:func:`graph.metrics.yearly_metrics` with
        ``cumulative=True``, measured with terms in ``lang``); computed here otherwise.

    Raises
    ------
    ValueError
        For a year outside the data, an unknown language, bad records,
        ``introductions`` of another year, or ``metrics`` of another year or
        not cumulative.

    Examples
    --------
    >>> from data.models import Organisation, Participation, Project
    >>> orgs = [Organisation(x, x.upper(), kind=k) for x, k in zip("abc", ("company", "research", "company"))]
    >>> projects = [Project("p1", "One", start_year=2016), Project("p2", "Two", start_year=2017),
    ...             Project("p3", "Later", start_year=2019)]
    >>> parts = [Participation("p1", "a"), Participation("p1", "b"), Participation("p2", "b"),
    ...          Participation("p2", "c"), Participation("p3", "a"), Participation("p3", "c")]
    >>> report = build_report(orgs, projects, parts, year=2017, lang="en", today=dt.date(2026, 1, 1))
    >>> report.title
    'Collaboration in the cluster, 2017'
    >>> print(report.story.blocks[0].text)
    In 2017, 1 new project started with 2 organisations taking part, against 1 project with 2 organisations in 2016.
    """
    from graph.report import charts

    t(lang, "and")  # unknown language fails here
    if introductions is not None and introductions.year != year:
        raise ValueError(f"the introductions are those of {introductions.year}, not of {year}")
    cluster = cluster or ClusterProfile()
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
    if metrics is None:
        names = name_words(index.organisations.values())
        naming = naming_language(index.projects, index.organisations.values())  # the app's community names
        metrics = network_metrics(
            network,
            project_terms=project_terms(index.projects, exclude=names, lang=naming),
            profile_terms=profile_terms(index.organisations.values(), lang=naming),
            seed=seed,
        )
    elif metrics.year != year or not metrics.cumulative:
        raise ValueError(f"metrics are for {metrics.year}{'' if metrics.cumulative else ' alone'}; "
                         f"the report of {year} needs those of the network up to {year}")
    else:
        metrics = metrics.network
    before = _as_it_stood(network, year - 1) if prev else None
    previous_counts = _network_counts(before) if before is not None else (None,) * 5
    counts = (metrics.nodes, metrics.edges, metrics.density, metrics.components, metrics.largest_component)
    projects_by_id = {p.project_id: p for p in index.projects}
    started_by_year = sum(1 for p in index.projects if p.start_year is not None and p.start_year <= year)
    members = member_ids(index.organisations.values(), cluster)
    terms = organisation_terms(index.organisations.values(), index.projects, participations, until=year, lang=lang)
    intros = suggest_introductions(network, similarity=similarity, org_terms=terms, k=10, lang=lang)

    kicker = cluster.name or "Samspill"
    story = _story(lang, year, act, prev, network, year_graph, counts, previous_counts, index, projects_by_id,
                   introductions, len(intros))
    sections = [
        _headline(lang, year, act, prev, counts, previous_counts, started_by_year, years[0]),
        Section(t(lang, "rep.network"), (
            Paragraph(t(lang, "rep.network_intro", year=year), "body"),
            charts.network_figure(network, year_graph, members, lang=lang, seed=seed, accent=cluster.accent,
                                  caption=t(lang, "rep.network_caption", year=year)),
        )),
        _central(lang, year, network, metrics, top),
        _brokers(lang, network, metrics, top),
        _communities(lang, network, metrics, seed),
        _new_ties(lang, year, act, network, year_graph, top),
        _kinds(lang, year, act, prev, top),
        Section(t(lang, "rep.growth"), (
            Paragraph(t(lang, "rep.growth_intro", first=years[0], year=year)),
            charts.growth_figure([activity[y] for y in range(years[0], year + 1)], year, lang,
                                 primary=cluster.primary, accent=cluster.accent),
        )),
        _introductions(lang, network, intros),
        _method(lang, metrics),
    ]
    if internal:
        sections.append(_quiet(lang, year, act, activity, index, network, years[-1]))
    date = (today or dt.date.today()).isoformat()
    return Report(year, lang, cluster, kicker, t(lang, "report.title", year=year),
                  t(lang, "rep.subtitle", date=date), story, tuple(sections))


def _as_it_stood(G: nx.Graph, year: int) -> nx.Graph:
    """The cumulative network ``G`` cut back to the end of ``year`` (by first years), without attributes."""
    H = nx.Graph()
    H.add_nodes_from(v for v, first in G.nodes(data="first_year") if first is not None and first <= year)
    H.add_edges_from((u, v) for u, v, first in G.edges(data="first_year") if first is not None and first <= year)
    return H


# -- the story ---------------------------------------------------------------------------------


def _story(lang, year, act: YearActivity, prev: YearActivity | None, network, year_graph, counts, previous,
           index, projects_by_id, introductions, suggested) -> Section:
    n = lambda value: format_number(value, lang)  # noqa: E731
    lines = []
    if not act.projects:
        lines.append(t(lang, "rep.story.no_projects", year=year))
    elif prev is not None:
        lines.append(t(lang, "rep.story.activity", year=year, projects=n(len(act.projects)),
                       organisations=n(len(act.organisations)), prev_projects=n(len(prev.projects)),
                       prev_organisations=n(len(prev.organisations)), prev_year=year - 1))
    else:
        lines.append(t(lang, "rep.story.activity_first", year=year, projects=n(len(act.projects)),
                       organisations=n(len(act.organisations))))
    if previous[0] is not None and counts[0] > previous[0]:
        lines.append(t(lang, "rep.story.growth", nodes=n(counts[0]), edges=n(counts[1]),
                       more_nodes=n(counts[0] - previous[0]), more_edges=n(counts[1] - previous[1])))
    elif previous[0] is not None:
        lines.append(t(lang, "rep.story.growth_ties", nodes=n(counts[0]), edges=n(counts[1]),
                       more_edges=n(counts[1] - previous[1])))
    else:
        lines.append(t(lang, "rep.story.size", nodes=n(counts[0]), edges=n(counts[1])))
    if act.new_organisations:
        busiest = sorted(act.new_organisations, key=lambda v: (-year_graph.nodes[v].get("projects", 0)
                                                                if v in year_graph else 0, _name(network, v)))
        names = [_name(network, v) for v in busiest[:4]]
        key = "rep.story.newcomers_some" if len(busiest) > 4 else "rep.story.newcomers"
        lines.append(t(lang, key, n=n(len(busiest)), names=join_names(names, lang)))
    largest = sorted(
        (projects_by_id[p] for p in act.projects),
        key=lambda p: (-len(index.members.get(p.project_id, ())), -(p.budget_nok or 0), p.title, p.project_id),
    )[:3]
    largest = [p for p in largest if len(index.members.get(p.project_id, ())) >= 2]
    if largest:
        items = [t(lang, "rep.story.project_item", title=printable(p.title),
                   n=n(len(index.members.get(p.project_id, ())))) for p in largest]
        lines.append(t(lang, "rep.story.largest", projects=join_names(items, lang)))
    if act.ties:
        cross = [k for k in act.kind_ties if k.cross_kind]
        if cross:
            top_pair = max(cross, key=lambda k: (k.ties, k.kind_a, k.kind_b))
            lines.append(t(lang, "rep.story.cross", cross=n(act.cross_kind_ties), ties=n(act.ties),
                           kind_a=kind_label(lang, top_pair.kind_a), kind_b=kind_label(lang, top_pair.kind_b),
                           n=n(top_pair.ties)))
        else:
            lines.append(t(lang, "rep.story.no_cross", ties=n(act.ties)))
    if introductions is not None and introductions.introduced:
        made = introductions.introduced
        lines.append(t(lang, "rep.story.introduction" if made == 1 else "rep.story.introductions", n=n(made)))
        if introductions.joint_projects:
            lines.append(t(lang, "rep.story.introductions_joint", n=n(introductions.joint_projects)))
    if suggested:
        lines.append(t(lang, "rep.story.next", n=n(suggested)))
    return Section(t(lang, "rep.story"), tuple(Paragraph(line, "lead") for line in lines))


# -- sections ------------------------------------------------------------------------------------


def _measure(lang: str, key: str, **values) -> Cell:
    return Cell(t(lang, f"rep.m.{key}", **values), t(lang, f"rep.m.{key}.note", **values))


def _headline(lang, year, act, prev, counts, previous, started_by_year, first_year) -> Section:
    p = prev
    rows = []

    def row(key, this, before, decimals=0, **values):
        rows.append((_measure(lang, key, **values), _num(before, lang, decimals=decimals),
                     _num(this, lang, decimals=decimals), _change(this, before, lang, decimals)))

    row("projects", len(act.projects), p and len(p.projects))
    row("organisations", len(act.organisations), p and len(p.organisations))
    row("new_organisations", len(act.new_organisations), p and len(p.new_organisations))
    row("ties", act.ties, p and p.ties)
    row("new_ties", len(act.new_ties), p and len(p.new_ties))
    row("cross_kind", act.cross_kind_ties, p and p.cross_kind_ties)
    row("network_nodes", counts[0], previous[0], year=year)
    row("network_edges", counts[1], previous[1], year=year)
    rows.append((_measure(lang, "density"), Cell(_percent(previous[2], lang), number=True),
                 Cell(_percent(counts[2], lang), number=True), Cell("", number=True)))
    row("components", counts[3], previous[3])
    row("largest", counts[4], previous[4])
    if act.budget_nok is not None or (p and p.budget_nok is not None):
        row("budget", act.budget_nok, p and p.budget_nok)
    table = Table(
        (Cell(""), Cell(str(year - 1), number=True), Cell(str(year), number=True),
         Cell(t(lang, "rep.change"), number=True)),
        tuple(rows),
        (6.0, 1.5, 1.5, 1.4),
    )
    blocks = [Paragraph(t(lang, "rep.source", projects=format_number(started_by_year, lang), first=first_year,
                          year=year)), table]
    if not act.projects:
        blocks.append(Paragraph(t(lang, "rep.no_data", year=year)))
    return Section(t(lang, "rep.headline", year=year), tuple(blocks))


def _central(lang, year, network, metrics, top) -> Section:
    rows = tuple(
        (Cell(_name(network, c.org_id)), Cell(kind_label(lang, network.nodes[c.org_id].get("kind", ""))),
         _num(c.degree, lang), _num(c.weighted_degree, lang), _num(c.betweenness, lang, decimals=3))
        for c in metrics.centrality[:top]
    )
    columns = (_head(lang, "rep.col.name"), _head(lang, "rep.col.kind"), _head(lang, "rep.col.partners", number=True),
               _head(lang, "rep.col.joint", number=True), _head(lang, "rep.col.bridge", number=True))
    return Section(t(lang, "rep.central"), (
        Paragraph(t(lang, "rep.central_intro", year=year)),
        Table(columns, rows or ((Cell(t(lang, "rep.none")), Cell(""), Cell(""), Cell(""), Cell("")),),
              (4.2, 1.6, 1.2, 1.4, 1.3)),
        Bullets((t(lang, "rep.explain.partners"), t(lang, "rep.explain.joint"), t(lang, "rep.explain.bridge"))),
    ))


def _brokers(lang, network, metrics, top) -> Section:
    blocks: list = [Paragraph(t(lang, "rep.brokers_intro"))]
    if metrics.brokers:
        rows = tuple(
            (Cell(_name(network, b.org_id)), Cell(kind_label(lang, network.nodes[b.org_id].get("kind", ""))),
             _num(b.cut_off, lang),
             Cell(" + ".join(format_number(x, lang) for x in b.pieces[:4]) + (" …" if len(b.pieces) > 4 else ""),
                  number=True))
            for b in metrics.brokers[:top]
        )
        blocks.append(Table((_head(lang, "rep.col.name"), _head(lang, "rep.col.kind"),
                             _head(lang, "rep.col.cut_off", number=True), _head(lang, "rep.col.pieces", number=True)),
                            rows, (4.2, 1.6, 2.0, 2.0)))
        blocks.append(Bullets((t(lang, "rep.explain.cut_off"), t(lang, "rep.explain.pieces"))))
    else:
        blocks.append(Paragraph(t(lang, "rep.no_brokers")))
    return Section(t(lang, "rep.brokers"), tuple(blocks))


def _communities(lang, network, metrics, seed) -> Section:
    shown = [c for c in metrics.communities if c.size >= 3][:8]
    rows = []
    for c in shown:
        central = join_names([_name(network, v) for v in c.central], lang)
        name = community_name(c, lang) or t(lang, "rep.community_around", names=central)
        rows.append((Cell(name), _num(c.size, lang), Cell(central)))
    table = Table((_head(lang, "rep.col.community"), _head(lang, "rep.col.size", number=True),
                   _head(lang, "rep.col.central")),
                  tuple(rows) or ((Cell(t(lang, "rep.none")), Cell(""), Cell("")),), (3.8, 1.7, 4.7))
    from graph.report import charts

    blocks = [Paragraph(t(lang, "rep.communities_intro"))]
    if len(shown) >= 3:
        blocks.append(charts.community_figure(network, metrics.communities, lang=lang, seed=seed,
                                              caption=t(lang, "rep.communities_caption")))
    blocks.append(table)
    return Section(t(lang, "rep.communities"), tuple(blocks))


def _new_ties(lang, year, act, network, year_graph, top) -> Section:
    strength = dict(network.degree(weight="weight"))
    ranked = sorted(
        act.new_ties,
        key=lambda e: (-year_graph[e[0]][e[1]].get("weight", 1), -(strength[e[0]] + strength[e[1]]), e),
    )[:top]
    rows = tuple(
        (Cell(f"{_name(network, u)} — {_name(network, v)}"),
         Cell("–".join(kind_label(lang, network.nodes[x].get("kind", "")) for x in (u, v))),
         _num(year_graph[u][v].get("weight", 1), lang))
        for u, v in ranked
    )
    table = Table((_head(lang, "rep.col.pair"), _head(lang, "rep.col.kinds"),
                   _head(lang, "rep.col.joint", number=True)),
                  rows or ((Cell(t(lang, "rep.none")), Cell(""), Cell("")),), (6.0, 2.6, 1.6))
    intro = t(lang, "rep.new_ties_intro", n=format_number(len(act.new_ties), lang),
              shown=format_number(len(rows), lang))
    return Section(t(lang, "rep.new_ties", year=year), (Paragraph(intro), table))


def _kinds(lang, year, act, prev, top) -> Section:
    before = {(k.kind_a, k.kind_b): k.ties for k in (prev.kind_ties if prev else ())}
    ranked = sorted(act.kind_ties, key=lambda k: (not k.cross_kind, -k.ties, k.kind_a, k.kind_b))[:top]
    rows = tuple(
        (Cell(f"{kind_label(lang, k.kind_a)}–{kind_label(lang, k.kind_b)}"), _num(k.ties, lang),
         _num(k.new_ties, lang), _num(before.get((k.kind_a, k.kind_b)), lang))
        for k in ranked
    )
    table = Table((_head(lang, "rep.col.kinds"), _head(lang, "rep.col.ties", number=True),
                   _head(lang, "rep.col.new", number=True), _head(lang, "rep.col.previous", number=True)),
                  rows or ((Cell(t(lang, "rep.none")), Cell(""), Cell(""), Cell("")),), (4.6, 1.8, 1.8, 1.8))
    return Section(t(lang, "rep.kinds"), (Paragraph(t(lang, "rep.kinds_intro", year=year)), table))


def _introductions(lang, network, intros) -> Section:
    rows = tuple((Cell(f"{_name(network, i.org_a)} — {_name(network, i.org_b)}"), Cell(i.reason)) for i in intros)
    table = Table((_head(lang, "rep.col.pair"), _head(lang, "rep.col.reason")),
                  rows or ((Cell(t(lang, "rep.none")), Cell("")),), (4.0, 6.2))
    return Section(t(lang, "rep.suggest"), (Paragraph(t(lang, "rep.suggest_intro")), table), new_page=True)


def _method(lang, metrics) -> Section:
    sampled = metrics.betweenness_sources
    how = t(lang, "rep.method.exact") if sampled is None else t(lang, "rep.method.sampled",
                                                                 k=format_number(sampled, lang))
    return Section(t(lang, "rep.method"), (Paragraph(t(lang, "rep.method_text", betweenness=how), "note"),))


def _quiet(lang, year, act, activity, index, network, last_year) -> Section:
    """Members without a new project for two years, the most active before first."""
    before: Counter = Counter()
    later: set[str] = set()
    for project in index.projects:
        if project.start_year is None:
            continue
        members = index.members.get(project.project_id, ())
        if project.start_year <= year:
            before.update(members)
        else:
            later.update(members)
    ranked = sorted(act.quiet, key=lambda v: (-before[v], _name(network, v)))
    rows = tuple(
        (Cell(_name(network, v)), Cell(kind_label(lang, network.nodes[v].get("kind", "") if v in network else "")),
         _num(before[v], lang),
         Cell(str(network.nodes[v].get("last_year", "–")) if v in network else "–", number=True),
         Cell(t(lang, "rep.quiet_back") if v in later else ""))
        for v in ranked
    )
    table = Table((_head(lang, "rep.col.name"), _head(lang, "rep.col.kind"),
                   _head(lang, "rep.col.projects", number=True),
                   _head(lang, "rep.col.last", number=True), _head(lang, "rep.col.since")),
                  rows or ((Cell(t(lang, "rep.none")), Cell(""), Cell(""), Cell(""), Cell("")),),
                  (4.0, 1.6, 1.3, 1.4, 2.0))
    intro = t(lang, "rep.quiet_intro", n=format_number(len(ranked), lang), year=year - 2)
    return Section(t(lang, "rep.quiet"), (Paragraph(intro), table), new_page=True, internal=True)
