"""A company keeps its own profile: description, competences, website and contact persons.

The profile is the matcher's main evidence, so a save re-embeds it at once; the cluster's
advisers see what changed and when (data.contacts records every save). Only the company's own
organisation, and only these fields: the rest of the register is the advisers' to keep.
"""

from __future__ import annotations

import streamlit as st

from app_pages import auth
from app_pages.common import md, show_profile
from app_pages.i18n import t
from app_pages.profile_form import change_history, contact_inputs, save_and_redraw
from app_pages.resources import get_store
from data.contacts import contacts_of
from data.store import OrganisationNotFound

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
        show_profile(store, org.org_id, viewer=viewer, history=False, no_contacts="own.no_contacts")
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
    if submitted:
        save_and_redraw(store, viewer, org.org_id,
                        {"description": description, "competences": competences, "website": website}, contacts,
                        saved_key=SAVED_KEY, saved_text="own.saved", forget=lambda key: key.startswith("own_profile_"))


if __name__ == "__main__":  # run as a page script by st.navigation
    page()
