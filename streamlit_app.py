"""Samspill: the web app. A router only: it signs people in and hands each role its pages.

Run with ``make run`` (``make run PORT=8601``; ``STREAMLIT_SERVER_PORT`` works too), which
loads the sample cluster first, or ``streamlit run streamlit_app.py``. Configuration:
``SAMSPILL_*`` variables (data/settings.py) and ``[auth]`` in ``.streamlit/secrets.toml`` for
OIDC sign-in (see ``app_pages/auth.py``).

The page asks nothing of any other server: the icon is a file of this repository and
Streamlit serves its own fonts (a ``:material/...:`` page icon would make every browser
fetch it from Google's font service).
"""

from pathlib import Path

import streamlit as st

from app_pages import auth, i18n, routes
from app_pages.common import md
from app_pages.i18n import language_switch, t
from app_pages.resources import get_store
from data.store import StoreError

ICON = Path(__file__).resolve().parent / "app_pages" / "static" / "samspill-icon.png"

st.set_page_config(page_title="Samspill", page_icon=str(ICON), layout="wide")
language_switch()
try:
    store = get_store()
    viewer = auth.current_viewer(store)
except StoreError as exc:  # e.g. another process holds the file: say so; the next page load tries again
    st.error(t("error.library", message=str(exc)), icon=":material/database:")
    st.stop()

with st.sidebar:
    if viewer is not None:
        role = t("role.adviser") if viewer.is_adviser else t("role.company")
        st.caption(t("app.signed_in_as", user=md(viewer.username), role=role))
        if st.button(t("app.sign_out"), key="app_sign_out", icon=":material/logout:"):
            auth.sign_out(store)
            st.rerun()
    # Cookies can only be set by the page: a sign-in to remember (or forget), the reader's language.
    scripts = [s for s in (auth.cookie_script(), i18n.cookie_script()) if s]
    if scripts:
        st.html("".join(scripts), unsafe_allow_javascript=True, width=1)

try:
    navigation = st.navigation(routes.pages_for(viewer))
    if viewer is not None:
        routes.restore_query_after_sign_in()
    navigation.run()
except StoreError as exc:  # the app holds the file only while it works: a command may have held it too long
    st.error(t("error.library", message=str(exc)), icon=":material/database:")
