"""API tokens: one account may hold several; a token acts as its account (role and organisation).

A token reads ``ssp_<id>_<secret>``. Only its SHA-256 digest is stored (table ``api_tokens``,
migration ``m010``), next to the public ``id`` it is looked up by; the token itself is shown once,
when it is made. :func:`viewer_for_token` hashes what a client presents and compares the digests
with :func:`hmac.compare_digest`, so neither a wrong token nor the timing of the comparison tells
anything about a real one. The role and organisation are read from the account at every use, so
a changed account changes what its tokens may see, and a removed account's tokens stop working.

These are functions over a :class:`data.store.PartnerStore`, kept out of the store class itself;
the rows are :mod:`data.storage.tokens`'s.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import replace

from data.models import Viewer
from data.storage import tokens as token_rows
from data.storage.tokens import TokenInfo
from data.store import PartnerStore, StoreError

__all__ = ["TOKEN_PREFIX", "TokenError", "TokenInfo", "create_token", "list_tokens", "revoke_token", "viewer_for_token"]

TOKEN_PREFIX = "ssp"
MAX_LABEL = 200
_TOKEN = re.compile(rf"^{TOKEN_PREFIX}_([0-9a-f]{{12}})_([A-Za-z0-9_-]{{43}})$")

# Compared against when the id is unknown, so an unknown id costs what a wrong secret does.
_DUMMY_DIGEST = hashlib.sha256(b"samspill-no-such-token").hexdigest()


class TokenError(StoreError):
    """A bad token request (unknown account, unknown token id, overlong label)."""


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
        token_rows.add_token(cur, token_id, digest(token), username, label)
    return token, TokenInfo(token_id, username, label)


def viewer_for_token(store: PartnerStore, token: str | None) -> Viewer | None:
    """The account a token acts as, or None for a malformed, unknown or revoked token."""
    match = _TOKEN.match(token or "")
    with store.read() as cur:
        row = token_rows.token_account(cur, match.group(1)) if match else None
    presented = digest(token or "")
    stored = row[0] if row else _DUMMY_DIGEST
    if not hmac.compare_digest(stored.encode(), presented.encode()) or row is None:
        return None
    _, username, role, org_id = row
    return Viewer(username=username, role=role, org_id=org_id)


def list_tokens(store: PartnerStore, username: str | None = None) -> list[TokenInfo]:
    """Every token's record (or one account's), oldest first."""
    with store.read() as cur:
        return token_rows.tokens(cur, username)


def revoke_token(store: PartnerStore, token_id: str) -> TokenInfo:
    """Stop a token from working (by its id, the part after ``ssp_``). Idempotent."""
    with store.write() as cur:
        info = token_rows.token(cur, token_id)
        if info is None:
            raise TokenError(f"no token with id {token_id!r} (samspill token list shows them)")
        token_rows.revoke(cur, token_id)
    return replace(info, revoked=True)
