"""The advisers' inbox: every submitted idea, its status, notes, suggestions and feedback."""

from __future__ import annotations

import streamlit as st

from app_pages import auth, routes
from app_pages.common import OPEN_IDEA_KEY, library_errors, md
from app_pages.i18n import kind_label, labels, status_label, t, verdict_label
from app_pages.resources import get_store
from data.models import IDEA_STATUSES


def page() -> None:
    store = get_store()
    viewer = auth.current_viewer(store)
    st.title(t("inbox.title"))
    ideas = store.ideas(viewer)
    if not ideas:
        st.info(t("inbox.empty"))
        return

    statuses = st.pills(
        t("inbox.filter_status"),
        options=list(IDEA_STATUSES),
        format_func=labels(IDEA_STATUSES, status_label),
        selection_mode="multi",
        default=["new", "in_progress"],
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
    chosen = st.selectbox(
        t("inbox.open"),
        options=[i.idea_id for i in shown],
        format_func={i.idea_id: f"#{i.idea_id} · {i.title}" for i in shown}.get,
        key="inbox_idea",
    )
    idea = next(i for i in shown if i.idea_id == chosen)

    with st.container(border=True):
        st.subheader(f"#{idea.idea_id} · {md(idea.title)}")
        org = names.get(idea.org_id, idea.org_id) if idea.org_id else t("inbox.no_org")
        st.caption(
            t("inbox.meta", user=md(idea.submitted_by), org=md(org), created=idea.created_at[:16])
            + " · "
            + t("submit.confidential_yes" if idea.confidential else "submit.confidential_no")
        )
        if idea.contact:
            st.markdown(t("inbox.contact", contact=md(idea.contact)))
        st.markdown(md(idea.text))
        if idea.wanted_kinds:
            st.caption(t("mine.wanted", kinds=", ".join(kind_label(k) for k in idea.wanted_kinds)))
        if idea.suggestions:
            st.markdown(t("inbox.suggestions"))
            st.markdown("\n".join(f"- {md(names.get(o, o))}" for o in idea.suggestions))
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

    with st.form(f"inbox_edit_{idea.idea_id}"):
        status = st.selectbox(
            t("inbox.status"),
            options=list(IDEA_STATUSES),
            index=IDEA_STATUSES.index(idea.status) if idea.status in IDEA_STATUSES else 0,
            format_func=labels(IDEA_STATUSES, status_label),
            key=f"inbox_status_{idea.idea_id}",
        )
        notes = st.text_area(t("inbox.notes"), value=idea.notes, key=f"inbox_notes_{idea.idea_id}", height=120)
        saved = st.form_submit_button(t("inbox.save"), type="primary", key=f"inbox_save_{idea.idea_id}")
    if saved:
        with library_errors() as outcome:
            store.update_idea(idea.idea_id, status=status, notes=notes)
        if not outcome.failed:
            st.toast(t("inbox.saved"), icon=":material/check:")
            st.rerun()


if __name__ == "__main__":  # run as a page script by st.navigation
    page()
