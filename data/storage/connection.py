"""The database file: opening it under our locks, a cursor per operation, transactions, migrations.

Threads: one store may be shared by many threads (Streamlit serves each session in its own
thread). Every operation takes its own cursor from the shared connection, as the DuckDB docs
require, and every write runs in a transaction. Writers of one process are serialised by a
lock, so DuckDB's optimistic concurrency never has to abort one of ours; a commit that still
conflicts with work DuckDB started itself (a checkpoint) is retried with backoff.

Processes: DuckDB lets one process hold a file for writing, and no other process may then open
it at all, not even to read. A process that opens a file another one holds waits up to
``wait`` seconds (retrying with backoff) and then gets :class:`StoreBusy`. The process also
holds ``<file>.lock`` while the file is open, because DuckDB's own lock ends before its close
is done with the WAL (:func:`lock_process`).
"""

from __future__ import annotations

import contextlib
import random
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO

import duckdb

from data.storage.errors import StoreBusy, StoreError

try:
    import fcntl
except ImportError:  # Windows: DuckDB's own file lock is all there is
    fcntl = None

MEMORY = ":memory:"

CREATE_MIGRATIONS_TABLE = (
    "CREATE TABLE IF NOT EXISTS _migrations (name VARCHAR PRIMARY KEY, applied_at TIMESTAMP DEFAULT current_timestamp)"
)
SELECT_APPLIED = "SELECT name FROM _migrations"
RECORD_MIGRATION = "INSERT INTO _migrations (name) VALUES (?)"
SELECT_HAS_TABLE = "SELECT 1 FROM information_schema.tables WHERE table_name = ?"

_CONFLICT_MARKERS = ("Conflict", "conflict")


def database_files(path: str | Path) -> list[Path]:
    """A database file and the files DuckDB and the store keep beside it."""
    return [Path(path), Path(f"{path}.wal"), Path(f"{path}.lock")]


def remove_database_files(path: str | Path, *, keep_database: bool = False) -> None:
    """Delete a scratch database and the files DuckDB and the store keep beside it.

    Only for files no other process uses (a build or restore in progress): deleting the
    ``.lock`` of a shared database would let two processes each hold a lock of their own.
    ``keep_database`` removes only the companions, after the file was renamed into place.
    """
    files = database_files(path)
    for file in files[1:] if keep_database else files:
        file.unlink(missing_ok=True)


def is_conflict(exc: Exception) -> bool:
    return isinstance(exc, duckdb.TransactionException) or any(marker in str(exc) for marker in _CONFLICT_MARKERS)


def has_table(cur: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(cur.execute(SELECT_HAS_TABLE, [name]).fetchall())


def apply_migrations(cur: duckdb.DuckDBPyConnection, migrations: Sequence[tuple[str, Sequence[str]]]) -> None:
    """Apply the migrations not recorded yet, in order, recording each (inside the caller's transaction)."""
    cur.execute(CREATE_MIGRATIONS_TABLE)
    done = {row[0] for row in cur.execute(SELECT_APPLIED).fetchall()}
    for name, statements in migrations:
        if name in done:
            continue
        for sql in statements:
            cur.execute(sql)
        cur.execute(RECORD_MIGRATION, [name])


class Held(Exception):
    """The file is held by another process (raised inside :func:`open_with_backoff`)."""


def open_with_backoff(path: str, wait: float, deadline: float, attempt: Callable):
    """Call ``attempt()`` until it stops raising :class:`Held`; :class:`StoreBusy` at ``deadline``."""
    delay = 0.005
    while True:
        try:
            return attempt()
        except Held as exc:
            left = deadline - time.monotonic()
            if left <= 0:
                waited = f" after waiting {wait:g} s" if wait > 0 else ""
                raise StoreBusy(
                    f"{path} is in use by another process{waited} (DuckDB allows one process per file); "
                    "stop the other Samspill process (app or command) or use a copy of the file"
                ) from exc.__cause__
            time.sleep(min(delay * (0.5 + random.random()), left))
            delay = min(delay * 2, 0.1)


def lock_process(path: str, *, read_only: bool, wait: float, deadline: float) -> IO[bytes] | None:
    """Take ``<path>.lock`` (shared to read, exclusive to write) while the file is open.

    Why not rely on DuckDB's own lock on the file alone: it is released while the closing
    process is still finishing with the write-ahead log, and a process that opens the file
    in that moment can lose a write the closer had already committed and acknowledged.
    tests/test_concurrency.py caught this with four processes taking turns on one file, and
    bench/lost_writes.py reproduces it; with this lock held from before DuckDB opens the
    file until after it has closed it, the same runs lose nothing (docs/reliability.md has
    the counts).
    """
    if fcntl is None or path == MEMORY:
        return None
    try:
        handle = open(f"{path}.lock", "ab")  # noqa: SIM115 - held until the store closes
    except OSError:
        return None  # e.g. a read-only folder: nobody can write there, so nothing can be lost
    mode = (fcntl.LOCK_SH if read_only else fcntl.LOCK_EX) | fcntl.LOCK_NB

    def attempt() -> IO[bytes]:
        try:
            fcntl.flock(handle, mode)
        except BlockingIOError as exc:
            raise Held() from exc
        return handle

    try:
        return open_with_backoff(path, wait, deadline, attempt)
    except BaseException:
        handle.close()
        raise


def connect(path: str, *, read_only: bool, wait: float, deadline: float) -> duckdb.DuckDBPyConnection:
    """Open ``path``, retrying with jittered backoff while another process holds DuckDB's lock."""

    def attempt() -> duckdb.DuckDBPyConnection:
        try:
            return duckdb.connect(path, read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise StoreError(f"cannot open database {path}: {exc}") from exc
            raise Held() from exc
        except duckdb.Error as exc:
            raise StoreError(f"cannot open database {path}: {exc}") from exc

    return open_with_backoff(path, wait, deadline, attempt)


class Connection:
    """One database file as this process holds it, from the constructor to :meth:`close`.

    Args:
        path: database file, or ``":memory:"``. Parent folders are created.
        read_only: open without write access (several processes may do so).
        wait: seconds to keep retrying while another process holds the file.
        migrations: applied when the file is opened for writing.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        read_only: bool = False,
        wait: float = 0.0,
        migrations: Sequence[tuple[str, Sequence[str]]] = (),
    ):
        self.path = str(path)
        self.read_only = read_only
        if self.path != MEMORY:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + max(wait, 0.0)
        self._file_lock = lock_process(self.path, read_only=read_only, wait=wait, deadline=deadline)
        try:
            self._conn = connect(self.path, read_only=read_only, wait=wait, deadline=deadline)
        except BaseException:
            self._release_file_lock()
            raise
        self._closed = False
        self._write_lock = threading.Lock()
        if not read_only:
            try:
                with self.write() as cur:
                    apply_migrations(cur, migrations)
            except duckdb.Error as exc:  # e.g. a damaged block: say so instead of a DuckDB traceback
                self.close()
                raise StoreError(
                    f"cannot open database {self.path}: {exc} (restore a backup with `samspill restore`)"
                ) from exc

    def close(self) -> None:
        """Close the connection, then let go of the lock file (in this order: see lock_process). Idempotent."""
        if not self._closed:
            self._closed = True
            try:
                self._conn.close()
            finally:
                self._release_file_lock()

    def _release_file_lock(self) -> None:
        if self._file_lock is not None:
            self._file_lock.close()  # closing the file releases the flock
            self._file_lock = None

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        if self._closed:
            raise StoreError(f"store {self.path} is closed")
        return self._conn.cursor()

    @contextlib.contextmanager
    def read(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor of its own for one read operation."""
        cur = self._cursor()
        try:
            yield cur
        finally:
            cur.close()

    @contextlib.contextmanager
    def write(self, *, attempts: int = 8) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor inside a transaction: committed on success, rolled back on any error."""
        if self.read_only:
            raise StoreError(f"{self.path} is open read-only")
        with self._write_lock:
            cur = self._cursor()
            try:
                cur.execute("BEGIN TRANSACTION")
                try:
                    yield cur
                except BaseException:
                    cur.execute("ROLLBACK")
                    raise
                for attempt in range(attempts):
                    try:
                        cur.execute("COMMIT")
                        break
                    except duckdb.Error as exc:
                        if not is_conflict(exc) or attempt == attempts - 1:
                            raise
                        time.sleep(0.01 * 2**attempt * (1 + random.random()))
            finally:
                cur.close()

    @contextlib.contextmanager
    def rolled_back(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor inside a transaction that is always rolled back (probes that must write nothing)."""
        with self._write_lock:
            cur = self._cursor()
            try:
                cur.execute("BEGIN TRANSACTION")
                yield cur
            finally:
                with contextlib.suppress(duckdb.Error):
                    cur.execute("ROLLBACK")
                cur.close()
