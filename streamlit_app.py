"""Samspill: the web app. A router only: it signs people in and hands each role its pages.

Run with ``streamlit run streamlit_app.py`` (``make run`` loads the sample cluster
first). Configuration: ``SAMSPILL_DB``, ``SAMSPILL_MODEL``, and ``[auth]`` in
``.streamlit/secrets.toml`` for OIDC sign-in (see ``app_pages/auth.py``).
"""

import streamlit as st

from app_pages import auth, routes
from app_pages.common import md
from app_pages.i18n import language_switch, t
from app_pages.resources import get_store
from data.store import StoreError

st.set_page_config(page_title="Samspill", page_icon=":material/handshake:", layout="wide")
language_switch()
try:
    store = get_store()
    viewer = auth.current_viewer(store)
except StoreError as exc:  # e.g. another process holds the file: say so; the next page load tries again
    st.error(t("error.library", message=str(exc)), icon=":material/database:")
    st.stop()

if viewer is not None:
    with st.sidebar:
        role = t("role.adviser") if viewer.is_adviser else t("role.company")
        st.caption(t("app.signed_in_as", user=md(viewer.username), role=role))
        if st.button(t("app.sign_out"), key="app_sign_out", icon=":material/logout:"):
            auth.sign_out()
            st.rerun()

try:
    st.navigation(routes.pages_for(viewer)).run()
except StoreError as exc:  # the app holds the file only while it works: a command may have held it too long
    st.error(t("error.library", message=str(exc)), icon=":material/database:")
