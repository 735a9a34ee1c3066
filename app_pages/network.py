"""The collaboration network year by year: views, metrics, introductions, exports and the annual report.

Widgets -> :func:`graph.view.network_view` (cut from the year's network, which
:func:`graph.view.year_network` measures once per year and data revision) ->
an Altair chart of exactly the rows the view holds.
"""

from __future__ import annotations

import functools

import altair as alt
import pandas as pd
import streamlit as st
from streamlit.dataframe_util import convert_anything_to_arrow_bytes

from app_pages.auth import current_viewer
from app_pages.common import md
from app_pages.i18n import kind_label, labels, lang, number, t
from app_pages.resources import get_store, workspace
from data.introductions import introductions_per_year
from data.models import KINDS
from graph.build import project_years
from graph.cluster import load_cluster
from graph.draw import KIND_COLOURS, ffmpeg_path
from graph.export import EXPORT_FORMATS, MIME_TYPES, export_bytes
from graph.metrics import community_name
from graph.report import MIME_TYPES as REPORT_MIME_TYPES
from graph.report import REPORT_FORMATS, build_report, report_bytes
from graph.view import SIZE_METRICS, VIEWS, network_view, year_layout, year_network
from matching.similarity import competence_similarity

CHART_KEY = "network_chart"
ORG_KEY = "network_org"
VIEW_KEY = "network_view"
LAST_CLICK_KEY = "network_last_click"
WIDTH, HEIGHT = 960, 600
MAX_EDGES = 2000  # ties sent to the browser per view, the strongest (and the chosen one's) first
TIES_SHOWN = 200


@st.cache_resource(show_spinner=False, max_entries=8)
def _layout(db_path: str, revision: int, counts: tuple, year: int) -> dict:
    """The year's layout, once per year and data revision; every view and window of the year reuses it."""
    from graph.build import build_collaboration_graph

    store = get_store()
    network = build_collaboration_graph(store.organisations(), store.projects(), store.participations(), until=year)
    return year_layout(network)


# cache_resource, not cache_data: the year's network is large and read-only; pickling it on every
# rerun (what cache_data does) would cost more than the views cut from it.
@st.cache_resource(show_spinner=False, max_entries=8)
def _year_network(db_path: str, revision: int, counts: tuple, year: int, cumulative: bool, language: str):
    store = get_store()
    return year_network(store.organisations(), store.projects(), store.participations(), year=year,
                        cumulative=cumulative, lang=language, similarity=competence_similarity(store),
                        cluster=_cluster(), pos=_layout(db_path, revision, counts, year))


# Shared by every session: advisers switching views mostly ask for the same few cuts, and cutting
# one (a Python walk over thousands of nodes and ties) held the interpreter for every other session.
# The view is read-only once made (the chart copies its rows into data frames).
@st.cache_resource(show_spinner=False, max_entries=64)
def _network_view(db_path: str, revision: int, counts: tuple, year: int, cumulative: bool, language: str,
                  view: str, org: str | None, kinds: tuple, countries: tuple, communities: tuple, size_by: str):
    net = _year_network(db_path, revision, counts, year, cumulative, language)
    return network_view(net, view=view, org=org, kinds=kinds, countries=countries, communities=communities,
                        size_by=size_by, width=WIDTH, height=HEIGHT, max_edges=MAX_EDGES)


# The chart as Vega-Lite, made once per view: st.altair_chart converts (and schema-checks) the
# chart on every rerun under a lock of Streamlit's for all sessions, which queued six advisers'
# view switches behind each other.
@st.cache_resource(show_spinner=False, max_entries=64)
def _chart_spec(db_path: str, revision: int, counts: tuple, year: int, cumulative: bool, language: str,
                view: str, org: str | None, kinds: tuple, countries: tuple, communities: tuple, size_by: str) -> dict:
    cut = _network_view(db_path, revision, counts, year, cumulative, language, view, org, kinds, countries,
                        communities, size_by)
    chart, datasets = _chart(cut, org)
    spec = chart.to_dict()
    spec["datasets"] = {name: convert_anything_to_arrow_bytes(frame) for name, frame in datasets.items()}
    return spec


@st.cache_data(show_spinner=False, max_entries=4)
def _years(db_path: str, revision: int, counts: tuple) -> list[int]:
    return project_years(get_store().projects())


def _cluster():
    return load_cluster(workspace().settings.cluster)


def page() -> None:
    store = get_store()
    ws = workspace()
    st.title(t("net.title"))
    counts = tuple(sorted(store.counts().items()))
    years = _years(store.path, ws.revision, counts)
    if not years:
        st.info(t("net.no_projects", db=store.path), icon=":material/database:")
        return

    c1, c2, _ = st.columns([3, 1.5, 3])
    year = c1.select_slider(t("net.year"), options=years, value=years[-1], key="network_year")
    cumulative = c2.toggle(t("net.cumulative"), key="network_cumulative", help=t("net.cumulative_help"))
    key = (store.path, ws.revision, counts, year, cumulative, lang())
    try:
        with st.spinner(t("net.computing")):
            net = _year_network(*key)
    except ValueError as exc:  # graph/ reports bad records or a year outside the data this way
        st.error(t("error.library", message=md(str(exc))))
        return

    _explore(key)
    adviser = bool((viewer := current_viewer(store)) and viewer.is_adviser)
    _metrics_panel(net, adviser)
    _introductions(net)
    _downloads(year, cumulative, adviser)


# A fragment: choosing a view, a filter or an organisation (in the chart or the list) reruns only
# this part, not the year's metrics, introductions and downloads below it.
@st.fragment
def _explore(key: tuple) -> None:
    """The chosen view of the year's network with its filters, and the chosen organisation's ties."""
    year, cumulative = key[3], key[4]
    net = _year_network(*key)
    # A row of its own: in the third of the page it had, "One organisation" ran out of sight (English,
    # and Norwegian at 1280 pixels), so the third view could not be chosen.
    view_name = st.segmented_control(
        t("net.view"), options=list(VIEWS), format_func=labels(VIEWS, lambda v: t(f"net.view.{v}")),
        default="members", key=VIEW_KEY,
    ) or "members"
    _sync_chart_click(view_name)
    options = net.options()
    f1, f2, f3, f4 = st.columns([3, 2, 2, 3])
    org_options, org_labels = _org_choices(*key)
    if st.session_state.get(ORG_KEY) not in org_labels:
        st.session_state[ORG_KEY] = None
    selected = f1.selectbox(
        t("net.pick_org"), options=org_options, format_func=org_labels.get,
        index=None, placeholder=t("net.pick_org_placeholder"), key=ORG_KEY,
    )
    # the reference's order, "unknown" last: alphabetical put the empty kind first
    kind_options = sorted(options["kinds"], key=lambda k: KINDS.index(k) if k in KINDS else len(KINDS))
    kinds = f2.multiselect(t("net.filter_kind"), options=kind_options, placeholder=t("net.filter_all"),
                           format_func=labels(kind_options, kind_label), key="network_kinds")
    countries = f3.multiselect(t("net.filter_country"), options=options["countries"], placeholder=t("net.filter_all"),
                               key="network_countries")
    community_labels = {i: _community_label(net, i) for i in options["communities"]}
    chosen_communities = f4.multiselect(t("net.filter_community"), options=options["communities"],
                                        format_func=labels(options["communities"], community_labels.get),
                                        placeholder=t("net.filter_all"), key="network_communities")
    size_by = st.segmented_control(
        t("net.size_by"), options=list(SIZE_METRICS), format_func=labels(SIZE_METRICS, lambda m: t(f"net.metric.{m}")),
        default="weighted_degree", key="network_size_by",
    ) or "weighted_degree"

    if view_name == "organisation" and not selected:
        st.info(t("net.pick_for_view"))
    else:
        view_key = (*key, view_name, selected, tuple(kinds), tuple(countries), tuple(chosen_communities), size_by)
        view = _network_view(*view_key)
        if not view.nodes:
            st.info(t("net.empty_view", year=year))
        else:
            st.vega_lite_chart(dict(_chart_spec(*view_key)), on_select="rerun", selection_mode="org", key=CHART_KEY,
                               width="content")
            st.caption(_caption(view, cumulative, year, size_by))
    if selected:
        _show_ties(key, net, selected)
    else:
        st.caption(t("net.pick_hint"))


@st.cache_resource(show_spinner=False, max_entries=8)
def _org_choices(db_path: str, revision: int, counts: tuple, year: int, cumulative: bool,
                 language: str) -> tuple[list[str], dict[str, str]]:
    """The year's organisations by name, with their names: worded once, not on every rerun."""
    net = _year_network(db_path, revision, counts, year, cumulative, language)
    names = net.names
    ordered = sorted(net.network, key=lambda v: names.get(v, v).lower())
    return ordered, {v: names.get(v, v) for v in ordered}


def _community_label(net, i: int) -> str:
    c = net.communities[i]
    name = community_name(c, net.lang) or ", ".join(net.names.get(v, v) for v in c.central[:2])
    return f"{name} ({c.size})"


def _caption(view, cumulative: bool, year: int, size_by: str) -> str:
    parts = [t(f"net.caption.{view.view}", year=year) if view.view != "members"
             else t("net.caption_cumulative" if cumulative else "net.caption_year", year=year)]
    parts.append(t("net.caption_counts", nodes=number(view.total_nodes), edges=number(len(view.edges)),
                   total=number(view.total_edges), labels=number(len(view.labels))))
    if view.view != "communities":
        parts.append(t("net.caption_size", metric=t(f"net.metric.{size_by}").lower()))
    return " ".join(parts)


# -- chart -----------------------------------------------------------------------------------


def _sync_chart_click(view_name: str) -> None:
    """A click on a node (kept by Streamlit under the chart's key) selects that organisation."""
    event = st.session_state.get(CHART_KEY)
    points = []
    if event is not None:
        try:
            points = event["selection"]["org"]
        except (KeyError, TypeError):
            points = []
    clicked = points[0].get("org_id") if points else None
    if clicked != st.session_state.get(LAST_CLICK_KEY):
        st.session_state[LAST_CLICK_KEY] = clicked
        if clicked and view_name != "communities":
            st.session_state[ORG_KEY] = clicked


def _chart(view, selected: str | None) -> tuple[alt.LayerChart, dict[str, pd.DataFrame]]:
    """The chart and its data sets, by name (the layers name their data rather than carry it)."""
    x0, x1, y0, y1 = view.extent
    x = alt.X("x:Q", axis=None, scale=alt.Scale(domain=[x0, x1], nice=False, zero=False))
    y = alt.Y("y:Q", axis=None, scale=alt.Scale(domain=[y0, y1], nice=False, zero=False))
    nodes = pd.DataFrame(view.nodes)
    nodes["kind_label"] = nodes["kind"].map(kind_label)
    edges = pd.DataFrame(view.edges, columns=["x", "y", "x2", "y2", "weight", "active", "mine"])
    layers, datasets = [], {}

    def data(name: str, frame: pd.DataFrame) -> alt.NamedData:
        datasets[name] = frame
        return alt.NamedData(name=name)

    if len(edges):
        grey = edges[~edges["active"] & ~edges["mine"]]
        if len(grey):
            layers.append(alt.Chart(data("grey", grey)).mark_rule(color="#E3E7EA", strokeWidth=0.7)
                          .encode(x=x, y=y, x2="x2:Q", y2="y2:Q"))
        plain = edges[edges["active"] & ~edges["mine"]]
        if len(plain):
            # Thousands of ties would paint a solid blob; fade them with their number.
            opacity = float(min(0.55, max(0.08, 25 / max(len(plain), 1) ** 0.5)))
            layers.append(alt.Chart(data("plain", plain)).mark_rule(color="#8795A1", opacity=opacity).encode(
                x=x, y=y, x2="x2:Q", y2="y2:Q",
                strokeWidth=alt.StrokeWidth("weight:Q", legend=None, scale=alt.Scale(range=[0.6, 3.5]))))
        mine = edges[edges["mine"]]
        if len(mine):
            layers.append(alt.Chart(data("mine", mine)).mark_rule(color="#C0392B", opacity=0.9).encode(
                x=x, y=y, x2="x2:Q", y2="y2:Q",
                strokeWidth=alt.StrokeWidth("weight:Q", legend=None, scale=alt.Scale(range=[1.8, 5]))))
    pick = alt.selection_point(name="org", fields=["org_id"], on="click", clear="dblclick")
    tooltip = [alt.Tooltip("name:N", title=t("col.name"))]
    if view.view == "communities":
        tooltip.append(alt.Tooltip("size:Q", title=t("net.tooltip_members")))
        colour = alt.value("#5B7F95")
    else:
        present = set(nodes["kind"])
        kinds = [k for k in KIND_COLOURS if k in present]
        colour = alt.Color("kind_label:N", title=t("net.legend_kind"),
                           scale=alt.Scale(domain=[kind_label(k) for k in kinds],
                                           range=[KIND_COLOURS[k] for k in kinds]),
                           # Below the chart: at the right it was clipped where the page is narrower than the chart.
                           legend=alt.Legend(orient="bottom", direction="horizontal", symbolSize=160,
                                             labelFontSize=12, titleFontSize=12, columns=7))
        tooltip += [alt.Tooltip("kind_label:N", title=t("col.kind")),
                    alt.Tooltip("projects:Q", title=t("net.tooltip_projects")),
                    alt.Tooltip("partners:Q", title=t("net.tooltip_partners"))]
    background = nodes[~nodes["active"]]
    if len(background):
        layers.append(alt.Chart(data("background", background)).mark_circle(color="#C9D0D6", opacity=0.9).encode(
            x=x, y=y, size=alt.Size("area:Q", scale=None, legend=None), tooltip=tooltip))
    active = nodes[nodes["active"]]
    layers.append(alt.Chart(data("active", active)).mark_circle(stroke="white", strokeWidth=1, opacity=0.95).encode(
        x=x, y=y, color=colour, size=alt.Size("area:Q", scale=None, legend=None), tooltip=tooltip,
    ).add_params(pick))
    focus = nodes[nodes["focus"]]
    if len(focus):
        layers.append(alt.Chart(data("focus", focus)).mark_circle(fill=None, stroke="#C0392B", strokeWidth=3).encode(
            x=x, y=y, size=alt.Size("area:Q", scale=None, legend=None)))
    if view.labels:
        label_rows = pd.DataFrame(view.labels)
        for style in ({"stroke": "white", "strokeWidth": 3, "color": "white"}, {"color": "#1D2A33"}):  # halo, text
            layers.append(alt.Chart(data("labels", label_rows)).mark_text(fontSize=11, lineBreak="\n", **style)
                          .encode(x=x, y=y, text="text:N"))
    return (alt.layer(*layers).properties(width=view.width, height=view.height)
            .configure_view(stroke=None)), datasets


# -- panels ----------------------------------------------------------------------------------


def _show_ties(key: tuple, net, org_id: str) -> None:
    kind = net.network.nodes[org_id].get("kind", "") if org_id in net.network else ""
    st.markdown(f"**{md(net.names.get(org_id, org_id))}** · {kind_label(kind)}")
    n, rows = _ties_table(*key, org_id)
    if not n:
        st.caption(t("net.no_ties"))
        return
    projects = net.graph.nodes[org_id].get("projects", 0)
    st.caption(t("net.ties_count", n=n, projects=projects))
    if n > TIES_SHOWN:  # a giant's 1,200 partners with every project title: the strongest will do
        st.caption(t("net.ties_shown", shown=TIES_SHOWN, n=n))
    st.dataframe(rows, hide_index=True, width="stretch", height=min(38 + 35 * len(rows), 420))


@st.cache_resource(show_spinner=False, max_entries=64)
def _ties_table(db_path: str, revision: int, counts: tuple, year: int, cumulative: bool, language: str,
                org_id: str) -> tuple[int, pd.DataFrame]:
    """How many partners the organisation has, and a table of the strongest ties (kept per organisation:
    switching views with one chosen drew it again each time)."""
    ties = _year_network(db_path, revision, counts, year, cumulative, language).ties_of(org_id)
    return len(ties), pd.DataFrame([
        {
            t("col.partner"): tie.name,
            t("col.kind"): kind_label(tie.kind),
            t("col.joint_projects"): tie.joint_projects,
            t("col.years"): ", ".join(map(str, tie.years)),
            t("col.projects"): "; ".join(tie.projects),
        }
        for tie in ties[:TIES_SHOWN]
    ])


def _metrics_panel(net, adviser: bool) -> None:
    m = net.metrics.network
    a = net.metrics.activity
    st.subheader(t("net.metrics", year=net.year))
    cols = st.columns(6)
    cols[0].metric(t("net.m.active"), number(len(a.organisations)))
    cols[1].metric(t("net.m.projects"), number(len(a.projects)))
    cols[2].metric(t("net.m.new_orgs"), number(len(a.new_organisations)))
    cols[3].metric(t("net.m.new_ties"), number(len(a.new_ties)))
    cols[4].metric(t("net.m.cross_kind"), number(a.cross_kind_ties), help=t("net.m.cross_kind_help"))
    cols[5].metric(t("net.m.density"), number(m.density, 3), help=t("net.m.density_help"))
    st.caption(t("net.m.structure", nodes=number(m.nodes), edges=number(m.edges), components=number(m.components),
                 largest=number(m.largest_component)))
    names = net.names
    left, right = st.columns(2, gap="large")
    with left:
        st.markdown(t("net.brokers"))
        if m.brokers:
            st.markdown("\n".join(f"- **{md(names.get(b.org_id, b.org_id))}** – " + t("net.broker_cut", n=b.cut_off)
                                  for b in m.brokers[:6]))
            st.caption(t("net.brokers_help"))
        else:
            st.caption(t("net.no_brokers"))
        if adviser and a.quiet:
            st.markdown(t("net.quiet"))
            st.caption(t("net.quiet_help"))
            st.caption(md(", ".join(names.get(o, o) for o in _quiet_by_past_activity(net)[:15])))
    with right:
        st.markdown(t("net.communities"))
        groups = [i for i, c in enumerate(net.communities) if c.size > 1][:6]
        if groups:
            st.markdown("\n".join(f"- {md(_community_label(net, i))}" for i in groups))
        else:
            st.caption(t("net.no_communities"))


def _quiet_by_past_activity(net) -> list[str]:
    """Members gone quiet, the most active before first (graph.metrics orders them so)."""
    return list(net.metrics.activity.quiet)


def _introductions(net) -> None:
    st.subheader(t("net.introductions"))
    if not net.introductions:
        st.caption(t("net.no_introductions"))
        return
    st.caption(t("net.introductions_help"))
    names = net.names
    st.markdown("\n".join(
        f"- **{md(names.get(i.org_a, i.org_a))}** ↔ **{md(names.get(i.org_b, i.org_b))}**: {md(i.reason)}"
        for i in net.introductions
    ))


# -- downloads -------------------------------------------------------------------------------


def _export(fmt: str, year: int, cumulative: bool, language: str) -> bytes:
    store = get_store()
    return export_bytes(store.organisations(), store.projects(), store.participations(), fmt,
                        year=year, cumulative=cumulative, lang=language)


def _report(fmt: str, year: int, language: str, internal: bool) -> bytes:
    store = get_store()
    report = build_report(store.organisations(), store.projects(), store.participations(), year=year, lang=language,
                          similarity=competence_similarity(store), cluster=_cluster(), internal=internal,
                          introductions=introductions_per_year(store).get(year))
    return report_bytes(report, fmt)


def _downloads(year: int, cumulative: bool, adviser: bool) -> None:
    st.subheader(t("net.downloads"))
    language = lang()
    left, right = st.columns(2, gap="large")
    with left:
        st.markdown(t("net.export_heading"))
        # MP4 needs an ffmpeg (imageio-ffmpeg ships one); without it, leave the format out.
        formats = [f for f in EXPORT_FORMATS if f != "mp4" or ffmpeg_path() is not None]
        fmt = st.selectbox(
            t("net.export_format"), options=formats, format_func=labels(formats, lambda f: t(f"net.fmt.{f}")),
            key="network_export_format",
        )
        suffix = {"kumu": "json"}.get(fmt, fmt)
        st.download_button(
            t("net.export_button", fmt=fmt.upper()),
            data=functools.partial(_export, fmt, year, cumulative, language),
            file_name=t("file.network_cumulative" if cumulative else "file.network", year=year, fmt=suffix),
            mime=MIME_TYPES.get(fmt),
            on_click="ignore",
            key="network_export_download",
            icon=":material/download:",
        )
    with right:
        st.markdown(t("net.report_heading", year=year))
        st.caption(t("net.report_help"))
        internal = adviser and st.toggle(t("net.report_internal"), key="network_report_internal",
                                         help=t("net.report_internal_help"))
        # One row that wraps, each button as wide as its label: in three equal columns of half the
        # page the labels were cut to "Årsrapport (P…", "Årsrapport (D…", "Årsrapport (…".
        row = st.container(horizontal=True)
        for fmt in REPORT_FORMATS:
            row.download_button(
                t("net.report_button", fmt=fmt.upper()),
                data=functools.partial(_report, fmt, year, language, internal),
                file_name=t("file.report_internal" if internal else "file.report", year=year, fmt=fmt),
                mime=REPORT_MIME_TYPES[fmt],
                on_click="ignore",
                key=f"network_report_{fmt}",
                icon=":material/description:",
            )


if __name__ == "__main__":  # run as a page script by st.navigation
    page()
