"""Bounded input: every limit of data/limits.py holds, the XLSX dimension bomb is read in bounded
memory, and commands that only read never create a database or a folder.

The refusals' messages are in the bad-input catalogue (tests/test_bad_inputs.py); here is what a
catalogue row cannot show: memory, the limits at their edge, and the file system afterwards.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import hostile_files
import pytest
from click.testing import CliRunner

from data import limits
from data.importers import ImportFileError, import_path
from data.models import Organisation
from data.store import PartnerStore
from samspill_cli import main

ROOT = Path(__file__).resolve().parents[1]

#: The address space an import may grow by: the bomb, read the way openpyxl pads it, needs
#: terabytes; a reader that ignores the declared size needs a few megabytes.
HEADROOM = 768 * 2**20

BOUNDED_IMPORT = """
import resource, sys
sys.path.insert(0, sys.argv[1])
from data.importers import ImportFileError, import_path
from data.store import PartnerStore
store = PartnerStore()
import_path(store, sys.argv[2].replace(".xlsx", "-warm.xlsx"))  # what an import loads, loaded before the limit
size = int(next(line for line in open("/proc/self/status") if line.startswith("VmSize")).split()[1]) * 1024
limit = size + int(sys.argv[3])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
try:
    print("imported:", import_path(store, sys.argv[2]).organisations.added)
except ImportFileError as exc:
    print("refused:", exc)
except MemoryError:
    print("out of memory")
"""


def bounded_import(tmp_path: Path, data: bytes) -> str:
    """Import ``data`` as organisations.xlsx in a fresh process that may grow by HEADROOM only."""
    (tmp_path / "organisations.xlsx").write_bytes(data)
    (tmp_path / "organisations-warm.xlsx").write_bytes(
        hostile_files.workbook([("warm", "Warm AS", "", "", "", "", "")])
    )
    result = subprocess.run(
        [sys.executable, "-c", BOUNDED_IMPORT, str(ROOT), str(tmp_path / "organisations.xlsx"), str(HEADROOM)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.strip()


def test_the_xlsx_dimension_bomb_is_refused_in_bounded_memory(tmp_path):
    data = hostile_files.dimension_bomb()
    assert len(data) < 6_000
    assert bounded_import(tmp_path, data) == (
        "refused: organisations.xlsx: sheet row 1048576 reaches past column 200 (a table has at most 200 "
        "columns; delete the cells to the right of the data)"
    )


def test_a_sheet_that_only_declares_a_vast_size_imports_in_bounded_memory(tmp_path):
    assert bounded_import(tmp_path, hostile_files.dimension_bomb(far_cell=False)) == "imported: 1"


def org_rows(n: int) -> str:
    return "org_id,name,kind,country,region,org_number,description\n" + "".join(
        f"o{i},O {i} AS,company,NO,,,\n" for i in range(n)
    )


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_the_row_limit_holds_at_its_edge_in_every_reader(tmp_path, monkeypatch, fmt):
    """With the limit at 5 (the real one is 1,000,000): 5 rows import, 6 are refused and nothing is written."""
    import importlib

    for module in ("data.importers.readers", "data.importers.detect"):  # the package re-exports a detect()
        monkeypatch.setattr(importlib.import_module(module), "MAX_ROWS", 5)

    def write(n: int) -> Path:
        folder = tmp_path / f"{fmt}{n}"
        folder.mkdir()
        if fmt == "csv":
            (folder / "organisations.csv").write_text(org_rows(n))
        elif fmt == "xlsx":
            rows = [(f"o{i}", f"O {i} AS", "company", "NO", "", "", "") for i in range(n)]
            (folder / "organisations.xlsx").write_bytes(hostile_files.workbook(rows))
        else:
            units = [{"organisasjonsnummer": "923609016", "navn": f"Unit {i}"} for i in range(n)]
            (folder / "enheter.json").write_text(json.dumps(units))
        return next(folder.iterdir())

    with PartnerStore() as store:
        if fmt != "json":  # one unit number five times: a duplicate; the count is checked before that
            assert import_path(store, write(5)).organisations.added == 5
        before = store.counts()
        with pytest.raises(ImportFileError, match="more than 5 (rows|records); import at most that many at once"):
            import_path(store, write(6))
        assert store.counts() == before


def test_field_and_text_limits_hold_at_their_edge(tmp_path):
    def import_description(n: int) -> None:
        path = tmp_path / f"d{n}" / "organisations.csv"
        path.parent.mkdir()
        path.write_text(org_rows(0) + f'd{n},D AS,company,NO,,,"{"x" * n}"\n')
        import_path(store, path)

    with PartnerStore() as store:
        import_description(limits.MAX_TEXT_CHARS)
        with pytest.raises(ImportFileError, match=f"description has {limits.MAX_TEXT_CHARS + 1:,} characters"):
            import_description(limits.MAX_TEXT_CHARS + 1)
        assert [o.org_id for o in store.organisations()] == [f"d{limits.MAX_TEXT_CHARS}"]


def test_a_long_description_gives_at_most_the_passage_limit():
    from matching.profiles import organisation_passages

    fragments = " ".join(f"Fragment {i} of a list that goes on and on and on and on and on." for i in range(600))
    org = Organisation("long", "Long AS", description=fragments[: limits.MAX_TEXT_CHARS], competences="a;b")
    passages = organisation_passages(org)
    assert len(passages) == limits.MAX_PASSAGES_PER_ORGANISATION
    assert passages[-1] == "a, b"  # the competences stay


def test_limits_are_documented():
    doc = (ROOT / "docs" / "reliability.md").read_text(encoding="utf-8")
    for name in (n for n in dir(limits) if n.startswith("MAX_")):
        assert f"`{name}`" in doc, f"{name} is not in docs/reliability.md"


# -- commands that only read create nothing -------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["stats"],
        ["check"],
        ["match", "hydrogen ferries"],
        ["match", "--batch", "{tmp}/ideas.jsonl"],
        ["backup", "{tmp}/bk"],
        ["graph", "metrics"],
        ["report", "--year", "2024", "-o", "{tmp}/r.html"],
    ],
    ids=lambda a: " ".join(a[:2]),
)
def test_read_commands_on_a_mistyped_db_create_nothing(tmp_path, args):
    (tmp_path / "ideas.jsonl").write_text('{"text": "hydrogen"}\n')
    typo = tmp_path / "typo" / "cluster.duckdb"
    argv = ["--db", str(typo), *(a.replace("{tmp}", str(tmp_path)) for a in args)]
    result = CliRunner().invoke(main, argv)
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "no database at" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "typo").exists()
    assert not (tmp_path / "bk").exists() and not (tmp_path / "r.html").exists()


def test_output_to_a_full_stdout_is_one_line(tmp_path):
    """`samspill stats > /dev/full`: the output cannot be written, and the user is told so in one line."""
    db = tmp_path / "db.duckdb"
    with PartnerStore(db) as store:
        store.upsert([Organisation("a", "A AS", "company")])
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-c", "import samspill_cli; samspill_cli.main()", "--db", str(db), "stats"],
            cwd=ROOT,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            env=os.environ | {"PYTHONPATH": str(ROOT)},
        )
    assert result.returncode == 1
    assert result.stderr.strip() == "Error: cannot write the output: No space left on device"


def test_json_output_never_holds_nan():
    from matching.cli import result_as_json
    from matching.types import MatchQuery, MatchResult, Suggestion

    result = MatchResult(MatchQuery("x"), organisations=(Suggestion("a", "A AS", "company", math.nan, ("r",)),))
    text = json.dumps(result_as_json(1, result), allow_nan=False)
    assert json.loads(text)["organisations"][0]["score"] is None
