"""`samspill backup` / `samspill restore` and `samspill check`: round trips and refusals.

A backup is a folder written by DuckDB's ``EXPORT DATABASE`` (Parquet + schema) plus a
manifest with the counts; a restore imports it into a scratch file, checks it against the
manifest and renames it over the database, so a failed restore leaves the target as it was.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from reliability_support import ADVISER, COMPANY_A, build_db, snapshot

from data.store import PartnerStore, StoreBusy, StoreError, restore_database, write_backup
from samspill_cli import main


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> Path:
    """The sample cluster with vectors, accounts, ideas and feedback: every table has rows."""
    path = build_db(tmp_path_factory.mktemp("backup") / "seeded.duckdb")
    with PartnerStore(path) as store:
        idea = store.add_idea(
            title="Hydrogen på fôrflåter", text="Brenselceller på fôrflåter.", submitted_by=COMPANY_A[0],
            org_id=COMPANY_A[2], request_key="k1",
        )
        store.update_idea(idea.idea_id, status="in_progress", notes="Ringt", suggestions=["sintef", "ntnu"])
        store.add_feedback(org_id="sintef", verdict="useful", given_by=ADVISER[0], idea_id=idea.idea_id)
    return path


@pytest.fixture
def db(tmp_path, seeded) -> Path:
    path = tmp_path / "live.duckdb"
    shutil.copy(seeded, path)
    return path


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_backup_restore_round_trip_through_the_cli(db, tmp_path):
    before = snapshot(db)
    result = run("--db", str(db), "backup", str(tmp_path / "bk"))
    assert result.exit_code == 0, result.output
    assert "backup written" in result.output and "89 organisations" in result.output
    manifest = json.loads((tmp_path / "bk" / "samspill-backup.json").read_text())
    assert manifest["counts"]["ideas"] == 1 and manifest["counts"]["embeddings"] > 0

    restored = tmp_path / "restored.duckdb"
    result = run("--db", str(restored), "restore", str(tmp_path / "bk"))
    assert result.exit_code == 0, result.output
    assert snapshot(restored) == before  # every row of every table, and the sequences
    assert run("--db", str(restored), "check").exit_code == 0
    with PartnerStore(restored) as store:  # ids continue after the restored ones
        assert store.add_idea(title="Neste", text="Neste idé", submitted_by="x").idea_id == 2
    assert not list(tmp_path.glob("*.restoring*")) and not list(tmp_path.glob(".bk.partial-*"))


def test_restore_refuses_a_database_with_content_unless_forced(db, tmp_path, seeded):
    with PartnerStore(db) as store:
        write_backup(store, tmp_path / "bk")
        store.add_idea(title="Etter backup", text="Kom etter backup", submitted_by="x")
    after = snapshot(db)
    result = run("--db", str(db), "restore", str(tmp_path / "bk"))
    assert result.exit_code == 1
    assert "is not empty (89 organisations" in result.output and "--force" in result.output
    assert snapshot(db) == after

    result = run("--db", str(db), "restore", "--force", str(tmp_path / "bk"))
    assert result.exit_code == 0, result.output
    assert snapshot(db) == snapshot(seeded)


def test_restore_into_an_empty_database_needs_no_force(tmp_path, seeded):
    bk = tmp_path / "bk"
    with PartnerStore(shutil.copy(seeded, tmp_path / "src.duckdb")) as store:
        write_backup(store, bk)
    empty = tmp_path / "empty.duckdb"
    PartnerStore(empty).close()
    restore_database(bk, empty)
    assert snapshot(empty) == snapshot(seeded)


def _break_parquet(bk: Path) -> None:
    (bk / "ideas.parquet").write_bytes(b"PAR1 not really")


def _drop_parquet(bk: Path) -> None:
    (bk / "organisations.parquet").unlink()


def _lie_in_manifest(bk: Path) -> None:
    manifest = json.loads((bk / "samspill-backup.json").read_text())
    manifest["counts"]["organisations"] += 1
    (bk / "samspill-backup.json").write_text(json.dumps(manifest))


def _no_manifest(bk: Path) -> None:
    (bk / "samspill-backup.json").unlink()


def _dangling_reference(bk: Path) -> None:
    import duckdb

    conn = duckdb.connect()
    conn.execute(
        f"COPY (SELECT * REPLACE (org_id || '-gone' AS org_id) FROM '{bk / 'participations.parquet'}') "
        f"TO '{bk / 'p2.parquet'}' (FORMAT parquet)"
    )
    conn.close()
    (bk / "p2.parquet").replace(bk / "participations.parquet")


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (_break_parquet, "cannot be restored"),
        (_drop_parquet, "cannot be restored"),
        (_lie_in_manifest, "is incomplete (organisations: 90 in the manifest, 89 restored)"),
        (_no_manifest, "is not a complete Samspill backup: samspill-backup.json missing"),
        (_dangling_reference, "inconsistent database: 276 participation names an organisation that does not"),
    ],
    ids=["corrupt parquet", "missing table", "counts differ", "no manifest", "dangling references"],
)
def test_a_damaged_backup_is_refused_and_the_target_kept(db, tmp_path, damage, message):
    bk = tmp_path / "bk"
    with PartnerStore(db) as store:
        write_backup(store, bk)
    damage(bk)
    before = snapshot(db)
    result = run("--db", str(db), "restore", "--force", str(bk))
    assert result.exit_code == 1
    assert message in result.output
    assert snapshot(db) == before
    assert not list(tmp_path.glob("*.restoring*"))


def test_backup_refuses_a_folder_with_files_and_leaves_nothing_half_written(db, tmp_path, monkeypatch):
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "notes.txt").write_text("mine")
    result = run("--db", str(db), "backup", str(taken))
    assert result.exit_code == 1 and "is not an empty folder" in result.output
    assert [p.name for p in taken.iterdir()] == ["notes.txt"]

    def fail_midway(self, directory):
        Path(directory).mkdir()
        (Path(directory) / "schema.sql").write_text("half")
        raise StoreError("disk full")

    monkeypatch.setattr(PartnerStore, "export_database", fail_midway)
    result = run("--db", str(db), "backup", str(tmp_path / "new"))
    assert result.exit_code == 1 and "disk full" in result.output
    assert not (tmp_path / "new").exists() and not list(tmp_path.glob(".new.partial-*"))


def test_restore_refuses_a_database_in_use(db, tmp_path):
    with PartnerStore(db) as store:
        write_backup(store, tmp_path / "bk")
    import subprocess
    import sys

    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, duckdb; c = duckdb.connect(sys.argv[1]); print('held', flush=True); "
         "sys.stdin.read()", str(db)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(StoreBusy, match="in use by another process after waiting 0.2 s"):
            restore_database(tmp_path / "bk", db, force=True, wait=0.2)
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)


def test_check_reports_broken_references_and_stale_vectors(db):
    assert run("--db", str(db), "check").exit_code == 0
    with PartnerStore(db) as store:
        org = store.organisation("sintef")
        from dataclasses import replace

        store.update_organisation(replace(org, description="Helt ny tekst om kvantedatamaskiner og qubits."))
        with store.write() as cur:  # what no Samspill code path writes: a participation of nobody
            cur.execute("INSERT INTO participations VALUES ('ghost-project', 'ghost-org', 'partner')")
    result = run("--db", str(db), "check")
    assert result.exit_code == 1
    out = result.output
    assert "1 participation names a project that does not exist: 'ghost-project' / 'ghost-org'" in out
    assert "1 participation names an organisation that does not exist" in out
    assert "passage sintef#0" in out and "(run `samspill index`)" in out
    assert "Error: the database is not consistent" in out


def test_check_on_a_database_never_indexed(tmp_path):
    db = build_db(tmp_path / "plain.duckdb", index=False)
    result = run("--db", str(db), "check")
    assert result.exit_code == 0, result.output
    assert "vectors: none yet" in result.output


def test_check_finds_damaged_blocks_and_what_it_passes_stays_usable(tmp_path, seeded):
    """Overwrite 1 KiB at 20 spots spread over the file, one copy each: `check` never shows a
    traceback, names the damage where there is any, and a file it passes works for an import and
    a re-index afterwards (the spot was free space)."""
    from reliability_support import SAMPLE, record_figures

    from data.importers import import_path
    from matching.index import index_store
    from matching.testing import HashingEmbedder

    size = seeded.stat().st_size
    outcomes = {"found": 0, "passed and usable": 0}
    for n, offset in enumerate(range(8192, size - 1024, (size - 8192) // 20)):
        damaged = tmp_path / f"damaged{n}.duckdb"
        shutil.copy(seeded, damaged)
        with open(damaged, "r+b") as f:
            f.seek(offset)
            f.write(b"\xde\xad\xbe\xef" * 256)
        result = CliRunner().invoke(main, ["--db", str(damaged), "check"])
        where = f"1 KiB damaged at offset {offset} of {size}"
        assert result.exception is None or isinstance(result.exception, SystemExit), (where, repr(result.exception))
        if result.exit_code == 1:
            assert "Error: cannot" in result.output, (where, result.output)
            outcomes["found"] += 1
            continue
        assert result.exit_code == 0, (where, result.output)
        try:
            with PartnerStore(damaged) as store:
                import_path(store, SAMPLE)
                index_store(store, HashingEmbedder())
                store.add_idea(title="Etter skade", text="Virker fortsatt", submitted_by="x")
        except Exception as exc:
            raise AssertionError(f"check passed the file with {where}, then: {exc}") from exc
        outcomes["passed and usable"] += 1
    assert outcomes["found"] >= 5
    record_figures("damaged_blocks", {"spots": sum(outcomes.values()), **outcomes, "file_bytes": size})
