"""Local accounts: argon2 hashes, sign-in, the demo accounts and the CLI commands."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from data.accounts import (
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    NO_PASSWORD,
    AccountError,
    authenticate,
    create_account,
    demo_accounts_active,
    ensure_demo_accounts,
    hash_password,
    verify_password,
    viewer_for,
)
from data.models import Organisation
from data.store import OrganisationNotFound, PartnerStore, StoreError


@pytest.fixture
def store(tmp_path):
    s = PartnerStore(tmp_path / "accounts.duckdb")
    s.upsert(
        [
            Organisation("innherred-hydrogen", "Innherred Hydrogen AS", kind="company"),
            Organisation("acme", "Acme AS", kind="company"),
            Organisation("sintef", "SINTEF", kind="research"),
        ]
    )
    yield s
    s.close()


def test_hash_is_salted_argon2id_and_verifies():
    a, b = hash_password("correct horse"), hash_password("correct horse")
    assert a != b and a.startswith("$argon2id$")
    assert "correct horse" not in a
    assert verify_password(a, "correct horse")
    assert not verify_password(a, "wrong horse")


@pytest.mark.parametrize("stored", ["", "not-a-hash", NO_PASSWORD])
def test_verify_never_matches_bad_hashes(stored):
    assert not verify_password(stored, "anything")


def test_authenticate(store):
    create_account(store, "kari", "hemmelig-passord", "company", "acme")
    viewer = authenticate(store, "kari", "hemmelig-passord")
    assert viewer is not None and viewer.role == "company" and viewer.org_id == "acme"
    assert authenticate(store, "kari", "feil-passord") is None
    assert authenticate(store, "ola", "hemmelig-passord") is None
    assert authenticate(store, "", "") is None
    assert viewer_for(store, "kari") == viewer


def test_no_password_account_cannot_sign_in_locally(store):
    create_account(store, "ola@firma.no", None, "adviser")
    assert authenticate(store, "ola@firma.no", NO_PASSWORD) is None
    assert viewer_for(store, "ola@firma.no").is_adviser


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (("", "long-enough", "adviser"), AccountError),
        (("x", "long-enough", "admin"), AccountError),
        (("x", "short", "adviser"), AccountError),
        (("x", "long-enough", "company", "nobody"), OrganisationNotFound),
    ],
)
def test_create_account_rejects(store, args, error):
    with pytest.raises(error):
        create_account(store, *args)


def test_duplicate_username(store):
    create_account(store, "kari", "long-enough", "adviser")
    with pytest.raises(StoreError, match="exists"):
        create_account(store, "kari", "long-enough", "adviser")


def test_demo_accounts_idempotent_and_flag(store):
    assert not demo_accounts_active(store)
    first = ensure_demo_accounts(store)
    again = ensure_demo_accounts(store)
    assert first == again
    assert [v.username for v in first] == [a.username for a in DEMO_ACCOUNTS]
    orgs = [v.org_id for v in first if v.role == "company"]
    assert orgs[0] == "innherred-hydrogen"  # preferred sample organisation
    assert orgs[1] == "acme"  # fallback: another company, never the same one
    assert demo_accounts_active(store)
    for account in DEMO_ACCOUNTS:
        assert authenticate(store, account.username, DEMO_PASSWORD) is not None


def test_demo_flag_off_when_a_demo_account_has_another_password(tmp_path):
    with PartnerStore(tmp_path / "x.duckdb") as s:
        create_account(s, DEMO_ACCOUNTS[0].username, "a-real-password", "adviser")
        ensure_demo_accounts(s)
        assert not demo_accounts_active(s)
        assert authenticate(s, DEMO_ACCOUNTS[0].username, DEMO_PASSWORD) is None


def test_cli_account_add_and_demo(tmp_path):
    from samspill_cli import main

    db = str(tmp_path / "cli.duckdb")
    with PartnerStore(db) as s:  # two companies: one for kari, one left for each demo company account
        s.upsert([Organisation("acme", "Acme AS", kind="company"), Organisation("beta", "Beta AS", kind="company")])
    runner = CliRunner()
    result = runner.invoke(
        main, ["--db", db, "account", "add", "kari", "--role", "company", "--org", "acme", "--password-stdin"],
        input="et-langt-passord\n",
    )
    assert result.exit_code == 0, result.output
    assert "et-langt-passord" not in result.output
    result = runner.invoke(main, ["--db", db, "account", "add", "kari", "--role", "adviser", "--password-stdin"],
                           input="et-langt-passord\n")
    assert result.exit_code == 1 and "exists" in result.output
    result = runner.invoke(main, ["--db", db, "account", "add", "per", "--role", "adviser", "--password-stdin"],
                           input="kort\n")
    assert result.exit_code == 1 and "at least" in result.output
    result = runner.invoke(main, ["--db", db, "demo-accounts"])
    assert result.exit_code == 0, result.output
    assert "radgiver" in result.output and DEMO_PASSWORD not in result.output
    with PartnerStore(db) as s:
        assert authenticate(s, "kari", "et-langt-passord").org_id == "acme"
        assert demo_accounts_active(s)
