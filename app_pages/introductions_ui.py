"""Introductions on the pages: the adviser's card (mail, status with dates) and the company's view.

Not a page of its own: the inbox shows an idea's introductions and all of them, Find partners
proposes them, "My ideas" shows a company what came of its ideas. The work is done by
:mod:`data.introductions`; this module reads widgets, calls it and renders.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import streamlit as st

from app_pages.common import error_text, md, show_contacts, show_reasons
from app_pages.i18n import intro_status_label, labels, lang, t
from app_pages.resources import get_matcher, get_store, refresh_index, workspace
from data.contacts import visible_contacts
from data.introductions import draft_email, move, send_introduction
from data.models import INTRODUCTION_STATUSES, INTRODUCTION_STEPS, Idea, Introduction
from data.store import StoreError
from matching import ideas

MESSAGE_KEY = "intro_message"


def parties(intro: Introduction, names: dict[str, str], company_fallback: str = "") -> str:
    company = names.get(intro.company_org_id, intro.company_org_id) if intro.company_org_id else company_fallback
    return f"{md(company or t('intro.mail.the_company'))} → {md(names.get(intro.org_id, intro.org_id))}"


def timeline(intro: Introduction) -> str:
    """"proposed 2026-03-01 · introduced 2026-03-02 …" for the steps reached."""
    steps = [s for s in (*INTRODUCTION_STEPS, "declined") if intro.date_of(s)]
    return " · ".join(t("intro.on", status=intro_status_label(s), date=intro.date_of(s)) for s in steps)


def propose_for_idea(store, viewer, idea: Idea, org_id: str) -> Introduction:
    """Propose introducing ``idea``'s company to ``org_id`` with the reasons in every language (the app's matcher)."""
    return ideas.propose_for_idea(store, get_matcher(), viewer, idea, org_id)


def flash() -> None:
    """Show the message the last action left (actions rerun the page to show the new state)."""
    message = st.session_state.pop(MESSAGE_KEY, None)
    if message:
        (st.error if message[0] == "error" else st.success)(message[1])


def outcome_changed() -> None:
    """What came of an introduction is feedback to the matcher: reload its index if one is loaded."""
    if workspace().indexed:
        refresh_index()


def adviser_card(
    store, viewer, intro: Introduction, names: dict[str, str], *, company_fallback: str = "", place: str = "card"
) -> None:
    """One introduction for an adviser: who, how far it got, the mail, and the status to move.

    ``place`` keeps the widget keys of the same introduction apart where a page shows it twice.
    """
    key = f"intro_{place}_{intro.intro_id}"
    with st.container(border=True):
        st.markdown(f"**{parties(intro, names, company_fallback)}** · {intro_status_label(intro.status)}")
        st.caption(timeline(intro) + (" · " + t("intro.sent_by_mail") if intro.sent_by_mail else ""))
        with st.expander(t("intro.mail_heading"), expanded=intro.status == "proposed"):
            _mail(store, viewer, intro, key)
        # Keys carry the status: after a move the boxes start from the new status, not the old choice.
        key = f"{key}_{intro.status}"
        with st.form(f"{key}_form", border=False):
            c1, c2, c3 = st.columns([2, 2, 1], vertical_alignment="bottom")
            status = c1.selectbox(
                t("intro.status"), options=list(INTRODUCTION_STATUSES),
                index=INTRODUCTION_STATUSES.index(intro.status),
                format_func=labels(INTRODUCTION_STATUSES, intro_status_label), key=f"{key}_status",
            )
            on = c2.date_input(t("intro.date"), value=date.today(), max_value=date.today(), key=f"{key}_date",
                               format="YYYY-MM-DD")
            saved = c3.form_submit_button(t("intro.save_status"), key=f"{key}_save", icon=":material/save:")
        if saved:
            try:
                moved = move(store, viewer, intro.intro_id, status, on=on)
            except StoreError as exc:
                st.session_state[MESSAGE_KEY] = ("error", error_text(exc))
            else:
                outcome_changed()
                st.session_state[MESSAGE_KEY] = ("ok", t("intro.status_saved", parties=parties(moved, names),
                                                         status=intro_status_label(moved.status)))
            st.rerun()


def _mail(store, viewer, intro: Introduction, key: str) -> None:
    try:
        draft = draft_email(store, viewer, intro.intro_id, lang=lang())
    except StoreError as exc:
        st.error(error_text(exc))
        return
    st.markdown(t("intro.mail_to", to=md(", ".join(draft.to)) if draft.to else t("intro.mail_no_address")))
    if draft.to:  # one side without an address would not get the mail: say so, not only by its absence
        names = {o.org_id: o.name for o in store.organisations()}
        for org_id in _sides_without_address(store, viewer, intro, draft.to):
            st.warning(t("intro.side_no_address", name=md(names.get(org_id, org_id))), icon=":material/mail_off:")
    st.markdown(t("intro.mail_subject", subject=md(draft.subject)))
    st.text_area(t("intro.mail_body"), value=draft.body, height=260, disabled=True, key=f"{key}_body_{lang()}")
    c1, c2, c3 = st.columns(3)
    c1.link_button(t("intro.open_mail_program"), draft.mailto(), icon=":material/mail:", width="stretch")
    c2.download_button(
        t("intro.download_eml"), data=draft.eml(), file_name=t("file.introduction", id=intro.intro_id),
        mime="message/rfc822", key=f"{key}_eml", icon=":material/download:", on_click="ignore", width="stretch",
    )
    settings = workspace().settings
    if settings.smtp_configured:
        if c3.button(t("intro.send_smtp"), key=f"{key}_send", type="primary", icon=":material/send:",
                     width="stretch", disabled=not draft.to):
            try:
                send_introduction(store, viewer, intro.intro_id, lang=lang(), settings=settings)
            except StoreError as exc:
                st.session_state[MESSAGE_KEY] = ("error", error_text(exc))
            else:
                outcome_changed()
                st.session_state[MESSAGE_KEY] = ("ok", t("intro.sent", to=md(", ".join(draft.to))))
            st.rerun()
    else:
        c3.caption(t("intro.no_smtp_hint"))
    if intro.status == "proposed":
        st.caption(t("intro.mark_when_sent"))


def _sides_without_address(store, viewer, intro: Introduction, to: Sequence[str]) -> list[str]:
    """The organisations of the introduction none of whose e-mail addresses the mail goes to.

    The partner's addresses are its contacts'; the company side's may also come from the idea's
    contact text, so it counts as reached by any address that is not the partner's."""
    sides = [o for o in (intro.company_org_id, intro.org_id) if o]
    contacts = visible_contacts(store, viewer, sides)
    addressed = {a.lower() for a in to}
    partner = {c.email.lower() for c in contacts.get(intro.org_id, ()) if c.email}
    missing = [] if addressed & partner else [intro.org_id]
    if intro.company_org_id and not addressed - partner:
        missing.insert(0, intro.company_org_id)
    return missing


def company_view(viewer, intros: list[Introduction], names: dict[str, str]) -> None:
    """A company's introductions: to whom, how far it got, and the partner's contacts once introduced."""
    store = get_store()
    shown = visible_contacts(store, viewer, [i.org_id for i in intros])
    st.markdown(t("intro.company_heading"))
    for intro in intros:
        name = md(names.get(intro.org_id, intro.org_id))
        with st.container(border=True):
            st.markdown(f"**{name}** · {intro_status_label(intro.status)}")
            st.caption(timeline(intro))
            show_reasons(intro.reasons_in(lang()))
            if intro.introduced_on:
                if shown.get(intro.org_id):
                    show_contacts(shown[intro.org_id])
                else:  # introduced, but nobody to call: say whom to ask
                    st.caption(t("intro.company_no_contact", name=name))
            elif intro.status != "declined":  # say when the partner's people will show, not nothing
                st.caption(t("intro.contacts_later", name=name))
