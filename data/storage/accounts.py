"""Sign-in account rows: username, password hash, role and organisation.

Hashing and the rules for usernames and passwords are :mod:`data.accounts`; this module only
stores and finds rows. Usernames that differ only by case are one account too many (they look
alike on every page), so a new one is refused when another differs from it only by case.
"""

from __future__ import annotations

from data.storage.errors import StoreError

ROLES = ("adviser", "company")
SELECT_SAME_NAME = "SELECT username FROM accounts WHERE lower(username) = lower(?) ORDER BY username LIMIT 1"
INSERT_ACCOUNT = "INSERT INTO accounts (username, password_hash, role, org_id) VALUES (?, ?, ?, ?)"
SELECT_ACCOUNT = "SELECT password_hash, role, org_id FROM accounts WHERE username = ?"


def check_role(role: str) -> None:
    if role not in ROLES:
        raise StoreError(f"unknown role {role!r}; expected adviser or company")


def add_account(cur, username: str, password_hash: str, role: str, org_id: str | None) -> None:
    """Insert an account (inside the caller's transaction) unless the name, in any case, is taken."""
    row = cur.execute(SELECT_SAME_NAME, [username]).fetchone()
    if row is not None:
        taken = "" if row[0] == username else f" (as {row[0]!r})"
        raise StoreError(f"account {username!r} exists already{taken}")
    cur.execute(INSERT_ACCOUNT, [username, password_hash, role, org_id])


def account(cur, username: str) -> tuple[str, str, str | None] | None:
    """(password_hash, role, org_id) for a username, or None."""
    return cur.execute(SELECT_ACCOUNT, [username]).fetchone()
