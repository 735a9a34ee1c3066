"""Find partners (advisers): an idea in, ranked organisations, pairings and consortia out, with reasons.

Each suggestion can be marked useful / not useful / contacted (stored with who
and when; the matcher reads the balance; the button of the verdict given is
highlighted), opened as a profile with its project history and contacts,
introduced to the company behind the idea (data.introductions), and put on a
shortlist that exports as CSV or a printable page, with contacts, and that has a
link of its own (``/finn-partnere?shortlist=ID``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

import streamlit as st

from app_pages import auth, routes
from app_pages.common import (
    LIBRARY_ERRORS,
    OPEN_IDEA_KEY,
    error_text,
    isolated,
    library_errors,
    md,
    org_option_label,
    require_data,
    show_profile,
    show_reasons,
    suggestion_heading,
)
from app_pages.i18n import intro_status_label, kind_label, labels, lang, number, status_label, t, verdict_label
from app_pages.resources import get_matcher, get_store, workspace
from data.contacts import contact_line, visible_contacts, website_url
from data.export import SHORTLIST_COLUMNS, shortlist_rows, to_csv, to_printable_html
from data.introductions import introductions, propose
from data.models import KINDS, VERDICTS
from data.regions import regions_in_use
from data.shortlists import ShortlistItem, save_shortlist, shortlist
from matching.ideas import reasons_in_every_language
from matching.types import MatchQuery, Suggestion

RESULT_KEY = "find_partners_result"
SHORTLIST_KEY = "find_partners_shortlist"  # org id -> Suggestion, in the order added
TEAMS_KEY = "find_partners_teams"  # org id -> the pairing or consortium it was added with
MESSAGE_KEY = "find_partners_message"
TEXT_KEPT_KEY = "find_partners_text_kept"
LINK_KEY = "find_partners_shortlist_link"
# The result's tabs, by name; only the open one is drawn (a match's page was ten profiles with their
# project tables, plus every pairing and consortium, drawn and sent whichever tab was looked at).
RESULT_TABS = ("orgs", "pairs", "consortia", "shortlist")
TAB_KEY = "find_partners_tab"  # the open tab's label, Streamlit's
OPEN_TAB_KEY = "find_partners_open_tab"  # the open tab's name: a label changes with its count
VERDICT_ICONS = {"useful": ":material/thumb_up:", "not_useful": ":material/thumb_down:", "contacted": ":material/call:"}


def _counted(option: str, n: int) -> str:
    return t("fp.option_count", option=option, n=number(n))


def page() -> None:
    store = get_store()
    viewer = auth.current_viewer(store)
    st.title(t("fp.title"))
    require_data(store)
    st.session_state.setdefault(SHORTLIST_KEY, {})
    shared = st.query_params.get("shortlist")
    if shared:
        _shared_shortlist(store, viewer, shared)

    opened = st.session_state.pop(OPEN_IDEA_KEY, None)
    if opened is not None:
        st.session_state["find_partners_source"] = "inbox"
        st.session_state["find_partners_idea"] = opened

    st.session_state.setdefault("find_partners_source", "write")
    source = st.segmented_control(
        t("fp.source"),
        options=["write", "inbox"],
        format_func=labels(["write", "inbox"], lambda s: t(f"fp.source_{s}")),
        key="find_partners_source",
    ) or "write"
    idea = None
    if source == "inbox":
        ideas = store.ideas(viewer)
        if not ideas:
            st.info(t("inbox.empty"))
            return
        idea_id = st.selectbox(
            t("fp.pick_idea"),
            options=[i.idea_id for i in ideas],
            format_func={i.idea_id: f"#{i.idea_id} · {isolated(i.title)} ({status_label(i.status)})"
                         for i in ideas}.get,
            key="find_partners_idea",
        )
        idea = next(i for i in ideas if i.idea_id == idea_id)
        with st.expander(t("fp.idea_text"), expanded=False):
            st.markdown(md(idea.text))
        text = f"{idea.title}\n\n{idea.text}"
    else:
        if "find_partners_text" not in st.session_state:  # widget state is dropped while on other pages
            st.session_state["find_partners_text"] = st.session_state.get(TEXT_KEPT_KEY, "")
        text = st.text_area(
            t("fp.describe"), key="find_partners_text", height=150, max_chars=20_000,
            placeholder=t("fp.describe_placeholder"),
        )
        st.session_state[TEXT_KEPT_KEY] = text

    choices = _choices()
    organisations, kind_options, regions = choices.organisations, choices.kinds, choices.regions
    for key, allowed in (("find_partners_kinds", kind_options), ("find_partners_regions", regions)):
        if key in st.session_state:  # a choice the data no longer offers (after an import) would stop the page
            st.session_state[key] = [v for v in st.session_state[key] if v in allowed]
    c1, c2, c3, c4 = st.columns([2, 2, 3, 1])
    kinds = c1.multiselect(
        t("fp.kind"), options=kind_options, format_func=choices.kind_labels.get,
        key="find_partners_kinds", placeholder=t("orgs.all_kinds"), help=t("fp.kind_help"),
    )
    chosen_regions = c2.multiselect(
        t("fp.region"), options=regions, format_func=choices.region_labels.get,
        key="find_partners_regions", placeholder=t("fp.all_regions"), help=t("fp.region_help"),
    )
    as_org = c3.selectbox(
        t("fp.we_are"), options=choices.org_ids, format_func=choices.org_labels.get,
        index=None, placeholder=t("fp.we_are_placeholder"), key="find_partners_as_org", help=t("fp.we_are_help"),
    )
    top = c4.number_input(t("fp.top"), min_value=3, max_value=50, value=10, step=1, key="find_partners_top",
                          help=t("fp.top_help"))

    # An idea from a registered organisation is matched from its point of view unless the adviser says otherwise.
    seed = as_org or (idea.org_id if idea is not None else None)
    if seed and not as_org:
        st.caption(t("fp.as_idea_org", name=md(next((o.name for o in organisations if o.org_id == seed), seed))))
    if st.button(t("fp.run"), key="find_partners_run", type="primary", icon=":material/search:"):
        st.session_state.pop(RESULT_KEY, None)  # never show the last idea's partners under a new one
        st.session_state.pop(OPEN_TAB_KEY, None)
        if not text.strip():
            st.error(t("fp.need_text"))
        else:
            with library_errors() as outcome:
                matcher = get_matcher()
                with st.spinner(t("fp.matching")):
                    result = matcher.match(
                        MatchQuery(text=text, top=int(top), kinds=tuple(kinds),
                                   regions=tuple(chosen_regions), as_org=seed,
                                   exclude=(seed,) if seed else (), lang=lang())
                    )
            if not outcome.failed:
                st.session_state[RESULT_KEY] = {
                    "result": result,
                    "idea_id": idea.idea_id if idea else None,
                    "idea_title": idea.title if idea else "",
                    "query": text if idea is None else "",
                    "lang": lang(),
                    "as_org": seed,
                }

    message = st.session_state.pop(MESSAGE_KEY, None)
    if message:
        (st.error if message[0] == "error" else st.toast)(message[1])

    state = st.session_state.get(RESULT_KEY)
    if state is None:
        st.caption(t("fp.hint"))
        return
    state.setdefault("as_org", seed)
    _show_result(store, viewer, state)


@dataclass(frozen=True)
class _Choices:
    """What the page's filters offer, with the organisations they are drawn from."""

    organisations: tuple
    kinds: list[str]  # only kinds someone has
    regions: list[str]  # most used first
    org_ids: list[str]
    org_labels: dict[str, str]
    kind_labels: dict[str, str]  # with their counts, worded once per language
    region_labels: dict[str, str]


def _choices() -> _Choices:
    """The filters' choices: kinds and regions with how many organisations have them, and the
    "we are" choices with their labels.

    Kept per register revision and language (the labels name kinds in the reader's language).
    """
    ws = workspace()

    def compute():
        organisations = ws.organisations()
        kind_counts = Counter(o.kind for o in organisations)
        region_counts = dict(regions_in_use(organisations))
        return _Choices(
            organisations=organisations,
            kinds=[k for k in KINDS if kind_counts[k]],
            regions=list(region_counts),
            org_ids=[o.org_id for o in organisations],
            org_labels={o.org_id: org_option_label(o) for o in organisations},
            kind_labels={k: _counted(kind_label(k), n) for k, n in kind_counts.items()},
            region_labels={r: _counted(r, n) for r, n in region_counts.items()},
        )

    return ws.kept(f"find_partners_choices_{lang()}", compute)


# -- results -------------------------------------------------------------------------------------


def _latest_verdicts(store, state) -> dict[str, tuple[str, str, str]]:
    """org id -> (verdict, given_by, given_at) of the latest feedback for this idea or query."""
    if state["idea_id"] is not None:
        rows = store.feedback(idea_id=state["idea_id"])
    else:
        rows = [f for f in store.feedback() if f.idea_id is None and f.query == state["query"]]
    return {f.org_id: (f.verdict, f.given_by, f.given_at) for f in rows}


def _give_feedback(store, username: str, state: dict, s: Suggestion, verdict: str) -> None:
    """Button callback: store the verdict; useful/contacted also put the organisation on the shortlist."""
    try:
        store.add_feedback(
            org_id=s.org_id, verdict=verdict, given_by=username, idea_id=state["idea_id"], query=state["query"]
        )
    except LIBRARY_ERRORS as exc:
        st.session_state[MESSAGE_KEY] = ("error", t("error.library", message=md(str(exc))))
        return
    shortlist = st.session_state[SHORTLIST_KEY]
    if verdict in ("useful", "contacted"):
        shortlist.setdefault(s.org_id, s)
        st.session_state[f"find_partners_short_{s.org_id}"] = True
    st.session_state[MESSAGE_KEY] = ("ok", t("fp.feedback_saved", name=md(s.name), verdict=verdict_label(verdict)))


def _toggle_shortlist(s: Suggestion) -> None:
    shortlist = st.session_state[SHORTLIST_KEY]
    if st.session_state.get(f"find_partners_short_{s.org_id}"):
        shortlist.setdefault(s.org_id, s)
    else:
        shortlist.pop(s.org_id, None)


def _add_all(suggestions, team: str) -> None:
    """Put a pairing or consortium on the shortlist, as a team that stays together there."""
    shortlist = st.session_state[SHORTLIST_KEY]
    teams = st.session_state.setdefault(TEAMS_KEY, {})
    for s in suggestions:
        shortlist.setdefault(s.org_id, s)
        teams.setdefault(s.org_id, team)
        st.session_state[f"find_partners_short_{s.org_id}"] = True


def _introduce(store, viewer, state: dict, s: Suggestion) -> None:
    """Button callback: propose introducing the idea's (or the "we are") company to this partner."""
    try:
        # the reasons in every language: the company, or another adviser, may read another than ours
        reasons = reasons_in_every_language(get_matcher(), state["result"].query, s.org_id,
                                            {state.get("lang", lang()): s.reasons})
        intro = propose(store, viewer, org_id=s.org_id, idea_id=state["idea_id"],
                        company_org_id=None if state["idea_id"] is not None else state.get("as_org"),
                        reasons=reasons)
    except LIBRARY_ERRORS as exc:
        st.session_state[MESSAGE_KEY] = ("error", error_text(exc))
        return
    st.session_state[MESSAGE_KEY] = ("ok", t("fp.introduction_proposed", name=md(s.name),
                                             status=intro_status_label(intro.status)))


def _show_result(store, viewer, state: dict) -> None:
    result = state["result"]
    if state["idea_id"] is not None:
        st.caption(t("fp.result_for_idea", id=state["idea_id"], title=md(state["idea_title"])))
        st.page_link(routes.page("inbox"), label=t("fp.open_idea_in_inbox", id=state["idea_id"]),
                     query_params={"idea": str(state["idea_id"])}, icon=":material/inbox:")
    for note in result.notes:
        st.caption(md(note))
    if not result.organisations:
        st.warning(t("fp.nothing"))
        return
    verdicts = _latest_verdicts(store, state)
    state["contacts"] = visible_contacts(store, viewer, [s.org_id for s in result.organisations])
    state["introduced"] = {
        i.org_id: i for i in reversed(introductions(store, viewer, idea_id=state["idea_id"]))
        if state["idea_id"] is not None or i.company_org_id == state.get("as_org")
    } if (state["idea_id"] is not None or state.get("as_org")) else {}
    shortlist = st.session_state[SHORTLIST_KEY]
    tab_labels = [
        t("fp.tab_orgs", n=len(result.organisations)),
        t("fp.tab_pairs", n=len(result.pairings)),
        t("fp.tab_consortia", n=len(result.consortia)),
        t("fp.tab_shortlist", n=len(shortlist)),
    ]
    open_tab = st.session_state.get(OPEN_TAB_KEY)
    st.session_state[TAB_KEY] = tab_labels[RESULT_TABS.index(open_tab) if open_tab in RESULT_TABS else 0]
    tabs = st.tabs(tab_labels, key=TAB_KEY, on_change=_remember_tab, args=(tab_labels,))
    if tabs[0].open:
        _organisations_tab(store, viewer, state, result, verdicts, tabs[0])
    if tabs[1].open:
        _pairings_tab(result, tabs[1])
    if tabs[2].open:
        _consortia_tab(result, tabs[2])
    if tabs[3].open:
        with tabs[3]:
            _shortlist(store, viewer, state, verdicts)


def _remember_tab(tab_labels: list[str]) -> None:
    chosen = st.session_state.get(TAB_KEY)
    if chosen in tab_labels:
        st.session_state[OPEN_TAB_KEY] = RESULT_TABS[tab_labels.index(chosen)]


def _organisations_tab(store, viewer, state, result, verdicts, tab) -> None:
    with tab:
        st.caption(t("fp.score_scale"))
        for rank, s in enumerate(result.organisations, start=1):
            _suggestion_card(store, viewer, state, s, rank, verdicts.get(s.org_id))


def _pairings_tab(result, tab) -> None:
    with tab:
        if not result.pairings:
            st.caption(t("fp.no_pairs"))
        for i, p in enumerate(result.pairings):
            with st.container(border=True):
                st.markdown(f"{suggestion_heading(p.company)}  \n:material/add: {suggestion_heading(p.partner)}")
                st.caption(t("fp.score", score=number(p.score, 2)))
                show_reasons(p.reasons)
                st.button(t("fp.add_pair"), key=f"find_partners_pair_{i}", on_click=_add_all,
                          args=((p.company, p.partner), t("fp.team_pair", n=i + 1, a=p.company.name,
                                                          b=p.partner.name)),
                          icon=":material/playlist_add:")


def _consortia_tab(result, tab) -> None:
    with tab:
        if not result.consortia:
            st.caption(t("fp.no_consortia"))
        for i, c in enumerate(result.consortia):
            with st.container(border=True):
                st.markdown("\n".join(f"- {suggestion_heading(m)}" for m in c.members))
                st.caption(t("fp.consortium_score", score=number(c.score, 2), coverage=number(100 * c.coverage)))
                show_reasons(c.reasons)
                st.button(t("fp.add_consortium"), key=f"find_partners_consortium_{i}", on_click=_add_all,
                          args=(c.members, t("fp.team_consortium", n=i + 1)), icon=":material/playlist_add:")


def _suggestion_card(store, viewer, state, s: Suggestion, rank: int, verdict) -> None:
    # Few elements on purpose: every element is a message the server builds and queues while holding
    # the interpreter, and with several advisers matching at once the ten cards' messages were most of
    # a match's time on the server (bench/bench_sessions.py). One line for the heading and the score,
    # one row for the actions, no nested columns.
    with st.container(border=True):
        st.markdown(f"{rank}. {suggestion_heading(s)} · :small[{t('fp.score', score=number(s.score, 2))}]")
        show_reasons(s.reasons)
        contacts = state.get("contacts", {}).get(s.org_id, ())
        if contacts:
            st.caption(t("fp.contact", contact=md(contact_line(contacts[0]))))
        if verdict is not None:
            st.caption(t("fp.verdict_given", verdict=verdict_label(verdict[0]), user=md(verdict[1]),
                         when=verdict[2][:16]))
        with st.container(horizontal=True, vertical_alignment="center"):
            for v in VERDICTS:
                given = verdict is not None and verdict[0] == v  # the button shows the verdict in force
                st.button(
                    verdict_label(v), key=f"find_partners_fb_{v}_{s.org_id}", icon=VERDICT_ICONS[v],
                    on_click=_give_feedback, args=(store, viewer.username, state, s, v),
                    type="primary" if given else "secondary",
                    help=t("fp.verdict_in_force") if given else None,
                )
            intro = state.get("introduced", {}).get(s.org_id)
            if intro is not None and intro.status != "declined":
                st.button(intro_status_label(intro.status), key=f"find_partners_intro_{s.org_id}",
                          icon=":material/handshake:", disabled=True)
            else:
                can = state["idea_id"] is not None or bool(state.get("as_org"))
                st.button(t("intro.introduce"), key=f"find_partners_intro_{s.org_id}", icon=":material/handshake:",
                          on_click=_introduce, args=(store, viewer, state, s), disabled=not can,
                          help=None if can else t("fp.introduce_needs_company"))
            key = f"find_partners_short_{s.org_id}"
            if key not in st.session_state:
                st.session_state[key] = s.org_id in st.session_state[SHORTLIST_KEY]
            st.checkbox(t("fp.on_shortlist"), key=key, on_change=_toggle_shortlist, args=(s,))
        # Drawn when opened: ten profiles with their project tables were most of a match's page.
        with st.expander(t("fp.profile"), key=f"find_partners_profile_{s.org_id}", on_change="rerun") as profile:
            if profile.open:
                show_profile(store, s.org_id, viewer=viewer)


def _contact_columns(store, viewer, org_ids) -> tuple[dict[str, str], dict[str, str]]:
    """org id -> its contacts on one line, and -> its website, for the shortlist (what the viewer may see)."""
    contacts = visible_contacts(store, viewer, org_ids)
    lines = {o: "; ".join(contact_line(c) for c in cs) for o, cs in contacts.items()}
    websites = {}
    for org_id in org_ids:
        if store.has_organisation(org_id):
            site = store.organisation(org_id).website
            websites[org_id] = website_url(site) or site
    return lines, websites


def _shortlist(store, viewer, state, verdicts) -> None:
    shortlist: dict[str, Suggestion] = st.session_state[SHORTLIST_KEY]
    if not shortlist:
        st.caption(t("fp.shortlist_empty"))
        return
    worded = {o: verdict_label(v[0]) for o, v in verdicts.items()}
    teams = {o: team for o, team in st.session_state.get(TEAMS_KEY, {}).items() if o in shortlist}
    contacts, websites = _contact_columns(store, viewer, list(shortlist))
    rows = shortlist_rows(shortlist.values(), verdicts=worded, kind_label=kind_label, teams=teams,
                          contacts=contacts, websites=websites)
    subject = f"#{state['idea_id']} {state['idea_title']}" if state["idea_id"] is not None else state["query"][:300]
    _shortlist_table(rows, subject, key="find_partners")
    c3, c4, c5 = st.columns(3)
    if c3.button(t("fp.clear_shortlist"), key="find_partners_clear", icon=":material/delete:"):
        for org_id in list(shortlist):
            st.session_state.pop(f"find_partners_short_{org_id}", None)
        shortlist.clear()
        st.session_state.pop(TEAMS_KEY, None)
        st.session_state.pop(LINK_KEY, None)
        st.rerun()
    if state["idea_id"] is not None and c4.button(
        t("fp.save_to_idea", id=state["idea_id"]), key="find_partners_save", icon=":material/save:"
    ):
        with library_errors() as outcome:
            idea = store.update_idea(state["idea_id"], suggestions=list(shortlist))
            if idea.status == "new":
                store.update_idea(idea.idea_id, status="in_progress")
        if not outcome.failed:
            st.success(t("fp.saved_to_idea", id=state["idea_id"]))
    if c5.button(t("fp.share_shortlist"), key="find_partners_share", icon=":material/link:"):
        items = [ShortlistItem(s.org_id, s.name, s.kind, float(s.score), tuple(s.reasons), s.region, s.country,
                               teams.get(s.org_id, "")) for s in shortlist.values()]
        with library_errors() as outcome:
            shortlist_id = save_shortlist(store, viewer, items, idea_id=state["idea_id"], subject=subject)
        if not outcome.failed:
            st.session_state[LINK_KEY] = routes.link("find", shortlist=shortlist_id)
    if st.session_state.get(LINK_KEY):
        st.markdown(t("fp.shortlist_link"))
        st.code(st.session_state[LINK_KEY], language=None)


def _shared_shortlist(store, viewer, shortlist_id: str) -> None:
    """A shortlist opened from its link: as it was shared, with today's contacts, to read and download."""
    try:
        saved = shortlist(store, viewer, shortlist_id)
    except LIBRARY_ERRORS as exc:
        st.error(error_text(exc), icon=":material/link_off:")
        return
    with st.container(border=True):
        st.subheader(t("fp.shared_title"))
        st.caption(t("fp.shared_meta", user=md(saved.created_by), when=saved.created_at[:16],
                     subject=md(saved.subject)))
        org_ids = [i.org_id for i in saved.items]
        contacts, websites = _contact_columns(store, viewer, org_ids)
        teams = {i.org_id: i.team for i in saved.items if i.team}
        rows = shortlist_rows(saved.items, kind_label=kind_label, teams=teams, contacts=contacts, websites=websites)
        _shortlist_table(rows, saved.subject, key="find_partners_shared")


def _shortlist_table(rows, subject: str, *, key: str) -> None:
    headers = {c: t(f"fp.col.{c}") for c in SHORTLIST_COLUMNS}
    st.dataframe(
        [{headers[c]: r[c] for c in SHORTLIST_COLUMNS if c != "org_id"} for r in rows],
        hide_index=True,
        width="stretch",
        column_config={
            headers["name"]: st.column_config.TextColumn(width="medium"),
            headers["reasons"]: st.column_config.TextColumn(width="large"),
            headers["contacts"]: st.column_config.TextColumn(width="medium"),
        },
    )
    stamp = date.today().isoformat()
    c1, c2 = st.columns(2)
    c1.download_button(
        t("fp.download_csv"),
        data=to_csv(rows, headers=headers, delimiter=";" if lang() == "nb" else ",",
                    decimal="," if lang() == "nb" else ".").encode("utf-8-sig"),
        file_name=t("file.shortlist", date=stamp, fmt="csv"), mime="text/csv", key=f"{key}_csv",
        icon=":material/table:", on_click="ignore",
    )
    page = to_printable_html(
        rows, [c for c in SHORTLIST_COLUMNS if c != "org_id"], title=t("fp.print_title"),
        intro=t("fp.print_intro", subject=subject), footer=t("fp.print_footer", date=stamp), headers=headers,
        lang=lang(),
    )
    c2.download_button(
        t("fp.download_html"), data=page.encode("utf-8"), file_name=t("file.shortlist", date=stamp, fmt="html"),
        mime="text/html", key=f"{key}_html", icon=":material/print:", on_click="ignore",
    )


if __name__ == "__main__":  # run as a page script by st.navigation
    page()
