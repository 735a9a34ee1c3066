"""The sign-in cookie's token (data/sessions.py): signed, expiring, revocable, tied to the password."""

from __future__ import annotations

import time

import pytest

from data.accounts import create_account, hash_password
from data.sessions import check_token, issue_token, revoke_token, signing_secret
from data.store import PartnerStore

SECRET = b"a-test-secret-of-more-than-thirty-two-bytes"


@pytest.fixture
def store(tmp_path):
    with PartnerStore(tmp_path / "sessions.duckdb") as store:
        create_account(store, "kari", "et-langt-passord", "adviser")
        create_account(store, "kari@klynge.no", None, "adviser")  # identity-provider only
        yield store


def test_a_token_signs_in_its_account_until_it_expires(store):
    now = time.time()
    session = issue_token(store, SECRET, "kari", days=14, now=now)
    viewer = check_token(store, SECRET, session.token, now=now + 13 * 86_400)
    assert (viewer.username, viewer.role) == ("kari", "adviser")
    assert check_token(store, SECRET, session.token, now=now + 14 * 86_400 + 1) is None
    assert 14 * 86_400 - 5 <= session.max_age(now) <= 14 * 86_400


def tampered(token: str) -> list[str]:
    version, sid, expires, user, signature = token.split(".")
    import base64

    other = base64.urlsafe_b64encode(b"radgiver").rstrip(b"=").decode()
    return [
        ".".join((version, sid, str(int(expires) + 86_400), user, signature)),  # a later expiry
        ".".join((version, sid, expires, other, signature)),  # another user
        ".".join((version, sid + "x", expires, user, signature)),
        ".".join((version, sid, expires, user, signature[:-2] + "AA")),
        token + ".",
        "v2" + token[2:],
        "garbage",
        "",
        "x" * 5_000,
    ]


def test_a_changed_or_foreign_token_signs_in_nobody(store):
    session = issue_token(store, SECRET, "kari", days=1)
    create_account(store, "radgiver", "et-annet-passord", "adviser")
    for token in tampered(session.token):
        assert check_token(store, SECRET, token) is None, token
    assert check_token(store, b"another-secret-of-more-than-thirty-two-b", session.token) is None


def test_signing_out_revokes_the_token(store):
    session = issue_token(store, SECRET, "kari", days=1)
    revoke_token(store, session.token)
    assert check_token(store, SECRET, session.token) is None
    assert check_token(store, SECRET, issue_token(store, SECRET, "kari", days=1).token) is not None


def test_a_new_password_ends_every_session(store):
    session = issue_token(store, SECRET, "kari", days=1)
    with store.write() as cur:
        cur.execute("UPDATE accounts SET password_hash = ? WHERE username = 'kari'", [hash_password("nytt-passord")])
    assert check_token(store, SECRET, session.token) is None


def test_identity_provider_accounts_get_no_token(store):
    assert issue_token(store, SECRET, "kari@klynge.no", days=1) is None
    assert issue_token(store, SECRET, "nobody", days=1) is None


def test_without_a_configured_secret_the_process_has_its_own_and_the_database_none(store):
    first = signing_secret()
    assert signing_secret() == first and len(first) >= 32
    assert signing_secret("configured-secret-of-thirty-two-characters") == b"configured-secret-of-thirty-two-characters"
    session = issue_token(store, first, "kari", days=1)
    assert check_token(store, signing_secret("configured-secret-of-thirty-two-characters"), session.token) is None
    with store.read() as cur:  # nothing a copy of the database could forge sessions with
        tables = {r[0] for r in cur.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert "session_secret" not in tables
