"""``samspill backup`` and ``samspill restore``: a folder with the whole database and a manifest.

A backup is written into a scratch folder and renamed into place once complete; a restore is
built in a scratch file next to the database, checked, and only then renamed over it. Either
leaves the old state untouched when it fails.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import duckdb

from data.storage.connection import remove_database_files
from data.storage.errors import StoreBusy, StoreError

BACKUP_MANIFEST = "samspill-backup.json"


def sql_path(path: Path) -> str:
    """A file path as a SQL string literal (EXPORT/IMPORT DATABASE take no parameters)."""
    return "'" + str(path).replace("'", "''") + "'"


def export_database(cur, directory: Path) -> None:
    """Write every table as Parquet plus the schema (DuckDB ``EXPORT DATABASE``) into ``directory``."""
    cur.execute(f"EXPORT DATABASE {sql_path(directory)} (FORMAT parquet)")


def write_backup(store, directory: str | Path) -> dict[str, int]:
    """Export ``store`` into the new folder ``directory`` with a manifest; all or nothing.

    The export goes to a scratch folder that is renamed into place once complete,
    so ``directory`` either holds a whole backup or does not exist.
    """
    directory = Path(directory)
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise StoreError(f"{directory} exists and is not an empty folder; give a new folder for the backup")
    scratch = directory.with_name(f".{directory.name}.partial-{os.getpid()}")
    if scratch.exists():
        shutil.rmtree(scratch)
    scratch.parent.mkdir(parents=True, exist_ok=True)
    try:
        counts = store.export_database(scratch)
        manifest = {
            "format": 1,
            "created_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "source": str(store.path),
            "duckdb": duckdb.__version__,
            "migrations": store.migrations(),
            "counts": counts,
        }
        (scratch / BACKUP_MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        for item in scratch.iterdir():
            fsync(item)
        if directory.exists():
            directory.rmdir()  # empty, checked above
        os.replace(scratch, directory)
        fsync(directory.parent)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    return counts


def restore_database(backup: str | Path, path: str | Path, *, force: bool = False, wait: float = 0.0) -> dict[str, int]:
    """Replace the database at ``path`` by the backup in folder ``backup``; all or nothing.

    The backup is imported into a scratch file next to ``path``, checked against
    the counts its manifest recorded, migrated, and only then renamed over
    ``path``. A database holding any content is only replaced with ``force``.
    Returns the restored counts.

    Raises:
        StoreError: not a Samspill backup, counts that disagree, a non-empty
            target without ``force``; the target is then untouched.
        StoreBusy: another process holds ``path``.
    """
    from data.store import PartnerStore  # the façade: restore opens whole stores

    backup, path = Path(backup), Path(path)
    manifest = read_manifest(backup)
    if path.exists():
        with PartnerStore(path, wait=wait) as current:  # takes the lock, replays and empties any WAL
            held = {t: n for t, n in current.counts().items() if n and t != "embeddings"}
        if held and not force:
            shown = ", ".join(f"{n:,} {t}" for t, n in held.items())
            raise StoreError(f"{path} is not empty ({shown}); restore with --force to replace it")
    scratch = path.with_name(path.name + ".restoring")
    remove_database_files(scratch)
    try:
        conn = duckdb.connect(str(scratch))
        try:
            conn.execute(f"IMPORT DATABASE {sql_path(backup)}")
            conn.execute("CHECKPOINT")
        except duckdb.Error as exc:
            raise StoreError(f"{backup} cannot be restored: {exc}") from exc
        finally:
            conn.close()
        with PartnerStore(scratch) as restored:  # applies migrations newer than the backup
            counts = restored.counts()
            problems = restored.integrity_problems()
        expected = manifest.get("counts", {})
        differ = {t: (expected[t], counts.get(t)) for t in expected if counts.get(t) != expected[t]}
        if differ:
            shown = ", ".join(f"{t}: {want:,} in the manifest, {got} restored" for t, (want, got) in differ.items())
            raise StoreError(f"{backup} is incomplete ({shown})")
        if problems:
            raise StoreError(f"{backup} holds an inconsistent database: {problems[0]}")
        if Path(f"{path}.wal").exists():
            raise StoreBusy(f"{path} was opened while restoring; nothing was replaced")
        fsync(scratch)
        os.replace(scratch, path)
        fsync(path.parent)
    finally:
        remove_database_files(scratch)
    return counts


def read_manifest(backup: Path) -> dict:
    if not backup.is_dir():
        raise StoreError(f"{backup} is not a backup folder (expected the folder `samspill backup` wrote)")
    missing = [name for name in (BACKUP_MANIFEST, "schema.sql", "load.sql") if not (backup / name).is_file()]
    if missing:
        raise StoreError(f"{backup} is not a complete Samspill backup: {', '.join(missing)} missing")
    try:
        manifest = json.loads((backup / BACKUP_MANIFEST).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StoreError(f"{backup / BACKUP_MANIFEST} is not readable: {exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != 1 or not isinstance(manifest.get("counts"), dict):
        raise StoreError(f"{backup / BACKUP_MANIFEST} is not a Samspill backup manifest (format 1)")
    return manifest


def fsync(path: Path) -> None:
    """Flush a file or folder to disk (a rename is only durable once its folder is)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
