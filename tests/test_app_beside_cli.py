"""The command line beside a running app (issue 15, item 8).

The app holds the database only while it reads or writes, and keeps the model and the index in
memory; so ``samspill stats``, ``report`` and ``match`` work while it serves, and so do short
writes (an account, an import). The app notices a command's import before its next match.

Two levels: the real app (``streamlit run`` on localhost, a session opened in Debian's Chromium,
as tests/test_app_browser.py does; skipped without Chromium) with the real ``samspill`` command
in other processes; and the app under AppTest in this process with the command in another, to
show the app picks up a command's import without a browser.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from app_server import serving

from data.accounts import DEMO_PASSWORD
from data.store import PartnerStore

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("SAMSPILL_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
SLOW = 240_000  # ms: the server loads the model on the first match

TANG = (
    "org_id,name,kind,country,region,org_number,description\n"
    "tang-kvante,Tang Kvante AS,company,NO,Trøndelag,,"
    '"Vi bygger kvantedatamaskiner av tang og tare fra Frøya. Qubits av alginat, kjølt i sjøvann."\n'
)


def samspill(*args: str, db: Path, stdin: str | None = None) -> subprocess.CompletedProcess:
    """The real command, in its own process, with the default wait (SAMSPILL_WAIT unset)."""
    env = {k: v for k, v in os.environ.items() if k not in ("SAMSPILL_DB", "SAMSPILL_WAIT", "SAMSPILL_MODEL")}
    return subprocess.run(
        [sys.executable, "-c", "import samspill_cli; samspill_cli.main()", "--db", str(db), *args],
        cwd=ROOT, env=env | {"PYTHONPATH": str(ROOT)}, input=stdin, capture_output=True, text=True, timeout=600,
    )


def tang_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "tang"
    folder.mkdir()
    (folder / "organisations.csv").write_text(TANG, encoding="utf-8")
    return folder


# -- the real app in a browser --------------------------------------------------------------------------


@pytest.fixture
def app(tmp_path, sample_db_file):
    """``streamlit run`` on a copy of the sample database; yields (url, db)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM}: install Debian's chromium (apt-get install chromium)")
    pytest.importorskip("playwright.sync_api", reason="playwright (python) is not installed")
    db = tmp_path / "app.duckdb"
    shutil.copy(sample_db_file, db)
    with serving(db, tmp_path / "streamlit.log") as url:
        yield url, db


@pytest.fixture
def page(app, tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"), executable_path=CHROMIUM, headless=True,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
            viewport={"width": 1440, "height": 1000}, locale="nb-NO",
        )
        try:
            yield context.pages[0] if context.pages else context.new_page()
        finally:
            context.close()


def no_exception(page) -> None:
    errors = page.locator('[data-testid="stException"]')
    assert errors.count() == 0, errors.first.inner_text()


def find_partners(page, idea: str) -> None:
    page.get_by_role("textbox", name="Beskriv prosjektidéen").fill(idea)
    page.get_by_role("button", name="Finn partnere").click()
    page.get_by_role("tab", name="Organisasjoner (").wait_for(timeout=SLOW)
    page.wait_for_load_state("networkidle")
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="detached", timeout=SLOW)


@pytest.mark.browser
def test_stats_report_match_and_short_writes_work_while_the_app_serves(app, page, tmp_path):
    url, db = app
    page.goto(url)
    page.get_by_text("Velkommen til Samspill").wait_for(timeout=60_000)
    page.get_by_role("textbox", name="Brukernavn").fill("radgiver")
    page.get_by_role("textbox", name="Passord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.get_by_role("heading", name="Finn partnere").wait_for(timeout=60_000)
    find_partners(page, "Hydrogen og brenselceller på fôrflåter i havbruket.")  # the app has its matcher now
    no_exception(page)

    stats = samspill("stats", db=db)
    assert stats.returncode == 0, stats.stderr
    assert "organisations" in stats.stdout and "89" in stats.stdout

    report = samspill("report", "--year", "2024", "-o", str(tmp_path / "rapport.html"), db=db)
    assert report.returncode == 0, report.stderr
    assert (tmp_path / "rapport.html").stat().st_size > 1000

    match = samspill("match", "hydrogen for ferries", "--top", "3", "--json", db=db)
    assert match.returncode == 0, match.stderr
    assert '"organisations": [{"org_id"' in match.stdout

    account = samspill("account", "add", "kari", "--role", "adviser", "--password-stdin", db=db, stdin="long-enough\n")
    assert account.returncode == 0, account.stderr

    imported = samspill("import", "-q", str(tang_folder(tmp_path)), db=db)
    assert imported.returncode == 0, imported.stderr
    # The app notices the command's import before its next match: the new member is embedded and found.
    find_partners(page, "Kvantedatamaskiner av tang og tare, qubits av alginat.")
    no_exception(page)
    page.get_by_text("Tang Kvante AS").first.wait_for(timeout=60_000)

    with PartnerStore(db, wait=30) as store:  # everything the commands wrote is there
        assert store.account("kari") is not None and store.has_organisation("tang-kvante")


# -- the app in this process, the command in another ---------------------------------------------------------


def test_the_app_picks_up_an_import_made_by_a_command(tmp_path, sample_db_file, monkeypatch):
    from streamlit.testing.v1 import AppTest

    db = tmp_path / "app.duckdb"
    shutil.copy(sample_db_file, db)
    monkeypatch.setenv("SAMSPILL_DB", str(db))
    monkeypatch.delenv("SAMSPILL_MODEL", raising=False)
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=300).run()
    at.text_input(key="signin_username").input("radgiver")
    at.text_input(key="signin_password").input(DEMO_PASSWORD)
    at.button(key="signin_submit").click()
    at.run()
    idea = "Kvantedatamaskiner av tang og tare, qubits av alginat."
    at.text_area(key="find_partners_text").input(idea)
    at.button(key="find_partners_run").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]

    imported = samspill("import", "-q", str(tang_folder(tmp_path)), db=db)  # the app is idle: it holds nothing
    assert imported.returncode == 0, imported.stderr

    at.button(key="find_partners_run").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    shown = " ".join(str(m.value) for m in [*at.markdown, *at.caption, *at.subheader])
    assert "Tang Kvante AS" in shown
