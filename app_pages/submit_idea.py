"""Submit a project idea (companies; advisers too, on a company's behalf).

The idea is stored for the advisers' inbox; the company gets a receipt and the
matcher's first suggestions, which are stored with the idea.
"""

from __future__ import annotations

import uuid

import streamlit as st

from app_pages import auth, routes
from app_pages.common import library_errors, md, org_option_label, require_data, show_reasons, suggestion_heading
from app_pages.i18n import kind_label, labels, lang, t
from app_pages.resources import get_matcher, get_store
from data.models import KINDS
from matching.ideas import FIRST_SUGGESTIONS, suggest_for_idea

RECEIPT_KEY = "submit_receipt"
REQUEST_KEY = "submit_request_key"
WANTED_KINDS = [k for k in KINDS if k != "other"]


def page() -> None:
    store = get_store()
    viewer = auth.current_viewer(store)
    st.title(t("submit.title"))
    require_data(store)

    receipt = st.session_state.get(RECEIPT_KEY)
    if receipt is not None:
        _show_receipt(receipt, adviser=viewer.is_adviser)
        st.caption(t("links.idea_link", url=routes.link("inbox" if viewer.is_adviser else "my_ideas",
                                                          idea=receipt["idea"].idea_id)))
        if st.button(t("submit.another"), key="submit_another", icon=":material/add:"):
            del st.session_state[RECEIPT_KEY]
            st.rerun()
        return

    st.write(t("submit.intro"))
    own_org = None
    if viewer.org_id:
        with library_errors():
            own_org = store.organisation(viewer.org_id)

    with st.form("submit_form"):
        if own_org is not None:
            st.markdown(t("submit.org_fixed", name=md(own_org.name)))
            picked, new_org = None, ""
        else:
            orgs = store.organisations()
            left, right = st.columns(2)
            picked = left.selectbox(
                t("submit.org_pick"),
                options=[o.org_id for o in orgs],
                format_func={o.org_id: org_option_label(o) for o in orgs}.get,
                index=None,
                placeholder=t("submit.org_pick_placeholder"),
                key="submit_org",
            )
            new_org = right.text_input(t("submit.org_new"), key="submit_new_org", max_chars=200)
        contact = st.text_input(t("submit.contact"), key="submit_contact", max_chars=300)
        title = st.text_input(t("submit.idea_title"), key="submit_title", max_chars=200)
        text = st.text_area(
            t("submit.idea_text"), key="submit_text", height=220, max_chars=20_000, help=t("submit.idea_text_help")
        )
        wanted = st.multiselect(
            t("submit.wanted"),
            options=WANTED_KINDS,
            format_func=labels(WANTED_KINDS, kind_label),
            key="submit_wanted",
            placeholder=t("submit.wanted_placeholder"),
        )
        confidential = st.radio(
            t("submit.confidential"),
            options=[True, False],
            format_func=labels([True, False], lambda c: t(f"submit.confidential_{'yes' if c else 'no'}")),
            key="submit_confidential",
        )
        submitted = st.form_submit_button(
            t("submit.button"), type="primary", icon=":material/send:", key="submit_send"
        )

    if not submitted:
        return
    problems = []
    if not title.strip():
        problems.append(t("submit.need_title"))
    if not text.strip():
        problems.append(t("submit.need_text"))
    if own_org is None and not picked and not new_org.strip():
        problems.append(t("submit.need_org"))
    if problems:
        st.error("\n".join(f"- {p}" for p in problems))
        return

    org_id = own_org.org_id if own_org is not None else (None if new_org.strip() else picked)
    if org_id is None and new_org.strip():
        # The idea record has no field for an organisation outside the register yet.
        contact = f"{contact.strip()} ({t('submit.new_org_marker')}: {new_org.strip()})".strip()
    request_key = st.session_state.setdefault(REQUEST_KEY, uuid.uuid4().hex)
    with library_errors() as outcome:
        idea = store.add_idea(
            title=title,
            text=text,
            submitted_by=viewer.username,
            org_id=org_id,
            contact=contact.strip(),
            wanted_kinds=wanted,
            confidential=confidential,
            request_key=request_key,
        )
    if outcome.failed:
        return
    del st.session_state[REQUEST_KEY]

    suggestions = ()
    with library_errors("error.suggestions") as outcome:
        matcher = get_matcher()
        with st.spinner(t("submit.matching")):
            suggestions = suggest_for_idea(store, matcher, idea, top=FIRST_SUGGESTIONS, lang=lang())
    st.session_state[RECEIPT_KEY] = {"idea": idea, "suggestions": suggestions, "failed": outcome.failed}
    st.rerun()


def _show_receipt(receipt: dict, *, adviser: bool) -> None:
    idea = receipt["idea"]
    st.success(t("submit.receipt", id=idea.idea_id, title=md(idea.title)), icon=":material/check_circle:")
    st.write(t("submit.next_steps_adviser" if adviser else "submit.next_steps"))  # advisers have no "My ideas"
    st.caption(
        t("submit.receipt_details", created=idea.created_at[:16], confidential=t(
            "submit.confidential_yes" if idea.confidential else "submit.confidential_no"
        ))
    )
    suggestions = receipt["suggestions"]
    if suggestions:
        st.subheader(t("submit.first_suggestions"))
        st.caption(t("submit.first_suggestions_help"))
        for s in suggestions:
            with st.container(border=True):
                st.markdown(suggestion_heading(s))
                show_reasons(s.reasons)
    elif not receipt["failed"]:
        st.info(t("submit.no_suggestions"))


if __name__ == "__main__":  # run as a page script by st.navigation
    page()
