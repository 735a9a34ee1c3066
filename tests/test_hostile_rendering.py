"""Hostile names wherever they are shown: the app's Markdown, the drawings, the PDF report, the mail.

Names, titles and descriptions come from users and imported files. Each output kind has one
helper that makes them literal text: ``app_pages.common.md`` (Streamlit Markdown),
``graph.glyphs.drawable`` (DejaVu Sans in drawings and the PDF, after the PDF's XML escape), and
the mail's one-line headers (``data.introductions``). The app's case is checked in the real
browser: Debian's Chromium draws what Streamlit makes of ``md()``, and every request it makes is
recorded (none may leave the app's origin). Skips without Chromium; never downloads a browser.
"""

from __future__ import annotations

import email
import email.policy
import json
import os
import shutil
import subprocess
import sys
import urllib.parse
from datetime import date
from pathlib import Path

import pytest
from app_server import free_port, wait_healthy

from data.contacts import replace_contacts
from data.introductions import propose, send_introduction
from data.models import Contact, Organisation, Participation, Project, Viewer
from data.settings import Settings
from data.store import PartnerStore

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("SAMSPILL_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

#: Names that are valid data and markup somewhere: each must be drawn as these very characters.
MARKUP_NAMES = {
    "md_link": "**Bold** [click](javascript:alert(1))",
    "html": "<img src=x onerror=alert(1)>",
    "latex": "$x^2$ and $$y$$",
    "colour": ":red[Rødt] AS",
    "background": ":blue-background[blå] AS",
    "icon": ":material/home: Hjem AS",
    "shortcode": ":smile: Smil AS",
    "entity": "&lt;b&gt; &amp; &#x41; AS",
    "list": "- 1. + Liste AS",
    "ordered": "1. Første AS",
    "quote": "> sitat AS",
    "code": "`code` ```x```",
    "table": "a | b | c",
    "strike": "~~strike~~ ~x~",
    "emphasis": "_i_ __b__",
    "comment": "<!-- x --> AS",
    "footnote": "[^1] AS",
    "image": "![x](javascript:alert(1))",
    "backslash": "C:\\Users\\x \\* AS",
    "hash": "#1 AS",
    "rule": "---",
    "tab": "\tTab AS",
    "long": "Lang" * 125,
}
#: What the reader sees of a name with no visible character: its code points, not nothing.
INVISIBLE_NAMES = {"zwj": ("\u200d", "U+200D"), "spaces": ("   ", "U+0020 U+0020 U+0020")}
#: Markup the reader must not see drawn from a name: links, pictures, formulas, colours, icons, blocks.
DRAWN_MARKUP = ("a, img, svg, .katex, [data-testid=stIconMaterial], .stMarkdownColoredText, "
                ".stMarkdownColoredBackground, h1, h2, h3, h4, h5, h6, li, hr, code, pre, blockquote, table, del, em")

SCRIPT = """
import json, sys
sys.path.insert(0, {root!r})
import streamlit as st
from app_pages.common import md
names = json.loads({names!r})
for key, name in names.items():
    with st.container(key=f"md_{{key}}"):
        st.markdown(md(name))
    with st.container(key=f"bold_{{key}}"):
        st.markdown(f"**{{md(name)}}** · Bedrift · Trøndelag")
    with st.container(key=f"label_{{key}}"):
        with st.expander(md(name)):
            st.write("")
        st.button(md(name), key=f"button_{{key}}")
        st.success(md(name))
        st.caption(md(name))
with st.container(key="rtl"):
    st.markdown(f"**{{md(chr(0x202E) + 'Fisk AS')}}** · Bedrift · Trøndelag")
with st.container(key="rtl_closed"):
    st.markdown(f"**{{md(chr(0x2069) + chr(0x202E) + 'Fisk AS')}}** · Bedrift · Trøndelag")
st.markdown("done")
"""


@pytest.fixture(scope="module")
def hostile_page(tmp_path_factory):
    """Chromium on a Streamlit page that draws every hostile name through ``md()`` in each kind of element."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM}: install Debian's chromium (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (python) is not installed")
    work = tmp_path_factory.mktemp("hostile-rendering")
    script = work / "names.py"
    names = MARKUP_NAMES | {k: v for k, (v, _) in INVISIBLE_NAMES.items()}
    script.write_text(SCRIPT.format(root=str(ROOT), names=json.dumps(names)), encoding="utf-8")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = work / "streamlit.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"], cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_healthy(url, proc, log)
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            requested: list[str] = []
            page.on("request", lambda request: requested.append(request.url))
            page.goto(url)
            page.get_by_text("done", exact=True).wait_for(timeout=120_000)
            # Settled as the browser story waits (tests/test_app_browser.py): the run over, the page quiet.
            page.wait_for_load_state("networkidle")
            page.locator('[data-testid="stStatusWidget"]').wait_for(state="detached", timeout=120_000)
            page.wait_for_timeout(800)
            yield page, url, requested
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _shown(page, key: str) -> tuple[str, list[str]]:
    """The text a reader sees in the container ``key`` (direction isolates aside), and the markup drawn in it."""
    return page.locator(f".st-key-{key}").evaluate(
        """(e, markup) => {
            const clone = e.cloneNode(true);
            clone.querySelectorAll('[data-testid=stExpanderIcon], [data-testid=stIconMaterial]').forEach(
                x => { if (!x.closest('[data-testid=stMarkdownContainer]')) x.remove(); });
            return [clone.innerText.replace(/[\\u2068\\u2069]/g, ''),
                    [...e.querySelectorAll(markup)].filter(x => x.closest('[data-testid=stMarkdownContainer]'))
                        .map(x => x.outerHTML.slice(0, 80))];
        }""", DRAWN_MARKUP)


def _words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.browser
@pytest.mark.parametrize("key", list(MARKUP_NAMES))
def test_a_name_with_markup_is_drawn_as_its_own_characters(hostile_page, key):
    page, _, _ = hostile_page
    name = _words(MARKUP_NAMES[key])
    text, markup = _shown(page, f"md_{key}")
    assert (_words(text), markup) == (name, [])
    text, markup = _shown(page, f"bold_{key}")
    assert (_words(text), markup) == (f"{name} · Bedrift · Trøndelag", [])
    text, markup = _shown(page, f"label_{key}")  # expander label, button, message, caption
    assert ("".join(text.split()), markup) == ("".join(name.split()) * 4, [])


@pytest.mark.browser
@pytest.mark.parametrize("key", list(INVISIBLE_NAMES))
def test_a_name_of_nothing_visible_is_shown_by_its_code_points(hostile_page, key):
    page, _, _ = hostile_page
    text, _ = _shown(page, f"bold_{key}")
    assert _words(text) == f"{INVISIBLE_NAMES[key][1]} · Bedrift · Trøndelag"


@pytest.mark.browser
@pytest.mark.parametrize("key", ["rtl", "rtl_closed"])
def test_a_right_to_left_override_in_a_name_does_not_turn_the_rest_of_the_line(hostile_page, key):
    """Drawn, the words after the name stay to its right and in their order (they were reversed)."""
    page, _, _ = hostile_page
    positions = page.locator(f".st-key-{key} p").evaluate(
        """p => {
            const strong = p.querySelector('strong').getBoundingClientRect();
            const rest = document.createRange();
            rest.selectNodeContents(p.lastChild);
            const words = [...p.lastChild.textContent.matchAll(/\\S+/g)].map(m => {
                const r = document.createRange();
                r.setStart(p.lastChild, m.index); r.setEnd(p.lastChild, m.index + m[0].length);
                return r.getBoundingClientRect().left;
            });
            return {nameRight: strong.right, restLeft: rest.getBoundingClientRect().left, words};
        }""")
    assert positions["restLeft"] >= positions["nameRight"] - 1, positions
    assert positions["words"] == sorted(positions["words"]), positions


@pytest.mark.browser
def test_hostile_names_ask_nothing_of_another_server(hostile_page):
    page, url, requested = hostile_page
    own = urllib.parse.urlsplit(url)
    foreign = [r for r in requested if urllib.parse.urlsplit(r).scheme not in ("data", "blob", "about")
               and urllib.parse.urlsplit(r).netloc != own.netloc]
    assert foreign == []


# -- drawings and the PDF report -------------------------------------------------------------------

REPORT_NAMES = {
    "img": '<img src="/etc/passwd"/> Bilde AS',
    "font": '<font color="red" size="40">Rød</font> AS',
    "link": '<a href="javascript:alert(1)">Lenke</a> AS',
    "entity": "Fisk &amp; Vilt &nbsp; &lt;b&gt; AS",
    "para": "<para><greek>a</greek> <super>2</super> AS",
    "emoji": "Laks 🐟 AS ✓",
    "han": "中文 公司",
    "plain": "Verdal Stålmontasje AS",
}
#: How a name comes out: an emoji set in Noto Emoji (and copied as itself), what no face has written out.
REPORT_SHOWN = REPORT_NAMES | {"han": "U+4E2D U+6587 U+516C U+53F8"}


def _report_records():
    ids = list(REPORT_NAMES)
    orgs = [Organisation(i, REPORT_NAMES[i], ("company", "research", "public")[n % 3], country="NO")
            for n, i in enumerate(ids)]
    projects, parts = [], []
    for year in range(2015, 2019):
        for n in range(len(ids)):
            pid = f"p{year}-{n}"
            projects.append(Project(pid, f"Prosjekt {year}-{n}", start_year=year, budget_nok=1e6))
            parts += [Participation(pid, ids[n]), Participation(pid, ids[n - 1]), Participation(pid, ids[n - 3])]
    return orgs, projects, parts


def test_the_pdf_report_shows_markup_in_names_as_text_and_reads_no_file(tmp_path):
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    from graph.cluster import load_cluster
    from graph.report import build_report, write_pdf

    report = build_report(*_report_records(), year=2018, lang="nb",
                          cluster=load_cluster(ROOT / "data" / "sample" / "cluster.toml"))
    opened: list[str] = []

    def audit(event, args):
        if event == "open" and isinstance(args[0], str) and args[0].startswith("/etc/"):
            opened.append(args[0])

    sys.addaudithook(audit)
    write_pdf(report, tmp_path / "r.pdf")
    text = _words(subprocess.run(["pdftotext", str(tmp_path / "r.pdf"), "-"], capture_output=True, text=True,
                                 check=True).stdout)
    assert opened == []
    missing = {k: v for k, v in REPORT_SHOWN.items() if v not in text}
    assert missing == {}
    assert b"NotoEmoji" in (tmp_path / "r.pdf").read_bytes()  # the fish is drawn, not only named


def test_a_drawing_draws_every_character_of_a_label_or_writes_it_out():
    """No label is an empty box: the emoji is drawn (Noto Emoji), the Chinese name written out."""
    import warnings

    import networkx as nx
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from graph.draw import draw_network
    from graph.layout import stable_layout

    G = nx.Graph()
    for i, name in enumerate(("Laks 🐟 AS", "中文 公司", "Verdal AS")):
        G.add_node(f"o{i}", name=name, kind="company")
    G.add_edges_from([("o0", "o1", {"weight": 2}), ("o1", "o2", {"weight": 1})])
    fig = Figure()
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    draw_network(G, stable_layout(G), ax=ax, labels=3)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.canvas.draw()
    assert {t.get_text().replace("\n", " ") for t in ax.texts} >= {"Laks 🐟 AS", "U+4E2D U+6587 U+516C U+53F8"}
    assert [str(w.message) for w in caught if "missing from font" in str(w.message)] == []


# -- the mail --------------------------------------------------------------------------------------


INJECTED = "Fjord AS\r\nBcc: victim@evil.example.org\r\nX-Evil: 1\n\nbody"


def test_a_line_break_in_a_name_adds_no_header_or_recipient_to_the_mail(tmp_path, smtp_server):
    box, port = smtp_server
    with PartnerStore(tmp_path / "mail.duckdb") as store:
        store.upsert([Organisation("fjord", INJECTED, kind="company"),
                      Organisation("sintef", "SINTEF\u2028Cc: other@evil.example.org", kind="research")])
        with store.write() as cur:
            replace_contacts(cur, {"fjord": [Contact("Ola\r\nBcc: x@evil.example.org", email="ola@fjord.example.org")],
                                   "sintef": [Contact("Siri", email="siri@sintef.example.org")]})
        intro = propose(store, Viewer("kari", "adviser"), org_id="sintef", company_org_id="fjord")
        settings = Settings(smtp_host="127.0.0.1", smtp_port=port, smtp_security="none",
                            smtp_from="radgiver@klynge.example.org")
        send_introduction(store, Viewer("kari", "adviser"), intro.intro_id, lang="en", settings=settings,
                          today=date.today())
    (_, recipients, content), = box.messages
    assert recipients == ["ola@fjord.example.org", "siri@sintef.example.org"]
    message = email.message_from_bytes(content, policy=email.policy.default)
    assert [k for k in message.keys() if k.lower() in ("bcc", "cc", "x-evil")] == []
    assert message["Subject"] == "Introduction: Fjord AS Bcc: victim@evil.example.org X-Evil: 1 body and " \
                                 "SINTEF Cc: other@evil.example.org"
    assert "victim@evil.example.org" in message.get_content()  # the name is in the body, as text


# -- the app's pages ---------------------------------------------------------------------------------

#: One name that is markup of every kind Streamlit draws, with a right-to-left override.
APP_NAME = ":red[Rødt] :material/home: &lt;b&gt; $x$ **fet** [lenke](https://evil.example.org) \u202eFisk AS"


def _drawn(at) -> list[str]:
    """Every text the page hands Streamlit's Markdown: bodies, captions, messages, headings and labels."""
    values = [str(e.value) for kind in ("title", "header", "subheader", "markdown", "caption", "info", "success",
                                        "warning", "error", "toast") for e in getattr(at, kind)]
    values += [e.label for kind in ("expander", "button", "tabs") for e in getattr(at, kind)]
    return values


def test_the_pages_draw_a_hostile_name_only_through_md(sample_db_file, tmp_path, monkeypatch):
    """An organisation's page quotes its name and description escaped wherever it shows them, never raw."""
    from dataclasses import replace

    from test_app import goto, ok, sign_in

    from app_pages.common import md

    db = tmp_path / "app.duckdb"
    shutil.copy(sample_db_file, db)
    monkeypatch.setenv("SAMSPILL_DB", str(db))
    monkeypatch.delenv("SAMSPILL_MODEL", raising=False)
    with PartnerStore(db) as store:
        store.update_organisation(replace(store.organisation("sintef"), name=APP_NAME,
                                          description=f"{APP_NAME}\n===\n- punkt\n1. punkt"))
    at = sign_in("radgiver")
    at.query_params["org"] = "sintef"
    goto(at, "organisations")
    drawn = _drawn(at)
    assert any(md(APP_NAME) in v for v in drawn)
    raw = (":material/home:", " &lt;", "\n===", "\n- punkt", "\n1. punkt")  # what Markdown would turn into markup
    assert [v for v in drawn if "Rødt" in v and any(r in v for r in raw)] == []
    ok(at)
