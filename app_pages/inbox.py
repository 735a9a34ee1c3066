"""The advisers' inbox: every submitted idea, its status, notes, suggestions, feedback and introductions.

An idea has a link of its own (``/innboks?idea=12``): the address bar always names the open
idea, so it can be bookmarked or sent to a colleague. The second tab lists every introduction
with what came of it, and the year's count the annual report uses.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from app_pages import auth, routes
from app_pages.common import LIBRARY_ERRORS, OPEN_IDEA_KEY, error_text, isolated, library_errors, md
from app_pages.i18n import intro_status_label, kind_label, labels, number, status_label, t, verdict_label
from app_pages.introductions_ui import MESSAGE_KEY, adviser_card, flash, parties, propose_for_idea, timeline
from app_pages.resources import get_store
from data.contacts import contact_line, visible_contacts
from data.introductions import introductions, introductions_per_year
from data.models import IDEA_STATUSES, INTRODUCTION_STATUSES
from data.store import IdeaNotFound

LINKED_KEY = "inbox_linked_idea"  # the ?idea= last applied (a link opens its idea once, then the user chooses)


def page() -> None:
    store = get_store()
    viewer = auth.current_viewer(store)
    st.title(t("inbox.title"))
    flash()
    ideas_tab, intros_tab = st.tabs([t("inbox.tab_ideas"), t("inbox.tab_introductions")], key="inbox_tab")
    with intros_tab:
        _all_introductions(store, viewer)
    with ideas_tab:
        _ideas(store, viewer)


def _ideas(store, viewer) -> None:
    ideas = store.ideas(viewer)
    st.session_state.setdefault("inbox_status_filter", ["new", "in_progress"])
    linked = routes.query_int("idea")
    if linked is not None and st.session_state.get(LINKED_KEY) != linked:
        st.session_state[LINKED_KEY] = linked
        try:
            idea = store.idea(linked, viewer)  # the viewer may see it, or "not found"
        except IdeaNotFound:
            st.error(t("links.idea_not_found", id=linked), icon=":material/link_off:")
        else:  # open it, even when the status filter would hide it
            shown_statuses = st.session_state["inbox_status_filter"]
            if shown_statuses and idea.status not in shown_statuses:
                st.session_state["inbox_status_filter"] = [*shown_statuses, idea.status]
            st.session_state["inbox_idea"] = idea.idea_id
    if not ideas:
        st.info(t("inbox.empty"), icon=":material/inbox:")
        st.page_link(routes.page("submit"), label=t("nav.submit"), icon=":material/lightbulb:")
        return

    statuses = st.pills(
        t("inbox.filter_status"),
        options=list(IDEA_STATUSES),
        format_func=labels(IDEA_STATUSES, status_label),
        selection_mode="multi",
        key="inbox_status_filter",
    )
    shown = [i for i in ideas if not statuses or i.status in statuses]
    counts = {s: sum(1 for i in ideas if i.status == s) for s in IDEA_STATUSES}
    st.caption(" · ".join(f"{status_label(s)}: {n}" for s, n in counts.items()))
    if not shown:
        st.info(t("inbox.none_with_status"))
        return

    names = {o.org_id: o.name for o in store.organisations()}
    st.dataframe(
        [
            {
                "#": i.idea_id,
                t("col.received"): i.created_at[:16],
                t("col.title"): i.title,
                t("col.organisation"): names.get(i.org_id, i.org_id) if i.org_id else i.contact,
                t("col.status"): status_label(i.status),
                t("col.suggestions"): len(i.suggestions),
            }
            for i in shown
        ],
        hide_index=True,
        width="stretch",
    )
    if st.session_state.get("inbox_idea") not in [i.idea_id for i in shown]:
        st.session_state.pop("inbox_idea", None)
    chosen = st.selectbox(
        t("inbox.open"),
        options=[i.idea_id for i in shown],
        format_func={i.idea_id: f"#{i.idea_id} · {isolated(i.title)}" for i in shown}.get,
        key="inbox_idea",
    )
    idea = next(i for i in shown if i.idea_id == chosen)
    st.query_params["idea"] = str(idea.idea_id)  # the address bar is the idea's link
    st.session_state[LINKED_KEY] = idea.idea_id

    with st.container(border=True):
        st.subheader(f"#{idea.idea_id} · {md(idea.title)}")
        org = names.get(idea.org_id, idea.org_id) if idea.org_id else t("inbox.no_org")
        st.caption(
            t("inbox.meta", user=md(idea.submitted_by), org=md(org), created=idea.created_at[:16])
            + " · "
            + t("submit.confidential_yes" if idea.confidential else "submit.confidential_no")
        )
        st.caption(t("links.idea_link", url=routes.link("inbox", idea=idea.idea_id)))
        if idea.contact:
            st.markdown(t("inbox.contact", contact=md(idea.contact)))
        st.markdown(md(idea.text))
        if idea.wanted_kinds:
            st.caption(t("mine.wanted", kinds=", ".join(kind_label(k) for k in idea.wanted_kinds)))
        intros = introductions(store, viewer, idea_id=idea.idea_id)
        if idea.suggestions:
            _suggestions(store, viewer, idea, names, intros)
        feedback = store.feedback(idea_id=idea.idea_id)
        if feedback:
            st.markdown(t("inbox.feedback"))
            st.markdown(
                "\n".join(
                    f"- {md(names.get(f.org_id, f.org_id))}: {verdict_label(f.verdict)} "
                    f"({md(f.given_by)}, {f.given_at[:16]})"
                    for f in feedback
                )
            )
        if st.button(t("inbox.find_partners"), key=f"inbox_find_{idea.idea_id}", icon=":material/travel_explore:"):
            st.session_state[OPEN_IDEA_KEY] = idea.idea_id
            st.switch_page(routes.page("find"))

    if intros:
        st.subheader(t("intro.for_idea", n=len(intros)))
        for intro in intros:
            adviser_card(store, viewer, intro, names, company_fallback=idea.contact, place="idea")

    _follow_stored(idea)
    with st.form(f"inbox_edit_{idea.idea_id}"):
        status = st.selectbox(
            t("inbox.status"),
            options=list(IDEA_STATUSES),
            format_func=labels(IDEA_STATUSES, status_label),
            key=f"inbox_status_{idea.idea_id}",
        )
        notes = st.text_area(t("inbox.notes"), key=f"inbox_notes_{idea.idea_id}", height=120)
        saved = st.form_submit_button(t("inbox.save"), type="primary", key=f"inbox_save_{idea.idea_id}")
    if saved:
        with library_errors() as outcome:
            store.update_idea(idea.idea_id, status=status, notes=notes)
        if not outcome.failed:
            st.toast(t("inbox.saved"), icon=":material/check:")
            # Keep the idea open, as a link would, even when its new status is one the filter hides.
            st.session_state.pop(LINKED_KEY, None)
            st.rerun()


def _follow_stored(idea) -> None:
    """Start the status and notes boxes from the stored idea, and again whenever it changes.

    Streamlit keeps a widget's value across reruns: without this, the box would still say "new"
    after an introduction moved the idea to "in progress", and saving the notes would move it back.
    A choice not yet saved is kept while the stored idea stays as it was.
    """
    drawn_key = f"inbox_drawn_{idea.idea_id}"
    stored = (idea.status, idea.notes)
    if st.session_state.get(drawn_key) != stored:
        st.session_state[f"inbox_status_{idea.idea_id}"] = idea.status if idea.status in IDEA_STATUSES else "new"
        st.session_state[f"inbox_notes_{idea.idea_id}"] = idea.notes
        st.session_state[drawn_key] = stored


def _suggestions(store, viewer, idea, names, intros) -> None:
    """The suggestions given, each with its contact and a button to introduce it to the company
    (or, once introduced, how far that introduction got)."""
    st.markdown(t("inbox.suggestions"))
    contacts = visible_contacts(store, viewer, idea.suggestions)
    open_intros = {i.org_id: i for i in reversed(intros) if i.status != "declined"}
    for org_id in idea.suggestions:
        left, right = st.columns([4, 1], vertical_alignment="center")
        first = contacts.get(org_id, ())
        who = f" · {md(contact_line(first[0]))}" if first else ""
        left.markdown(f"- **{md(names.get(org_id, org_id))}**{who}")
        if org_id in open_intros:
            right.button(intro_status_label(open_intros[org_id].status), key=f"inbox_introduce_{idea.idea_id}_{org_id}",
                         icon=":material/handshake:", width="stretch", disabled=True)
        elif right.button(t("intro.introduce"), key=f"inbox_introduce_{idea.idea_id}_{org_id}",
                        icon=":material/handshake:", width="stretch"):
            try:
                with st.spinner(t("intro.proposing")):
                    intro = propose_for_idea(store, viewer, idea, org_id)
            except LIBRARY_ERRORS as exc:
                st.session_state[MESSAGE_KEY] = ("error", error_text(exc))
            else:
                st.session_state[MESSAGE_KEY] = ("ok", t("intro.proposed", parties=parties(intro, names, idea.contact)))
            st.rerun()


def _all_introductions(store, viewer) -> None:
    year = date.today().year
    per_year = introductions_per_year(store)
    this = per_year.get(year)
    if this is not None and this.introduced:
        st.caption(t("intro.year_count", year=year, n=number(this.introduced), joint=number(this.joint_projects)))
    else:
        st.caption(t("intro.year_none", year=year))
    statuses = st.pills(
        t("intro.filter_status"), options=list(INTRODUCTION_STATUSES),
        format_func=labels(INTRODUCTION_STATUSES, intro_status_label), selection_mode="multi",
        key="inbox_intro_filter",
    )
    intros = introductions(store, viewer, status=statuses or None)
    if not intros:
        st.info(t("intro.none"))
        return
    names = {o.org_id: o.name for o in store.organisations()}
    st.dataframe(
        [
            {
                "#": i.intro_id,
                t("intro.col.parties"): parties(i, names).replace("\\", ""),
                t("intro.col.idea"): f"#{i.idea_id}" if i.idea_id is not None else "",
                t("col.status"): intro_status_label(i.status),
                t("intro.col.dates"): timeline(i),
                t("intro.col.by"): i.created_by,
            }
            for i in intros
        ],
        hide_index=True,
        width="stretch",
    )
    chosen = st.selectbox(
        t("intro.open"), options=[i.intro_id for i in intros],
        format_func={i.intro_id: f"#{i.intro_id} · {parties(i, names)}".replace("\\", "") for i in intros}.get,
        index=None, placeholder=t("intro.open_placeholder"), key="inbox_intro_open",
    )
    if chosen is not None:
        adviser_card(store, viewer, next(i for i in intros if i.intro_id == chosen), names, place="all")


if __name__ == "__main__":  # run as a page script by st.navigation
    page()
