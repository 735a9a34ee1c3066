"""Who is signed in: a local account (argon2 hashes in the store) or Streamlit's OIDC login.

*Local accounts* (small installs, tests): ``samspill account add``; the signed-in
:class:`~data.models.Viewer` lives in this session's state, so it ends with the
browser tab.

*OIDC* (real deployments): configure ``[auth]`` in ``.streamlit/secrets.toml``
as Streamlit documents (``redirect_uri``, ``cookie_secret`` and the provider's
``client_id``, ``client_secret``, ``server_metadata_url``; named providers as
``[auth.<name>]``). Streamlit needs the ``Authlib`` package for it. A person
signed in by the provider gets their role from, in order:

1. an account row whose username is their e-mail address
   (``samspill account add kari@klynge.no --role adviser --no-password``),
   which may also tie a company user to an organisation;
2. ``[samspill] advisers = ["kari@klynge.no", "@klynge.no"]`` in secrets
   (an entry starting with ``@`` admits a whole e-mail domain);
3. otherwise a company user without an organisation: they may submit ideas
   and see their own, nothing else.

Nothing here logs a password, a token or an idea.
"""

from __future__ import annotations

import time

import streamlit as st

from data.accounts import authenticate, viewer_for
from data.models import Viewer

VIEWER_KEY = "auth_viewer"
FAILURES_KEY = "auth_failures"


def _secrets_section(name: str) -> dict:
    try:
        section = st.secrets.get(name)
    except Exception:  # no secrets.toml at all; Streamlit raises its own FileNotFound variants
        return {}
    return dict(section) if section else {}


def oidc_providers() -> list[str] | None:
    """None without an ``[auth]`` section; else the named providers (``[]`` = the default one)."""
    auth = _secrets_section("auth")
    if not auth:
        return None
    return sorted(name for name, value in auth.items() if hasattr(value, "keys"))


def current_viewer(store) -> Viewer | None:
    """The signed-in viewer of this session, or None."""
    viewer = st.session_state.get(VIEWER_KEY)
    if isinstance(viewer, Viewer):
        return viewer
    if oidc_providers() is not None and st.user.get("is_logged_in"):
        return _oidc_viewer(store)
    return None


def _oidc_viewer(store) -> Viewer | None:
    email = str(st.user.get("email") or "").strip().lower()
    if not email or st.user.get("email_verified") is False:
        return None
    known = viewer_for(store, email)
    if known is not None:
        return known
    advisers = [str(a).strip().lower() for a in _secrets_section("samspill").get("advisers", [])]
    domain = "@" + email.rsplit("@", 1)[-1]
    if email in advisers or domain in advisers:
        return Viewer(username=email, role="adviser")
    return Viewer(username=email, role="company")


def sign_in(store, username: str, password: str) -> Viewer | None:
    """Check a local account; remember the viewer in this session on success.

    Repeated failures in one session slow down (up to a few seconds per try).
    """
    failures = st.session_state.get(FAILURES_KEY, 0)
    if failures >= 3:
        time.sleep(min(0.5 * 2 ** (failures - 3), 4.0))
    viewer = authenticate(store, username, password)
    if viewer is None:
        st.session_state[FAILURES_KEY] = failures + 1
        return None
    st.session_state[FAILURES_KEY] = 0
    st.session_state[VIEWER_KEY] = viewer
    return viewer


def sign_out() -> None:
    """End the session's sign-in (and the provider's, for OIDC users)."""
    local = VIEWER_KEY in st.session_state
    for key in list(st.session_state.keys()):
        if key != "app_lang":
            del st.session_state[key]
    if not local and oidc_providers() is not None and st.user.get("is_logged_in"):
        st.logout()
