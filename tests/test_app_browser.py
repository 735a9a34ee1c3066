"""The app in a real browser: ``streamlit run`` on localhost, driven by Debian's Chromium through Playwright.

Signs in as a company and submits an idea, then as an adviser finds partners
and opens the network; and the everyday story: a company keeps its profile and
submits an idea, an adviser stays signed in across a reload, opens the idea from
its link, introduces the company to a partner (the mail is caught by a local
SMTP server the test starts) and moves the introduction to "joint project",
which the company then sees. Screenshots go to ``tests/artifacts/`` (git-ignored)
for a person to look at. Every request the browser makes is recorded, and none
may leave the app's own origin (no fonts or icons from elsewhere). Skips when
Chromium is not installed (``make test`` installs Debian's ``chromium`` when it
can); never downloads a browser.
"""

from __future__ import annotations

import email
import email.policy
import os
import re
import shutil
import time
import urllib.parse
import urllib.request
from datetime import date
from pathlib import Path

import pytest
from app_server import free_port, serving

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


@pytest.fixture(scope="module")
def server(tmp_path_factory, sample_db_file):
    yield from _serve(tmp_path_factory, sample_db_file, "browser")


def _serve(tmp_path_factory, sample_db_file, name: str, extra_env: dict | None = None, prepare=None):
    """``streamlit run`` on a copy of the sample database (``prepare(db)`` may add to it first)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM}: install Debian's chromium (apt-get install chromium)")
    pytest.importorskip("playwright.sync_api", reason="playwright (python) is not installed")
    work = tmp_path_factory.mktemp(name)
    db = work / "app.duckdb"
    shutil.copy(sample_db_file, db)
    if prepare is not None:
        prepare(db)
    with serving(db, work / "streamlit.log", extra_env) as url:
        yield url, work / "streamlit.log"


@pytest.fixture
def browser_context(tmp_path):
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
        requested: list[str] = []
        context.on("request", lambda request: requested.append(request.url))
        context.on("websocket", lambda ws: requested.append(ws.url))
        context.requested = requested
        try:
            yield context
        finally:
            context.close()


@pytest.fixture
def page(server, browser_context):
    return browser_context.pages[0] if browser_context.pages else browser_context.new_page()


def _foreign_requests(requested: list[str], url: str) -> list[str]:
    """Requests the browser made outside the app's own origin (scheme, host and port)."""
    own = urllib.parse.urlsplit(url)
    foreign = []
    for address in requested:
        parts = urllib.parse.urlsplit(address)
        if parts.scheme in ("data", "blob", "about"):
            continue  # made inside the page, nothing leaves it
        scheme = {"ws": "http", "wss": "https"}.get(parts.scheme, parts.scheme)
        if (scheme, parts.hostname, parts.port) != (own.scheme, own.hostname, own.port):
            foreign.append(address)
    return foreign


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
    assert _foreign_requests(page.context.requested, url) == []


def test_browser_a_shared_shortlist_link_opens_before_and_after_signing_in(server, page):
    """The link the app makes for a shortlist (routes.link: "/?shortlist=...", tested in test_app.py)
    asks a signed-out adviser to sign in, then shows the shortlist, and still does after a reload."""
    from data.models import Viewer
    from data.shortlists import ShortlistItem, save_shortlist
    from data.store import PartnerStore

    url, log = server
    with PartnerStore(log.parent / "app.duckdb") as store:  # beside the running app, as a colleague's share
        shortlist_id = save_shortlist(store, Viewer("kollega", "adviser"),
                                      [ShortlistItem("sintef", "SINTEF", "research", 0.9, ("Hydrogen",))],
                                      subject="Fôrflåter")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        page.goto(f"{url}/?shortlist={shortlist_id}")
        page.get_by_role("textbox", name="Brukernavn").fill("radgiver")
        page.get_by_role("textbox", name="Passord").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Logg inn").click()
        page.get_by_text("Delt kortliste").first.wait_for(timeout=60_000)
        page.reload()
        page.get_by_text("Delt kortliste").first.wait_for(timeout=60_000)
        _settle(page)
        _no_exception(page)
        assert page.get_by_text("Page not found").count() == 0
        assert "shortlist=" in page.url
    except Exception:
        page.screenshot(path=ARTIFACTS / "failure_shortlist_link.png", full_page=True)
        raise


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
    # Only the open tab and opened profiles are drawn: opening them asks the server for them.
    assert page.get_by_role("button", name="Legg konsortiet i kortlisten").count() == 0
    page.get_by_role("tab", name="Konsortier (").click()
    page.get_by_role("button", name="Legg konsortiet i kortlisten").first.wait_for(timeout=SLOW)
    page.get_by_role("tab", name="Organisasjoner (").click()
    page.get_by_text("Profil og prosjekthistorikk").first.click()
    page.locator('[data-testid="stExpanderDetails"]:visible [data-testid="stDataFrame"]').first.wait_for(
        timeout=SLOW)  # the opened profile's project table
    _settle(page)
    _no_exception(page)

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
# -- the everyday story: profile, idea, reload, link, introduction by mail, outcome ---------------------------


class _Mailbox:
    """What a local SMTP server (aiosmtpd, on loopback) received."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted"


@pytest.fixture(scope="module")
def mailbox():
    controller_module = pytest.importorskip("aiosmtpd.controller", reason="aiosmtpd is not installed")
    box = _Mailbox()
    controller = controller_module.Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield box, controller.port
    finally:
        controller.stop()


def _register_contacts(db: Path) -> None:
    """The register as a cluster keeps it: a contact person at every organisation (fictional addresses)."""
    from data.models import Contact
    from data.store import PartnerStore

    with PartnerStore(db) as store:
        contacts = {
            o.org_id: [Contact(f"Kontakt {o.name[:30]}", "daglig leder", f"post@{o.org_id}.example.org")]
            for o in store.organisations()
            if o.org_id != "innherred-hydrogen"  # the company enters its own in the story
        }
        store.upsert(contacts=contacts)


@pytest.fixture(scope="module")
def story_server(tmp_path_factory, sample_db_file, mailbox):
    _, smtp_port = mailbox
    env = {
        "SAMSPILL_SMTP_HOST": "127.0.0.1",
        "SAMSPILL_SMTP_PORT": str(smtp_port),
        "SAMSPILL_SMTP_SECURITY": "none",  # a loopback test server; real servers use starttls or ssl
        "SAMSPILL_SMTP_FROM": "radgiver@klynge.example.org",
    }
    yield from _serve(tmp_path_factory, sample_db_file, "story", env, prepare=_register_contacts)


STORY_IDEA = "Hydrogen på fôrflåter"
STORY_TEXT = (
    "Vi vil erstatte dieselaggregatene på fôrflåtene med hydrogen og brenselceller, "
    "og trenger en partner på hydrogensikkerhet og en som kan havbruk."
)
PROFILE_ADDITION = "Vi tester nå hydrogendrevne fôrflåter sammen med oppdrettere i Trøndelag."


def _sign_out(page) -> None:
    page.get_by_role("button", name="Logg ut").or_(page.get_by_role("button", name="Sign out")).click()
    page.get_by_role("button", name="Logg inn").or_(page.get_by_role("button", name="Sign in")).wait_for()


def _language(page, name: str) -> None:
    """Switch the language, and wait until the browser remembers it (the next page load keeps it)."""
    code = {"Norsk": "nb", "English": "en"}[name]
    heading = {"nb": "Språk", "en": "Language"}[code]
    _settle(page)
    page.locator('[data-testid="stSidebar"]').get_by_text(name, exact=True).click()
    page.locator('[data-testid="stSidebar"]').get_by_text(heading, exact=True).wait_for()
    deadline = time.monotonic() + 30
    while {c["name"]: c["value"] for c in page.context.cookies()}.get("samspill_lang") != code:
        assert time.monotonic() < deadline, "the language cookie was not set"
        page.wait_for_timeout(200)
    _settle(page)


def test_browser_everyday_story(story_server, mailbox, browser_context):
    url, log = story_server
    box, _ = mailbox
    page = browser_context.pages[0] if browser_context.pages else browser_context.new_page()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        _story(url, page, box)
    except Exception:
        page.screenshot(path=ARTIFACTS / "story_failure.png", full_page=True)
        raise
    assert _foreign_requests(browser_context.requested, url) == []
    server_log = log.read_text()
    assert DEMO_PASSWORD not in server_log and "fôrflåtene" not in server_log
    _the_years_report_counts_the_introduction(log.parent / "app.duckdb", log.parent / "report.docx")


def _the_years_report_counts_the_introduction(db: Path, docx_path: Path) -> None:
    """``samspill report`` beside the running app: the story of this year's report tells the introduction."""
    import docx
    from click.testing import CliRunner

    from data.text import t
    from samspill_cli import main

    year = date.today().year
    result = CliRunner().invoke(main, ["--db", str(db), "report", "--year", str(year), "-o", str(docx_path)])
    assert result.exit_code == 0, result.output
    text = [p.text for p in docx.Document(str(docx_path)).paragraphs]
    assert t("nb", "rep.story.introduction") in text
    assert t("nb", "rep.story.introductions_joint", n="1") in text


def _story(url: str, page, box: _Mailbox) -> None:
    # A company keeps its own profile: a sentence more, a contact person; every panel shows the new text.
    _sign_in(page, url, "bedrift1")
    page.get_by_role("link", name="Vår profil").click()
    page.get_by_role("heading", name="Vår profil").wait_for()
    _settle(page)
    description = page.get_by_role("textbox", name="Beskrivelse")
    description.fill(description.input_value() + " " + PROFILE_ADDITION)
    page.get_by_role("textbox", name="Navn").first.fill("Ingrid Hansen")
    page.get_by_role("textbox", name="Rolle").first.fill("daglig leder")
    page.get_by_role("textbox", name="E-post").first.fill("ingrid@innherred-hydrogen.example.org")
    page.get_by_role("textbox", name="Telefon").first.fill("+47 900 00 001")
    page.get_by_role("button", name="Lagre profilen").click()
    page.get_by_text("Profilen er lagret").wait_for(timeout=SLOW)
    _settle(page)
    _no_exception(page)
    current = page.locator('[data-testid="stMainBlockContainer"]')
    assert current.get_by_text(PROFILE_ADDITION, exact=False).count() >= 1  # the profile panel, not only the box
    assert page.get_by_text("Ingrid Hansen (daglig leder)").count() == 1
    _shot(page, "story_1_own_profile_nb.png")

    # ... and submits an idea.
    page.get_by_role("link", name="Send inn en idé").click()
    page.get_by_role("heading", name="Send inn en prosjektidé").wait_for()
    page.get_by_role("textbox", name="Kontaktperson").fill("Kari Nordmann, kari@example.no")
    page.get_by_role("textbox", name="Tittel på idéen").fill(STORY_IDEA)
    page.get_by_role("textbox", name="Idéen med egne ord").fill(STORY_TEXT)
    page.get_by_role("button", name="Send inn idéen").click()
    page.get_by_text("Takk! Idé nr. 1").wait_for(timeout=SLOW)
    _settle(page)
    _shot(page, "story_2_receipt_nb.png")
    _sign_out(page)

    # The adviser signs in, reloads and stays signed in; works in English from here.
    _sign_in(page, url, "radgiver")
    page.reload()
    page.get_by_text("Logget inn som radgiver").wait_for(timeout=60_000)
    assert page.get_by_role("button", name="Logg inn").count() == 0
    _language(page, "English")

    # Opens the idea from its link (a new load of the page: the cookie signs in).
    page.goto(f"{url}/innboks?idea=1")
    page.get_by_role("heading", name=f"#1 · {STORY_IDEA}").wait_for(timeout=60_000)
    _settle(page)
    _no_exception(page)
    _shot(page, "story_3_idea_from_link_en.png")

    # Introduces the company to the first suggestion, by mail through the local SMTP server.
    page.get_by_role("button", name="Introduce").first.click()
    page.get_by_text("Introduction proposed").wait_for(timeout=SLOW)
    _settle(page)
    page.get_by_role("button", name="Send now").click()
    page.get_by_text("The e-mail was sent to").wait_for(timeout=60_000)
    _settle(page)
    _no_exception(page)
    assert len(box.messages) == 1
    recipients, mail = box.messages[0]
    partner_address = next(r for r in recipients if r.startswith("post@"))
    assert {"kari@example.no", "ingrid@innherred-hydrogen.example.org"} <= set(recipients)
    assert mail["Subject"].startswith("Introduction: Innherred Hydrogen AS and ")
    body = mail.get_content()
    assert "Dear Kari Nordmann, Ingrid Hansen and Kontakt " in body
    assert "Why " in body and "Contact persons:" in body and partner_address in body
    assert "dieselaggregatene" not in body  # the idea was submitted as confidential: the mail does not quote it

    # Moves the introduction on to "joint project".
    card = page.locator('[data-testid="stForm"]').filter(
        has=page.get_by_role("combobox", name="Introduction status")).first
    card.get_by_role("combobox", name="Introduction status").click()
    page.keyboard.type("joint project")
    page.keyboard.press("Enter")
    card.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text(": joint project.").wait_for(timeout=SLOW)
    _settle(page)
    _no_exception(page)
    _shot(page, "story_4_introduced_en.png")

    # The year's count, as the annual report will have it.
    page.get_by_role("tab", name="Introductions").click()
    page.get_by_text(f"In {date.today().year}: 1 introduction made, and 1 of them became a joint project.").wait_for()
    _shot(page, "story_5_introductions_en.png")
    _sign_out(page)

    # The company sees what came of it, with the partner's contact now that they are introduced. It
    # follows the adviser's link to the idea: the inbox is not a company's page, its own idea is.
    _language(page, "Norsk")
    _sign_in(page, url, "bedrift1")
    page.goto(f"{url}/innboks?idea=1")
    page.get_by_text("Denne siden er for klyngens rådgivere").wait_for(timeout=60_000)
    page.get_by_role("link", name="Åpne idé nr. 1 under Mine idéer").click()
    page.get_by_role("heading", name="Mine idéer").wait_for()
    page.get_by_text("felles prosjekt").first.wait_for(timeout=60_000)
    page.get_by_text(partner_address).wait_for()  # the link opened the idea
    _settle(page)
    _no_exception(page)
    _shot(page, "story_6_my_ideas_nb.png")
    _language(page, "English")  # the link's idea stays open
    page.get_by_text("have met").first.wait_for()
    _settle(page)
    _shot(page, "story_7_my_ideas_en.png")


# Buttons and choices whose label is wider than the room they got: Streamlit cuts them ("Annual repor…")
# or lets them run out of their column ("One organisati"), and the reader cannot tell them apart.
_CUT_OFF = """() => {
  const out = [];
  const controls = '[data-testid="stButtonGroup"], [data-testid="stDownloadButton"] button';
  for (const el of document.querySelectorAll(controls)) {
    const box = el.getBoundingClientRect();
    const column = el.closest('[data-testid="stColumn"]');
    const room = column ? Math.min(box.right, column.getBoundingClientRect().right) : box.right;
    const cut = [el, ...el.querySelectorAll('*')].some(
      e => (e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1) || e.getBoundingClientRect().right > room + 1);
    if (cut) out.push(el.innerText.replace(/\\s+/g, ' ').trim());
  }
  return out;
}"""


@pytest.mark.parametrize("width", [1440, 1280])
def test_browser_network_controls_are_not_cut_off_in_either_language(server, page, width):
    url, _ = server
    page.set_viewport_size({"width": width, "height": 1000})
    _sign_in(page, url, "radgiver")
    for language, heading in (("Norsk", "Nøkkeltall"), ("English", "Key figures")):
        _language(page, language)
        page.goto(f"{url}/nettverk")
        page.get_by_text(heading).first.wait_for(timeout=SLOW)
        _settle(page)
        _no_exception(page)
        assert page.evaluate(_CUT_OFF) == [], (language, width)
