"""`samspill backup` / `samspill restore` and `samspill check`: round trips and refusals.

A backup is one Parquet file per table plus a manifest (schema version, sha256 and row count
of every file, the sequences). A restore never runs anything from the backup: it checks the
files against the manifest, builds the schema from our own migrations in a scratch file, loads
only the data files, checks them and renames the scratch file over the database, holding the
database's lock all along; a failed restore leaves the target as it was.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner
from reliability_support import ADVISER, COMPANY_A, WORKER, build_db, snapshot

from data.models import Viewer
from data.store import PartnerStore, StoreBusy, StoreError, restore_database, write_backup
from samspill_cli import main

MANIFEST = "samspill-backup.json"
ADVISER_VIEWER = Viewer(ADVISER[0], "adviser")


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


@pytest.fixture
def bk(db, tmp_path) -> Path:
    """A fresh backup of ``db``."""
    with PartnerStore(db) as store:
        write_backup(store, tmp_path / "bk")
    return tmp_path / "bk"


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def content(path: Path) -> dict:
    """Every row of every table and the sequences, but the change counter (a restore moves it on)."""
    return {t: rows for t, rows in snapshot(path).items() if t != "_revision"}


def revision(path: Path) -> int:
    with PartnerStore(path) as store:
        return store.revision()


def test_backup_restore_round_trip_through_the_cli(db, tmp_path):
    before, before_revision = content(db), revision(db)
    with PartnerStore(db) as store:
        index_state = store.index_state()
    result = run("--db", str(db), "backup", str(tmp_path / "bk"))
    assert result.exit_code == 0, result.output
    assert "backup written" in result.output and "89 organisations" in result.output
    manifest = json.loads((tmp_path / "bk" / MANIFEST).read_text())
    assert manifest["counts"]["ideas"] == 1 and manifest["counts"]["embeddings"] > 0
    assert manifest["tables"]["organisations"]["rows"] == 89 and len(manifest["tables"]["ideas"]["sha256"]) == 64
    assert manifest["schema"][0] == "m001_create_register"
    assert sorted(p.name for p in (tmp_path / "bk").iterdir()) == sorted(
        [MANIFEST] + [entry["file"] for entry in manifest["tables"].values()]
    ), "data files and the manifest only: no SQL"

    restored = tmp_path / "restored.duckdb"
    result = run("--db", str(restored), "restore", str(tmp_path / "bk"))
    assert result.exit_code == 0, result.output
    assert content(restored) == before  # every row of every table, and the sequences
    assert revision(restored) > before_revision
    assert run("--db", str(restored), "check").exit_code == 0
    with PartnerStore(restored) as store:  # ids continue after the restored ones
        assert store.index_state() == index_state
        assert store.add_idea(title="Neste", text="Neste idé", submitted_by="x").idea_id == 2
    assert not list(tmp_path.glob("*.restoring*")) and not list(tmp_path.glob(".bk.partial-*"))


def test_restore_builds_the_schema_from_our_migrations(bk, tmp_path):
    """Nothing of the schema comes from the backup: the keys are there even though no file names them."""
    restored = tmp_path / "restored.duckdb"
    restore_database(bk, restored)
    conn = duckdb.connect(str(restored), read_only=True)
    try:
        keys = conn.execute(
            "SELECT table_name, constraint_column_names FROM duckdb_constraints() WHERE constraint_type = 'PRIMARY KEY'"
        ).fetchall()
    finally:
        conn.close()
    assert ("organisations", ["org_id"]) in keys and ("participations", ["project_id", "org_id"]) in keys


def test_restore_refuses_a_database_with_content_unless_forced(db, bk, seeded):
    with PartnerStore(db) as store:
        store.add_idea(title="Etter backup", text="Kom etter backup", submitted_by="x")
    after = snapshot(db)
    result = run("--db", str(db), "restore", str(bk))
    assert result.exit_code == 1
    assert "is not empty (89 organisations" in result.output and "--force" in result.output
    assert snapshot(db) == after

    result = run("--db", str(db), "restore", "--force", str(bk))
    assert result.exit_code == 0, result.output
    assert content(db) == content(seeded)


def test_restore_into_an_empty_database_needs_no_force(tmp_path, bk, seeded):
    empty = tmp_path / "empty.duckdb"
    PartnerStore(empty).close()
    restore_database(bk, empty)
    assert content(empty) == content(seeded)


def test_restore_replaces_a_damaged_database_only_when_forced(tmp_path, bk, seeded):
    damaged = tmp_path / "damaged.duckdb"
    damaged.write_bytes(b"not a database at all" * 100)
    with pytest.raises(StoreError, match="cannot be read .* restore with --force"):
        restore_database(bk, damaged)
    assert damaged.read_bytes() == b"not a database at all" * 100
    restore_database(bk, damaged, force=True)
    assert content(damaged) == content(seeded)


def test_restore_into_a_missing_folder_is_one_line_and_creates_nothing(bk, tmp_path):
    target = tmp_path / "no" / "such" / "folder" / "db.duckdb"
    result = CliRunner().invoke(main, ["--db", str(target), "restore", str(bk)])
    assert result.exit_code == 1 and result.exception is None or isinstance(result.exception, SystemExit)
    assert result.output.strip() == f"Error: cannot restore into {target}: the folder {target.parent} does not exist"
    assert not (tmp_path / "no").exists()


# -- damaged and tampered backups ---------------------------------------------------------------------


def _manifest(bk: Path) -> dict:
    return json.loads((bk / MANIFEST).read_text())


def _save_manifest(bk: Path, manifest: dict) -> None:
    (bk / MANIFEST).write_text(json.dumps(manifest))


def _rewrite(bk: Path, table: str, select: str) -> None:
    """Replace a table's file by ``select`` over it (``{t}``), and update the manifest to match, as a
    determined editor would: the hashes then hold and only the data itself can be refused."""
    from data.storage.backup import file_sha256

    file = bk / f"{table}.parquet"
    conn = duckdb.connect()
    try:
        conn.execute(f"COPY ({select.format(t=repr(str(file)))}) TO '{bk / 'new.parquet'}' (FORMAT parquet)")
        rows = conn.execute(f"SELECT count(*) FROM '{bk / 'new.parquet'}'").fetchone()[0]
    finally:
        conn.close()
    (bk / "new.parquet").replace(file)
    manifest = _manifest(bk)
    manifest["tables"][table].update(rows=rows, sha256=file_sha256(file))
    _save_manifest(bk, manifest)


def _break_parquet(bk: Path) -> None:
    (bk / "ideas.parquet").write_bytes(b"PAR1 not really")


def _append_to_a_file(bk: Path) -> None:
    with open(bk / "organisations.parquet", "ab") as f:
        f.write(b"\n-- one more line")


def _drop_parquet(bk: Path) -> None:
    (bk / "organisations.parquet").unlink()


def _lie_in_manifest(bk: Path) -> None:
    manifest = _manifest(bk)
    manifest["tables"]["organisations"]["rows"] += 1
    _save_manifest(bk, manifest)


def _no_manifest(bk: Path) -> None:
    (bk / MANIFEST).unlink()


PLANTED = Path("/tmp/samspill-restore-ran-code")


def _plant_sql(bk: Path) -> None:
    """What an attacker would add to an EXPORT DATABASE backup: SQL that writes a file of their choosing."""
    (bk / "load.sql").write_text(f"COPY (SELECT 'pwned') TO '{PLANTED}';\n")
    (bk / "schema.sql").write_text("CREATE TABLE organisations (org_id VARCHAR);\n")


def _old_format_with_sql(bk: Path) -> None:
    manifest = _manifest(bk)
    manifest["format"] = 1
    _save_manifest(bk, manifest)
    (bk / "load.sql").write_text(f"COPY (SELECT 'pwned') TO '{PLANTED}';\n")


def _link_instead_of_file(bk: Path) -> None:
    target = bk.parent / "elsewhere.parquet"
    (bk / "ideas.parquet").replace(target)
    (bk / "ideas.parquet").symlink_to(target)


def _duplicate_keys(bk: Path) -> None:
    _rewrite(bk, "organisations", "SELECT * FROM {t} UNION ALL SELECT * FROM {t} LIMIT 90")


def _dangling_reference(bk: Path) -> None:
    _rewrite(bk, "participations", "SELECT * REPLACE (org_id || '-gone' AS org_id) FROM {t}")


def _extra_column(bk: Path) -> None:
    _rewrite(bk, "organisations", "SELECT *, 'x' AS password FROM {t}")


def _vectors_of_another_width(bk: Path) -> None:
    _rewrite(bk, "embeddings", "SELECT * REPLACE (vector[1:3] AS vector) FROM {t}")


def _newer_schema(bk: Path) -> None:
    manifest = _manifest(bk)
    manifest["schema"].append("m099_from_the_future")
    _save_manifest(bk, manifest)


def _older_schema_than_its_tables(bk: Path) -> None:
    manifest = _manifest(bk)
    manifest["schema"] = manifest["schema"][:3]
    _save_manifest(bk, manifest)


def _migrations_disagree(bk: Path) -> None:
    _rewrite(bk, "_migrations", "SELECT * FROM {t} WHERE name <> 'm002_create_ideas_feedback_accounts'")


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (_break_parquet, "ideas.parquet was changed after the backup was written (its sha256 differs)"),
        (_append_to_a_file, "organisations.parquet was changed after the backup was written"),
        (_drop_parquet, "is not a complete Samspill backup: organisations.parquet missing"),
        (_lie_in_manifest, "is incomplete (organisations: 90 in the manifest, 89 restored)"),
        (_no_manifest, "is not a complete Samspill backup: samspill-backup.json missing"),
        (_plant_sql, "holds files its manifest does not list (load.sql, schema.sql)"),
        (_old_format_with_sql, "was written by an older Samspill whose restore ran the backup's SQL"),
        (_link_instead_of_file, "ideas.parquet is not a plain file"),
        (_duplicate_keys, "organisations.parquet cannot be restored: Constraint Error: PRIMARY KEY or UNIQUE"),
        (_dangling_reference, "inconsistent database: 276 participation names an organisation that does not"),
        (_extra_column, "organisations.parquet does not have the columns of organisations"),
        (_vectors_of_another_width, "embeddings.parquet cannot be restored: Conversion Error"),
        (_newer_schema, "comes from a newer Samspill (schema m099_from_the_future)"),
        (_older_schema_than_its_tables, "holds a table this schema does not have: _revision"),
        (_migrations_disagree, "_migrations.parquet does not match the manifest's schema"),
    ],
    ids=[
        "corrupt parquet", "a line appended", "missing table", "counts differ", "no manifest", "SQL planted",
        "old format with SQL", "a link", "duplicate keys", "dangling references", "extra column",
        "vectors of another width", "newer schema", "older schema", "migrations disagree",
    ],
)
def test_a_damaged_or_tampered_backup_is_refused_and_the_target_kept(db, bk, tmp_path, damage, message):
    PLANTED.unlink(missing_ok=True)
    damage(bk)
    before = snapshot(db)
    result = run("--db", str(db), "restore", "--force", str(bk))
    assert result.exit_code == 1
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert snapshot(db) == before
    assert not list(tmp_path.glob("*.restoring*"))
    assert not PLANTED.exists(), "restore ran code from the backup"


# -- the lock, the files --------------------------------------------------------------------------------


def test_a_process_opening_the_database_during_restore_waits_and_its_write_survives(db, bk):
    """Restore holds the database's lock for its whole run: a process that opens the file while the
    restore is under way waits for it, then writes into the restored file, and its write is kept.
    (Before, it opened the old file, wrote, was acknowledged, and the rename threw its write away.)"""
    writer = None
    blocked_while_restoring = None

    def step(name: str) -> None:
        nonlocal writer, blocked_while_restoring
        if name != "loaded":  # the scratch file is built: the moment a lost write would happen
            return
        writer = subprocess.Popen(
            [sys.executable, str(WORKER), "one-idea", str(db), "Skrevet under gjenoppretting", "120"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        assert writer.stdout.readline().strip() == "opening"
        ready, _, _ = select.select([writer.stdout], [], [], 1.5)  # give it time to get in, if it could
        blocked_while_restoring = not ready

    restore_database(bk, db, force=True, progress=step)
    try:
        ack = writer.stdout.readline().strip()
        assert writer.wait(timeout=120) == 0, writer.stderr.read()
    finally:
        if writer.poll() is None:
            writer.kill()
    assert blocked_while_restoring, "the writer got the file while the restore held it"
    assert ack.startswith("ack ")
    idea_id = int(ack.split()[1])
    with PartnerStore(db) as store:
        found = [i for i in store.ideas(ADVISER_VIEWER) if i.title == "Skrevet under gjenoppretting"]
    assert [i.idea_id for i in found] == [idea_id]


def test_backup_and_database_files_are_private(db, tmp_path):
    os.chmod(db, 0o644)  # as an older version left it
    with PartnerStore(db) as store:
        store.add_idea(title="Hemmelig", text="Ikke for andre brukere", submitted_by="x")
        assert stat.S_IMODE(os.stat(f"{db}.wal").st_mode) == 0o600
        write_backup(store, tmp_path / "bk")
    assert stat.S_IMODE(os.stat(db).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(f"{db}.lock").st_mode) == 0o600
    assert stat.S_IMODE(os.stat(tmp_path / "bk").st_mode) == 0o700
    assert {stat.S_IMODE(p.stat().st_mode) for p in (tmp_path / "bk").iterdir()} == {0o600}
    restored = tmp_path / "restored.duckdb"
    restore_database(tmp_path / "bk", restored)
    assert stat.S_IMODE(os.stat(restored).st_mode) == 0o600


def test_backup_refuses_a_folder_with_files_and_leaves_nothing_half_written(db, tmp_path, monkeypatch):
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "notes.txt").write_text("mine")
    result = run("--db", str(db), "backup", str(taken))
    assert result.exit_code == 1 and "is not an empty folder" in result.output
    assert [p.name for p in taken.iterdir()] == ["notes.txt"]

    def fail_midway(self, directory):
        (Path(directory) / "organisations.parquet").write_text("half")
        raise StoreError("disk full")

    monkeypatch.setattr(PartnerStore, "export_database", fail_midway)
    result = run("--db", str(db), "backup", str(tmp_path / "new"))
    assert result.exit_code == 1 and "disk full" in result.output
    assert not (tmp_path / "new").exists() and not list(tmp_path.glob(".new.partial-*"))


def test_backup_to_a_full_disk_is_one_line_and_leaves_nothing(db, tmp_path):
    """/dev/full answers every write with ENOSPC, as a full disk does."""
    result = CliRunner().invoke(main, ["--db", str(db), "backup", "/dev/full/bk"])
    assert result.exit_code == 1 and (result.exception is None or isinstance(result.exception, SystemExit))
    assert result.output.startswith("Error: cannot write the backup /dev/full/bk")
    assert len(result.output.strip().splitlines()) == 1


def test_restore_refuses_a_database_in_use(db, bk):
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, duckdb; c = duckdb.connect(sys.argv[1]); print('held', flush=True); "
         "sys.stdin.read()", str(db)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(StoreBusy, match="in use by another process after waiting 0.2 s"):
            restore_database(bk, db, force=True, wait=0.2)
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
