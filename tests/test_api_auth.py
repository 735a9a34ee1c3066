"""Tokens: who a request acts as, and what happens without a valid one (api/auth.py, data/tokens.py)."""

from __future__ import annotations

import duckdb
import pytest

from data.store import PartnerStore
from data.tokens import TokenError, create_token, list_tokens, revoke_token, viewer_for_token


def test_health_needs_no_token(api):
    answer = api.get("/health")
    assert answer.status_code == 200 and answer.json()["status"] == "ok"


@pytest.mark.parametrize(
    ("name", "role", "org"),
    [
        ("radgiver", "adviser", None),
        ("bedrift1", "company", "innherred-hydrogen"),
        ("bedrift2", "company", "titran-laks"),
    ],
)
def test_each_token_acts_as_its_account(api, name, role, org):
    assert api.get("/me", headers=api.headers_of(name)).json() == {"username": name, "role": role, "org_id": org}


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Bearer ",
        "Bearer not-a-token",
        "Basic cmFkZ2l2ZXI6c2Ftc3BpbGwtZGVtbw==",
        "Bearer ssp_000000000000_" + "A" * 43,  # well formed, unknown id
    ],
)
def test_without_a_valid_token_every_route_answers_401_in_one_line(api, header):
    headers = {"Authorization": header} if header else {}
    for method, path in [("get", "/me"), ("get", "/ideas"), ("get", "/organisations"), ("post", "/match"),
                         ("get", "/network/export")]:
        answer = getattr(api, method)(path, headers=headers)
        assert answer.status_code == 401, (method, path, answer.text)
        assert "\n" not in answer.json()["detail"] and "token" in answer.json()["detail"]


def test_a_known_id_with_a_wrong_secret_is_refused(api):
    real = api.tokens["radgiver"]
    forged = real[:-5] + ("AAAAA" if not real.endswith("AAAAA") else "BBBBB")
    assert api.get("/me", headers={"Authorization": f"Bearer {forged}"}).status_code == 401


def test_a_revoked_token_stops_working(api):
    store = api.service.store
    token_id = api.tokens["bedrift1"].split("_")[1]
    assert api.get("/me", headers=api.headers_of("bedrift1")).status_code == 200
    revoke_token(store, token_id)
    assert api.get("/me", headers=api.headers_of("bedrift1")).status_code == 401
    assert [t.revoked for t in list_tokens(store, "bedrift1")] == [True]


def test_only_a_digest_is_stored(api_db):
    con = duckdb.connect(str(api_db["path"]), read_only=True)
    try:
        stored = " ".join(str(v) for row in con.execute("SELECT * FROM api_tokens").fetchall() for v in row)
    finally:
        con.close()
    for token in api_db["tokens"].values():
        # the secret is base64url and may itself hold "_": split only at the two separators
        assert token not in stored and token.split("_", 2)[2] not in stored


def test_tokens_need_an_existing_account_and_a_short_label(tmp_path):
    with PartnerStore(tmp_path / "t.duckdb") as store:
        with pytest.raises(TokenError, match="no account 'nobody'"):
            create_token(store, "nobody")
        with pytest.raises(TokenError, match="no token with id"):
            revoke_token(store, "abc")
        assert viewer_for_token(store, "") is None and viewer_for_token(store, None) is None


def test_token_commands(tmp_path, sample_db_file):
    import shutil

    from click.testing import CliRunner

    import samspill_cli

    db = tmp_path / "cli.duckdb"
    shutil.copy(sample_db_file, db)
    runner = CliRunner()
    added = runner.invoke(samspill_cli.main, ["--db", str(db), "token", "add", "radgiver", "--label", "website form"])
    assert added.exit_code == 0, added.output
    token = added.stdout.strip().splitlines()[-1]
    with PartnerStore(db) as store:
        assert viewer_for_token(store, token).role == "adviser"
    listed = runner.invoke(samspill_cli.main, ["--db", str(db), "token", "list"])
    assert "radgiver  active" in listed.output and "website form" in listed.output and token not in listed.output
    bad = runner.invoke(samspill_cli.main, ["--db", str(db), "token", "add", "nobody"])
    assert bad.exit_code == 1 and "no account 'nobody'" in bad.output and "Traceback" not in bad.output
