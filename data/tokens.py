"""API tokens: one account may hold several; a token acts as its account (role and organisation).

A token reads ``ssp_<id>_<secret>``. Only its SHA-256 digest is stored (table ``api_tokens``,
migration ``m010``), next to the public ``id`` it is looked up by; the token itself is shown once,
when it is made. :func:`viewer_for_token` hashes what a client presents and compares the digests
with :func:`hmac.compare_digest`, so neither a wrong token nor the timing of the comparison tells
anything about a real one. The role and organisation are read from the account at every use, so
a changed account changes what its tokens may see, and a removed account's tokens stop working.

These are functions over a :class:`data.store.PartnerStore` (its public ``read``/``write``
cursors), kept out of the store class itself.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from data.models import Viewer
from data.store import PartnerStore, StoreError

__all__ = ["TOKEN_PREFIX", "TokenError", "TokenInfo", "create_token", "list_tokens", "revoke_token", "viewer_for_token"]

TOKEN_PREFIX = "ssp"
MAX_LABEL = 200
_TOKEN = re.compile(rf"^{TOKEN_PREFIX}_([0-9a-f]{{12}})_([A-Za-z0-9_-]{{43}})$")

INSERT_TOKEN = "INSERT INTO api_tokens (token_id, digest, username, label) VALUES (?, ?, ?, ?)"
SELECT_TOKEN = (
    "SELECT t.digest, a.username, a.role, a.org_id FROM api_tokens t"
    " JOIN accounts a ON a.username = t.username WHERE t.token_id = ? AND NOT t.revoked"
)
SELECT_TOKENS = (
    "SELECT token_id, username, label, CAST(created_at AS VARCHAR), revoked FROM api_tokens"
)
REVOKE_TOKEN = "UPDATE api_tokens SET revoked = TRUE WHERE token_id = ?"

# Compared against when the id is unknown, so an unknown id costs what a wrong secret does.
_DUMMY_DIGEST = hashlib.sha256(b"samspill-no-such-token").hexdigest()


class TokenError(StoreError):
    """A bad token request (unknown account, unknown token id, overlong label)."""


@dataclass(frozen=True)
class TokenInfo:
    """What is kept about a token (never the token)."""

    token_id: str
    username: str
    label: str = ""
    created_at: str = ""
    revoked: bool = False


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(store: PartnerStore, username: str, *, label: str = "") -> tuple[str, TokenInfo]:
    """A new token for the account ``username``: (the token, shown once; what is kept about it)."""
    username = (username or "").strip()
    label = (label or "").strip()
    if len(label) > MAX_LABEL:
        raise TokenError(f"the label has {len(label)} characters; at most {MAX_LABEL}")
    if not username or store.account(username) is None:
        raise TokenError(f"no account {username!r}; add it first (samspill account add NAME --role ...)")
    token_id = secrets.token_hex(6)
    token = f"{TOKEN_PREFIX}_{token_id}_{secrets.token_urlsafe(32)}"
    with store.write() as cur:
        cur.execute(INSERT_TOKEN, [token_id, digest(token), username, label])
    return token, TokenInfo(token_id, username, label)


def viewer_for_token(store: PartnerStore, token: str | None) -> Viewer | None:
    """The account a token acts as, or None for a malformed, unknown or revoked token."""
    match = _TOKEN.match(token or "")
    with store.read() as cur:
        row = cur.execute(SELECT_TOKEN, [match.group(1)]).fetchone() if match else None
    presented = digest(token or "")
    stored = row[0] if row else _DUMMY_DIGEST
    if not hmac.compare_digest(stored.encode(), presented.encode()) or row is None:
        return None
    _, username, role, org_id = row
    return Viewer(username=username, role=role, org_id=org_id)


def list_tokens(store: PartnerStore, username: str | None = None) -> list[TokenInfo]:
    """Every token's record (or one account's), oldest first."""
    sql, params = SELECT_TOKENS, []
    if username is not None:
        sql, params = sql + " WHERE username = ?", [username]
    with store.read() as cur:
        rows = cur.execute(sql + " ORDER BY created_at, token_id", params).fetchall()
    return [TokenInfo(*row) for row in rows]


def revoke_token(store: PartnerStore, token_id: str) -> TokenInfo:
    """Stop a token from working (by its id, the part after ``ssp_``). Idempotent."""
    with store.write() as cur:
        row = cur.execute(SELECT_TOKENS + " WHERE token_id = ?", [token_id]).fetchone()
        if row is None:
            raise TokenError(f"no token with id {token_id!r} (samspill token list shows them)")
        cur.execute(REVOKE_TOKEN, [token_id])
    return TokenInfo(*row[:4], revoked=True)
