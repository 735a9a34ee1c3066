"""Who is signed in: a local account (argon2 hashes in the store) or Streamlit's OIDC login.

*Local accounts* (small installs, tests): ``samspill account add``; the signed-in
:class:`~data.models.Viewer` lives in this session's state, and a signed, expiring
token (:mod:`data.sessions`) in a cookie of the browser, so a reload or a link opened in
another tab stays signed in until the token expires (``SAMSPILL_SESSION_DAYS``) or the
user signs out. Streamlit cannot set a cookie from the server, so a one-line script the
page runs sets it (and deletes it on sign-out); the server only reads it
(``st.context.cookies``) and checks its signature, expiry and revocation.

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

import json
import time

import streamlit as st

from data.accounts import authenticate, viewer_for
from data.models import Viewer
from data.sessions import COOKIE_NAME, check_token, issue_token, revoke_token, signing_secret

VIEWER_KEY = "auth_viewer"
FAILURES_KEY = "auth_failures"
TOKEN_KEY = "auth_token"  # the session token of a local sign-in (to revoke it on sign-out)
COOKIE_KEY = "auth_cookie_pending"  # ("set", token, max_age) or ("delete",): written by the next page


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
    """The signed-in viewer of this session, or None.

    In order: this session's sign-in; a good sign-in cookie (a reload, a link); the identity provider.
    """
    viewer = st.session_state.get(VIEWER_KEY)
    if isinstance(viewer, Viewer):
        return viewer
    viewer = _cookie_viewer(store)
    if viewer is not None:
        return viewer
    if oidc_providers() is not None and st.user.get("is_logged_in"):
        return _oidc_viewer(store)
    return None


def _settings():
    from app_pages.resources import workspace

    return workspace().settings


def session_days() -> float:
    """How long a local sign-in is remembered in the browser."""
    return _settings().session_days


def _secret() -> bytes:
    return signing_secret(_settings().cookie_secret)


def _cookie_viewer(store) -> Viewer | None:
    if st.session_state.get(COOKIE_KEY, ("",))[0] == "delete":
        return None  # signed out in this session: the browser still sends the old cookie until it reloads
    token = st.context.cookies.get(COOKIE_NAME)
    if not token:
        return None
    viewer = check_token(store, _secret(), token)
    if viewer is not None:
        st.session_state[VIEWER_KEY] = viewer
        st.session_state[TOKEN_KEY] = token
    return viewer


def cookie_script() -> str | None:
    """The script that sets or deletes the sign-in cookie in the browser, while one is due."""
    pending = st.session_state.get(COOKIE_KEY)
    if not pending:
        return None
    secure = "+(location.protocol === 'https:' ? '; Secure' : '')"
    if pending[0] == "set":
        value = json.dumps(f"{COOKIE_NAME}={pending[1]}; Path=/; Max-Age={int(pending[2])}; SameSite=Lax")
    else:
        value = json.dumps(f"{COOKIE_NAME}=; Path=/; Max-Age=0; SameSite=Lax")
    return f"<script>document.cookie = {value}{secure};</script>"


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
    session = issue_token(store, _secret(), viewer.username, days=_settings().session_days)
    if session is not None:
        st.session_state[TOKEN_KEY] = session.token
        st.session_state[COOKIE_KEY] = ("set", session.token, session.max_age())
    return viewer


def sign_out(store=None) -> None:
    """End the session's sign-in: the cookie's token is revoked and the cookie deleted
    (and the provider's sign-in ended, for OIDC users)."""
    local = VIEWER_KEY in st.session_state
    token = st.session_state.get(TOKEN_KEY)
    if token and store is not None:
        revoke_token(store, token)
    for key in list(st.session_state.keys()):
        if key not in ("app_lang", "app_lang_kept"):
            del st.session_state[key]
    st.session_state[COOKIE_KEY] = ("delete",)
    if not local and oidc_providers() is not None and st.user.get("is_logged_in"):
        st.logout()
