"""Hostile input to the exports, the annual report and its cluster file, and the commands that write them.

Beyond the catalogue in tests/test_bad_inputs.py: a cluster file whose logo leads out of its
folder, is not the picture it claims to be or is a decompression bomb; names that are wide,
unbreakable, turned around or invisible in the report; outputs that are folders, links, pipes or
interrupted half-way; a batch of ideas that never ends; a benchmark file that is not one; a
restore onto something that is not a database file. Each refusal is one line naming the file,
and leaves what was there as it was.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import stat
import subprocess
import threading
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from data.models import Organisation, Participation, Project
from graph.cluster import LOGO_SIDE, MAX_FILE_BYTES, MAX_LOGO_BYTES, load_cluster
from samspill_cli import main

REPO = Path(__file__).resolve().parents[1]
SAMPLE_LOGO = REPO / "data" / "sample" / "logo.png"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def png(size=(64, 32), mode="RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size).save(out, "PNG")
    return out.getvalue()


def jpeg(mode="RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, (40, 40)).save(out, "JPEG")
    return out.getvalue()


# -- the cluster file --------------------------------------------------------------------------


def _outside_png(folder: Path) -> str:
    outside = folder.parent / f"{folder.name}-outside"
    outside.mkdir()
    (outside / "logo.png").write_bytes(png())
    return str(outside / "logo.png")


def _link_out(folder: Path) -> str:
    (folder / "logo.png").symlink_to(_outside_png(folder))
    return "logo.png"


def _fifo(folder: Path) -> str:
    os.mkfifo(folder / "logo.png")
    return "logo.png"


def _logo(name: str, data: bytes):
    """A cluster file line naming the logo ``name``, written with ``data`` into the folder first."""

    def write(folder: Path) -> str:
        (folder / name).write_bytes(data)
        return f'logo = "{name}"'

    return write


def _line(text: str):
    return lambda folder: text


PNG_SIGNATURE_THEN_RUBBISH = png()[:8] + b"x" * 70
OUT = "leads out of the cluster file's folder"
CLUSTER_FILES = [
    ("a logo up and out of the folder", _line('logo = "../../../../etc/hostname"'), OUT),
    ("a logo by an absolute path elsewhere", lambda f: f'logo = "{_outside_png(f)}"', OUT),
    ("a logo that is a link out of the folder", lambda f: f'logo = "{_link_out(f)}"', OUT),
    ("a logo that is the folder itself", _line('logo = "."'), "is not a regular file"),
    ("a logo that is a pipe (reading it would wait for ever)", lambda f: f'logo = "{_fifo(f)}"', "not a regular file"),
    ("a PNG signature and then rubbish", _logo("logo.png", PNG_SIGNATURE_THEN_RUBBISH), "cannot be read as a picture"),
    ("a JPEG signature and then rubbish", _logo("logo.jpg", b"\xff\xd8" + b"x" * 70), "is not a PNG or JPEG picture"),
    ("a PNG cut in half", _logo("logo.png", png((400, 400), "RGBA")[:300]), "cannot be read as a picture"),
    ("a logo of 11 MB", _logo("logo.png", png() + bytes(11 << 20)), f"has more than {MAX_LOGO_BYTES:,} bytes"),
    ("a 100 KB PNG of 30,000 x 30,000 pixels", _logo("logo.png", png((30_000, 30_000), "1")), "too large a picture"),
    ("a PNG of 8,000 x 8,000 pixels", _logo("logo.png", png((8_000, 8_000), "1")),
     "is 8,000 × 8,000 pixels; at most 40,000,000"),
    ("a GIF named logo.png", _logo("logo.png", b"GIF89a" + png()[6:]), "is not a PNG or JPEG file"),
    ("a logo that is a number", _line("logo = 5"), "logo must be the name of a PNG or JPEG file"),
    ("a logo with a NUL in its name", _line('logo = "logo\\u0000.png"'), "logo must be the name of a PNG"),
    ("a colour with CSS after it", _line('primary = "#0B3C5D; background: url(x)"'), "primary must be a colour"),
    ("a colour of three hex digits that are not", _line('accent = "#GGG"'), "accent must be a colour"),
    ("a name of 5,000 characters", _line(f'name = "{"N" * 5000}"'), "the name has 5,000 characters; at most 200"),
    ("a name with a right-to-left override", _line('name = "\\u202eNAVET"'), "U+202E RIGHT-TO-LEFT OVERRIDE"),
    ("a name over two lines", _line('name = "Industri\\nnavet"'), "U+000A"),
    ("TOML nested 5,000 deep", _line("members = " + "[" * 5000 + "]" * 5000), "nested too deeply"),
    ("a cluster file of 2 MB", _line(f'name = "{"a" * (2 << 20)}"'), f"more than {MAX_FILE_BYTES:,} bytes"),
]


@pytest.mark.parametrize(("write", "expected"), [c[1:] for c in CLUSTER_FILES], ids=[c[0] for c in CLUSTER_FILES])
def test_a_hostile_cluster_file_is_refused_in_one_line(tmp_path, write, expected):
    folder = tmp_path / "cluster"
    folder.mkdir()
    path = folder / "cluster.toml"
    path.write_text(write(folder) + "\n", encoding="utf-8")
    with pytest.raises(ValueError) as refused:
        load_cluster(path)
    message = str(refused.value)
    assert message.startswith("cluster.toml: ") and expected in message and "\n" not in message


def test_a_cluster_file_that_is_a_pipe_is_refused_without_reading_it(tmp_path):
    os.mkfifo(tmp_path / "cluster.toml")
    with pytest.raises(ValueError, match="is not a regular file"):
        load_cluster(tmp_path / "cluster.toml")


@pytest.mark.parametrize(
    ("name", "data"),
    [("logo.jpg", jpeg("CMYK")), ("logo.png", png(mode="I;16")), ("logo.png", png((3000, 600), "RGBA")),
     ("logo.png", png(mode="P")), ("logo.png", png((1, 1)))],
    ids=["CMYK JPEG (Word stopped with a traceback)", "16-bit grey PNG", "3000 px wide RGBA", "palette", "1 pixel"],
)
def test_any_real_png_or_jpeg_logo_is_placed_in_every_report_format(tmp_path, name, data):
    (tmp_path / name).write_bytes(data)
    (tmp_path / "cluster.toml").write_text(f'name = "Navet"\nlogo = "{name}"\n', encoding="utf-8")
    cluster = load_cluster(tmp_path / "cluster.toml")
    with Image.open(io.BytesIO(cluster.logo)) as logo:
        assert logo.format == "PNG" and max(logo.size) <= LOGO_SIDE
    from graph.report import build_report, report_bytes

    report = build_report(*hostile_records(), year=2018, lang="en", cluster=cluster)
    for fmt in ("pdf", "docx", "html"):
        assert report_bytes(report, fmt)


def test_a_logo_linked_inside_its_folder_is_followed(tmp_path):
    shutil.copy(SAMPLE_LOGO, tmp_path / "real.png")
    (tmp_path / "logo.png").symlink_to("real.png")
    (tmp_path / "cluster.toml").write_text('logo = "logo.png"\n', encoding="utf-8")
    assert load_cluster(tmp_path / "cluster.toml").logo


def test_the_report_command_names_the_cluster_files_problem_and_writes_nothing(tmp_path, hostile_db):
    (tmp_path / "logo.png").write_bytes(PNG_SIGNATURE_THEN_RUBBISH)
    (tmp_path / "cluster.toml").write_text('logo = "logo.png"\n', encoding="utf-8")
    for fmt in ("pdf", "docx"):
        result = run("--db", hostile_db, "report", "-o", tmp_path / f"r.{fmt}", "--cluster", tmp_path / "cluster.toml")
        assert result.exit_code == 1 and "Traceback" not in result.output
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: cluster.toml: logo 'logo.png' cannot be read as a pic")
        assert not (tmp_path / f"r.{fmt}").exists()


# -- names in the report and the exports ---------------------------------------------------------

NAMES = {
    "wide": "\ufdfd" * 500,            # the widest glyph there is, 500 times, no space to break at
    "long": "W" * 500,
    "rtl": "\u202eSA nofsiF\u202c",     # a right-to-left override inside a name
    "zwj": "Fisk\u200dNett\u200b AS",   # joiners and zero-width spaces
    "cdata": "]]> <![CDATA[ <x/> &amp; \"q\"",
    "emoji": "Laks " + "👨‍👩‍👧‍👦" * 40,
    "formula": "\r=1+1 AS",
    "plain": "Verdal Stålmontasje AS",
}


def hostile_records():
    """Six years of projects among organisations with the names above, every one of them busy."""
    ids = list(NAMES)
    orgs = [Organisation(i, NAMES[i], ("company", "research", "public")[n % 3], country="NO")
            for n, i in enumerate(ids)]
    projects, parts = [], []
    for year in range(2013, 2019):
        for n in range(len(ids)):
            pid = f"p{year}-{n}"
            projects.append(Project(pid, f"Prosjekt {year}-{n}", start_year=year, budget_nok=1e6))
            parts += [Participation(pid, ids[n]), Participation(pid, ids[n - 1]), Participation(pid, ids[n - 3])]
    return orgs, projects, parts


@pytest.fixture
def hostile_db(tmp_path):
    from data.store import PartnerStore

    path = tmp_path / "hostile.duckdb"
    with PartnerStore(path) as store:
        store.upsert(*hostile_records())
    return path


def test_the_report_takes_wide_unbreakable_turned_and_invisible_names(tmp_path):
    """Every word of the PDF stays inside its A4 page; Word and HTML carry the names as written."""
    from graph.report import build_report, write_docx, write_pdf

    report = build_report(*hostile_records(), year=2018, lang="nb",
                          cluster=load_cluster(REPO / "data" / "sample" / "cluster.toml"))
    pages = write_pdf(report, tmp_path / "r.pdf")
    assert 2 <= pages <= 30
    write_docx(report, tmp_path / "r.docx")
    document = zipfile.ZipFile(tmp_path / "r.docx").read("word/document.xml").decode("utf-8")
    assert "Fisk\u200dNett\u200b AS" in document and "]]&gt; &lt;![CDATA[" in document
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed: the page bounds are not checked")
    subprocess.run(["pdftotext", "-bbox", str(tmp_path / "r.pdf"), str(tmp_path / "r.html")], check=True)
    words = 0
    for page in (tmp_path / "r.html").read_text(encoding="utf-8").split("<page ")[1:]:
        width, height = (float(re.search(rf'{k}="([\d.]+)"', page).group(1)) for k in ("width", "height"))
        for box in re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)"', page):
            x0, y0, x1, y1 = map(float, box)
            words += 1
            assert 0 <= x0 and x1 <= width and 0 <= y0 and y1 <= height, (box, width, height)
    assert words > 100


def test_exports_carry_hostile_names_as_data(hostile_db, tmp_path):
    import csv

    import networkx as nx

    out = {}
    for suffix in ("gexf", "graphml", "json", "csv", "svg"):
        result = run("--db", hostile_db, "graph", "export", "--cumulative", "-o", tmp_path / f"n.{suffix}")
        assert result.exit_code == 0, result.output
        out[suffix] = tmp_path / f"n.{suffix}"
    names = {d["label"] for _, d in nx.read_gexf(out["gexf"]).nodes(data=True)}
    assert NAMES["cdata"] in names and NAMES["rtl"] in names
    assert NAMES["zwj"] in {d["name"] for _, d in nx.read_graphml(out["graphml"]).nodes(data=True)}
    assert NAMES["wide"] in {e["label"] for e in json.loads(out["json"].read_text(encoding="utf-8"))["elements"]}
    from xml.dom import minidom

    minidom.parse(str(out["svg"]))
    cells = [c for row in csv.reader(out["csv"].open(encoding="utf-8", newline="")) for c in row]
    assert "'\r=1+1 AS" in cells and not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)


# -- where the commands write --------------------------------------------------------------------


def test_a_refused_export_makes_no_folders(hostile_db, tmp_path):
    """The folders of -o were made before the year was checked."""
    result = run("--db", hostile_db, "graph", "export", "--year", 3000, "-o", tmp_path / "new" / "deeper" / "n.csv")
    assert result.exit_code == 1 and "no data for 3000" in result.output
    assert not (tmp_path / "new").exists()


def _interrupted_half_way(_what, path, *args, **kwargs):
    """A writer (``write_pdf(report, path)``, ``write_gexf(G, path)``) stopped by Ctrl-C half-way."""
    Path(path).write_bytes(b"half a file")
    raise KeyboardInterrupt


@pytest.mark.parametrize(
    ("command", "target", "writer"),
    [(["report", "--year", "2018"], "r.pdf", "graph.report.write_pdf"),
     (["graph", "export", "--cumulative"], "n.gexf", "graph.export.write_gexf")],
    ids=["report", "graph export"],
)
def test_ctrl_c_half_way_through_a_write_leaves_the_old_file(hostile_db, tmp_path, monkeypatch, command, target,
                                                              writer):
    """The writer stopped half-way left half a file in place of the old one."""
    module, name = writer.rsplit(".", 1)
    monkeypatch.setattr(f"{module}.{name}", _interrupted_half_way)
    old = tmp_path / target
    old.write_bytes(b"last year's file")
    result = run("--db", hostile_db, *command, "-o", old)
    assert result.exit_code == 130 and result.output.strip() == "Aborted!"
    assert old.read_bytes() == b"last year's file"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no scratch file left


def test_a_full_disk_half_way_names_the_output_and_keeps_the_old_file(hostile_db, tmp_path, monkeypatch):
    def full(_graph, path, *args, **kwargs):
        Path(path).write_text("half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("graph.export.write_edge_csv", full)
    old = tmp_path / "n.csv"
    old.write_text("old")
    result = run("--db", hostile_db, "graph", "export", "-o", old)
    assert result.exit_code == 1 and result.output.strip() == f"Error: cannot write {old}: No space left on device"
    assert old.read_text() == "old" and [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_outputs_keep_their_links_modes_and_pipes(hostile_db, tmp_path):
    """A link gets its target written; a file keeps its mode; a new one gets the umask's; a pipe is written in place."""
    target = tmp_path / "target.csv"
    target.write_text("old")
    os.chmod(target, 0o640)
    (tmp_path / "link.csv").symlink_to("target.csv")
    assert run("--db", hostile_db, "graph", "export", "-o", tmp_path / "link.csv").exit_code == 0
    assert (tmp_path / "link.csv").is_symlink() and target.read_text().startswith("source,target")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    mask = os.umask(0o022)
    try:
        assert run("--db", hostile_db, "graph", "export", "-o", tmp_path / "new.csv").exit_code == 0
    finally:
        os.umask(mask)
    assert stat.S_IMODE((tmp_path / "new.csv").stat().st_mode) == 0o644
    os.mkfifo(tmp_path / "pipe.csv")
    received = []
    reader = threading.Thread(target=lambda: received.append((tmp_path / "pipe.csv").read_text()))
    reader.start()
    result = run("--db", hostile_db, "graph", "export", "-o", tmp_path / "pipe.csv", "--format", "csv")
    reader.join(timeout=60)
    assert result.exit_code == 0 and received and received[0].startswith("source,target")
    assert stat.S_ISFIFO((tmp_path / "pipe.csv").stat().st_mode)


# -- match --batch, evaluate, restore --------------------------------------------------------------


def test_a_batch_that_never_ends_is_refused(monkeypatch, tmp_path):
    """`match --batch /dev/zero` read until memory ran out; now at most MAX_FILE_BYTES are read."""
    monkeypatch.setattr("data.limits.MAX_FILE_BYTES", 1 << 20)
    result = run("--db", tmp_path / "none.duckdb", "match", "--batch", "/dev/zero")
    assert result.exit_code == 1
    assert result.output.strip() == "Error: /dev/zero: more than 1,048,576 characters of ideas; split the file and " \
                                    "run each part"
    assert not (tmp_path / "none.duckdb").exists()


def test_a_batch_line_may_hold_unicode_line_separators():
    from matching.cli import read_batch
    from matching.types import MatchQuery

    handle = io.StringIO('{"id": 1, "text": "hydrogen\u2028til ferjer\u0085og båter"}\n\n{"id": 2, "text": "sveis"}\n')
    handle.name = "b.jsonl"
    ids, queries = read_batch(handle, MatchQuery(""))
    assert ids == [1, 2] and queries[0].text == "hydrogen\u2028til ferjer\u0085og båter"


@pytest.mark.parametrize(
    ("content", "expected"),
    [("idea = 5", "idea must be a list of [[idea]] tables, not int"),
     ('idea = "x"', "idea must be a list of [[idea]] tables, not str"),
     ("idea = [1, 2]", "b.toml, idea 1: expected an [[idea]] table, not int"),
     ("x = " + "[" * 5000 + "]" * 5000, "nested too deeply"),
     ("not = toml = at all", "cannot read the benchmark")],
    ids=["a number", "text", "a list of numbers", "nested 5,000 deep", "not TOML"],
)
def test_a_broken_benchmark_is_refused_before_anything_is_embedded(tmp_path, content, expected):
    """It was read after the sample was embedded (minutes with the real model), and crashed on
    `idea = 5` (TypeError), `idea = [1, 2]` (AttributeError) and deep nesting (RecursionError)."""
    from matching.benchmark import evaluate_cluster
    from matching.types import MatchingError

    class Refuses:
        model_id = "refuses"

        def embed(self, texts):
            raise AssertionError("embedded before the benchmark was read")

        embed_queries = embed_passages = embed

    (tmp_path / "b.toml").write_text(content, encoding="utf-8")
    with pytest.raises(MatchingError) as refused:
        evaluate_cluster(Refuses(), benchmark=tmp_path / "b.toml")
    assert expected in str(refused.value) and "\n" not in str(refused.value)


@pytest.fixture(scope="module")
def backup_of_sample(tmp_path_factory):
    from data.importers import import_path
    from data.store import PartnerStore, write_backup

    folder = tmp_path_factory.mktemp("restore")
    with PartnerStore(folder / "db.duckdb") as store:
        import_path(store, REPO / "data" / "sample")
        write_backup(store, folder / "bk")
    return folder / "bk"


def test_restore_onto_a_pipe_or_a_link_is_refused_and_leaves_them(backup_of_sample, tmp_path):
    """restore renames its file over the target: `--db /dev/full restore --force`, run as root,
    replaced the device /dev/full by a database file (a pipe here: the same kind of thing)."""
    os.mkfifo(tmp_path / "pipe.duckdb")
    result = run("--db", tmp_path / "pipe.duckdb", "restore", backup_of_sample, "--force")
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: cannot restore into {tmp_path / 'pipe.duckdb'}: it is not a regular " \
                                    "file (a device or a pipe)"
    assert stat.S_ISFIFO((tmp_path / "pipe.duckdb").stat().st_mode)
    (tmp_path / "real.duckdb").write_bytes(b"")
    (tmp_path / "link.duckdb").symlink_to("real.duckdb")
    result = run("--db", tmp_path / "link.duckdb", "restore", backup_of_sample, "--force")
    assert result.exit_code == 1 and "it is a link; give the database file it leads to" in result.output
    assert (tmp_path / "link.duckdb").is_symlink() and (tmp_path / "real.duckdb").read_bytes() == b""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.duckdb", "pipe.duckdb", "real.duckdb"]


def test_file_names_that_are_not_utf8_are_refused_by_name(tmp_path, hostile_db):
    """DuckDB cannot open such a name: `--db` failed with 'RuntimeError: std::bad_cast' (and left a
    lock file), `backup` with a traceback from its COPY statement."""
    db = tmp_path / os.fsdecode(b"klynge\xff.duckdb")
    result = run("--db", db, "import", REPO / "data" / "sample")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "klynge\ufffd.duckdb: the file name is not UTF-8 text, and DuckDB opens only such names" in result.output
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("klynge")]
    backup = tmp_path / os.fsdecode(b"kopi\xff")
    result = run("--db", hostile_db, "backup", backup)
    assert result.exit_code == 1
    assert result.output.strip() == ("Error: cannot write the backup " + str(tmp_path) + "/kopi\ufffd: its path is not "
                                     "UTF-8 text, and DuckDB writes only to such paths")
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("hostile.duckdb")) == []


def test_making_the_databases_files_private_leaves_devices_and_pipes_alone(tmp_path):
    """Opening a database narrows its files to 0600, following links: the full-disk test links the
    WAL to /dev/full, and a suite run as root left /dev/full writable by root alone."""
    from data.storage.connection import make_private

    os.mkfifo(tmp_path / "pipe")
    os.chmod(tmp_path / "pipe", 0o666)
    (tmp_path / "db.duckdb.wal").symlink_to(tmp_path / "pipe")
    (tmp_path / "db.duckdb").write_bytes(b"")
    os.chmod(tmp_path / "db.duckdb", 0o644)
    for name in ("db.duckdb.wal", "db.duckdb"):
        make_private(tmp_path / name)
    assert stat.S_IMODE((tmp_path / "pipe").stat().st_mode) == 0o666
    assert stat.S_IMODE((tmp_path / "db.duckdb").stat().st_mode) == 0o600
