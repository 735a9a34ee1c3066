"""The app in a real browser: ``streamlit run`` on localhost, driven by Debian's Chromium through Playwright.

Signs in as a company and submits an idea, then as an adviser finds partners
and opens the network, saving screenshots to ``tests/artifacts/`` (git-ignored)
for a person to look at. Skips when Chromium is not installed (``make test``
installs Debian's ``chromium`` when it can); never downloads a browser.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from data.accounts import DEMO_PASSWORD

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = os.environ.get("SAMSPILL_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SLOW = 240_000  # ms: the server loads the model on the first match


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen, log: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().strip() == b"ok":
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"streamlit did not become healthy in {timeout}s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def server(tmp_path_factory, sample_db_file):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM}: install Debian's chromium (apt-get install chromium)")
    pytest.importorskip("playwright.sync_api", reason="playwright (python) is not installed")
    work = tmp_path_factory.mktemp("browser")
    db = work / "app.duckdb"
    shutil.copy(sample_db_file, db)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = os.environ | {"SAMSPILL_DB": str(db), "PYTHONUNBUFFERED": "1"}
    env.pop("SAMSPILL_MODEL", None)
    log = work / "streamlit.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "streamlit_app.py"),
             "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    try:
        _wait_healthy(url, proc, log)
        yield url, log
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def page(server, tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1440, "height": 1000},
            locale="nb-NO",
        )
        try:
            yield context.pages[0] if context.pages else context.new_page()
        finally:
            context.close()


def _no_exception(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0, page.locator(
        '[data-testid="stException"]'
    ).first.inner_text()


def _sign_in(page, url: str, username: str) -> None:
    page.goto(url)
    page.get_by_text("Velkommen til Samspill").wait_for(timeout=60_000)
    page.get_by_role("textbox", name="Brukernavn").fill(username)
    page.get_by_role("textbox", name="Passord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.get_by_text("Logget inn som").wait_for(timeout=60_000)


def _settle(page) -> None:
    """Wait until Streamlit has finished the run (no 'running' indicator) and the page is quiet."""
    page.wait_for_load_state("networkidle")
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="detached", timeout=SLOW)
    page.wait_for_timeout(800)


def _shot(page, name: str) -> None:
    """A screenshot of the whole app: Streamlit scrolls inside its own container, so grow the window to fit."""
    height = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll('[data-testid=\"stMain\"], section.main, body')]"
        ".map(e => e.scrollHeight))"
    )
    page.set_viewport_size({"width": 1440, "height": min(max(int(height) + 40, 1000), 6000)})
    page.wait_for_timeout(500)
    page.screenshot(path=ARTIFACTS / name, full_page=True)
    page.set_viewport_size({"width": 1440, "height": 1000})


IDEA_TEXT = (
    "Vi vil erstatte dieselaggregatene på fôrflåtene med hydrogen og brenselceller, "
    "og trenger en partner på hydrogensikkerhet og en som kan havbruk."
)


def test_browser_submit_idea_find_partners_network(server, page):
    url, log = server
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        _journey(url, page)
    except Exception:
        page.screenshot(path=ARTIFACTS / "failure.png", full_page=True)
        raise
    server_log = log.read_text()
    assert DEMO_PASSWORD not in server_log and "fôrflåtene" not in server_log


def _journey(server, page) -> None:

    # A company submits an idea.
    _sign_in(page, server, "bedrift1")
    page.get_by_role("heading", name="Send inn en prosjektidé").wait_for()
    page.get_by_role("textbox", name="Kontaktperson").fill("Kari Nordmann, kari@example.no")
    page.get_by_role("textbox", name="Tittel på idéen").fill("Hydrogen på fôrflåter")
    page.get_by_role("textbox", name="Idéen med egne ord").fill(IDEA_TEXT)
    page.get_by_role("button", name="Send inn idéen").click()
    page.get_by_text("Takk! Idé nr. 1").wait_for(timeout=SLOW)
    page.get_by_text("Første forslag til partnere").wait_for()
    _settle(page)
    _no_exception(page)
    _shot(page, "submit_idea.png")
    page.get_by_role("button", name="Logg ut").click()

    # An adviser finds partners for it.
    _sign_in(page, server, "radgiver")
    page.get_by_role("heading", name="Finn partnere").wait_for()
    page.get_by_role("radio", name="Fra innboksen").click()
    page.get_by_text("Søker fra ståstedet til Innherred Hydrogen AS").wait_for()
    page.get_by_role("button", name="Finn partnere").click()
    page.get_by_role("tab", name="Organisasjoner (").wait_for(timeout=SLOW)
    _settle(page)
    _no_exception(page)
    assert page.get_by_text("Profilen sier").count() + page.get_by_text("Har deltatt i").count() > 0
    _shot(page, "find_partners.png")

    # The inbox has it.
    page.get_by_role("link", name="Idéinnboks").click()
    page.get_by_role("heading", name="Idéinnboks").wait_for()
    _settle(page)
    _no_exception(page)
    _shot(page, "inbox.png")

    # The network, a single year and cumulative.
    page.get_by_role("link", name="Nettverket").click()
    page.get_by_text("Nøkkeltall").first.wait_for(timeout=SLOW)
    page.locator('[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg').first.wait_for(
        timeout=60_000
    )
    _settle(page)
    _no_exception(page)
    _shot(page, "network.png")
    page.get_by_text("Til og med året", exact=True).click()
    _settle(page)
    _no_exception(page)
    _shot(page, "network_cumulative.png")


# -- the network's views (graph/view.py) -------------------------------------------------------------

NETWORK_VIEWS = [
    ("Medlemmer og partnere", "Alt samarbeid til og med"),
    ("Miljøer", "Hvert miljø er én sirkel"),
    ("Én aktør", "Den valgte aktøren i midten"),
]


def test_browser_network_views(server, page):
    """Every view of the network draws, names what fits, and sends only what it shows."""
    url, _ = server
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    received = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: received.append(len(payload or b""))))
    try:
        _sign_in(page, url, "radgiver")
        page.get_by_role("link", name="Nettverket").click()
        page.get_by_text("Nøkkeltall").first.wait_for(timeout=SLOW)
        _settle(page)
        page.get_by_text("Til og med året", exact=True).click()
        page.get_by_text("Alt samarbeid til og med").first.wait_for(timeout=SLOW)
        _settle(page)
        box = page.get_by_label("Vis samarbeidet til")
        box.click()
        page.keyboard.type("SINTEF")
        page.get_by_role("option", name="SINTEF", exact=True).first.click()
        _settle(page)
        for label, caption in NETWORK_VIEWS:
            received.clear()
            page.get_by_role("radio", name=label, exact=True).click()
            page.get_by_text(caption).first.wait_for(timeout=SLOW)
            _settle(page)
            _no_exception(page)
            chart = page.locator('[data-testid="stVegaLiteChart"]').first
            chart.wait_for()
            names = page.locator('[data-testid="stVegaLiteChart"] svg text, [data-testid="stVegaLiteChart"] canvas')
            assert names.count() > 0
            shown = page.get_by_text("navn der de får plass").first.inner_text()
            assert int(re.search(r"(\d+) navn der de får plass", shown).group(1)) > 0, shown
            assert sum(received) < 400_000, (label, sum(received))  # the sample: a view is a few dozen kB
            chart.screenshot(path=ARTIFACTS / f"network_view_{label.split()[0].lower()}.png")
    except Exception:
        page.screenshot(path=ARTIFACTS / "failure_network.png", full_page=True)
        raise
