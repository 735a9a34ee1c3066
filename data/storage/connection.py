"""The database file: opening it under our locks, a cursor per operation, transactions, migrations.

Threads: one store may be shared by many threads (Streamlit serves each session in its own
thread). Every operation takes its own cursor from the shared connection, as the DuckDB docs
require, and every write runs in a transaction. Writers of one process are serialised by a
lock, so DuckDB's optimistic concurrency never has to abort one of ours; a commit that still
loses a race with DuckDB's own work (a checkpoint) is retried with backoff.

Processes: DuckDB lets one process hold a file for writing, and no other process may then open
it at all, not even to read. A process that opens a file another one holds waits up to
``wait`` seconds (retrying with backoff) and then gets :class:`StoreBusy`. Two ways to hold:

* **for life** (the default): the file is open from the constructor to :meth:`close`; for
  tests, benchmarks and short commands.
* **brief** (``brief=True``): the file is opened for an operation and let go once no operation
  has run for :data:`IDLE_SECONDS`, so another process (the CLI beside the app) gets its turn.
  :meth:`Connection.held` keeps it open across several operations that must see one state.

Either way the process also holds ``<file>.lock`` while the file is open, because DuckDB's own
lock ends before its close is done with the WAL (:func:`lock_process`).

Files are private: the database, its WAL and the lock file are created readable by their
owner only (they hold ideas and password hashes), and a database opened for writing has its
files narrowed to that if an older version left them readable by others.
"""

from __future__ import annotations

import contextlib
import os
import random
import stat
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

#: A brief store lets go of the file after this long without an operation. Long enough that one
#: page view's reads share one opening (an opening costs 40-250 ms), short enough that a command
#: waiting for the file gets it between two page views.
IDLE_SECONDS = 0.25

#: Files the store creates (the database, its WAL, the lock file, backups) are for their owner.
PRIVATE_UMASK = 0o077

CREATE_MIGRATIONS_TABLE = (
    "CREATE TABLE IF NOT EXISTS _migrations (name VARCHAR PRIMARY KEY, applied_at TIMESTAMP DEFAULT current_timestamp)"
)
SELECT_APPLIED = "SELECT name FROM _migrations"
RECORD_MIGRATION = "INSERT INTO _migrations (name) VALUES (?)"
SELECT_HAS_TABLE = "SELECT 1 FROM information_schema.tables WHERE table_schema = 'main' AND table_name = ?"

_umask_guard = threading.Lock()
_umask_users = 0
_umask_saved = 0


@contextlib.contextmanager
def private_files() -> Iterator[None]:
    """Run a block under umask 077, so files DuckDB or we create in it are the owner's only.

    The umask belongs to the process, so nested and concurrent blocks share one setting and the
    last one out restores the old value. Files other threads create meanwhile are private too,
    which is never less safe.
    """
    global _umask_users, _umask_saved
    with _umask_guard:
        if _umask_users == 0:
            _umask_saved = os.umask(PRIVATE_UMASK)
        _umask_users += 1
    try:
        yield
    finally:
        with _umask_guard:
            _umask_users -= 1
            if _umask_users == 0:
                os.umask(_umask_saved)


def make_private(path: str | Path) -> None:
    """Narrow an existing file's mode to its owner (0600 for files, 0700 for folders).

    Only files and folders: a WAL linked to ``/dev/full`` (a test's full disk) made the device
    0600 for the whole machine when the suite ran as root.
    """
    try:
        mode = os.stat(path).st_mode
        if (stat.S_ISREG(mode) or stat.S_ISDIR(mode)) and stat.S_IMODE(mode) & 0o077:
            os.chmod(path, 0o700 if stat.S_ISDIR(mode) else 0o600)
    except (FileNotFoundError, PermissionError):
        pass  # gone meanwhile, or not ours to change


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
    """A commit that lost a race with concurrent work, and may be retried.

    Only DuckDB's conflict errors: a failed commit for another reason (a full disk) has
    already ended the transaction, and retrying it only hides the cause.
    """
    return "conflict" in str(exc).lower()


def write_error(path: str, exc: Exception) -> StoreError:
    """A one-line message for a write DuckDB could not do; the full disk named as such."""
    text = " ".join(str(exc).split())
    if "No space left on device" in text or "Disk quota exceeded" in text:
        return StoreError(f"cannot write to {path}: the disk is full; nothing was changed (free some space and retry)")
    return StoreError(f"cannot write to {path}: {text}")


def has_table(cur: duckdb.DuckDBPyConnection, name: str) -> bool:
    # fetchall, not fetchone: a result left unfinished makes DuckDB refuse the cursor's next .sql()
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
    the counts). ``samspill restore`` holds it exclusively for its whole run.
    """
    if fcntl is None or path == MEMORY:
        return None
    try:
        fd = os.open(f"{path}.lock", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    except OSError:
        return None  # e.g. a read-only folder: nobody can write there, so nothing can be lost
    handle = os.fdopen(fd, "ab")
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


@contextlib.contextmanager
def exclusive_file_lock(path: str | Path, *, wait: float) -> Iterator[None]:
    """Hold ``<path>.lock`` exclusively for a block: no Samspill process opens ``path`` meanwhile."""
    handle = lock_process(str(path), read_only=False, wait=wait, deadline=time.monotonic() + wait)
    try:
        yield
    finally:
        if handle is not None:
            handle.close()  # closing the file releases the flock


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
    """One database file as this process holds it: for life, or briefly around operations.

    Args:
        path: database file, or ``":memory:"``.
        read_only: open without write access (several processes may do so).
        wait: seconds to keep retrying while another process holds the file.
        create: make a new database if ``path`` does not exist (its folder must exist);
            otherwise a missing file is :class:`StoreError` and nothing is created.
        brief: hold the file only around operations (see the module docstring).
        migrations: applied once, when the file is first opened for writing.
        take_file_lock: False only for a caller that holds ``<path>.lock`` itself (restore).
    """

    def __init__(
        self,
        path: str | Path,
        *,
        read_only: bool = False,
        wait: float = 0.0,
        create: bool = True,
        brief: bool = False,
        migrations: Sequence[tuple[str, Sequence[str]]] = (),
        take_file_lock: bool = True,
    ):
        self.path = str(path)
        self.read_only = read_only
        self.wait = max(wait, 0.0)
        self.brief = brief and self.path != MEMORY  # a memory database would vanish on close
        self._migrations = migrations
        self._take_file_lock = take_file_lock
        self._guard = threading.Lock()  # opening, closing and counting users
        self._write_lock = threading.Lock()
        self._users = 0
        self._conn: duckdb.DuckDBPyConnection | None = None
        self._file_lock: IO[bytes] | None = None
        self._idle_since = 0.0
        self._closer: threading.Thread | None = None
        self._migrated = read_only
        self._opened = False
        self._closed = False
        if self.path != MEMORY:
            _check_file(Path(self.path), create=create and not read_only)
        with self.held():  # open now, so a busy, damaged or foreign file is refused here
            pass

    # -- holding the file ----------------------------------------------------------------

    @contextlib.contextmanager
    def held(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """Keep the file open for a block (nested blocks and threads share one opening)."""
        with self._guard:
            if self._closed:
                raise StoreError(f"store {self.path} is closed")
            if self._conn is None:
                self._open()
            self._users += 1
            conn = self._conn
        try:
            yield conn
        finally:
            with self._guard:
                self._users -= 1
                if self._users == 0 and self.brief and not self._closed:
                    self._idle_since = time.monotonic()
                    if self._closer is None:
                        self._closer = threading.Thread(
                            target=self._close_when_idle, name=f"samspill-idle {self.path}", daemon=True
                        )
                        self._closer.start()

    def _open(self) -> None:
        if self._opened and self.path != MEMORY and not Path(self.path).exists():
            # DuckDB would quietly make a new, empty database in its place
            raise StoreError(f"the database file {self.path} is gone (moved or deleted while in use)")
        deadline = time.monotonic() + self.wait
        with private_files():
            if self._take_file_lock:
                self._file_lock = lock_process(self.path, read_only=self.read_only, wait=self.wait, deadline=deadline)
            try:
                self._conn = connect(self.path, read_only=self.read_only, wait=self.wait, deadline=deadline)
                if not self.read_only and self.path != MEMORY:
                    for file in database_files(self.path):
                        make_private(file)
                if not self._migrated:
                    self._migrate()
            except BaseException:
                self._shut()
                raise
        self._opened = True

    def _migrate(self) -> None:
        try:
            with self._transaction(self._conn) as cur:
                apply_migrations(cur, self._migrations)
        except duckdb.Error as exc:  # e.g. a damaged block: say so instead of a DuckDB traceback
            raise StoreError(
                f"cannot open database {self.path}: {exc} (restore a backup with `samspill restore`)"
            ) from exc
        self._migrated = True

    def _close_when_idle(self) -> None:
        """Let go of the file once no operation has run for IDLE_SECONDS (one such thread at a time)."""
        while True:
            with self._guard:
                if self._conn is None or self._closed:
                    self._closer = None
                    return
                left = IDLE_SECONDS if self._users else self._idle_since + IDLE_SECONDS - time.monotonic()
                if left <= 0:
                    self._shut()
                    self._closer = None
                    return
            time.sleep(left)

    def _shut(self) -> None:
        """Close DuckDB's connection, then let go of the lock file (in this order: see lock_process)."""
        try:
            if self._conn is not None:
                with private_files():
                    self._conn.close()
        finally:
            self._conn = None
            if self._file_lock is not None:
                self._file_lock.close()  # closing the file releases the flock
                self._file_lock = None

    def close(self) -> None:
        """Close the file. Idempotent."""
        with self._guard:
            if self._closed:
                return
            self._closed = True
            self._shut()

    @property
    def is_open(self) -> bool:
        """Whether this process holds the file right now."""
        return self._conn is not None

    # -- operations ----------------------------------------------------------------------

    @contextlib.contextmanager
    def read(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor of its own for one read operation."""
        with self.held() as conn:
            cur = conn.cursor()
            try:
                yield cur
            finally:
                cur.close()

    @contextlib.contextmanager
    def write(self, *, attempts: int = 8) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor inside a transaction: committed on success, rolled back on any error."""
        if self.read_only:
            raise StoreError(f"{self.path} is open read-only")
        with self.held() as conn, self._write_lock, private_files():
            with self._transaction(conn, attempts=attempts) as cur:
                yield cur

    @contextlib.contextmanager
    def _transaction(self, conn: duckdb.DuckDBPyConnection, *, attempts: int = 8):
        cur = conn.cursor()
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
                        raise write_error(self.path, exc) from exc
                    time.sleep(0.01 * 2**attempt * (1 + random.random()))
        finally:
            cur.close()

    @contextlib.contextmanager
    def rolled_back(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor inside a transaction that is always rolled back (probes that must write nothing)."""
        with self.held() as conn, self._write_lock:
            cur = conn.cursor()
            try:
                cur.execute("BEGIN TRANSACTION")
                yield cur
            finally:
                with contextlib.suppress(duckdb.Error):
                    cur.execute("ROLLBACK")
                cur.close()


def _check_file(path: Path, *, create: bool) -> None:
    """Refuse a database path that cannot be opened, before anything is created."""
    if path.is_dir():
        raise StoreError(f"{path} is a folder, not a database file")
    if path.exists():
        return
    if not create:
        raise StoreError(f"no database at {path} (check --db / SAMSPILL_DB, or import data first)")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create the database {path}: {exc.strerror or exc}") from exc
