"""Hostile moments and outputs of the `samspill` command, round 3.

`-o -` (standard output) for what is text and a one-line refusal for what is binary; Ctrl-C at any
moment, from loading the modules to writing the output (one line, exit code 130, nothing
half-written); a benchmark file read once; and the outputs' cells, names and paths that a
spreadsheet, an XML parser or the file system would take the wrong way.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import tomllib
import zipfile
from pathlib import Path
from xml.dom import minidom

import networkx as nx
import pytest

REPO = Path(__file__).resolve().parents[1]


# -- evaluate cluster: the benchmark file is read once ----------------------------------------------


def test_the_benchmark_scored_is_the_one_read_before_embedding(tmp_path):
    """The file was read before embedding and again after it: a file changed in between (here
    broken) was scored as it then was, or refused after the minutes of embedding."""
    from matching.benchmark import evaluate_cluster, load_benchmark
    from matching.testing import HashingEmbedder

    path = tmp_path / "benchmark.toml"
    shutil.copy(REPO / "data" / "sample" / "benchmark.toml", path)
    expected = {idea.idea_id for idea in load_benchmark(path)}

    class ChangesTheFile(HashingEmbedder):
        def embed_passages(self, texts):
            path.write_text("not = toml = at all", encoding="utf-8")
            return super().embed_passages(texts)

    results = evaluate_cluster(ChangesTheFile(), benchmark=path)
    assert {r.idea.idea_id for r in results} == expected


# -- `-o -`: standard output for text, a one-line refusal for binary --------------------------------


def run(*args):
    from click.testing import CliRunner

    from samspill_cli import main

    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory):
    """The bundled sample cluster, imported (no vectors: the exports and the report need none)."""
    from data.importers import import_path
    from data.store import PartnerStore

    path = tmp_path_factory.mktemp("outputs") / "sample.duckdb"
    with PartnerStore(path) as store:
        import_path(store, REPO / "data" / "sample")
    return path


def _parses(fmt: str, data: bytes, tmp_path: Path) -> None:
    if fmt == "csv":
        assert data.decode("utf-8").startswith("source,target,weight")
    elif fmt == "json":
        assert json.loads(data)["elements"]
    elif fmt in ("gexf", "graphml"):
        (tmp_path / f"read.{fmt}").write_bytes(data)
        G = (nx.read_gexf if fmt == "gexf" else nx.read_graphml)(tmp_path / f"read.{fmt}")
        assert G.number_of_nodes() > 10
    else:
        assert minidom.parseString(data).documentElement.tagName == "svg"


@pytest.mark.parametrize("fmt", ["gexf", "graphml", "json", "csv", "svg"])
def test_dash_writes_a_text_export_to_standard_output(sample_db, tmp_path, monkeypatch, fmt):
    """`-o -` wrote a file named `-` in the current folder."""
    monkeypatch.chdir(tmp_path)
    result = run("--db", sample_db, "graph", "export", "--cumulative", "--format", fmt, "-o", "-")
    assert result.exit_code == 0, result.output
    _parses(fmt, result.stdout_bytes, tmp_path)
    assert not (tmp_path / "-").exists() and result.stderr == ""


def test_dash_writes_the_html_report_to_standard_output(sample_db, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("--db", sample_db, "report", "--format", "html", "-o", "-")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("<!DOCTYPE html>") and result.stdout.rstrip().endswith("</html>")
    assert not (tmp_path / "-").exists()


DASH_REFUSED = [
    (["graph", "export", "--format", "png"], "-o -: PNG is binary and is not written to standard output"),
    (["graph", "export", "--format", "pdf"], "-o -: PDF is binary"),
    (["graph", "export", "--format", "gif"], "-o -: GIF is binary"),
    (["graph", "export", "--format", "mp4"], "-o -: MP4 is binary"),
    (["report", "--format", "pdf"], "-o -: PDF is binary and is not written to standard output (a terminal would "
                                    "show rubbish); give a file name, e.g. -o report.pdf"),
    (["report", "--format", "docx"], "-o -: DOCX is binary"),
    (["graph", "export"], "-o - (standard output) has no extension to tell the format: give --format"),
    (["report"], "give --format html"),
]


@pytest.mark.parametrize(("command", "expected"), DASH_REFUSED, ids=[" ".join(c) for c, _ in DASH_REFUSED])
def test_dash_for_a_binary_output_is_refused_in_one_line(sample_db, tmp_path, monkeypatch, command, expected):
    monkeypatch.chdir(tmp_path)
    result = run("--db", sample_db, *command, "-o", "-")
    assert result.exit_code in (1, 2) and expected in result.output and "Traceback" not in result.output
    assert result.stdout == "" and list(tmp_path.iterdir()) == []


def test_a_backup_or_a_database_named_dash_is_refused(sample_db, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("--db", sample_db, "backup", "-")
    assert result.exit_code == 1
    assert result.output.strip() == ("Error: a backup is a folder of binary (Parquet) files and cannot go to "
                                     "standard output; give a folder name")
    result = run("--db", "-", "import", REPO / "data" / "sample")
    assert result.exit_code == 2 and "a database is a file DuckDB opens by name" in result.output
    assert list(tmp_path.iterdir()) == []


def test_a_file_named_dash_is_still_written_as_dot_slash_dash(sample_db, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("--db", sample_db, "graph", "export", "--format", "csv", "-o", "./-")
    assert result.exit_code == 0 and result.stdout == "wrote csv to ./-\n"
    assert (tmp_path / "-").read_text(encoding="utf-8").startswith("source,target")


# -- Ctrl-C at any moment: one line, exit code 130, nothing half-written ------------------------------


def _samspill(*args, **options) -> subprocess.Popen:
    """The `samspill` command in its own process, started as its console script starts it."""
    return subprocess.Popen([sys.executable, "-c", "import samspill_entry; samspill_entry.run()", *map(str, args)],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **options)


def _when(condition, proc) -> None:
    """Wait until ``condition()`` holds (or the process ended)."""
    while proc.poll() is None and not condition():
        time.sleep(0.002)


def _mapped(proc, library: str):
    def condition():
        try:
            return library in Path(f"/proc/{proc.pid}/maps").read_text()
        except OSError:
            return False

    return condition


def _interrupt(proc) -> tuple[int, str, str]:
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    return proc.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace")


def test_the_command_is_started_through_the_entry_that_catches_ctrl_c_while_loading():
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts["samspill"] == "samspill_entry:run"


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs /proc to see what a process has loaded")
@pytest.mark.parametrize("moment", ["duckdb", "_multiarray_umath", "reading the batch"])
def test_ctrl_c_while_loading_or_waiting_is_one_line_and_130(tmp_path, moment):
    """While the modules loaded, Ctrl-C printed a traceback of the import it hit (exit code 1); while a
    command ran, click's 'Aborted!' and exit code 1. The command here can never end by itself: it
    waits for a batch of ideas on a pipe nobody writes to."""
    fifo = tmp_path / "ideas.jsonl"
    os.mkfifo(fifo)
    proc = _samspill("--db", tmp_path / "none.duckdb", "match", "--batch", fifo)
    if moment == "reading the batch":
        writer = None

        def opened():  # the write end opens once the command has opened the read end
            nonlocal writer
            try:
                writer = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
                return True
            except OSError:
                return False

        _when(opened, proc)
    else:
        _when(_mapped(proc, moment), proc)
        writer = None
    try:
        code, out, err = _interrupt(proc)
    finally:
        if writer is not None:
            os.close(writer)
    assert (code, out, err.strip()) == (130, "", "Aborted!")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ideas.jsonl"]


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs /proc")
@pytest.mark.parametrize("after", [0.0, 0.05, 0.2, 0.5])
def test_ctrl_c_during_an_export_leaves_the_old_file_and_no_scratch(sample_db, tmp_path, after):
    """Ctrl-C once the export's scratch file exists (while the layout is computed or the file written)."""
    out = tmp_path / "n.gexf"
    out.write_text("last year's file")
    proc = _samspill("--db", sample_db, "graph", "export", "--cumulative", "-o", out)
    _when(lambda: any(p.name.startswith(".n.gexf.") for p in tmp_path.iterdir()), proc)
    time.sleep(after)
    code, stdout, err = _interrupt(proc)
    if code == 0:  # done before Ctrl-C came
        assert nx.read_gexf(out).number_of_nodes() > 10
    else:
        assert (code, stdout, err.strip()) == (130, "", "Aborted!")
        assert out.read_text() == "last year's file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["n.gexf"]


@pytest.mark.parametrize(("moment", "after"), [("new.duckdb", 0.0), ("new.duckdb.wal", 0.0), ("new.duckdb.wal", 1.0),
                                               ("new.duckdb.wal", 4.0)])
def test_ctrl_c_during_an_import_leaves_all_or_nothing(tmp_path, moment, after):
    """Ctrl-C once the database file, then its write-ahead log appears (and some time after): the
    next command finds the whole import or none of it."""
    from data.store import PartnerStore

    db = tmp_path / "new.duckdb"
    proc = _samspill("--db", db, "import", "--quiet", REPO / "data" / "sample")
    _when((tmp_path / moment).exists, proc)
    time.sleep(after)
    code, stdout, err = _interrupt(proc)
    assert code in (0, 130) and "Traceback" not in err, (code, err)
    if code == 130:
        assert err.strip() == "Aborted!" and stdout == ""
    if db.exists():
        with PartnerStore(db) as store:  # as the next command opens it
            counts = store.counts()
            assert store.integrity_problems() == []
        assert (counts["organisations"] > 0) == (counts["projects"] > 0) == (counts["participations"] > 0)
        assert code == 130 or counts["organisations"] > 0


def test_ctrl_c_inside_a_duckdb_query_is_ctrl_c_too(sample_db, monkeypatch):
    """DuckDB takes the signal during a query and raises RuntimeError('Query interrupted') instead of
    KeyboardInterrupt: that was a traceback (found by the import test above, at the migrations' COMMIT)."""

    def interrupted(self):
        raise RuntimeError("Query interrupted")

    monkeypatch.setattr("data.store.PartnerStore.counts", interrupted)
    result = run("--db", sample_db, "stats")
    assert (result.exit_code, result.output.strip()) == (130, "Aborted!")


def test_other_runtime_errors_still_show_as_bugs(sample_db, monkeypatch):
    def broken(self):
        raise RuntimeError("something else")

    monkeypatch.setattr("data.store.PartnerStore.counts", broken)
    result = run("--db", sample_db, "stats")
    assert result.exit_code == 1 and isinstance(result.exception, RuntimeError)


# -- the hunt: names, years and paths the exports and commands took the wrong way ------------------

#: Names an import keeps (it removes C0 controls only from what it reads) or a profile edit keeps
#: (it removes C0 controls, not C1), stored as given.
ODD_NAMES = {
    "c1": "\x9b31mRød AS",             # C1 CSI: an escape sequence in some terminals
    "fffe": "Fisk\ufffe AS",            # a non-character XML cannot carry
    "ffff": "Nett\uffff AS",
    "nel": "Neste\x85Linje AS",
    "ls": "Linje\u2028Skift AS",
    "plain": "Verdal Stålmontasje AS",
}


@pytest.fixture(scope="module")
def odd_db(tmp_path_factory):
    from data.models import Organisation, Participation, Project
    from data.store import PartnerStore

    ids = list(ODD_NAMES)
    projects, parts = [], []
    for year in (2017, 2018):
        for n, org in enumerate(ids):
            pid = f"p{year}-{n}"
            projects.append(Project(pid, f"Prosjekt {ODD_NAMES[org]}", start_year=year))
            parts += [Participation(pid, org), Participation(pid, ids[n - 1]), Participation(pid, ids[n - 2])]
    path = tmp_path_factory.mktemp("odd") / "odd.duckdb"
    with PartnerStore(path) as store:
        store.upsert([Organisation(i, name, "company", country="NO") for i, name in ODD_NAMES.items()],
                     projects, parts)
    return path


def test_a_drawing_with_names_xml_cannot_carry_still_parses(odd_db, tmp_path):
    """The SVG drawing wrote U+FFFE as it was: 'PCDATA invalid Char value 65534' in any XML reader."""
    from lxml import etree

    result = run("--db", odd_db, "graph", "export", "--cumulative", "-o", tmp_path / "n.svg")
    assert result.exit_code == 0, result.output
    text = " ".join(etree.parse(str(tmp_path / "n.svg")).getroot().itertext())
    assert "Verdal Stålmontasje" in text and "\ufffe" not in text and "\x9b" not in text


def test_a_word_report_takes_names_xml_cannot_carry(odd_db, tmp_path):
    """It stopped with 'All strings must be XML compatible'."""
    result = run("--db", odd_db, "report", "--year", 2018, "-o", tmp_path / "r.docx")
    assert result.exit_code == 0, result.output
    document = zipfile.ZipFile(tmp_path / "r.docx").read("word/document.xml").decode("utf-8")
    assert "Fisk AS" in document and "\ufffe" not in document


def test_names_reach_a_terminal_without_their_escapes(odd_db):
    """`graph metrics` printed names as stored, C1 controls included."""
    result = run("--db", odd_db, "graph", "metrics")
    assert result.exit_code == 0, result.output
    assert not any("\x80" <= c <= "\x9f" or c in "\ufffe\uffff" for c in result.output)


@pytest.mark.parametrize(
    ("options", "expected"),
    [(["--to", 2100], "Invalid value for --to: no data for 2100: projects start 2017–2018"),
     (["--from", 1], "Invalid value for --from: no data for 1: projects start 2017–2018"),
     (["--from", 2018, "--to", 2017], "Invalid value for --from: 2018 is after --to 2017")],
    ids=["to 2100", "from year 1", "from after to"],
)
def test_metrics_over_years_without_data_are_refused(odd_db, options, expected):
    """`graph metrics --to 1000000000` measured a billion empty years (it ran for hours, printing nothing);
    2100 here, so that the test ends on the code before the fix too."""
    result = run("--db", odd_db, "graph", "metrics", *options)
    assert result.exit_code == 2 and expected in result.output


def test_a_device_output_that_fails_is_named(odd_db):
    result = run("--db", odd_db, "graph", "export", "--format", "csv", "-o", "/dev/full")
    assert result.exit_code == 1
    assert result.output.strip() == "Error: cannot write /dev/full: No space left on device"


def _no_escapes(text: str) -> bool:
    return not any(c in "\x1b\x07" or "\x80" <= c <= "\x9f" for c in text)


def test_a_file_name_with_escape_sequences_reaches_the_terminal_without_them(tmp_path):
    """The import's note named the ignored file as it was: ESC and C1 CSI went to the terminal."""
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(REPO / "data" / "sample" / "organisations.csv", folder)
    (folder / "x\x1b]0;pwned\x07\x9b31m.txt").write_text("")
    result = run("--db", tmp_path / "db.duckdb", "import", "--quiet", folder)
    assert result.exit_code == 0, result.output
    assert "ignored other files in the folder: x]0;pwned31m.txt" in result.output and _no_escapes(result.output)


def test_a_token_label_cannot_forge_lines_or_escapes(tmp_path):
    db = tmp_path / "db.duckdb"
    assert run("--db", db, "account", "add", "radgiver", "--role", "adviser", "--no-password").exit_code == 0
    assert run("--db", db, "token", "add", "radgiver", "--label", "CRM\n0000  admin  active\x1b[2J").exit_code == 0
    result = run("--db", db, "token", "list")
    assert result.exit_code == 0 and len(result.output.strip().splitlines()) == 1 and _no_escapes(result.output)


@pytest.mark.parametrize("name", ["db.duckdb", "link.csv", "db.duckdb.wal", "db.duckdb.lock"])
@pytest.mark.parametrize("command", [["graph", "export", "--format", "csv"], ["report", "--format", "html"]],
                         ids=["graph export", "report"])
def test_an_output_that_is_the_database_is_refused(sample_db, tmp_path, monkeypatch, command, name):
    """`graph export -o` the --db file (or a link to it) replaced the whole register with a CSV file."""
    db = tmp_path / "db.duckdb"
    shutil.copy(sample_db, db)
    (tmp_path / "link.csv").symlink_to("db.duckdb")
    monkeypatch.chdir(tmp_path)
    before = db.read_bytes()
    result = run("--db", db, *command, "-o", name)
    assert result.exit_code == 1 and "which the output would replace; give another file name" in result.output
    assert len(result.output.strip().splitlines()) == 1 and db.read_bytes() == before
    assert run("--db", db, "stats").exit_code == 0


def test_dash_with_standard_output_closed_is_one_line(sample_db):
    """`graph export -o - >&-` ended in AttributeError: 'NoneType' object has no attribute 'flush'."""
    proc = subprocess.run([sys.executable, "-c", "import samspill_entry; samspill_entry.run()", "--db", str(sample_db),
                           "graph", "export", "--format", "csv", "-o", "-"],
                          cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=300,
                          preexec_fn=lambda: os.close(1))
    assert proc.returncode == 1 and proc.stderr.strip() == "Error: -o -: standard output is closed; give a file name"
