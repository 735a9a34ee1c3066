"""Hostile moments and outputs of the `samspill` command, round 3.

`-o -` (standard output) for what is text and a one-line refusal for what is binary; Ctrl-C at any
moment, from loading the modules to writing the output (one line, exit code 130, nothing
half-written); a benchmark file read once; and the outputs' cells, names and paths that a
spreadsheet, an XML parser or the file system would take the wrong way.
"""

from __future__ import annotations

import json
import shutil
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
