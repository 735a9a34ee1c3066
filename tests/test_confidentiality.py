"""Confidentiality: a company's ideas reach advisers and that company only, through the app itself.

Every page a signed-in user can reach is rendered with AppTest and *everything* on it (text,
tables, options of select boxes, labels of collapsed expanders) is searched for the marker
words of each idea. Advisers must find every idea; a company user the ideas of their own
organisation or their own submissions, nothing else. The same holds for what the store
hands out, for logs, for command output, backups' manifests and the network exports.
And the repository holds no secrets.
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from streamlit.testing.v1 import AppTest

from data.accounts import DEMO_PASSWORD, create_account, hash_password
from data.models import Viewer
from data.store import PartnerStore
from samspill_cli import main

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "streamlit_app.py")
OTHER_PASSWORD = "kollega-passord-123"

# idea key -> (submitted_by, org_id); the key is the idea's marker word, in title and text.
IDEAS = {
    "ZQXA1": ("bedrift1", "innherred-hydrogen"),  # bedrift1's own idea
    "ZQXA2": ("radgiver", "innherred-hydrogen"),  # an adviser's, on behalf of bedrift1's organisation
    "ZQXB1": ("bedrift2", "titran-laks"),  # the other company's
    "ZQXS1": ("solo", None),  # a company user without an organisation
}
# who may read which ideas
READERS = {
    "radgiver": {"ZQXA1", "ZQXA2", "ZQXB1", "ZQXS1"},
    "bedrift1": {"ZQXA1", "ZQXA2"},
    "kollega": {"ZQXA1", "ZQXA2"},  # a colleague at the same organisation
    "bedrift2": {"ZQXB1"},
    "solo": {"ZQXS1"},
}
COMPANY_PAGES = ("submit_idea", "my_ideas", "network")
ADVISER_PAGES = ("find_partners", "inbox", "organisations", "submit_idea", "network")
ADVISER_ONLY = ("inbox", "find_partners", "organisations")


@pytest.fixture
def app_db(tmp_path, sample_db_file, monkeypatch) -> Path:
    db = tmp_path / "conf.duckdb"
    shutil.copy(sample_db_file, db)
    with PartnerStore(db) as store:
        create_account(store, "kollega", OTHER_PASSWORD, "company", "innherred-hydrogen")
        # create_account refuses a company account without an organisation; one made before that rule
        # (or a company user of the identity provider) still exists, and must see only its own ideas
        store.add_account("solo", hash_password(OTHER_PASSWORD), "company", None)
        for key, (user, org) in IDEAS.items():
            store.add_idea(
                title=f"Idé {key}", text=f"Hemmelig {key}-tekst om hydrogen og havbruk.", submitted_by=user,
                org_id=org, contact=f"{key}@example.no",
            )
    monkeypatch.setenv("SAMSPILL_DB", str(db))
    monkeypatch.delenv("SAMSPILL_MODEL", raising=False)
    return db


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def sign_in(username: str) -> AppTest:
    password = OTHER_PASSWORD if username in ("kollega", "solo") else DEMO_PASSWORD
    at = ok(AppTest.from_file(APP, default_timeout=300).run())
    at.text_input(key="signin_username").input(username)
    at.text_input(key="signin_password").input(password)
    at.button(key="signin_submit").click()
    return ok(at.run())


def everything(at: AppTest) -> str:
    """All a page holds, rendered or not: every element's message, table cells included."""
    parts = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(str(proto))
        value = getattr(node, "value", None)
        if hasattr(value, "to_csv"):  # a dataframe: its cells as text (the proto holds Arrow bytes)
            parts.append(value.to_csv())
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at.main)
    walk(at.sidebar)
    return "\n".join(parts)


def seen_ideas(text: str) -> set[str]:
    """The idea markers in ``text``, standing alone: a report embeds pictures as base64, where five
    letters like "ZQXH5" turn up by chance inside a longer run of base64 characters."""
    return set(re.findall(r"(?<![A-Za-z0-9+/])ZQX[A-Z]\d(?![A-Za-z0-9+/=])", text))


@pytest.mark.parametrize("username", ["bedrift1", "kollega", "bedrift2", "solo"])
def test_a_company_user_sees_only_their_organisations_ideas_on_every_page(app_db, username):
    at = sign_in(username)
    seen = set()
    for page in COMPANY_PAGES:
        ok(at.switch_page(f"app_pages/{page}.py").run())
        seen |= seen_ideas(everything(at))
    assert seen == READERS[username]
    for page in ADVISER_ONLY:  # not in a company's navigation at all
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(f"app_pages/{page}.py")


def test_a_company_cannot_open_an_idea_by_planting_session_state(app_db):
    at = sign_in("bedrift2")
    at.session_state["find_partners_open_idea"] = 1  # what the inbox sets for advisers
    at.session_state["find_partners_source"] = "inbox"
    at.session_state["inbox_idea"] = 1
    for page in COMPANY_PAGES:
        ok(at.switch_page(f"app_pages/{page}.py").run())
        assert seen_ideas(everything(at)) <= READERS["bedrift2"], page


def test_an_adviser_sees_every_idea(app_db):
    at = sign_in("radgiver")
    ok(at.switch_page("app_pages/inbox.py").run())
    at.pills(key="inbox_status_filter").set_value(["new"])
    assert seen_ideas(everything(ok(at.run()))) == READERS["radgiver"]
    ok(at.switch_page("app_pages/find_partners.py").run())
    at.segmented_control(key="find_partners_source").set_value("inbox")
    assert seen_ideas(everything(ok(at.run()))) == READERS["radgiver"]  # the idea picker lists them all


def test_the_store_answers_each_viewer_as_the_app_does(app_db):
    with PartnerStore(app_db) as store:
        for username, allowed in READERS.items():
            role, org = ("adviser", None) if username == "radgiver" else ("company", store.account(username)[2])
            viewer = Viewer(username, role, org)
            visible = {i.title.split()[-1] for i in store.ideas(viewer) if i.title.startswith("Idé ZQX")}
            assert visible == allowed, username
            for idea_id in range(1, len(IDEAS) + 1):  # one by one: a foreign id is "not found", never a hint
                from data.store import IdeaNotFound

                try:
                    store.idea(idea_id, viewer)
                except IdeaNotFound as exc:
                    assert "ZQX" not in str(exc)


def test_a_request_key_returns_an_idea_only_to_the_account_that_sent_it(tmp_path):
    """A retry with the same key is safe for its sender; another account's use of it is refused and
    tells nothing about the first idea (the API answered bedrift2 with bedrift1's idea before)."""
    from data.store import StoreError

    with PartnerStore(tmp_path / "keys.duckdb") as store:
        first = store.add_idea(title="Idé ZQXA1", text="Hemmelig", submitted_by="bedrift1", request_key="form-1")
        assert store.add_idea(title="Igjen", text="Igjen", submitted_by="bedrift1", request_key="form-1") == first
        with pytest.raises(StoreError, match="used by another account") as refused:
            store.add_idea(title="Min", text="Min", submitted_by="bedrift2", request_key="form-1")
        assert "ZQX" not in str(refused.value) and "Hemmelig" not in str(refused.value)
        assert [i.idea_id for i in store.ideas(Viewer("radgiver", "adviser"))] == [first.idea_id]


def test_no_idea_text_or_password_in_logs_or_command_output(app_db, tmp_path, caplog, capfd):
    caplog.set_level(logging.DEBUG)
    outputs = []  # commands first: the app then holds the file for the rest of this process
    for args in (["stats"], ["check"], ["backup", str(tmp_path / "bk")],
                 ["graph", "export", "--format", "csv", "-o", str(tmp_path / "net.csv")],
                 ["graph", "export", "--format", "kumu", "-o", str(tmp_path / "net.json")],
                 ["report", "-o", str(tmp_path / "report.html")]):
        result = CliRunner().invoke(main, ["--db", str(app_db), *args])
        assert result.exit_code == 0, result.output
        outputs.append(result.output)
    result = CliRunner().invoke(main, ["--db", str(app_db), "account", "add", "ny", "--role", "adviser",
                                       "--password-stdin"], input="et-hemmelig-passord\n")
    assert result.exit_code == 0
    outputs.append(result.output)
    for username in ("bedrift1", "radgiver"):
        at = sign_in(username)
        for page in COMPANY_PAGES if username != "radgiver" else ADVISER_PAGES:
            ok(at.switch_page(f"app_pages/{page}.py").run())
    captured = capfd.readouterr()
    written = [(tmp_path / "bk" / "samspill-backup.json").read_text()]
    written += [(tmp_path / f).read_text() for f in ("net.csv", "net.json", "report.html")]
    haystack = "\n".join([*(r.getMessage() for r in caplog.records), *outputs, captured.out, captured.err, *written])
    assert not seen_ideas(haystack)
    for secret in (DEMO_PASSWORD, OTHER_PASSWORD, "et-hemmelig-passord", "$argon2"):
        assert secret not in haystack


# -- the repository --------------------------------------------------------------------------------

SECRET_PATTERNS = {
    "private key": re.compile(r"-----BEGIN (?:RSA |EC |OPENSSH |DSA )?PRIVATE KEY-----"),
    "AWS key": re.compile(r"AKIA[0-9A-Z]{16}"),
    "GitHub token": re.compile(r"gh[pousr]_[A-Za-z0-9]{36}"),
    "Slack token": re.compile(r"xox[baprs]-[A-Za-z0-9-]{10,}"),
    "argon2 hash": re.compile(r"\$argon2(?:id|i|d)\$v=\d+\$"),
    "OIDC secret": re.compile(r"(?:client_secret|cookie_secret)\s*=\s*[\"'](?!<|\.\.\.|your|xxx|change)[^\"']{8,}"),
}


def _tracked_files() -> list[Path]:
    try:
        out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    return [ROOT / name for name in out.decode().split("\0") if name]


def test_no_secrets_in_the_repository():
    files = _tracked_files()
    names = {str(p.relative_to(ROOT)) for p in files}
    assert ".streamlit/secrets.toml" not in names
    assert not [n for n in names if n.endswith((".duckdb", ".duckdb.wal", ".pem", ".key", ".env"))]
    found = []
    for path in files:
        if not path.is_file() or path.stat().st_size > 5_000_000:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for what, pattern in SECRET_PATTERNS.items():
            if pattern.search(text):
                found.append(f"{path.relative_to(ROOT)}: {what}")
    assert not found


def test_secrets_file_is_ignored_by_git():
    result = subprocess.run(["git", "check-ignore", "-q", ".streamlit/secrets.toml"], cwd=ROOT)
    if result.returncode == 128:
        pytest.skip("not a git checkout")
    assert result.returncode == 0


# -- contacts and introductions ------------------------------------------------------------------------

# org -> marker in its contact person's name; who may see it: advisers, the organisation's own users,
# and the other side of an introduction that was made (innherred-hydrogen <-> sintef below).
CONTACT_MARKERS = {
    "innherred-hydrogen": "ZQCIH",
    "titran-laks": "ZQCTL",
    "sintef": "ZQCSI",
    "elektrisk-sjo": "ZQCES",
}
CONTACT_READERS = {
    "bedrift1": {"ZQCIH", "ZQCSI"},
    "kollega": {"ZQCIH", "ZQCSI"},
    "bedrift2": {"ZQCTL"},  # its introduction to elektrisk-sjo is only proposed: nothing shared yet
    "solo": set(),
}
# introduction -> (idea key, partner, made?, marker in its reasons)
INTRODUCTIONS = {"ZQIA1": ("ZQXA1", "sintef", True), "ZQIB1": ("ZQXB1", "elektrisk-sjo", False)}
INTRO_READERS = {"bedrift1": {"ZQIA1"}, "kollega": {"ZQIA1"}, "bedrift2": {"ZQIB1"}, "solo": set()}


@pytest.fixture
def everyday_db(app_db) -> Path:
    from data.contacts import replace_contacts
    from data.introductions import move, propose
    from data.models import Contact

    adviser = Viewer("radgiver", "adviser")
    with PartnerStore(app_db) as store:
        with store.write() as cur:
            replace_contacts(cur, {org: [Contact(f"Person {marker}", "leder", f"{marker.lower()}@example.org")]
                                   for org, marker in CONTACT_MARKERS.items()})
        ideas = {i.title.split()[-1]: i for i in store.ideas(adviser)}
        for marker, (idea_key, partner, made) in INTRODUCTIONS.items():
            intro = propose(store, adviser, org_id=partner, idea_id=ideas[idea_key].idea_id,
                            reasons=[f"Begrunnelse {marker}"])
            if made:
                move(store, adviser, intro.intro_id, "introduced")
    return app_db


def seen(pattern: str, text: str) -> set[str]:
    return set(re.findall(pattern, text))


@pytest.mark.parametrize("username", ["bedrift1", "kollega", "bedrift2", "solo"])
def test_a_company_user_sees_contacts_and_introductions_only_as_introduced(everyday_db, username):
    at = sign_in(username)
    contacts, intros = set(), set()
    for page in COMPANY_PAGES + ("own_profile",):
        if page == "own_profile" and username == "solo":
            continue  # no organisation: no profile page in its navigation
        ok(at.switch_page(f"app_pages/{page}.py").run())
        text = everything(at)
        contacts |= seen(r"ZQC[A-Z]{2}", text)
        intros |= seen(r"ZQI[AB]1", text)
    assert contacts == CONTACT_READERS[username]
    assert intros == INTRO_READERS[username]


def test_an_adviser_sees_every_contact_and_introduction(everyday_db):
    at = sign_in("radgiver")
    ok(at.switch_page("app_pages/inbox.py").run())
    at.pills(key="inbox_status_filter").set_value(["in_progress"])
    ok(at.run())
    found_intros = seen(r"ZQI[AB]1", everything(at))
    contacts = set()
    for org in CONTACT_MARKERS:
        at.query_params["org"] = org
        ok(at.switch_page("app_pages/organisations.py").run())
        contacts |= seen(r"ZQC[A-Z]{2}", everything(at))
    assert contacts == set(CONTACT_MARKERS.values())
    at.query_params.clear()
    ok(at.switch_page("app_pages/inbox.py").run())
    at.selectbox(key="inbox_intro_open").set_value(1)
    ok(at.run())
    assert found_intros | seen(r"ZQI[AB]1", everything(at)) == set(INTRODUCTIONS)


def test_the_store_hands_out_contacts_and_introductions_as_the_app_does(everyday_db):
    from data.contacts import visible_contacts
    from data.introductions import draft_email, introductions
    from data.refusals import NotAllowed

    with PartnerStore(everyday_db) as store:
        for username in CONTACT_READERS:
            viewer = Viewer(username, "company", store.account(username)[2])
            shown = visible_contacts(store, viewer, list(CONTACT_MARKERS))
            markers = {CONTACT_MARKERS[o] for o, people in shown.items() if people}
            assert markers == CONTACT_READERS[username], username
            assert {i.reasons_in("nb")[0].split()[-1] for i in introductions(store, viewer)} == INTRO_READERS[username]
            for intro in introductions(store, Viewer("radgiver", "adviser")):
                with pytest.raises(NotAllowed):  # the mail (both sides' contacts) is the advisers' to send
                    draft_email(store, viewer, intro.intro_id, lang="nb")
