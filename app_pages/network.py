"""The collaboration network year by year: graph, metrics, introductions, exports and the annual report."""

from __future__ import annotations

import functools

import altair as alt
import pandas as pd
import streamlit as st

from app_pages.common import md
from app_pages.i18n import kind_label, labels, lang, number, t
from app_pages.resources import get_store, workspace
from graph.build import project_years
from graph.draw import KIND_COLOURS, ffmpeg_path
from graph.export import EXPORT_FORMATS, MIME_TYPES, export_bytes
from graph.report import build_report, report_bytes
from graph.view import layout, network_view
from matching.similarity import competence_similarity

SIZE_METRICS = ("weighted_degree", "betweenness", "eigenvector")
CHART_KEY = "network_chart"
ORG_KEY = "network_org"
LAST_CLICK_KEY = "network_last_click"
LABELS = 8


@st.cache_data(show_spinner=False, max_entries=4)
def _layout(db_path: str, revision: int, counts: tuple) -> dict:
    store = get_store()
    return layout(store.organisations(), store.projects(), store.participations())


@st.cache_data(show_spinner=False, max_entries=64)
def _view(db_path: str, revision: int, counts: tuple, year: int, cumulative: bool, language: str):
    store = get_store()
    records = store.organisations(), store.projects(), store.participations()
    pos = _layout(db_path, revision, counts)
    return network_view(*records, year=year, cumulative=cumulative, pos=pos, lang=language,
                        similarity=competence_similarity(store))


@st.cache_data(show_spinner=False, max_entries=4)
def _years(db_path: str, revision: int, counts: tuple) -> list[int]:
    return project_years(get_store().projects())


def page() -> None:
    store = get_store()
    ws = workspace()
    st.title(t("net.title"))
    counts = tuple(sorted(store.counts().items()))
    years = _years(store.path, ws.revision, counts)
    if not years:
        st.info(t("net.no_projects", db=store.path), icon=":material/database:")
        return

    c1, c2, c3 = st.columns([3, 1, 2])
    year = c1.select_slider(t("net.year"), options=years, value=years[-1], key="network_year")
    cumulative = c2.toggle(t("net.cumulative"), key="network_cumulative", help=t("net.cumulative_help"))
    size_by = c3.segmented_control(
        t("net.size_by"),
        options=list(SIZE_METRICS),
        format_func=labels(SIZE_METRICS, lambda m: t(f"net.metric.{m}")),
        default="weighted_degree",
        key="network_size_by",
    ) or "weighted_degree"

    try:
        with st.spinner(t("net.computing")):
            view = _view(store.path, ws.revision, counts, year, cumulative, lang())
    except ValueError as exc:  # graph/ reports bad records or a year outside the data this way
        st.error(t("error.library", message=str(exc)))
        return

    _sync_chart_click()
    active = [n for n in view.nodes if n["active"]]
    options = sorted((n["org_id"] for n in active), key=lambda v: view.names.get(v, v).lower())
    if st.session_state.get(ORG_KEY) not in options:
        st.session_state[ORG_KEY] = None
    selected = st.columns([2, 3])[0].selectbox(
        t("net.pick_org"),
        options=options,
        format_func=labels(options, lambda v: view.names.get(v, v)),
        index=None,
        placeholder=t("net.pick_org_placeholder"),
        key=ORG_KEY,
    )
    if not view.nodes:
        st.info(t("net.empty_year", year=year))
    else:
        st.altair_chart(
            _chart(view, size_by, selected),
            on_select="rerun",
            selection_mode="org",
            key=CHART_KEY,
            width="stretch",
        )
        caption = t("net.caption_cumulative" if cumulative else "net.caption_year", year=year)
        st.caption(caption + " " + t("net.caption_size", metric=t(f"net.metric.{size_by}").lower()))
    if selected:
        _show_ties(view, selected)
    else:
        st.caption(t("net.pick_hint"))

    _metrics_panel(view)
    _introductions(view)
    _downloads(store, year, cumulative)


# -- chart -----------------------------------------------------------------------------------


def _sync_chart_click() -> None:
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
        if clicked:
            st.session_state[ORG_KEY] = clicked


def _chart(view, size_by: str, selected: str | None) -> alt.LayerChart:
    nodes = pd.DataFrame(view.nodes)
    nodes["kind_label"] = nodes["kind"].map(kind_label)
    nodes["size"] = nodes[size_by]
    edges = pd.DataFrame(view.edges) if view.edges else pd.DataFrame(
        columns=["source", "target", "x", "y", "x2", "y2", "weight", "active"]
    )
    kinds = [k for k in KIND_COLOURS if k in set(nodes["kind"])]
    colour = alt.Color(
        "kind_label:N",
        title=t("net.legend_kind"),
        scale=alt.Scale(domain=[kind_label(k) for k in kinds], range=[KIND_COLOURS[k] for k in kinds]),
        legend=alt.Legend(orient="right", symbolSize=160, labelFontSize=12, titleFontSize=12),
    )
    domain = alt.Scale(domain=[-1.2, 1.2], nice=False, zero=False)
    x = alt.X("x:Q", axis=None, scale=domain)
    y = alt.Y("y:Q", axis=None, scale=domain)

    layers = []
    if len(edges):
        layers.append(
            alt.Chart(edges[~edges["active"]])
            .mark_rule(color="#E3E7EA", strokeWidth=0.8)
            .encode(x=x, y=y, x2="x2:Q", y2="y2:Q")
        )
        layers.append(
            alt.Chart(edges[edges["active"]])
            .mark_rule(color="#8795A1", opacity=0.55)
            .encode(x=x, y=y, x2="x2:Q", y2="y2:Q", strokeWidth=alt.StrokeWidth("weight:Q", legend=None,
                                                                                 scale=alt.Scale(range=[0.6, 4])))
        )
        if selected:
            mine = edges[edges["active"] & ((edges["source"] == selected) | (edges["target"] == selected))]
            layers.append(
                alt.Chart(mine).mark_rule(color="#C0392B", strokeWidth=2.2).encode(x=x, y=y, x2="x2:Q", y2="y2:Q")
            )
    pick = alt.selection_point(name="org", fields=["org_id"], on="click", clear="dblclick")
    background = nodes[~nodes["active"]]
    if len(background):
        layers.append(
            alt.Chart(background).mark_circle(color="#D3D8DC", size=28, opacity=0.9).encode(
                x=x, y=y, tooltip=[alt.Tooltip("name:N", title=t("col.name"))]
            )
        )
    active = nodes[nodes["active"]]
    layers.append(
        alt.Chart(active)
        .mark_circle(stroke="white", strokeWidth=1, opacity=0.95)
        .encode(
            x=x,
            y=y,
            color=colour,
            size=alt.Size("size:Q", legend=None, scale=alt.Scale(range=[40, 900])),
            tooltip=[
                alt.Tooltip("name:N", title=t("col.name")),
                alt.Tooltip("kind_label:N", title=t("col.kind")),
                alt.Tooltip("projects:Q", title=t("net.tooltip_projects")),
                alt.Tooltip("partners:Q", title=t("net.tooltip_partners")),
                alt.Tooltip(f"{size_by}:Q", title=t(f"net.metric.{size_by}")),
            ],
        )
        .add_params(pick)
    )
    label_rows = active.sort_values(["size", "weighted_degree"], ascending=False).head(LABELS)
    if selected and selected not in set(label_rows["org_id"]):
        label_rows = pd.concat([label_rows, active[active["org_id"] == selected]])
    label_rows = label_rows.assign(short=label_rows["name"].map(lambda s: s if len(s) <= 28 else s[:27] + "…"))
    for style in ({"stroke": "white", "strokeWidth": 3, "color": "white"}, {"color": "#1D2A33"}):  # halo, then text
        layers.append(
            alt.Chart(label_rows).mark_text(dy=-14, fontSize=11, **style).encode(x=x, y=y, text="short:N")
        )
    return alt.layer(*layers).properties(width="container", height=660).configure_view(stroke=None)


# -- panels ----------------------------------------------------------------------------------


def _show_ties(view, org_id: str) -> None:
    ties = view.ties.get(org_id, [])
    node = next((n for n in view.nodes if n["org_id"] == org_id), None)
    st.markdown(f"**{md(view.names.get(org_id, org_id))}** · {kind_label(node['kind'] if node else '')}")
    if not ties:
        st.caption(t("net.no_ties"))
        return
    st.caption(t("net.ties_count", n=len(ties), projects=node["projects"] if node else 0))
    st.dataframe(
        [
            {
                t("col.partner"): tie.name,
                t("col.kind"): kind_label(tie.kind),
                t("col.joint_projects"): tie.joint_projects,
                t("col.years"): ", ".join(map(str, tie.years)),
                t("col.projects"): "; ".join(tie.projects),
            }
            for tie in ties
        ],
        hide_index=True,
        width="stretch",
        height=min(38 + 35 * len(ties), 420),
    )


def _metrics_panel(view) -> None:
    st.subheader(t("net.metrics", year=view.year))
    a = view.activity
    cols = st.columns(6)
    cols[0].metric(t("net.m.active"), number(len(a.organisations)))
    cols[1].metric(t("net.m.projects"), number(len(a.projects)))
    cols[2].metric(t("net.m.new_orgs"), number(len(a.new_organisations)))
    cols[3].metric(t("net.m.new_ties"), number(len(a.new_ties)))
    cols[4].metric(t("net.m.cross_kind"), number(a.cross_kind_ties), help=t("net.m.cross_kind_help"))
    cols[5].metric(t("net.m.density"), number(view.density, 3), help=t("net.m.density_help"))
    st.caption(
        t("net.m.structure", nodes=number(view.nodes_active), edges=number(view.edges_active),
          components=number(view.components), largest=number(view.largest_component))
    )
    left, right = st.columns(2, gap="large")
    with left:
        st.markdown(t("net.brokers"))
        if view.brokers:
            st.markdown(
                "\n".join(
                    f"- **{md(view.names.get(b.org_id, b.org_id))}** – "
                    + t("net.broker_cut", n=b.cut_off)
                    for b in view.brokers[:6]
                )
            )
            st.caption(t("net.brokers_help"))
        else:
            st.caption(t("net.no_brokers"))
        if a.quiet:
            st.markdown(t("net.quiet"))
            st.caption(md(", ".join(view.names.get(o, o) for o in a.quiet[:15])))
    with right:
        st.markdown(t("net.communities"))
        groups = [c for c in view.communities if c.size > 1][:6]
        if groups:
            st.markdown("\n".join(f"- {md(c.label)} ({t('net.members', n=c.size)})" for c in groups))
        else:
            st.caption(t("net.no_communities"))


def _introductions(view) -> None:
    st.subheader(t("net.introductions"))
    if not view.introductions:
        st.caption(t("net.no_introductions"))
        return
    st.caption(t("net.introductions_help"))
    st.markdown(
        "\n".join(
            f"- **{md(view.names.get(i.org_a, i.org_a))}** ↔ **{md(view.names.get(i.org_b, i.org_b))}**: {md(i.reason)}"
            for i in view.introductions
        )
    )


# -- downloads -------------------------------------------------------------------------------


def _export(fmt: str, year: int, cumulative: bool, language: str) -> bytes:
    store = get_store()
    return export_bytes(store.organisations(), store.projects(), store.participations(), fmt,
                        year=year, cumulative=cumulative, lang=language)


def _report(fmt: str, year: int, language: str) -> bytes:
    store = get_store()
    report = build_report(store.organisations(), store.projects(), store.participations(), year=year, lang=language,
                          similarity=competence_similarity(store))
    return report_bytes(report, fmt)


def _downloads(store, year: int, cumulative: bool) -> None:
    st.subheader(t("net.downloads"))
    language = lang()
    left, right = st.columns(2, gap="large")
    with left:
        st.markdown(t("net.export_heading"))
        # MP4 needs an ffmpeg (imageio-ffmpeg ships one); without it, leave the format out.
        has_ffmpeg = ffmpeg_path() is not None
        formats = [f for f in EXPORT_FORMATS if f != "mp4" or has_ffmpeg]
        fmt = st.selectbox(
            t("net.export_format"), options=formats, format_func=labels(formats, lambda f: t(f"net.fmt.{f}")),
            key="network_export_format",
        )
        suffix = {"kumu": "json"}.get(fmt, fmt)
        span = "til-og-med-" if cumulative else ""
        st.download_button(
            t("net.export_button", fmt=fmt.upper()),
            data=functools.partial(_export, fmt, year, cumulative, language),
            file_name=f"samspill-nettverk-{span}{year}.{suffix}",
            mime=MIME_TYPES.get(fmt),
            on_click="ignore",
            key="network_export_download",
            icon=":material/download:",
        )
    with right:
        st.markdown(t("net.report_heading", year=year))
        st.caption(t("net.report_help"))
        b1, b2 = st.columns(2)
        for col, fmt in ((b1, "pdf"), (b2, "html")):
            col.download_button(
                t("net.report_button", fmt=fmt.upper()),
                data=functools.partial(_report, fmt, year, language),
                file_name=f"samspill-arsrapport-{year}.{fmt}",
                mime=MIME_TYPES.get(fmt, "text/html"),
                on_click="ignore",
                key=f"network_report_{fmt}",
                icon=":material/description:",
            )


if __name__ == "__main__":  # run as a page script by st.navigation
    page()
