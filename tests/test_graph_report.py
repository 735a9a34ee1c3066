"""graph.report: the annual report as PDF (rendered to PNG pages) and self-contained HTML."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from data.models import Organisation, Participation, Project
from data.text import STRINGS, check_languages, format_number, t
from graph.report import Chart, Table, build_report, render_html, write_pdf, write_report

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "tests" / "artifacts"  # git-ignored; PNG pages to look at by eye
TODAY = dt.date(2026, 1, 15)

HOSTILE = {
    "a": "<script>alert(1)</script>",
    "b": 'Fisk "og" Co\'s',
    "c": "Blåbær Ærlig Øst 🐟 AS",
    "d": "Cash $x$ & <b>Tech</b>",
    "e": "=SUM(A1:A2)",
    "f": "Bell\x07Co",
}


def records():
    """2016: a b | 2017: b c d | 2018: c e f (1.5 MNOK) and a e (0.5 MNOK)."""
    kinds = {"a": "company", "b": "research", "c": "", "d": "support", "e": "company", "f": "public"}
    orgs = [Organisation(k, v, kinds[k]) for k, v in HOSTILE.items()]
    projects = [
        Project("p1", "Hydrogen ferries", start_year=2016),
        Project("p2", "Salmon sensors", start_year=2017, budget_nok=1e6),
        Project("p3", "Wind blades", start_year=2018, budget_nok=1.5e6),
        Project("p4", "Green steel", start_year=2018, budget_nok=0.5e6),
    ]
    parts = [Participation("p1", x) for x in "ab"] + [Participation("p2", x) for x in "bcd"]
    parts += [Participation("p3", x) for x in "cef"] + [Participation("p4", x) for x in "ae"]
    return orgs, projects, parts


def headline(report) -> dict[str, tuple[str, str, str]]:
    table = next(b for b in report.blocks if isinstance(b, Table))
    return {row[0]: row[1:] for row in table.rows}


def test_languages_have_the_same_strings():
    check_languages()
    assert STRINGS["nb"].keys() == STRINGS["en"].keys()


def test_headline_figures_against_the_previous_year():
    report = build_report(*records(), year=2018, lang="en", today=TODAY)
    assert report.title == "Collaboration in the cluster, 2018"
    assert report.subtitle == "Annual report from Samspill, made 2026-01-15"
    rows = headline(report)
    assert rows[t("en", "report.h.organisations")] == ("3", "4", "+1")  # b c d -> a c e f
    assert rows[t("en", "report.h.projects")] == ("1", "2", "+1")
    assert rows[t("en", "report.h.new_organisations")] == ("2", "2", "+0")
    assert rows[t("en", "report.h.ties")] == ("3", "4", "+1")  # bc bd cd -> ce cf ef ae
    assert rows[t("en", "report.h.new_ties")] == ("3", "4", "+1")
    assert rows[t("en", "report.h.network_nodes")] == ("4", "6", "+2")
    assert rows[t("en", "report.h.network_edges")] == ("4", "8", "+4")
    assert rows[t("en", "report.h.budget")] == ("1,000,000", "2,000,000", "+1,000,000")
    assert rows[t("en", "report.h.components")] == ("1", "1", "+0")


def test_first_year_has_no_previous_year():
    rows = headline(build_report(*records(), year=2016, lang="nb", today=TODAY))
    assert rows[t("nb", "report.h.organisations")] == ("–", "2", "–")


def test_norwegian_numbers():
    assert format_number(1234567.5, "nb", decimals=1) == "1\u00a0234\u00a0567,5"
    assert format_number(-3, "nb", signed=True) == "−3"
    rows = headline(build_report(*records(), year=2018, today=TODAY))
    assert rows[t("nb", "report.h.budget")] == ("1\u00a0000\u00a0000", "2\u00a0000\u00a0000", "+1\u00a0000\u00a0000")


@pytest.mark.parametrize(("kwargs", "message"), [({"year": 2030}, "no data for 2030"), ({"year": 2018, "lang": "de"},
                                                                                      "unknown language")])
def test_bad_report_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        build_report(*records(), **kwargs)


def test_report_format_from_extension(tmp_path):
    report = build_report(*records(), year=2018, today=TODAY)
    with pytest.raises(ValueError, match="use .pdf or .html"):
        write_report(report, tmp_path / "r.docx")


# -- HTML ----------------------------------------------------------------------------------------


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def test_html_is_self_contained_and_escaped(tmp_path):
    report = build_report(*records(), year=2018, lang="en", today=TODAY)
    path = tmp_path / "report.html"
    assert write_report(report, path) == "html"
    raw = path.read_text(encoding="utf-8")
    assert raw.startswith("<!DOCTYPE html>") and '<html lang="en">' in raw
    assert "<script" not in raw.lower() and "&lt;script&gt;alert(1)&lt;/script&gt;" in raw
    assert "&lt;b&gt;Tech&lt;/b&gt;" in raw and "Cash $x$ &amp;" in raw
    assert "Content-Security-Policy" in raw
    parsed = _Collect()
    parsed.feed(raw)
    for tag, attrs in parsed.tags:
        for name in ("src", "href"):
            assert not re.match(r"(https?:)?//", attrs.get(name) or ""), (tag, attrs)
    images = [attrs for tag, attrs in parsed.tags if tag == "img"]
    assert len(images) == sum(isinstance(b, Chart) for b in report.blocks) == 2
    assert all(a["src"].startswith("data:image/png;base64,") for a in images)
    text = "".join(parsed.text)
    for name in ("<script>alert(1)</script>", 'Fisk "og" Co\'s', "Blåbær Ærlig Øst 🐟 AS", "BellCo"):
        assert name in text  # intact once unescaped
    assert "\x07" not in raw


def test_html_in_norwegian(tmp_path):
    raw = render_html(build_report(*records(), year=2018, today=TODAY))
    assert '<html lang="nb">' in raw and "Nøkkeltall" in raw and "Samarbeid i klyngen 2018" in raw


# -- PDF, turned into pictures -------------------------------------------------------------------


def render_pages(pdf: Path, out: Path, *, dpi: int = 50) -> list[Path]:
    """The PDF's pages as PNG files (poppler's pdftoppm, else pypdfium2)."""
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(out / "page")], check=True)
        return sorted(out.glob("page-*.png"))
    pdfium = pytest.importorskip("pypdfium2", reason="needs poppler-utils (pdftoppm) or pypdfium2 to render PDFs")
    pages = []
    for i, page in enumerate(pdfium.PdfDocument(str(pdf)), start=1):
        path = out / f"page-{i}.png"
        page.render(scale=dpi / 72).to_pil().save(path)
        pages.append(path)
    return pages


def pdf_text(pdf: Path) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("needs poppler-utils (pdftotext) to read the PDF's text")
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout


def keep_for_eyes(pages: list[Path], name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for page in pages:
        shutil.copy(page, ARTIFACTS / f"{name}-{page.name}")


def assert_not_blank(page: Path) -> None:
    with Image.open(page) as image:
        colours = image.convert("L").getcolors(maxcolors=1 << 16)
    assert colours and len(colours) > 8, f"{page.name} looks blank"


def test_pdf_pages_render(tmp_path):
    report = build_report(*records(), year=2018, lang="en", today=TODAY)
    pdf = tmp_path / "report.pdf"
    pages_written = write_pdf(report, pdf)
    pages = render_pages(pdf, tmp_path)
    assert len(pages) == pages_written >= 2
    for page in pages:
        assert_not_blank(page)
        with Image.open(page) as image:
            assert abs(image.width / image.height - 8.27 / 11.69) < 0.01  # A4 portrait
    keep_for_eyes(pages, "report-en")
    text = pdf_text(pdf)
    assert "Collaboration in the cluster, 2018" in text and "Headline figures" in text
    assert f"Page 1 of {pages_written}" in text
    for name in ("<script>alert(1)</script>", "Blåbær Ærlig", "Cash $x$ & <b>Tech</b>"):
        assert name in text  # drawn as text, not as markup or maths


# -- the bundled sample cluster: a Norwegian smoke test ------------------------------------------


def test_sample_cluster_report_in_norwegian(tmp_path):
    sample = REPO / "data" / "sample"
    if not (sample / "projects.csv").exists():
        pytest.skip("the bundled sample cluster (data/sample) is not there yet")
    from data.importers import import_path
    from data.store import PartnerStore

    with PartnerStore(tmp_path / "sample.duckdb") as store:
        import_path(store, sample)
        orgs, projects, parts = store.organisations(), store.projects(), store.participations()
    year = max(p.start_year for p in projects if p.start_year)
    report = build_report(orgs, projects, parts, year=year, lang="nb", today=TODAY)
    pdf = tmp_path / "sample.pdf"
    pages = render_pages(pdf, tmp_path) if write_pdf(report, pdf) else []
    assert pages
    for page in pages:
        assert_not_blank(page)
    keep_for_eyes(pages, "sample-nb")
    text = pdf_text(pdf)
    assert f"Samarbeid i klyngen {year}" in text and "Nøkkeltall" in text and "Brobyggere" in text
    assert "SINTEF" in text


# -- CLI -----------------------------------------------------------------------------------------


@pytest.fixture
def db(tmp_path):
    from data.store import PartnerStore

    path = tmp_path / "cluster.duckdb"
    with PartnerStore(path) as store:
        store.upsert(*records())
    return path


def run_cli(*args):
    from samspill_cli import main

    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_cli_report(db, tmp_path):
    result = run_cli("--db", db, "report", "--year", 2017, "-o", tmp_path / "r" / "report.html", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "wrote html report for 2017" in result.output
    assert "Collaboration in the cluster, 2017" in (tmp_path / "r" / "report.html").read_text(encoding="utf-8")
    result = run_cli("--db", db, "report", "-o", tmp_path / "report.pdf")
    assert result.exit_code == 0 and "report for 2018" in result.output
    assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(("args", "message"), [(["-o", "r.docx"], "name it .pdf or .html"),
                                               (["--year", "1990", "-o", "r.pdf"], "no data for 1990")])
def test_cli_report_errors(db, tmp_path, args, message):
    args = [tmp_path / a if a.startswith("r.") else a for a in args]
    result = run_cli("--db", db, "report", *args)
    assert result.exit_code == 1 and message in result.output


# -- the real data set, as a size check ------------------------------------------------------------


@pytest.mark.shared_data
def test_h2020_report_renders(h2020_records, tmp_path):
    orgs, projects, parts = h2020_records
    report = build_report(orgs, projects, parts, year=2018, lang="en", today=TODAY)
    rows = headline(report)
    assert rows[t("en", "report.h.network_nodes")] == ("4,415", "5,470", "+1,055")
    pdf = tmp_path / "h2020.pdf"
    pages = render_pages(pdf, tmp_path) if write_pdf(report, pdf) else []
    assert 3 <= len(pages) <= 8
    for page in pages:
        assert_not_blank(page)
    keep_for_eyes(pages, "h2020-en")
