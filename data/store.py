"""PartnerStore: the one class that owns the DuckDB file and its SQL.

Everything else asks the store for records (the dataclasses in
:mod:`data.models`) and hands it records to write; no other module sees SQL or
a DuckDB cursor.

Threads: one store may be shared by many threads (Streamlit serves each session
in its own thread). Every operation takes its own cursor from the shared
connection, as the DuckDB docs require, and every write runs in a transaction.
DuckDB resolves concurrent writers optimistically, so a write that loses a race
raises a transaction conflict; :meth:`PartnerStore.write` retries those with
backoff so callers never see them.

Processes: DuckDB lets one process hold a file for writing, and no other
process may then open it at all, not even to read. A second process that opens
the same file waits up to ``wait`` seconds (retrying with backoff) and then gets
:class:`StoreBusy`. So there is one writer path per file: the app (or one
command) holds it, short-lived commands queue behind each other
(docs/reliability.md has the design and the measured behaviour). A store also
holds ``<file>.lock`` for its whole life, because DuckDB's own lock ends before
its close is done with the WAL (:func:`_lock_process`).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import astuple, fields
from pathlib import Path
from typing import IO

import duckdb
import numpy as np

try:
    import fcntl
except ImportError:  # Windows: DuckDB's own file lock is all there is
    fcntl = None

from data.migrations import MIGRATIONS
from data.models import (
    IDEA_STATUSES,
    VERDICTS,
    Feedback,
    Idea,
    Organisation,
    Participation,
    Project,
    Viewer,
)


class StoreError(Exception):
    """Base class for the store's own errors; the message is meant for users."""


class StoreBusy(StoreError):
    """Another process holds the database file."""


class OrganisationNotFound(StoreError, KeyError):
    def __str__(self) -> str:  # KeyError would quote the message
        return self.args[0] if self.args else "organisation not found"


class IdeaNotFound(StoreError, KeyError):
    def __str__(self) -> str:
        return self.args[0] if self.args else "idea not found"


ORG_COLUMNS = tuple(f.name for f in fields(Organisation))
PROJECT_COLUMNS = tuple(f.name for f in fields(Project))
PARTICIPATION_COLUMNS = tuple(f.name for f in fields(Participation))

SELECT_ORGANISATIONS = f"SELECT {', '.join(ORG_COLUMNS)} FROM organisations"
SELECT_PROJECTS = f"SELECT {', '.join(PROJECT_COLUMNS)} FROM projects"
SELECT_PARTICIPATIONS = f"SELECT {', '.join(PARTICIPATION_COLUMNS)} FROM participations"

IDEA_COLUMNS = (
    "idea_id, title, text, submitted_by, org_id, contact, wanted_kinds, "
    "confidential, status, notes, CAST(created_at AS VARCHAR), suggestions"
)
INSERT_IDEA = """
    INSERT INTO ideas (title, text, submitted_by, org_id, contact, wanted_kinds,
                       confidential, request_key)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
    RETURNING idea_id
"""
SELECT_IDEA = f"SELECT {IDEA_COLUMNS} FROM ideas WHERE idea_id = ?"
SELECT_IDEA_BY_KEY = "SELECT idea_id FROM ideas WHERE request_key = ?"
SELECT_IDEA_EXISTS = "SELECT 1 FROM ideas WHERE idea_id = ?"
INSERT_FEEDBACK = """
    INSERT INTO feedback (idea_id, query, org_id, verdict, given_by)
    VALUES (?, ?, ?, ?, ?)
    RETURNING feedback_id
"""
FEEDBACK_COLUMNS = "feedback_id, org_id, verdict, given_by, CAST(given_at AS VARCHAR), idea_id, query"

#: Longest idea title and description accepted (the app's form has the same limits).
MAX_IDEA_TITLE = 200
MAX_IDEA_TEXT = 20_000
#: INTEGER columns (head counts) hold at most this.
MAX_INTEGER = 2**31 - 1

# Tables that hold content, in the order a user thinks of them (for stats).
CONTENT_TABLES = ("organisations", "projects", "participations", "ideas", "feedback", "accounts")

# Integrity: (what is wrong, query returning the offending keys). Each query
# lists rows that break a rule the schema cannot state (DuckDB foreign keys
# would forbid the upserts the importers do).
INTEGRITY_CHECKS: tuple[tuple[str, str], ...] = (
    (
        "participation names a project that does not exist",
        "SELECT pa.project_id, pa.org_id FROM participations pa"
        " WHERE NOT EXISTS (SELECT 1 FROM projects p WHERE p.project_id = pa.project_id)",
    ),
    (
        "participation names an organisation that does not exist",
        "SELECT pa.project_id, pa.org_id FROM participations pa"
        " WHERE NOT EXISTS (SELECT 1 FROM organisations o WHERE o.org_id = pa.org_id)",
    ),
    (
        "idea names an organisation that does not exist",
        "SELECT i.idea_id, i.org_id FROM ideas i WHERE i.org_id IS NOT NULL"
        " AND NOT EXISTS (SELECT 1 FROM organisations o WHERE o.org_id = i.org_id)",
    ),
    (
        "feedback names an organisation that does not exist",
        "SELECT f.feedback_id, f.org_id FROM feedback f"
        " WHERE NOT EXISTS (SELECT 1 FROM organisations o WHERE o.org_id = f.org_id)",
    ),
    (
        "feedback names an idea that does not exist",
        "SELECT f.feedback_id, f.idea_id FROM feedback f WHERE f.idea_id IS NOT NULL"
        " AND NOT EXISTS (SELECT 1 FROM ideas i WHERE i.idea_id = f.idea_id)",
    ),
    (
        "account names an organisation that does not exist",
        "SELECT a.username, a.org_id FROM accounts a WHERE a.org_id IS NOT NULL"
        " AND NOT EXISTS (SELECT 1 FROM organisations o WHERE o.org_id = a.org_id)",
    ),
    (
        "participation has an unknown role",
        "SELECT project_id, org_id, role FROM participations WHERE role NOT IN ('coordinator', 'partner')",
    ),
    (
        "idea has an unknown status",
        f"SELECT idea_id, status FROM ideas WHERE status NOT IN ({', '.join(repr(s) for s in IDEA_STATUSES)})",
    ),
    (
        "feedback has an unknown verdict",
        f"SELECT feedback_id, verdict FROM feedback WHERE verdict NOT IN ({', '.join(repr(v) for v in VERDICTS)})",
    ),
    (
        "idea suggestions are not a JSON list",
        "SELECT idea_id FROM ideas WHERE suggestions <> ''"
        " AND coalesce(json_type(TRY_CAST(suggestions AS JSON)), '') <> 'ARRAY'",
    ),
)
SELECT_KEY_COLUMNS = (
    "SELECT table_name, constraint_column_names FROM duckdb_constraints()"
    " WHERE constraint_type IN ('PRIMARY KEY', 'UNIQUE') AND schema_name = 'main'"
)
SELECT_TABLES = "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY table_name"
SELECT_COLUMN_TYPES = (
    "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'main' AND table_name = ?"
)
#: Listed per rule in a problem report; the rest is counted.
MAX_LISTED_KEYS = 5

BACKUP_MANIFEST = "samspill-backup.json"

_CONFLICT_MARKERS = ("Conflict", "conflict")


def _is_conflict(exc: Exception) -> bool:
    return isinstance(exc, duckdb.TransactionException) or any(marker in str(exc) for marker in _CONFLICT_MARKERS)


class PartnerStore:
    """A DuckDB file holding the cluster's register, ideas, feedback and vectors.

    Args:
        path: database file, or ``":memory:"``. Parent folders are created.
        read_only: open without write access (several processes may do so).
        wait: seconds to keep retrying (with backoff) while another process
            holds the file; 0 fails at once.

    Raises:
        StoreBusy: another process still holds the file after ``wait`` seconds.
    """

    def __init__(self, path: str | Path = ":memory:", *, read_only: bool = False, wait: float = 0.0):
        self.path = str(path)
        self.read_only = read_only
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + max(wait, 0.0)
        self._process_lock = _lock_process(self.path, read_only=read_only, wait=wait, deadline=deadline)
        try:
            self._conn = _connect(self.path, read_only=read_only, wait=wait, deadline=deadline)
        except BaseException:
            self._release_process_lock()
            raise
        self._closed = False
        self._write_lock = threading.Lock()
        if not read_only:
            try:
                self._migrate()
            except duckdb.Error as exc:  # e.g. a damaged block: say so instead of a DuckDB traceback
                self.close()
                raise StoreError(
                    f"cannot open database {self.path}: {exc} (restore a backup with `samspill restore`)"
                ) from exc

    # -- lifecycle ---------------------------------------------------------

    def close(self) -> None:
        """Close the connection. Idempotent."""
        if not self._closed:
            self._closed = True
            try:
                self._conn.close()
            finally:
                self._release_process_lock()

    def _release_process_lock(self) -> None:
        if self._process_lock is not None:
            self._process_lock.close()  # closing the file releases the flock
            self._process_lock = None

    def __enter__(self) -> PartnerStore:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        if self._closed:
            raise StoreError(f"store {self.path} is closed")
        return self._conn.cursor()

    @contextmanager
    def read(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor of its own for one read operation."""
        cur = self._cursor()
        try:
            yield cur
        finally:
            cur.close()

    @contextmanager
    def write(self, *, attempts: int = 8) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor inside a transaction: committed on success, rolled back on any error.

        Writers in this process are serialised by a lock, so DuckDB's optimistic
        concurrency never has to abort one of ours; the retry loop below covers
        conflicts with work DuckDB started itself (checkpoints).
        """
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
                        if not _is_conflict(exc) or attempt == attempts - 1:
                            raise
                        time.sleep(0.01 * 2**attempt * (1 + random.random()))
            finally:
                cur.close()

    def _migrate(self) -> None:
        with self.write() as cur:
            cur.execute(
                "CREATE TABLE IF NOT EXISTS _migrations ("
                " name VARCHAR PRIMARY KEY, applied_at TIMESTAMP DEFAULT current_timestamp)"
            )
            done = {row[0] for row in cur.execute("SELECT name FROM _migrations").fetchall()}
            for name, statements in MIGRATIONS:
                if name in done:
                    continue
                for sql in statements:
                    cur.execute(sql)
                cur.execute("INSERT INTO _migrations (name) VALUES (?)", [name])

    def migrations(self) -> list[str]:
        with self.read() as cur:
            return [r[0] for r in cur.execute("SELECT name FROM _migrations ORDER BY name").fetchall()]

    # -- register: reads -----------------------------------------------------

    def organisations(self, *, kind: str | None = None) -> list[Organisation]:
        sql, params = SELECT_ORGANISATIONS, []
        if kind is not None:
            sql, params = sql + " WHERE kind = ?", [kind]
        with self.read() as cur:
            rows = cur.execute(sql + " ORDER BY org_id", params).fetchall()
        return [Organisation(*row) for row in rows]

    def organisation(self, org_id: str) -> Organisation:
        with self.read() as cur:
            row = cur.execute(SELECT_ORGANISATIONS + " WHERE org_id = ?", [org_id]).fetchone()
        if row is None:
            raise OrganisationNotFound(f"no organisation with id {org_id!r}")
        return Organisation(*row)

    def has_organisation(self, org_id: str) -> bool:
        with self.read() as cur:
            return cur.execute("SELECT 1 FROM organisations WHERE org_id = ?", [org_id]).fetchone() is not None

    def search_organisations(self, text: str, *, limit: int = 50) -> list[Organisation]:
        """Organisations whose name, id or description contains ``text`` (case-insensitive)."""
        pattern = f"%{text.strip()}%"
        sql = (
            SELECT_ORGANISATIONS
            + " WHERE name ILIKE ? OR org_id ILIKE ? OR description ILIKE ? OR competences ILIKE ?"
            + " ORDER BY name LIMIT ?"
        )
        with self.read() as cur:
            rows = cur.execute(sql, [pattern, pattern, pattern, pattern, limit]).fetchall()
        return [Organisation(*row) for row in rows]

    def projects(self, *, until_year: int | None = None) -> list[Project]:
        sql, params = SELECT_PROJECTS, []
        if until_year is not None:
            sql, params = sql + " WHERE start_year <= ?", [until_year]
        with self.read() as cur:
            rows = cur.execute(sql + " ORDER BY project_id", params).fetchall()
        return [Project(*row) for row in rows]

    def participations(self) -> list[Participation]:
        with self.read() as cur:
            rows = cur.execute(SELECT_PARTICIPATIONS + " ORDER BY project_id, org_id").fetchall()
        return [Participation(*row) for row in rows]

    def projects_of(self, org_id: str) -> list[tuple[Project, str]]:
        """The projects an organisation took part in, newest first, with its role."""
        sql = (
            "SELECT "
            + ", ".join(f"p.{c}" for c in PROJECT_COLUMNS)
            + ", pa.role FROM participations pa JOIN projects p USING (project_id)"
            " WHERE pa.org_id = ? ORDER BY p.start_year DESC NULLS LAST, p.project_id"
        )
        with self.read() as cur:
            rows = cur.execute(sql, [org_id]).fetchall()
        return [(Project(*row[:-1]), row[-1]) for row in rows]

    def counts(self) -> dict[str, int]:
        """Rows per content table, plus stored vectors."""
        with self.read() as cur:
            return self._counts(cur)

    def _counts(self, cur) -> dict[str, int]:
        out = {}
        for table in CONTENT_TABLES:  # fixed names, never user input
            out[table] = cur.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        out["embeddings"] = (
            cur.execute("SELECT count(*) FROM embeddings").fetchone()[0] if self._has_table(cur, "embeddings") else 0
        )
        return out

    def counts_by_kind(self) -> dict[str, int]:
        with self.read() as cur:
            rows = cur.execute(
                "SELECT kind, count(*) FROM organisations GROUP BY kind ORDER BY count(*) DESC, kind"
            ).fetchall()
        return {kind: n for kind, n in rows}

    def year_range(self) -> tuple[int, int] | None:
        with self.read() as cur:
            lo, hi = cur.execute("SELECT min(start_year), max(start_year) FROM projects").fetchone()
        return None if lo is None else (lo, hi)

    @staticmethod
    def _has_table(cur: duckdb.DuckDBPyConnection, name: str) -> bool:
        return bool(cur.execute("SELECT 1 FROM information_schema.tables WHERE table_name = ?", [name]).fetchall())

    # -- integrity and backups ------------------------------------------------

    def integrity_problems(self) -> list[str]:
        """Broken references and impossible values, one readable line per rule broken.

        Every table is also read in full (``hash`` over each row) and every key
        index probed with every key, so a damaged block fails here, as
        :class:`StoreError`, rather than in the middle of a page or an import.
        An empty list means the register is consistent.
        """
        if not self.read_only:
            self._probe_indexes()
        problems = []
        with self.read() as cur:
            try:
                # every table, also ones added after this was written (names from the catalogue)
                for (table,) in cur.execute(SELECT_TABLES).fetchall():
                    cur.execute(f'SELECT count(*), bit_xor(hash(t)) FROM "{table}" AS t').fetchone()
            except duckdb.Error as exc:
                raise StoreError(f"cannot read every row of {self.path}: {exc}") from exc
            for what, sql in INTEGRITY_CHECKS:
                rows = cur.execute(sql).fetchall()
                if rows:
                    shown = "; ".join(" / ".join(map(repr, row)) for row in rows[:MAX_LISTED_KEYS])
                    more = f" and {len(rows) - MAX_LISTED_KEYS} more" if len(rows) > MAX_LISTED_KEYS else ""
                    problems.append(f"{len(rows)} {what}: {shown}{more}")
            spaces = cur.execute("SELECT count(*) FROM embedding_space").fetchone()[0]
            has_vectors = self._has_table(cur, "embeddings")
        if spaces > 1:
            problems.append(f"embedding_space holds {spaces} rows; expected at most one model")
        if bool(spaces) != has_vectors:
            problems.append("embedding_space and the embeddings table disagree: run `samspill index`")
        return problems

    def _probe_indexes(self) -> None:
        """Exercise every key index inside a transaction that is rolled back (nothing is written):
        look every key up (re-insert each table into itself, every row conflicting), then insert
        one row with new keys (which reaches the index blocks new keys are written to)."""
        with self._write_lock:
            cur = self._cursor()
            try:
                cur.execute("BEGIN TRANSACTION")
                keys: dict[str, set[str]] = {}
                for table, columns in cur.execute(SELECT_KEY_COLUMNS).fetchall():
                    keys.setdefault(table, set()).update(columns)
                for table, columns in sorted(keys.items()):  # names from the catalogue, never user input
                    types = dict(cur.execute(SELECT_COLUMN_TYPES, [table]).fetchall())
                    cur.execute(f'INSERT INTO "{table}" SELECT * FROM "{table}" ON CONFLICT DO NOTHING')
                    fresh = ", ".join(_fresh_key(c, types[c]) for c in sorted(columns))
                    cur.execute(f'INSERT INTO "{table}" SELECT * REPLACE ({fresh}) FROM "{table}" LIMIT 1')
                # ideas' second unique index (request keys): new ids, the same keys
                cur.execute(
                    "INSERT INTO ideas SELECT * REPLACE (-idea_id AS idea_id) FROM ideas"
                    " WHERE request_key IS NOT NULL ON CONFLICT DO NOTHING"
                )
            except duckdb.Error as exc:
                raise StoreError(f"cannot look up every key of {self.path}: {exc}") from exc
            finally:
                try:
                    cur.execute("ROLLBACK")
                except duckdb.Error:
                    pass
                cur.close()

    def export_database(self, directory: str | Path) -> dict[str, int]:
        """Write every table as Parquet plus the schema (DuckDB ``EXPORT DATABASE``) into
        ``directory``, from one consistent snapshot; returns the counts of that snapshot."""
        target = Path(directory)
        with self.read() as cur:
            cur.execute("BEGIN TRANSACTION")
            try:
                counts = self._counts(cur)
                cur.execute(f"EXPORT DATABASE {_sql_path(target)} (FORMAT parquet)")
            finally:
                cur.execute("ROLLBACK")
        return counts

    # -- register: writes ----------------------------------------------------

    def upsert(
        self,
        organisations: Sequence[Organisation] = (),
        projects: Sequence[Project] = (),
        participations: Sequence[Participation] = (),
        contacts: Mapping[str, Sequence] | None = None,
    ) -> dict[str, dict[str, int]]:
        """Insert or update records in one transaction; all or nothing.

        Returns, per table, how many rows were ``added``, ``updated`` and
        ``unchanged`` -- so a re-import of the same file reports no change.
        ``contacts`` (org id -> its contact persons, :mod:`data.contacts`) replaces
        those organisations' contacts in the same transaction.
        """
        report = {}
        with self.write() as cur:
            report["organisations"] = self._upsert_rows(cur, "organisations", ORG_COLUMNS, ("org_id",), organisations)
            report["projects"] = self._upsert_rows(cur, "projects", PROJECT_COLUMNS, ("project_id",), projects)
            report["participations"] = self._upsert_rows(
                cur, "participations", PARTICIPATION_COLUMNS, ("project_id", "org_id"), participations
            )
            if contacts:
                from data.contacts import replace_contacts

                report["contacts"] = replace_contacts(cur, contacts)
        return report

    def _upsert_rows(self, cur, table, columns, key, records) -> dict[str, int]:
        counts = {"added": 0, "updated": 0, "unchanged": 0}
        if not records:
            return counts
        # astuple deep-copies every field; a flat getattr halves the CPU of a large import.
        rows = [tuple(getattr(r, c) for c in columns) for r in records]
        key_idx = [columns.index(k) for k in key]
        existing = self._existing_rows(cur, table, columns, key, [tuple(r[i] for i in key_idx) for r in rows])
        changed = []
        for row in rows:
            old = existing.get(tuple(row[i] for i in key_idx))
            if old is None:
                counts["added"] += 1
                changed.append(row)
            elif tuple(old) != tuple(row):
                counts["updated"] += 1
                changed.append(row)
            else:
                counts["unchanged"] += 1
        if changed:
            staged = _as_arrow(columns, changed, cur.sql(f"SELECT * FROM {table} LIMIT 0").to_arrow_table().schema)
            cur.register("staged_rows", staged)
            updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in key)
            conflict = f"DO UPDATE SET {updates}" if updates else "DO NOTHING"
            cur.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(columns)} FROM staged_rows "
                f"ON CONFLICT ({', '.join(key)}) {conflict}"
            )
            cur.unregister("staged_rows")
        return counts

    @staticmethod
    def _existing_rows(cur, table, columns, key, keys) -> dict[tuple, tuple]:
        if not keys:
            return {}
        probe = _as_arrow(key, list({k: None for k in keys}), None)
        cur.register("probe_keys", probe)
        on = " AND ".join(f"t.{k} = p.{k}" for k in key)
        rows = cur.execute(
            f"SELECT {', '.join('t.' + c for c in columns)} FROM {table} t JOIN probe_keys p ON {on}"
        ).fetchall()
        cur.unregister("probe_keys")
        key_idx = [columns.index(k) for k in key]
        return {tuple(r[i] for i in key_idx): r for r in rows}

    def update_organisation(self, org: Organisation) -> None:
        """Replace one organisation's profile (it must exist)."""
        if not org.name.strip():
            raise StoreError(f"organisation {org.org_id!r} needs a name")
        if org.employees is not None and not 0 <= org.employees <= MAX_INTEGER:
            raise StoreError(f"bad head count {org.employees} for {org.org_id!r}: expected 0–{MAX_INTEGER:,}")
        with self.write() as cur:
            found = cur.execute("SELECT 1 FROM organisations WHERE org_id = ?", [org.org_id]).fetchone()
            if found is None:
                raise OrganisationNotFound(f"no organisation with id {org.org_id!r}")
            sets = ", ".join(f"{c} = ?" for c in ORG_COLUMNS[1:])
            cur.execute(f"UPDATE organisations SET {sets} WHERE org_id = ?", [*astuple(org)[1:], org.org_id])

    # -- ideas -----------------------------------------------------------------

    def add_idea(
        self,
        *,
        title: str,
        text: str,
        submitted_by: str,
        org_id: str | None = None,
        contact: str = "",
        wanted_kinds: Iterable[str] = (),
        confidential: bool = True,
        request_key: str | None = None,
    ) -> Idea:
        """Store a submitted idea. A repeated ``request_key`` returns the first one instead
        of storing a duplicate, so a client may safely retry a submission.

        Titles and descriptions are bounded (:data:`MAX_IDEA_TITLE`, :data:`MAX_IDEA_TEXT`
        characters, as the app's form is): the form's limit is only advice to a browser.
        """
        if not isinstance(title, str) or not title.strip():
            raise StoreError("an idea needs a title")
        if not isinstance(text, str) or not text.strip():
            raise StoreError("an idea needs a description")
        if len(title.strip()) > MAX_IDEA_TITLE:
            raise StoreError(f"the title has {len(title.strip()):,} characters; at most {MAX_IDEA_TITLE:,} are kept")
        if len(text) > MAX_IDEA_TEXT:
            raise StoreError(
                f"the description has {len(text):,} characters; at most {MAX_IDEA_TEXT:,} are kept "
                "(describe the idea in a page or two)"
            )
        with self.write() as cur:
            if request_key is not None:
                row = cur.execute(SELECT_IDEA_BY_KEY, [request_key]).fetchone()
                if row is not None:
                    idea_id = row[0]
                    return self._idea_from_row(cur.execute(SELECT_IDEA, [idea_id]).fetchone())
            if (
                org_id is not None
                and cur.execute("SELECT 1 FROM organisations WHERE org_id = ?", [org_id]).fetchone() is None
            ):
                raise OrganisationNotFound(f"no organisation with id {org_id!r}")
            idea_id = cur.execute(
                INSERT_IDEA,
                [title.strip(), text, submitted_by, org_id, contact, ";".join(wanted_kinds), confidential, request_key],
            ).fetchone()[0]
            return self._idea_from_row(cur.execute(SELECT_IDEA, [idea_id]).fetchone())

    def ideas(self, viewer: Viewer) -> list[Idea]:
        """Ideas the viewer may read: all for an adviser, a company's own otherwise."""
        sql = f"SELECT {IDEA_COLUMNS} FROM ideas"
        params: list = []
        if not viewer.is_adviser:
            sql += " WHERE submitted_by = ? OR (org_id IS NOT NULL AND org_id = ?)"
            params = [viewer.username, viewer.org_id or ""]
        with self.read() as cur:
            rows = cur.execute(sql + " ORDER BY idea_id DESC", params).fetchall()
        return [self._idea_from_row(r) for r in rows]

    def idea(self, idea_id: int, viewer: Viewer) -> Idea:
        """One idea, if the viewer may read it; otherwise :class:`IdeaNotFound`
        (never a hint that someone else's idea exists)."""
        for idea in self.ideas(viewer):
            if idea.idea_id == idea_id:
                return idea
        raise IdeaNotFound(f"no idea {idea_id} for {viewer.username}")

    def update_idea(
        self,
        idea_id: int,
        *,
        status: str | None = None,
        notes: str | None = None,
        suggestions: Sequence[str] | None = None,
    ) -> Idea:
        if status is not None and status not in IDEA_STATUSES:
            raise StoreError(f"unknown status {status!r}; expected one of {', '.join(IDEA_STATUSES)}")
        with self.write() as cur:
            if cur.execute("SELECT 1 FROM ideas WHERE idea_id = ?", [idea_id]).fetchone() is None:
                raise IdeaNotFound(f"no idea {idea_id}")
            if status is not None:
                cur.execute("UPDATE ideas SET status = ? WHERE idea_id = ?", [status, idea_id])
            if notes is not None:
                cur.execute("UPDATE ideas SET notes = ? WHERE idea_id = ?", [notes, idea_id])
            if suggestions is not None:
                cur.execute(
                    "UPDATE ideas SET suggestions = ? WHERE idea_id = ?", [json.dumps(list(suggestions)), idea_id]
                )
            return self._idea_from_row(cur.execute(SELECT_IDEA, [idea_id]).fetchone())

    @staticmethod
    def _idea_from_row(row) -> Idea:
        (idea_id, title, text, submitted_by, org_id, contact, wanted, confidential, status, notes, created, sugg) = row
        return Idea(
            idea_id=idea_id,
            title=title,
            text=text,
            submitted_by=submitted_by,
            org_id=org_id,
            contact=contact,
            wanted_kinds=tuple(k for k in wanted.split(";") if k),
            confidential=confidential,
            status=status,
            notes=notes,
            created_at=created,
            suggestions=tuple(json.loads(sugg)) if sugg else (),
        )

    # -- feedback ----------------------------------------------------------------

    def add_feedback(
        self, *, org_id: str, verdict: str, given_by: str, idea_id: int | None = None, query: str = ""
    ) -> Feedback:
        if verdict not in VERDICTS:
            raise StoreError(f"unknown verdict {verdict!r}; expected one of {', '.join(VERDICTS)}")
        with self.write() as cur:
            if cur.execute("SELECT 1 FROM organisations WHERE org_id = ?", [org_id]).fetchone() is None:
                raise OrganisationNotFound(f"no organisation with id {org_id!r}")
            if idea_id is not None and cur.execute(SELECT_IDEA_EXISTS, [idea_id]).fetchone() is None:
                raise IdeaNotFound(f"no idea {idea_id}")
            fid = cur.execute(INSERT_FEEDBACK, [idea_id, query, org_id, verdict, given_by]).fetchone()[0]
            row = cur.execute(f"SELECT {FEEDBACK_COLUMNS} FROM feedback WHERE feedback_id = ?", [fid]).fetchone()
        return Feedback(*row)

    def feedback(self, *, idea_id: int | None = None) -> list[Feedback]:
        sql, params = f"SELECT {FEEDBACK_COLUMNS} FROM feedback", []
        if idea_id is not None:
            sql, params = sql + " WHERE idea_id = ?", [idea_id]
        with self.read() as cur:
            rows = cur.execute(sql + " ORDER BY feedback_id", params).fetchall()
        return [Feedback(*r) for r in rows]

    def feedback_balance(self) -> dict[str, int]:
        """Per organisation: useful and contacted verdicts minus not-useful ones, plus what came of
        introductions to it (:data:`data.introductions.OUTCOME_WEIGHTS`)."""
        from data.introductions import outcome_balance

        with self.read() as cur:
            rows = cur.execute(
                "SELECT org_id, sum(CASE WHEN verdict = 'not_useful' THEN -1 ELSE 1 END) FROM feedback GROUP BY org_id"
            ).fetchall()
            outcomes = outcome_balance(cur)
        balance = {org_id: int(n) for org_id, n in rows}
        for org_id, n in outcomes.items():
            balance[org_id] = balance.get(org_id, 0) + n
        return balance

    # -- accounts ------------------------------------------------------------------

    def add_account(self, username: str, password_hash: str, role: str, org_id: str | None = None) -> None:
        if role not in ("adviser", "company"):
            raise StoreError(f"unknown role {role!r}; expected adviser or company")
        with self.write() as cur:
            if cur.execute("SELECT 1 FROM accounts WHERE username = ?", [username]).fetchone():
                raise StoreError(f"account {username!r} exists already")
            cur.execute(
                "INSERT INTO accounts (username, password_hash, role, org_id) VALUES (?, ?, ?, ?)",
                [username, password_hash, role, org_id],
            )

    def account(self, username: str) -> tuple[str, str, str | None] | None:
        """(password_hash, role, org_id) for a username, or None."""
        with self.read() as cur:
            return cur.execute(
                "SELECT password_hash, role, org_id FROM accounts WHERE username = ?", [username]
            ).fetchone()

    # -- embeddings ------------------------------------------------------------------

    def embedding_space(self) -> tuple[str, int] | None:
        """(model_id, dim) of the stored vectors, or None before the first index."""
        with self.read() as cur:
            return cur.execute("SELECT model_id, dim FROM embedding_space").fetchone()

    def ensure_embedding_space(self, model_id: str, dim: int) -> bool:
        """Make the vectors table hold ``FLOAT[dim]`` vectors of ``model_id``.

        A different model makes every stored vector meaningless, so they are all
        dropped (in one transaction). Returns True when the space was (re)made.
        """
        if self.embedding_space() == (model_id, dim):
            return False
        with self.write() as cur:
            cur.execute("DROP TABLE IF EXISTS embeddings")
            cur.execute(
                f"CREATE TABLE embeddings ("
                f" item_type VARCHAR NOT NULL, item_id VARCHAR NOT NULL,"
                f" content_hash VARCHAR NOT NULL, vector FLOAT[{int(dim)}] NOT NULL,"
                f" PRIMARY KEY (item_type, item_id))"
            )
            cur.execute("DELETE FROM embedding_space")
            cur.execute("INSERT INTO embedding_space VALUES (?, ?)", [model_id, dim])
        return True

    def embedding_hashes(self, item_type: str) -> dict[str, str]:
        with self.read() as cur:
            if not self._has_table(cur, "embeddings"):
                return {}
            rows = cur.execute(
                "SELECT item_id, content_hash FROM embeddings WHERE item_type = ?", [item_type]
            ).fetchall()
        return dict(rows)

    def replace_embeddings(
        self, changes: Mapping[str, tuple[Sequence[str], Sequence[str], np.ndarray, Sequence[str]]]
    ) -> None:
        """Write new vectors and drop vanished ones, for several item types, in one transaction.

        ``changes`` maps an item type to ``(item_ids, content_hashes, vectors, keep_ids)``:
        the rows to insert or replace, and every id of that type that should remain
        (stored vectors of other ids are deleted).
        """
        space = self.embedding_space()
        if space is None:
            raise StoreError("no embedding space: call ensure_embedding_space first")
        import pyarrow as pa

        staged = []
        for item_type, (item_ids, hashes, vectors, keep_ids) in changes.items():
            vectors = np.asarray(vectors, dtype=np.float32).reshape(len(item_ids), -1) if len(item_ids) else None
            if vectors is not None and vectors.shape != (len(item_ids), space[1]):
                raise StoreError(
                    f"{item_type} vectors of shape {vectors.shape} do not fit {len(item_ids)} items of dim {space[1]}"
                )
            if len(hashes) != len(item_ids):
                raise StoreError(f"{len(hashes)} content hashes for {len(item_ids)} {item_type} items")
            rows = None
            if vectors is not None:
                rows = pa.table(
                    {
                        "item_type": pa.array([item_type] * len(item_ids), pa.string()),
                        "item_id": pa.array(list(item_ids), pa.string()),
                        "content_hash": pa.array(list(hashes), pa.string()),
                        "vector": pa.FixedSizeListArray.from_arrays(pa.array(vectors.reshape(-1)), space[1]),
                    }
                )
            keep = pa.table({"item_id": pa.array(list(keep_ids), pa.string())})
            staged.append((item_type, rows, keep))
        with self.write() as cur:
            for item_type, rows, keep in staged:
                cur.register("keep_ids", keep)
                cur.execute(
                    "DELETE FROM embeddings WHERE item_type = ? AND item_id NOT IN (SELECT item_id FROM keep_ids)",
                    [item_type],
                )
                cur.unregister("keep_ids")
                if rows is not None:
                    cur.register("staged_vectors", rows)
                    cur.execute(
                        "INSERT INTO embeddings SELECT item_type, item_id, content_hash, vector FROM staged_vectors "
                        "ON CONFLICT (item_type, item_id) DO UPDATE SET content_hash = excluded.content_hash, "
                        "vector = excluded.vector"
                    )
                    cur.unregister("staged_vectors")

    def load_embeddings(self, item_type: str) -> tuple[list[str], np.ndarray]:
        """All stored vectors of one type as (ids, matrix of shape (n, dim)), ids sorted."""
        space = self.embedding_space()
        dim = space[1] if space else 0
        with self.read() as cur:
            if space is None or not self._has_table(cur, "embeddings"):
                return [], np.zeros((0, dim), dtype=np.float32)
            table = cur.sql(
                "SELECT item_id, vector FROM embeddings WHERE item_type = ? ORDER BY item_id", params=[item_type]
            ).to_arrow_table()
        ids = table.column("item_id").to_pylist()
        flat = table.column("vector").combine_chunks().flatten().to_numpy(zero_copy_only=False)
        return ids, np.asarray(flat, dtype=np.float32).reshape(len(ids), dim)

    def lexical_index(self, digest: str) -> dict[str, bytes] | None:
        """The saved parts of the fitted TF-IDF whose texts have this digest, or None."""
        with self.read() as cur:
            if not self._has_table(cur, "lexical_index"):  # a read-only store from before m004
                return None
            rows = cur.execute("SELECT part, data FROM lexical_index WHERE digest = ?", [digest]).fetchall()
        return {part: bytes(data) for part, data in rows} or None

    def lexical_index_digest(self) -> str | None:
        """The digest of the saved TF-IDF, or None when there is none."""
        with self.read() as cur:
            if not self._has_table(cur, "lexical_index"):
                return None
            row = cur.execute("SELECT min(digest) FROM lexical_index").fetchone()
        return row[0] if row else None

    def save_lexical_index(self, digest: str, parts: Mapping[str, bytes]) -> None:
        """Replace the saved TF-IDF with ``parts`` (one transaction; only one is kept)."""
        with self.write() as cur:
            cur.execute("DELETE FROM lexical_index")
            cur.executemany(
                "INSERT INTO lexical_index (part, digest, data) VALUES (?, ?, ?)",
                [(part, digest, bytes(data)) for part, data in parts.items()],
            )

    def profile_fingerprint(self) -> tuple[str, str, int]:
        """A cheap summary of everything the index depends on, computed inside DuckDB.

        Returns ``(register, vectors, n_vectors)``: ``register`` covers the texts profiles
        are made of (organisations' descriptions and competences, projects' titles and
        summaries, with their ids), ``vectors`` the stored vectors' ids and content hashes.
        Equal fingerprints mean an index run would find nothing to do; different ones only
        mean "look item by item" (DuckDB's ``hash`` may change between versions).
        """
        with self.read() as cur:
            orgs = cur.execute(
                "SELECT count(*), coalesce(bit_xor(hash(org_id, description, competences)), 0) FROM organisations"
            ).fetchone()
            projects = cur.execute(
                "SELECT count(*), coalesce(bit_xor(hash(project_id, title, summary)), 0) FROM projects"
            ).fetchone()
            vectors = (0, 0)
            if self._has_table(cur, "embeddings"):
                vectors = cur.execute(
                    "SELECT count(*), coalesce(bit_xor(hash(item_type, item_id, content_hash)), 0) FROM embeddings"
                ).fetchone()
        register = f"{orgs[0]}:{orgs[1]}/{projects[0]}:{projects[1]}"
        return register, f"{vectors[0]}:{vectors[1]}", int(vectors[0])

    def index_state(self) -> str | None:
        """The fingerprint recorded by the last complete index run (see :meth:`set_index_state`)."""
        with self.read() as cur:
            row = cur.execute(
                "SELECT comment FROM duckdb_tables() WHERE schema_name = 'main' AND table_name = 'embeddings'"
            ).fetchone()
        return row[0] if row and row[0] else None

    def set_index_state(self, fingerprint: str) -> None:
        """Record that the vectors are complete for the register with this fingerprint.

        Kept as the comment of the embeddings table: it goes when the table is remade for
        another model, and adds no table (nor data block) to the file.
        """
        literal = "'" + fingerprint.replace("'", "''") + "'"  # DDL takes no parameters
        with self.write() as cur:
            cur.execute(f"COMMENT ON TABLE embeddings IS {literal}")


class _Held(Exception):
    """The file is held by another process (raised inside :func:`_open_with_backoff`)."""


def _open_with_backoff(path: str, wait: float, deadline: float, attempt):
    """Call ``attempt()`` until it stops raising :class:`_Held`; :class:`StoreBusy` at ``deadline``."""
    delay = 0.005
    while True:
        try:
            return attempt()
        except _Held as exc:
            left = deadline - time.monotonic()
            if left <= 0:
                waited = f" after waiting {wait:g} s" if wait > 0 else ""
                raise StoreBusy(
                    f"{path} is in use by another process{waited} (DuckDB allows one process per file); "
                    "stop the other Samspill process (app or command) or use a copy of the file"
                ) from exc.__cause__
            time.sleep(min(delay * (0.5 + random.random()), left))
            delay = min(delay * 2, 0.1)


def _lock_process(path: str, *, read_only: bool, wait: float, deadline: float) -> IO[bytes] | None:
    """Take ``<path>.lock`` (shared to read, exclusive to write) for the life of a store.

    Why not rely on DuckDB's own lock on the file alone: it is released while the closing
    process is still finishing with the write-ahead log, and a process that opens the file
    in that moment can lose a write the closer had already committed and acknowledged.
    tests/test_concurrency.py caught this with four processes taking turns on one file, and
    bench/lost_writes.py reproduces it; with this lock held from before DuckDB opens the
    file until after it has closed it, the same runs lose nothing (docs/reliability.md has
    the counts).
    """
    if fcntl is None or path == ":memory:":
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
            raise _Held() from exc
        return handle

    try:
        return _open_with_backoff(path, wait, deadline, attempt)
    except BaseException:
        handle.close()
        raise


def _connect(path: str, *, read_only: bool, wait: float, deadline: float) -> duckdb.DuckDBPyConnection:
    """Open ``path``, retrying with jittered backoff while another process holds DuckDB's lock."""

    def attempt() -> duckdb.DuckDBPyConnection:
        try:
            return duckdb.connect(path, read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise StoreError(f"cannot open database {path}: {exc}") from exc
            raise _Held() from exc
        except duckdb.Error as exc:
            raise StoreError(f"cannot open database {path}: {exc}") from exc

    return _open_with_backoff(path, wait, deadline, attempt)


def remove_database_files(path: str | Path, *, keep_database: bool = False) -> None:
    """Delete a scratch database and the files DuckDB and the store keep beside it.

    Only for files no other process uses (a build or restore in progress): deleting the
    ``.lock`` of a shared database would let two processes each hold a lock of their own.
    ``keep_database`` removes only the companions, after the file was renamed into place.
    """
    path = Path(path)
    companions = [Path(f"{path}.wal"), Path(f"{path}.lock")]
    for file in companions if keep_database else [path, *companions]:
        file.unlink(missing_ok=True)


def _fresh_key(column: str, data_type: str) -> str:
    """A REPLACE item giving ``column`` a value no stored row has (negative ids, a NUL suffix)."""
    if data_type in ("INTEGER", "BIGINT"):
        return f'(-abs("{column}") - 1) AS "{column}"'
    return f'("{column}" || chr(0)) AS "{column}"'


def _sql_path(path: Path) -> str:
    """A file path as a SQL string literal (EXPORT/IMPORT DATABASE take no parameters)."""
    return "'" + str(path).replace("'", "''") + "'"


def restore_database(
    backup: str | Path, path: str | Path, *, force: bool = False, wait: float = 0.0
) -> dict[str, int]:
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
    backup, path = Path(backup), Path(path)
    manifest = _read_manifest(backup)
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
            conn.execute(f"IMPORT DATABASE {_sql_path(backup)}")
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
        _fsync(scratch)
        os.replace(scratch, path)
        _fsync(path.parent)
    finally:
        remove_database_files(scratch)
    return counts


def write_backup(store: PartnerStore, directory: str | Path) -> dict[str, int]:
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
            _fsync(item)
        if directory.exists():
            directory.rmdir()  # empty, checked above
        os.replace(scratch, directory)
        _fsync(directory.parent)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    return counts


def _read_manifest(backup: Path) -> dict:
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


def _fsync(path: Path) -> None:
    """Flush a file or folder to disk (a rename is only durable once its folder is)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _as_arrow(columns: Sequence[str], rows: Sequence[tuple], schema):
    """Rows as a pyarrow table, typed like the target table when a schema is given."""
    import pyarrow as pa

    data = {c: [row[i] for row in rows] for i, c in enumerate(columns)}
    if schema is None:
        return pa.table(data)
    return pa.table({c: pa.array(data[c], type=schema.field(c).type) for c in columns})
