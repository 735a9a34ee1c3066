"""Signed, expiring sign-in tokens: what the app keeps in a cookie so a reload stays signed in.

For local accounts only (OIDC sign-in keeps Streamlit's own cookie). A token is

    v1.<session id>.<expiry, unix seconds>.<username, base64url>.<signature, base64url>

signed with HMAC-SHA256 over those parts *and a fingerprint of the account's password hash*,
so a changed password ends every session of the account. The token names no role: the role
and organisation are read from the account each time a token is checked, so a changed role
holds at once. Signing out records the session id until its expiry (``revoked_sessions``), so
a copied cookie does not outlive "sign out".

The signing key is ``SAMSPILL_COOKIE_SECRET`` when set (data.settings); otherwise a random
secret of this process, so a restart of the app signs everyone out (set the variable to keep
sessions across restarts). It is never written to the database: signing in writes nothing, and
a copy of the database carries no key to forge sessions with.

Nothing here logs a token or a secret; :func:`check_token` answers None for anything it cannot
use (garbage, a wrong signature, expired, revoked, an unknown or password-less account).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from data.models import Viewer
from data.storage.sessions import is_revoked, revoke_session

__all__ = ["COOKIE_NAME", "Session", "check_token", "issue_token", "revoke_token", "signing_secret"]

COOKIE_NAME = "samspill_session"
VERSION = "v1"
#: Longest token accepted (a username of 200 characters fits well inside).
MAX_TOKEN = 600

#: The key when none is configured: random, this process's only.
_PROCESS_SECRET = secrets.token_bytes(32)
NO_PASSWORD = "!no-local-password"  # data.accounts.NO_PASSWORD (importing it would import argon2 here)


@dataclass(frozen=True)
class Session:
    token: str
    expires: int  # unix seconds

    def max_age(self, now: float | None = None) -> int:
        return max(int(self.expires - (time.time() if now is None else now)), 0)


def signing_secret(configured: str = "") -> bytes:
    """The key tokens are signed with: ``configured`` (the setting), else this process's own."""
    return configured.encode("utf-8") if configured else _PROCESS_SECRET


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _fingerprint(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode("utf-8")).hexdigest()[:32]


def _signature(secret: bytes, session_id: str, expires: int, user: str, password_hash: str) -> str:
    message = "|".join((VERSION, session_id, str(expires), user, _fingerprint(password_hash)))
    return _b64(hmac.new(secret, message.encode("utf-8"), hashlib.sha256).digest())


def issue_token(store, secret: bytes, username: str, *, days: float, now: float | None = None) -> Session | None:
    """A token for a local account (None for an unknown or password-less account)."""
    row = _account(store, username)
    if row is None:
        return None
    expires = int((time.time() if now is None else now) + days * 86_400)
    session_id = secrets.token_urlsafe(12)
    user = _b64(username.encode("utf-8"))
    signature = _signature(secret, session_id, expires, user, row[0])
    return Session(".".join((VERSION, session_id, str(expires), user, signature)), expires)


def _account(store, username: str):
    row = store.account(username)
    if row is None or not row[0] or row[0] == NO_PASSWORD:
        return None
    return row


def _parts(token: str) -> tuple[str, int, str, str, str] | None:
    if not isinstance(token, str) or len(token) > MAX_TOKEN:
        return None
    parts = token.split(".")
    if len(parts) != 5 or parts[0] != VERSION or not parts[2].isdigit():
        return None
    try:
        username = _unb64(parts[3]).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None
    return parts[1], int(parts[2]), parts[3], parts[4], username


def check_token(store, secret: bytes, token: str, *, now: float | None = None) -> Viewer | None:
    """The viewer a token signs in, or None when it is not (any longer) good."""
    parts = _parts(token)
    if parts is None:
        return None
    session_id, expires, user, signature, username = parts
    if expires <= (time.time() if now is None else now):
        return None
    row = _account(store, username)
    if row is None:
        return None
    if not hmac.compare_digest(signature, _signature(secret, session_id, expires, user, row[0])):
        return None
    with store.read() as cur:
        if is_revoked(cur, session_id):
            return None
    return Viewer(username=username, role=row[1], org_id=row[2])


def revoke_token(store, token: str, *, now: float | None = None) -> None:
    """End the session of ``token`` before its expiry (sign out). Garbage is ignored."""
    parts = _parts(token)
    if parts is None:
        return
    with store.write() as cur:
        revoke_session(cur, parts[0], parts[1], now=time.time() if now is None else now)
