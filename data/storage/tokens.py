"""API tokens' records (table ``api_tokens``): the digest of each token, never the token.

Making tokens, hashing and comparing what a client presents are :mod:`data.tokens`; this module
stores and finds the rows on a cursor it is given.
"""

from __future__ import annotations

from dataclasses import dataclass

INSERT_TOKEN = "INSERT INTO api_tokens (token_id, digest, username, label) VALUES (?, ?, ?, ?)"
# The account is read at every use, so a changed role holds at once and a removed account's tokens stop.
SELECT_TOKEN_ACCOUNT = (
    "SELECT t.digest, a.username, a.role, a.org_id FROM api_tokens t"
    " JOIN accounts a ON a.username = t.username WHERE t.token_id = ? AND NOT t.revoked"
)
SELECT_TOKENS = "SELECT token_id, username, label, CAST(created_at AS VARCHAR), revoked FROM api_tokens"
REVOKE_TOKEN = "UPDATE api_tokens SET revoked = TRUE WHERE token_id = ?"


@dataclass(frozen=True)
class TokenInfo:
    """What is kept about a token (never the token)."""

    token_id: str
    username: str
    label: str = ""
    created_at: str = ""
    revoked: bool = False


def add_token(cur, token_id: str, digest: str, username: str, label: str) -> None:
    cur.execute(INSERT_TOKEN, [token_id, digest, username, label])


def token_account(cur, token_id: str) -> tuple[str, str, str, str | None] | None:
    """(digest, username, role, org_id) of a token that is not revoked, or None."""
    return cur.execute(SELECT_TOKEN_ACCOUNT, [token_id]).fetchone()


def tokens(cur, username: str | None = None) -> list[TokenInfo]:
    """Every token's record (or one account's), oldest first."""
    sql, params = SELECT_TOKENS, []
    if username is not None:
        sql, params = sql + " WHERE username = ?", [username]
    return [TokenInfo(*row) for row in cur.execute(sql + " ORDER BY created_at, token_id", params).fetchall()]


def token(cur, token_id: str) -> TokenInfo | None:
    row = cur.execute(SELECT_TOKENS + " WHERE token_id = ?", [token_id]).fetchone()
    return TokenInfo(*row) if row is not None else None


def revoke(cur, token_id: str) -> None:
    cur.execute(REVOKE_TOKEN, [token_id])
