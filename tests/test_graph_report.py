"""graph.report: one content tree, rendered as PDF (read back and turned into pictures), Word and HTML."""

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

from data.introductions import IntroductionYear
from data.models import Organisation, Participation, Project
from data.text import STRINGS, check_languages, format_number, t
from graph.cluster import ClusterProfile, load_cluster
from graph.glyphs import drawable
from graph.report import (
    Bullets,
    Figure,
    Paragraph,
    Table,
    build_report,
    render_html,
    report_bytes,
    write_docx,
    write_pdf,
    write_report,
)

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "tests" / "artifacts"  # git-ignored; PNG pages to look at by eye
DOCS = REPO / "docs" / "img"
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
    """2016: a b | 2017: b c d | 2018: c e f (1.5 MNOK) and a e (0.5 MNOK) | 2020: b f."""
    kinds = {"a": "company", "b": "research", "c": "", "d": "support", "e": "company", "f": "public"}
    orgs = [Organisation(k, v, kinds[k]) for k, v in HOSTILE.items()]
    projects = [
        Project("p1", "Hydrogen ferries", start_year=2016),
        Project("p2", "Salmon sensors", start_year=2017, budget_nok=1e6),
        Project("p3", "Wind blades", start_year=2018, budget_nok=1.5e6),
        Project("p4", "Green steel", start_year=2018, budget_nok=0.5e6),
        Project("p5", "Later work", start_year=2020),
    ]
    parts = [Participation("p1", x) for x in "ab"] + [Participation("p2", x) for x in "bcd"]
    parts += [Participation("p3", x) for x in "cef"] + [Participation("p4", x) for x in "ae"]
    parts += [Participation("p5", x) for x in "bf"]
    return orgs, projects, parts


def headline(report) -> dict[str, tuple[str, str, str]]:
    table = next(b for s in report.sections for b in s.blocks if isinstance(b, Table))
    return {row[0].text: tuple(c.text for c in row[1:]) for row in table.rows}


def content_texts(report) -> list[str]:
    """Every text of the content tree a reader should find in each rendering."""
    out = [report.kicker, report.title, report.subtitle]
    for section in report.all_sections:
        out.append(section.title)
        for block in section.blocks:
            if isinstance(block, Paragraph):
                out.append(block.text)
            elif isinstance(block, Bullets):
                out += block.items
            elif isinstance(block, Table):
                for cell in (*block.columns, *(c for row in block.rows for c in row)):
                    out += [cell.text, cell.note]
            elif isinstance(block, Figure):
                out.append(block.caption)
    return [x for x in out if x.strip()]


def squeeze(text: str) -> str:
    """Text without any whitespace: a name wrapped over two lines of a cell is still the name."""
    return "".join(text.split())


def pdf_text(pdf: Path) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("needs poppler-utils (pdftotext) to read the PDF's text")
    # -raw keeps the order the PDF draws in: cell after cell, line after line.
    return subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout


def docx_text(path: Path) -> str:
    import docx

    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def missing(texts: list[str], rendered: str, *, drop: str = "") -> list[str]:
    """The texts not found whole in ``rendered`` (whitespace aside; characters in ``drop`` ignored)."""
    haystack = squeeze(rendered)
    out = []
    for text in texts:
        needle = squeeze("".join(ch for ch in text if ch not in drop))
        if needle and needle not in haystack:
            out.append(text)
    return out


# -- content ---------------------------------------------------------------------------------------


def test_languages_have_the_same_strings():
    check_languages()
    assert STRINGS["nb"].keys() == STRINGS["en"].keys()


def test_headline_figures_against_the_previous_year():
    report = build_report(*records(), year=2018, lang="en", today=TODAY)
    assert report.title == "Collaboration in the cluster, 2018"
    assert report.subtitle == "Annual report on collaboration in the network, made 2026-01-15 with Samspill"
    rows = headline(report)
    assert rows[t("en", "rep.m.organisations")] == ("3", "4", "+1")  # b c d -> a c e f
    assert rows[t("en", "rep.m.projects")] == ("1", "2", "+1")
    assert rows[t("en", "rep.m.new_organisations")] == ("2", "2", "+0")
    assert rows[t("en", "rep.m.ties")] == ("3", "4", "+1")  # bc bd cd -> ce cf ef ae
    assert rows[t("en", "rep.m.new_ties")] == ("3", "4", "+1")
    assert rows[t("en", "rep.m.network_nodes", year=2018)] == ("4", "6", "+2")
    assert rows[t("en", "rep.m.network_edges", year=2018)] == ("4", "8", "+4")
    assert rows[t("en", "rep.m.budget")] == ("1,000,000", "2,000,000", "+1,000,000")
    assert rows[t("en", "rep.m.components")] == ("1", "1", "+0")


def test_every_measure_has_one_line_of_explanation():
    report = build_report(*records(), year=2018, lang="nb", today=TODAY)
    table = next(b for s in report.sections for b in s.blocks if isinstance(b, Table))
    for row in table.rows:
        assert row[0].note and row[0].note.endswith(".") and "\n" not in row[0].note, row[0]


def test_facts_as_of_the_year():
    # p5 starts in 2020: the 2018 report neither counts it nor knows b and f worked together.
    report = build_report(*records(), year=2018, lang="en", today=TODAY)
    source = next(b.text for s in report.sections for b in s.blocks if isinstance(b, Paragraph))
    assert source.startswith("The figures cover the 4 projects in Samspill that started from 2016 up to and including")
    assert "Later work" not in " ".join(content_texts(report))
    new_ties = next(s for s in report.sections if s.title == t("en", "rep.new_ties", year=2018))
    pairs = [row[0].text for b in new_ties.blocks if isinstance(b, Table) for row in b.rows]
    assert pairs and f"{HOSTILE['b']} — BellCo" not in pairs  # they first work together in 2020


def test_first_year_has_no_previous_year():
    rows = headline(build_report(*records(), year=2016, lang="nb", today=TODAY))
    assert rows[t("nb", "rep.m.organisations")] == ("–", "2", "–")


def test_norwegian_numbers():
    assert format_number(1234567.5, "nb", decimals=1) == "1\u00a0234\u00a0567,5"
    rows = headline(build_report(*records(), year=2018, today=TODAY))
    assert rows[t("nb", "rep.m.budget")] == ("1\u00a0000\u00a0000", "2\u00a0000\u00a0000", "+1\u00a0000\u00a0000")


def test_the_story_tells_the_year_from_its_figures():
    report = build_report(*records(), year=2018, lang="en", today=TODAY)
    story = [b.text for b in report.story.blocks]
    assert story[0] == ("In 2018, 2 new projects started with 4 organisations taking part, against 1 project "
                        "with 3 organisations in 2017.")
    assert story[1].startswith("The network now counts 6 organisations and 8 collaborative ties: 2 more")
    assert any(s.startswith("2 organisations took part in a project for the first time") for s in story)
    assert any("“Wind blades” with 3 organisations" in s for s in story)  # the largest new collaboration
    assert any("crossed kinds of organisation" in s for s in story)
    assert not any("introductions" in s for s in story)  # not told unless known


def test_the_story_says_how_many_introductions_were_made_and_became_joint_projects():
    story = build_report(*records(), year=2018, lang="nb", today=TODAY,
                         introductions=IntroductionYear(2018, 7, 2, 1)).story
    lines = [b.text for b in story.blocks]
    assert t("nb", "rep.story.introductions", n="7") in lines
    assert t("nb", "rep.story.introductions_joint", n="2") in lines
    one = build_report(*records(), year=2018, lang="en", today=TODAY, introductions=IntroductionYear(2018, 1, 0, 0))
    lines = [b.text for b in one.story.blocks]
    assert t("en", "rep.story.introduction") in lines
    assert not any("joint projects have" in line.lower() for line in lines)
    silent = build_report(*records(), year=2018, lang="en", today=TODAY)
    assert not any("introduction" in b.text for b in silent.story.blocks)
    with pytest.raises(ValueError, match="the introductions are those of 2017, not of 2018"):
        build_report(*records(), year=2018, introductions=IntroductionYear(2017, 3, 0, 0))


def test_members_gone_quiet_are_internal_and_off_by_default():
    public = build_report(*records(), year=2018, lang="en", today=TODAY)
    assert not any(s.internal for s in public.sections)
    internal = build_report(*records(), year=2019, lang="en", today=TODAY, internal=True)
    appendix = internal.sections[-1]
    assert appendix.internal and appendix.title == t("en", "rep.quiet")
    table = next(b for b in appendix.blocks if isinstance(b, Table))
    # b and d were last active in 2017; b had two projects before, and is back in 2020.
    assert [[c.text for c in row] for row in table.rows] == [
        [HOSTILE["b"], "research", "2", "2017", t("en", "rep.quiet_back")],
        [HOSTILE["d"], "support", "1", "2017", ""],
    ]


def test_quiet_members_come_most_active_first():
    orgs = [Organisation(x, x.upper()) for x in "abcdz"]
    projects = [Project(f"p{i}", "P", start_year=y) for i, y in enumerate((2016, 2016, 2016, 2018, 2018))]
    parts = [Participation("p0", "a"), Participation("p0", "b"), Participation("p1", "b"), Participation("p1", "c"),
             Participation("p2", "b"), Participation("p2", "a"), Participation("p3", "d"), Participation("p3", "z"),
             Participation("p4", "d"), Participation("p4", "z")]
    report = build_report(orgs, projects, parts, year=2018, lang="en", today=TODAY, internal=True)
    table = next(b for b in report.sections[-1].blocks if isinstance(b, Table))
    assert [row[0].text for row in table.rows] == ["B", "A", "C"]  # 3, 2 and 1 projects before


@pytest.mark.parametrize(("kwargs", "message"), [({"year": 2030}, "no data for 2030"), ({"year": 2018, "lang": "de"},
                                                                                      "unknown language")])
def test_bad_report_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        build_report(*records(), **kwargs)


def test_report_format_from_extension(tmp_path):
    report = build_report(*records(), year=2018, today=TODAY)
    with pytest.raises(ValueError, match=r"name it .pdf, .docx or .html"):
        write_report(report, tmp_path / "r.odt")


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


def test_html_is_self_contained_escaped_and_complete(tmp_path):
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
    figures = sum(isinstance(b, Figure) for s in report.all_sections for b in s.blocks)
    assert len(images) == figures >= 2
    assert all(a["src"].startswith("data:image/png;base64,") for a in images)
    assert not missing(content_texts(report), "".join(parsed.text))
    assert "\x07" not in raw


def test_html_carries_the_clusters_name_logo_and_colours():
    cluster = load_cluster(REPO / "data" / "sample" / "cluster.toml")
    raw = render_html(build_report(*records(), year=2018, today=TODAY, cluster=cluster))
    assert '<html lang="nb">' in raw and "Nøkkeltall" in raw and "Samarbeid i klyngen 2018" in raw
    assert "Industrinavet i Trøndelag" in raw and cluster.primary in raw
    assert 'src="data:image/png;base64,' in raw.split("</header>")[0]  # the logo, in the header


# -- PDF and Word, read back -----------------------------------------------------------------------


def render_pages(pdf: Path, out: Path, *, dpi: int = 50) -> list[Path]:
    """The PDF's pages as PNG files (poppler's pdftoppm)."""
    if not shutil.which("pdftoppm"):
        pytest.skip("needs poppler-utils (pdftoppm) to render PDF pages")
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(out / "page")], check=True)
    return sorted(out.glob("page-*.png"), key=lambda p: int(p.stem.split("-")[-1]))


def keep_for_eyes(pages: list[Path], name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for page in pages:
        shutil.copy(page, ARTIFACTS / f"{name}-{page.name}")


def assert_not_blank(page: Path) -> None:
    with Image.open(page) as image:
        colours = image.convert("L").getcolors(maxcolors=1 << 16)
    assert colours and len(colours) > 8, f"{page.name} looks blank"


def test_pdf_and_docx_hold_every_text_in_full(tmp_path):
    report = build_report(*records(), year=2019, lang="en", today=TODAY, internal=True,
                          introductions=IntroductionYear(2019, 3, 1, 0))
    pdf, docx_path = tmp_path / "report.pdf", tmp_path / "report.docx"
    pages_written = write_pdf(report, pdf)
    write_docx(report, docx_path)
    texts = content_texts(report)
    # What no face of the PDF has is written out (graph.glyphs); the emoji is set in Noto Emoji.
    assert not missing([drawable(text) for text in texts], pdf_text(pdf))
    assert not missing(texts, docx_text(docx_path))
    assert f"Page 1 of {pages_written}" in pdf_text(pdf)
    pages = render_pages(pdf, tmp_path)
    assert len(pages) == pages_written >= 3
    for page in pages:
        assert_not_blank(page)
        with Image.open(page) as image:
            assert abs(image.width / image.height - 8.27 / 11.69) < 0.01  # A4 portrait


def test_report_bytes_in_every_format():
    report = build_report(*records(), year=2018, lang="en", today=TODAY)
    assert report_bytes(report, "pdf").startswith(b"%PDF")
    assert report_bytes(report, "docx").startswith(b"PK")  # a zip, as Word files are
    assert report_bytes(report, "html").startswith(b"<!DOCTYPE html>")


# -- the sample cluster and the real set: every year, in full --------------------------------------


def sample_records(tmp_path):
    from data.importers import import_path
    from data.store import PartnerStore

    with PartnerStore(tmp_path / "sample.duckdb") as store:
        import_path(store, REPO / "data" / "sample")
        return store.organisations(), store.projects(), store.participations()


def check_year(records, year: int, lang: str, folder: Path, cluster: ClusterProfile | None = None) -> int:
    """Build, write and read back one year's report; returns the PDF's pages."""
    _, projects, _ = records
    report = build_report(*records, year=year, lang=lang, today=TODAY, cluster=cluster)
    started = sum(1 for p in projects if p.start_year is not None and p.start_year <= year)
    this_year = sum(1 for p in projects if p.start_year == year)
    assert headline(report)[t(lang, "rep.m.projects")][1] == format_number(this_year, lang)
    pdf, docx_path = folder / f"{year}-{lang}.pdf", folder / f"{year}-{lang}.docx"
    pages = write_pdf(report, pdf)
    write_docx(report, docx_path)
    texts = content_texts(report)
    source = next(b.text for s in report.sections for b in s.blocks if isinstance(b, Paragraph))
    assert source == t(lang, "rep.source", projects=format_number(started, lang), first=min(
        p.start_year for p in projects if p.start_year is not None), year=year)
    for name, rendered in (("PDF", pdf_text(pdf)), ("DOCX", docx_text(docx_path))):
        lost = missing(texts, rendered)
        assert not lost, f"{year} {lang} {name} lacks {lost[:3]}"
    return pages


def test_sample_cluster_every_year_in_full(tmp_path):
    records_ = sample_records(tmp_path)
    years = sorted({p.start_year for p in records_[1] if p.start_year})
    cluster = load_cluster(REPO / "data" / "sample" / "cluster.toml")
    for i, year in enumerate(years):
        check_year(records_, year, "nb" if i % 2 else "en", tmp_path, cluster)


def test_sample_latest_report_pages(tmp_path):
    """The sample's latest report, both languages, as the pictures in README (docs/img/report-*.png)."""
    records_ = sample_records(tmp_path)
    year = max(p.start_year for p in records_[1] if p.start_year)
    cluster = load_cluster(REPO / "data" / "sample" / "cluster.toml")
    for lang in ("nb", "en"):
        report = build_report(*records_, year=year, lang=lang, today=TODAY, cluster=cluster)
        pdf = tmp_path / f"sample-{lang}.pdf"
        written = write_pdf(report, pdf)
        folder = tmp_path / lang
        folder.mkdir()
        pages = render_pages(pdf, folder, dpi=60)
        assert len(pages) == written >= 6
        for page in pages:
            assert_not_blank(page)
        keep_for_eyes(pages, f"sample-{lang}")
        text = " ".join(pdf_text(pdf).split())  # a long title wraps onto a second line
        assert report.kicker in text and t(lang, "report.title", year=year) in text
        assert t(lang, "report.page", page=written, pages=written) in text
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    shown = re.findall(r"\(docs/img/(report-[a-z]+-\d+\.png)\)", readme)
    assert shown, "README shows no report pages"
    for name in shown:
        assert (DOCS / name).is_file(), name


@pytest.mark.shared_data
def test_h2020_every_year_in_full(h2020_records, tmp_path):
    years = sorted({p.start_year for p in h2020_records[1] if p.start_year})
    pages = {year: check_year(h2020_records, year, "en" if i % 2 else "nb", tmp_path) for i, year in enumerate(years)}
    assert all(3 <= n <= 14 for n in pages.values()), pages


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
    assert result.exit_code == 0 and "report for 2020" in result.output
    assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF")
    cluster = REPO / "data" / "sample" / "cluster.toml"
    _introduce(db, made_in=2018, joint=1, declined=1, others=2)
    result = run_cli("--db", db, "report", "--year", 2018, "-o", tmp_path / "report.docx", "--cluster", cluster,
                     "--internal")
    assert result.exit_code == 0, result.output
    text = docx_text(tmp_path / "report.docx")
    assert "Industrinavet i Trøndelag" in text and t("nb", "rep.quiet") in text
    assert t("nb", "rep.story.introductions", n="4") in text  # the store's count, not one given by hand
    assert t("nb", "rep.story.introductions_joint", n="1") in text


def _introduce(db, *, made_in: int, joint: int, declined: int, others: int) -> None:
    """Introductions an adviser recorded in ``made_in``: some became joint projects, some were declined."""
    from data.introductions import move, propose
    from data.models import Viewer
    from data.store import PartnerStore

    adviser, day = Viewer("radgiver", "adviser"), dt.date(made_in, 3, 1)
    pairs = [("a", "f"), ("a", "c"), ("e", "b"), ("e", "d"), ("d", "f")][: joint + declined + others]
    with PartnerStore(db) as store:
        for i, (company, partner) in enumerate(pairs):
            intro = propose(store, adviser, org_id=partner, company_org_id=company, today=day)
            move(store, adviser, intro.intro_id, "introduced", on=day, today=day)
            if i < joint:
                move(store, adviser, intro.intro_id, "joint_project", on=dt.date(made_in, 9, 1), today=TODAY)
            elif i < joint + declined:
                move(store, adviser, intro.intro_id, "declined", on=dt.date(made_in, 9, 1), today=TODAY)


@pytest.mark.parametrize(("args", "message"), [(["-o", "r.odt"], "name it .pdf, .docx or .html"),
                                               (["--year", "1990", "-o", "r.pdf"], "no data for 1990"),
                                               (["--cluster", "nowhere.toml", "-o", "r.pdf"], "no such cluster file")])
def test_cli_report_errors(db, tmp_path, args, message):
    args = [tmp_path / a if a.startswith(("r.", "nowhere")) else a for a in args]
    result = run_cli("--db", db, "report", *args)
    assert result.exit_code == 1 and message in result.output
    assert "Traceback" not in result.output


def test_the_reports_in_both_languages_name_the_communities_alike(tmp_path):
    records_ = sample_records(tmp_path)
    year = max(p.start_year for p in records_[1] if p.start_year)
    names = {}
    for lang in ("nb", "en"):
        report = build_report(*records_, year=year, lang=lang, today=TODAY)
        section = next(s for s in report.sections if s.title == t(lang, "rep.communities"))
        table = next(b for b in section.blocks if hasattr(b, "rows"))
        names[lang] = [row[0].text for row in table.rows]
    assert len(names["nb"]) >= 4
    assert [n.replace(" og ", " and ") for n in names["nb"]] == names["en"]
