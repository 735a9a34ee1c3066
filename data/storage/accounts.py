"""Sign-in account rows: username, password hash, role and organisation.

Hashing and the rules for usernames and passwords are :mod:`data.accounts`; this module only
stores and finds rows.
"""

from __future__ import annotations

from data.storage.errors import StoreError

ROLES = ("adviser", "company")
SELECT_SAME_NAME = "SELECT username FROM accounts WHERE username = ?"
INSERT_ACCOUNT = "INSERT INTO accounts (username, password_hash, role, org_id) VALUES (?, ?, ?, ?)"
SELECT_ACCOUNT = "SELECT password_hash, role, org_id FROM accounts WHERE username = ?"


def check_role(role: str) -> None:
    if role not in ROLES:
        raise StoreError(f"unknown role {role!r}; expected adviser or company")


def add_account(cur, username: str, password_hash: str, role: str, org_id: str | None) -> None:
    """Insert an account (inside the caller's transaction) unless the name is taken."""
    if cur.execute(SELECT_SAME_NAME, [username]).fetchone() is not None:
        raise StoreError(f"account {username!r} exists already")
    cur.execute(INSERT_ACCOUNT, [username, password_hash, role, org_id])


def account(cur, username: str) -> tuple[str, str, str | None] | None:
    """(password_hash, role, org_id) for a username, or None."""
    return cur.execute(SELECT_ACCOUNT, [username]).fetchone()
