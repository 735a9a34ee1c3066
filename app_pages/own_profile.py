"""A company keeps its own profile: description, competences, website and contact persons.

The profile is the matcher's main evidence, so a save re-embeds it at once; the cluster's
advisers see what changed and when (data.contacts records every save). Only the company's own
organisation, and only these fields: the rest of the register is the advisers' to keep.
"""

from __future__ import annotations

import streamlit as st

from app_pages import auth
from app_pages.common import LIBRARY_ERRORS, error_text, md, show_profile
from app_pages.i18n import t
from app_pages.profile_form import change_history, contact_inputs
from app_pages.resources import get_store, refresh_index
from data.contacts import contacts_of, save_profile
from data.store import OrganisationNotFound, StoreError

SAVED_KEY = "own_profile_saved_message"


def page() -> None:
    store = get_store()
    viewer = auth.current_viewer(store)
    st.title(t("own.title"))
    if not viewer.org_id:
        st.info(t("own.no_org"), icon=":material/info:")
        return
    try:
        org = store.organisation(viewer.org_id)
    except OrganisationNotFound:
        st.info(t("own.no_org"), icon=":material/info:")
        return
    st.write(t("own.intro", name=md(org.name)))
    saved = st.session_state.pop(SAVED_KEY, None)
    if saved:
        st.success(saved, icon=":material/check_circle:")

    left, right = st.columns([3, 2], gap="large")
    with left:
        st.subheader(t("own.current"))
        show_profile(store, org.org_id, viewer=viewer, history=False)
        change_history(store, viewer, org.org_id)
    with right:
        st.subheader(t("own.edit"))
        with st.form("own_profile_form"):
            description = st.text_area(t("orgs.description"), value=org.description, height=220,
                                       key="own_profile_description", max_chars=20_000,
                                       help=t("own.description_help"))
            competences = st.text_input(t("orgs.competences"), value=org.competences, key="own_profile_competences",
                                        help=t("orgs.competences_help"), max_chars=2_000)
            website = st.text_input(t("field.website"), value=org.website, key="own_profile_website", max_chars=300)
            contacts = contact_inputs("own_profile", contacts_of(store, viewer, org.org_id))
            submitted = st.form_submit_button(t("orgs.save"), type="primary", icon=":material/save:",
                                              key="own_profile_save")
    if not submitted:
        return
    try:
        change = save_profile(store, viewer, org.org_id,
                              {"description": description, "competences": competences, "website": website},
                              contacts=contacts)
    except StoreError as exc:
        st.error(error_text(exc), icon=":material/error:")
        return
    if change is None:
        st.info(t("orgs.unchanged"))
        return
    message = t("own.saved")
    try:
        refresh_index()  # the matcher sees the new words from the next search on
    except LIBRARY_ERRORS as exc:
        message += " " + error_text(exc)
    # Rerun so that every panel (the profile on the left, the form) shows what was saved.
    for key in [k for k in st.session_state if str(k).startswith("own_profile_")]:
        del st.session_state[key]
    st.session_state[SAVED_KEY] = message
    st.rerun()


if __name__ == "__main__":  # run as a page script by st.navigation
    page()
