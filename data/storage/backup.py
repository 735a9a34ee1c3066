"""``samspill backup`` and ``samspill restore``: data files and a manifest, never code.

A backup is a folder with one Parquet file per table and ``samspill-backup.json``: the schema
version (the migrations applied), the embedding model, every file's sha256 and row count, and
where the id sequences stood. It is written into a scratch folder and renamed into place, so
the folder is either whole or absent; folder and files are readable by their owner only.

A restore runs nothing from the backup. It checks the folder against the manifest first (no
file edited, missing or added), builds the schema from this version's own migrations in a
scratch file next to the database, loads only the data files into the tables they are named
for (the schema's keys and types refuse what does not fit), checks row counts and integrity,
and only then renames the scratch file over the database. It holds the database's lock file
for its whole run, so no other Samspill process opens the database in between and writes
into a file that is about to be replaced. When anything fails the database is as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import duckdb

from data.migrations import MIGRATIONS
from data.storage import integrity, register, vectors
from data.storage.connection import (
    Connection,
    apply_migrations,
    exclusive_file_lock,
    has_table,
    private_files,
    remove_database_files,
)
from data.storage.errors import StoreBusy, StoreError

BACKUP_MANIFEST = "samspill-backup.json"
FORMAT = 2
#: A manifest is a few kilobytes; anything much larger is not one.
MAX_MANIFEST_BYTES = 1 << 20
SHA256 = re.compile(r"[0-9a-f]{64}")
TABLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")

SELECT_TABLES = "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY table_name"
SELECT_COLUMNS = (
    "SELECT column_name FROM information_schema.columns WHERE table_schema = 'main' AND table_name = ?"
    " ORDER BY ordinal_position"
)
SELECT_SEQUENCES = (
    "SELECT sequence_name, coalesce(last_value + increment_by, start_value) FROM duckdb_sequences()"
    " WHERE schema_name = 'main' ORDER BY sequence_name"
)
DESCRIBE_PARQUET = "SELECT column_name FROM (DESCRIBE SELECT * FROM read_parquet(?))"
ADVANCE_SEQUENCE = "SELECT max(nextval(?)) FROM range(?)"
SET_REVISION = "UPDATE _revision SET register = ?"


# -- writing ---------------------------------------------------------------------------------------


def schema_tables(migrations: Sequence[tuple[str, Sequence[str]]] = MIGRATIONS) -> set[str]:
    """The tables the given migrations make (built in memory), plus the embeddings table."""
    conn = duckdb.connect()
    try:
        apply_migrations(conn, migrations)
        return {row[0] for row in conn.execute(SELECT_TABLES).fetchall()} | {"embeddings"}
    finally:
        conn.close()


def sql_path(path: Path) -> str:
    """A file path as a SQL string literal (COPY takes no parameters); always our own path."""
    return "'" + str(path).replace("'", "''") + "'"


def export_tables(cur, directory: Path, tables: set[str]) -> dict:
    """Write each of ``tables`` the database has as ``<table>.parquet`` into ``directory``, from
    the caller's one read transaction; returns the manifest's description of what was written."""
    written = {}
    for (table,) in cur.execute(SELECT_TABLES).fetchall():
        if table not in tables:
            continue  # a table this version does not know would be refused on restore
        file = directory / f"{table}.parquet"
        cur.execute(f'COPY (SELECT * FROM "{table}") TO {sql_path(file)} (FORMAT parquet)')  # names from the catalogue
        rows = cur.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
        written[table] = {"file": file.name, "rows": rows}
    return {
        "schema": [row[0] for row in cur.execute("SELECT name FROM _migrations ORDER BY name").fetchall()],
        "tables": written,
        "sequences": dict(cur.execute(SELECT_SEQUENCES).fetchall()),
        "embedding_space": vectors.embedding_space(cur),
        "index_state": vectors.index_state(cur) if has_table(cur, "embeddings") else None,
        "revision": register.revision(cur),
        "counts": register.counts(cur),
    }


def _not_utf8(path: Path) -> bool:
    """A file name made of bytes that are not UTF-8 (Python holds them as surrogates; DuckDB fails on them)."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _shown_path(path: Path) -> str:
    return os.fsencode(str(path)).decode("utf-8", "replace")


def write_backup(store, directory: str | Path) -> dict[str, int]:
    """Back ``store`` up into the new folder ``directory``; all or nothing. Returns the counts.

    The files go to a scratch folder that is renamed into place once complete, so
    ``directory`` either holds a whole backup or does not exist.
    """
    directory = Path(directory)
    if _not_utf8(directory.resolve()):
        raise StoreError(f"cannot write the backup {_shown_path(directory)}: its path is not UTF-8 text, "
                         "and DuckDB writes only to such paths")
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise StoreError(f"{directory} exists and is not an empty folder; give a new folder for the backup")
    if not directory.parent.is_dir():
        raise StoreError(f"cannot write the backup {directory}: the folder {directory.parent} does not exist")
    scratch = directory.with_name(f".{directory.name}.partial-{os.getpid()}")
    try:
        with private_files():
            if scratch.exists():
                shutil.rmtree(scratch)
            scratch.mkdir(mode=0o700)
            written = store.export_database(scratch)
            for entry in written["tables"].values():
                entry["sha256"] = file_sha256(scratch / entry["file"])
            manifest = {
                "format": FORMAT,
                "created_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                "source": str(store.path),
                "duckdb": duckdb.__version__,
                **written,
            }
            (scratch / BACKUP_MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
            for item in scratch.iterdir():
                fsync(item)
            if directory.exists():
                directory.rmdir()  # empty, checked above
            os.replace(scratch, directory)
            fsync(directory.parent)
    except OSError as exc:
        shutil.rmtree(scratch, ignore_errors=True)
        raise StoreError(f"cannot write the backup {directory}: {exc.strerror or exc}") from exc
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    return written["counts"]


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


# -- checking ------------------------------------------------------------------------------------


def read_manifest(backup: Path) -> dict:
    """The manifest of ``backup``, its shape checked field by field (it is input like any other)."""
    if not backup.is_dir():
        raise StoreError(f"{backup} is not a backup folder (expected the folder `samspill backup` wrote)")
    file = backup / BACKUP_MANIFEST
    if not file.is_file() or file.is_symlink():
        raise StoreError(f"{backup} is not a complete Samspill backup: {BACKUP_MANIFEST} missing")
    try:
        if file.stat().st_size > MAX_MANIFEST_BYTES:
            raise StoreError(f"{file} is not a Samspill backup manifest (larger than {MAX_MANIFEST_BYTES:,} bytes)")
        manifest = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise StoreError(f"{file} is not readable: {exc}") from exc
    if isinstance(manifest, dict) and manifest.get("format") == 1:
        raise StoreError(
            f"{backup} was written by an older Samspill whose restore ran the backup's SQL; this version only "
            "loads data files: restore it with the version that wrote it, then back it up again"
        )
    problem = manifest_problem(manifest)
    if problem:
        raise StoreError(f"{file} is not a Samspill backup manifest (format {FORMAT}): {problem}")
    return manifest


def manifest_problem(manifest) -> str | None:
    """What is wrong with a manifest's shape, or None."""
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        return "no format number"
    schema = manifest.get("schema")
    if not isinstance(schema, list) or not all(isinstance(name, str) for name in schema):
        return "schema is not a list of migrations"
    tables = manifest.get("tables")
    if not isinstance(tables, dict) or not tables:
        return "no tables"
    for name, entry in tables.items():
        if not isinstance(name, str) or not TABLE_NAME.fullmatch(name):
            return f"bad table name {name!r}"
        if (
            not isinstance(entry, dict)
            or entry.get("file") != f"{name}.parquet"
            or not _count(entry.get("rows"))
            or not isinstance(entry.get("sha256"), str)
            or not SHA256.fullmatch(entry["sha256"])
        ):
            return f"bad entry for table {name}"
    sequences = manifest.get("sequences")
    if not isinstance(sequences, dict) or not all(
        isinstance(k, str) and _count(v) and v >= 1 for k, v in sequences.items()
    ):
        return "bad sequences"
    space = manifest.get("embedding_space")
    if space is not None and not (
        isinstance(space, list) and len(space) == 2 and isinstance(space[0], str) and _count(space[1])
    ):
        return "bad embedding_space"
    if manifest.get("index_state") is not None and not isinstance(manifest["index_state"], str):
        return "bad index_state"
    if not _count(manifest.get("revision", 0)):
        return "bad revision"
    return None


def _count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**63


def verify_files(backup: Path, manifest: dict) -> None:
    """Exactly the manifest's files, each as written (sha256); else :class:`StoreError`, nothing read."""
    expected = {entry["file"]: entry["sha256"] for entry in manifest["tables"].values()}
    present = {}
    for entry in os.scandir(backup):
        if entry.name == BACKUP_MANIFEST:
            continue
        present[entry.name] = entry
    extra = sorted(set(present) - set(expected))
    if extra:
        shown = ", ".join(extra[:5]) + (f" and {len(extra) - 5} more" if len(extra) > 5 else "")
        raise StoreError(f"{backup} holds files its manifest does not list ({shown}); it was changed after the backup")
    missing = sorted(set(expected) - set(present))
    if missing:
        raise StoreError(f"{backup} is not a complete Samspill backup: {', '.join(missing)} missing")
    for name, sha256 in sorted(expected.items()):
        entry = present[name]
        if entry.is_symlink() or not entry.is_file(follow_symlinks=False):
            raise StoreError(f"{backup / name} is not a plain file; a backup holds only the files it wrote")
        if file_sha256(Path(entry.path)) != sha256:
            raise StoreError(f"{backup / name} was changed after the backup was written (its sha256 differs)")


def check_schema(backup: Path, manifest: dict) -> list[tuple[str, list[str]]]:
    """The migrations the backup's schema was made of, as this version has them.

    Every name must be one of ours (a backup from a newer version is refused by name). Migrations
    are numbered in ranges that grow independently, so the backup may lack some of ours; the
    missing ones are applied when the restored file is opened, as for any older database.
    """
    ours = dict(MIGRATIONS)
    unknown = next((name for name in manifest["schema"] if name not in ours), None)
    if unknown is not None:
        raise StoreError(f"{backup} comes from a newer Samspill (schema {unknown}); restore it with that version")
    return [(name, statements) for name, statements in MIGRATIONS if name in set(manifest["schema"])]


# -- restoring -----------------------------------------------------------------------------------


def restore_database(
    backup: str | Path,
    path: str | Path,
    *,
    force: bool = False,
    wait: float = 0.0,
    progress: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """Replace the database at ``path`` by the backup in folder ``backup``; all or nothing.

    A database holding any content is only replaced with ``force``. ``progress`` is told each
    step as it is done: ``verified`` (the files against the manifest), ``locked`` (the
    database's lock taken), ``loaded`` (the scratch file built and checked), ``replaced``.
    Returns the restored counts.

    Raises:
        StoreError: not a Samspill backup, a file edited, missing or added, counts or rows
            that do not fit, a non-empty target without ``force``; the target is untouched.
        StoreBusy: another process holds ``path``.
    """
    backup, path = Path(backup), Path(path)
    if path.is_dir():
        raise StoreError(f"cannot restore into {path}: it is a folder, not a database file")
    if path.is_symlink():
        raise StoreError(f"cannot restore into {path}: it is a link; give the database file it leads to "
                         f"({path.resolve()})")
    if path.exists() and not path.is_file():
        # the restored file is renamed over the target: as root, --db /dev/full --force replaced the device
        raise StoreError(f"cannot restore into {path}: it is not a regular file (a device or a pipe)")
    if not path.parent.is_dir():
        raise StoreError(f"cannot restore into {path}: the folder {path.parent} does not exist")
    step = progress or (lambda _: None)
    manifest = read_manifest(backup)
    verify_files(backup, manifest)
    schema = check_schema(backup, manifest)
    step("verified")
    with exclusive_file_lock(path, wait=wait):
        step("locked")
        old_revision, damaged = _current_state(path, force=force, wait=wait)
        scratch = path.with_name(path.name + ".restoring")
        remove_database_files(scratch)
        try:
            _load(backup, scratch, manifest, schema)
            # a process that kept the old register in memory must see a change, whatever the backup held
            counts = _checked(backup, scratch, revision=max(old_revision, manifest.get("revision", 0)) + 1)
            step("loaded")
            with private_files():
                fsync(scratch)
                if damaged:
                    Path(f"{path}.wal").unlink(missing_ok=True)  # would be replayed onto the new file
                if Path(f"{path}.wal").exists():
                    raise StoreBusy(f"{path} was opened while restoring; nothing was replaced")
                os.replace(scratch, path)
                fsync(path.parent)
        finally:
            remove_database_files(scratch)
        step("replaced")
    return counts


def _current_state(path: Path, *, force: bool, wait: float) -> tuple[int, bool]:
    """(revision, damaged) of the database about to be replaced; refuses one with content unless forced.

    Opening it for writing replays its WAL into it and closing empties the WAL, so no WAL of the
    old file is left to be replayed onto the new one.
    """
    if not path.exists():
        return 0, False
    try:
        conn = Connection(path, wait=wait, create=False, migrations=MIGRATIONS, take_file_lock=False)
    except StoreBusy:
        raise
    except StoreError as exc:
        if not force:
            raise StoreError(f"{path} cannot be read ({exc}); restore with --force to replace it") from exc
        return 0, True
    try:
        with conn.read() as cur:
            held = {t: n for t, n in register.counts(cur).items() if n and t != "embeddings"}
            revision = register.revision(cur)
    finally:
        conn.close()
    if held and not force:
        shown = ", ".join(f"{n:,} {t}" for t, n in held.items())
        raise StoreError(f"{path} is not empty ({shown}); restore with --force to replace it")
    return revision, False


def _load(backup: Path, scratch: Path, manifest: dict, schema: list[tuple[str, list[str]]]) -> None:
    """The backup's schema from our own migrations, then its data files, into ``scratch``."""
    conn = Connection(scratch, migrations=schema)
    try:
        with conn.write() as cur:
            space = manifest.get("embedding_space")
            if space is not None:
                vectors.create_embedding_space(cur, space[0], space[1])
            tables = {row[0] for row in cur.execute(SELECT_TABLES).fetchall()}
            unknown = sorted(set(manifest["tables"]) - tables)
            if unknown:
                raise StoreError(f"{backup} holds a table this schema does not have: {unknown[0]}")
            missing = sorted(tables - set(manifest["tables"]))
            if missing:
                raise StoreError(f"{backup} is not a complete Samspill backup: no {missing[0]}.parquet")
            for table in sorted(tables):
                _load_table(cur, backup, table, manifest["tables"][table]["rows"])
            _check_bookkeeping(cur, backup, manifest)
            _set_sequences(cur, backup, manifest["sequences"])
            if space is not None and manifest.get("index_state"):
                vectors.set_index_state(cur, manifest["index_state"])
    except duckdb.Error as exc:
        raise StoreError(f"{backup} cannot be restored: {' '.join(str(exc).split())}") from exc
    finally:
        conn.close()


def _load_table(cur, backup: Path, table: str, rows: int) -> None:
    file = str(backup / f"{table}.parquet")
    wanted = [row[0] for row in cur.execute(SELECT_COLUMNS, [table]).fetchall()]
    found = [row[0] for row in cur.execute(DESCRIBE_PARQUET, [file]).fetchall()]
    if sorted(found) != sorted(wanted):
        raise StoreError(
            f"{backup / (table + '.parquet')} does not have the columns of {table} "
            f"(found {', '.join(found)}; expected {', '.join(wanted)})"
        )
    cur.execute(f'DELETE FROM "{table}"')  # rows the migrations wrote (their own record, the counter)
    try:
        cur.execute(f'INSERT INTO "{table}" BY NAME SELECT * FROM read_parquet(?)', [file])
    except duckdb.Error as exc:
        raise StoreError(f"{file} cannot be restored: {' '.join(str(exc).split())}") from exc
    loaded = cur.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
    if loaded != rows:
        raise StoreError(f"{backup} is incomplete ({table}: {rows:,} in the manifest, {loaded:,} restored)")


def _check_bookkeeping(cur, backup: Path, manifest: dict) -> None:
    """The loaded migration records and embedding model must be the manifest's: later steps trust them."""
    applied = [row[0] for row in cur.execute("SELECT name FROM _migrations ORDER BY name").fetchall()]
    if applied != sorted(manifest["schema"]):
        raise StoreError(f"{backup}: _migrations.parquet does not match the manifest's schema")
    space = manifest.get("embedding_space")
    if cur.execute("SELECT model_id, dim FROM embedding_space").fetchall() != ([tuple(space)] if space else []):
        raise StoreError(f"{backup}: embedding_space.parquet does not match the manifest's embedding model")


def _set_sequences(cur, backup: Path, sequences: dict[str, int]) -> None:
    """Each id sequence hands out next what it would have in the backed-up database."""
    ours = dict(cur.execute(SELECT_SEQUENCES).fetchall())
    if set(sequences) != set(ours):
        raise StoreError(
            f"{backup} lists the sequences {', '.join(sorted(sequences)) or 'none'}, not {', '.join(ours)}"
        )
    for name, following in sorted(sequences.items()):
        if following > ours[name]:
            cur.execute(ADVANCE_SEQUENCE, [name, following - ours[name]])


def _checked(backup: Path, scratch: Path, *, revision: int) -> dict[str, int]:
    """Open the restored file as the store would (newer migrations applied); counts, or the first problem."""
    conn = Connection(scratch, migrations=MIGRATIONS)
    try:
        with conn.write() as cur:
            cur.execute(SET_REVISION, [revision])
        with conn.rolled_back() as cur:
            integrity.probe_indexes(cur, str(scratch))
        with conn.read() as cur:
            problems = integrity.integrity_problems(cur, str(scratch))
            problems += _ids_ahead_of_sequences(cur)
            counts = register.counts(cur)
    finally:
        conn.close()
    if problems:
        raise StoreError(f"{backup} holds an inconsistent database: {problems[0]}")
    return counts


def _ids_ahead_of_sequences(cur) -> list[str]:
    """Ids a sequence would hand out again (a new idea would collide with a restored one)."""
    following = dict(cur.execute(SELECT_SEQUENCES).fetchall())
    problems = []
    for table, column, sequence in (("ideas", "idea_id", "idea_ids"), ("feedback", "feedback_id", "feedback_ids")):
        top = cur.execute(f"SELECT max({column}) FROM {table}").fetchone()[0]  # fixed names
        if top is not None and sequence in following and following[sequence] <= top:
            problems.append(f"{table} ids reach {top} but {sequence} would hand out {following[sequence]} next")
    return problems


def fsync(path: Path) -> None:
    """Flush a file or folder to disk (a rename is only durable once its folder is)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
