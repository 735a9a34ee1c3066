"""Pieces of the profile forms (the advisers' Organisations page and a company's own profile).

Contacts are edited as rows of four boxes: the stored ones and one empty row (after a save
the next empty row appears), which AppTest and a browser fill alike. Both forms save through
:func:`save_and_redraw`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import streamlit as st

from app_pages.common import LIBRARY_ERRORS, error_text, md
from app_pages.i18n import t
from app_pages.resources import refresh_index
from data.contacts import MAX_CONTACTS, profile_changes, save_profile
from data.models import Contact
from data.store import StoreError

CONTACT_FIELDS = ("name", "role", "email", "phone")


def contact_inputs(prefix: str, contacts: Sequence[Contact]) -> list[Contact]:
    """Rows of contact boxes (inside the caller's form); returns what they hold, empty rows included."""
    st.markdown(t("contacts.edit_heading"))
    st.caption(t("contacts.edit_help"))
    rows = min(len(contacts) + 1, MAX_CONTACTS)
    out = []
    for i in range(rows):
        current = contacts[i] if i < len(contacts) else Contact("")
        # Two boxes a line: the forms sit in a narrow column, where four made each box unreadable.
        cols = [*st.columns(2), *st.columns(2)]
        values = [
            col.text_input(
                t(f"field.{name}"), value=getattr(current, name), key=f"{prefix}_contact_{i}_{name}",
                label_visibility="visible" if i == 0 else "collapsed", max_chars=254,
                placeholder=t(f"field.{name}"),
            )
            for col, name in zip(cols, CONTACT_FIELDS, strict=True)
        ]
        out.append(Contact(*values))
        if i + 1 < rows:
            st.space("small")
    return out


def change_history(store, viewer, org_id: str, *, expanded: bool = False) -> None:
    """What was changed in this profile, by whom and when (newest first)."""
    changes = profile_changes(store, viewer, org_id, limit=20)
    if not changes:
        return
    latest = changes[0]
    fields = ", ".join(t(f"field.{name}") for name, _, _ in latest.fields)
    st.caption(t("profile.changed", user=md(latest.changed_by), when=latest.changed_at[:16], fields=fields))
    with st.expander(t("profile.history", n=len(changes)), expanded=expanded):
        for change in changes:
            st.markdown(t("profile.change_line", user=md(change.changed_by), when=change.changed_at[:16]))
            st.dataframe(
                [{t("profile.col.field"): t(f"field.{name}"), t("profile.col.before"): before,
                  t("profile.col.after"): after} for name, before, after in change.fields],
                hide_index=True, width="stretch",
            )


def save_and_redraw(
    store, viewer, org_id: str, changes: Mapping[str, object], contacts: Sequence[Contact], *,
    saved_key: str, saved_text: str, forget: Callable[[str], bool],
) -> None:
    """Save a profile edit, embed it again and draw the page anew, every panel showing what was saved.

    A refusal (a bad e-mail address, a name left empty) is shown as one line and nothing is
    saved; an edit that changes nothing says so. After a save the page's message ``saved_text``
    (its ``{name}`` is the organisation's name as saved) waits in ``saved_key`` for the next
    run, and the form's widget keys that ``forget`` names are dropped so the boxes start from
    the stored profile.
    """
    try:
        change = save_profile(store, viewer, org_id, changes, contacts=contacts)
    except StoreError as exc:
        st.error(error_text(exc), icon=":material/error:")
        return
    if change is None:
        st.info(t("orgs.unchanged"))
        return
    message = t(saved_text, name=md(store.organisation(org_id).name))
    try:
        refresh_index()  # the matcher sees the new words from the next search on
    except LIBRARY_ERRORS as exc:
        message += " " + error_text(exc)
    for key in [k for k in st.session_state if forget(str(k))]:
        del st.session_state[key]
    st.session_state[saved_key] = message
    st.rerun()
