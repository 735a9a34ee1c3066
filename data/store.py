"""PartnerStore: the one class that owns the DuckDB file, a façade over :mod:`data.storage`.

Everything else asks the store for records (the dataclasses in :mod:`data.models`) and hands
it records to write; no other module sees SQL or a DuckDB cursor. The store decides when a
cursor is opened and whether it runs in a transaction; the modules of :mod:`data.storage`
hold the SQL, one concern each (the connection and its locks, the register, ideas and
feedback, accounts, vectors, integrity, backups; and, for the domain modules that open their
own cursors with :meth:`PartnerStore.read` and :meth:`PartnerStore.write`: contacts and profile
edits, introductions, sessions, shortlists, tokens).

Threads and processes: see :mod:`data.storage.connection`. In short, a store may be shared by
many threads (each operation takes its own cursor, each write is one transaction), and one
process at a time holds the file; others wait up to ``wait`` seconds and then get
:class:`StoreBusy`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import duckdb
import numpy as np

from data.migrations import MIGRATIONS
from data.models import Feedback, Idea, Organisation, Participation, Project, Viewer
from data.storage import accounts, ideas, integrity, introductions, register, vectors
from data.storage.backup import export_tables, restore_database, schema_tables, write_backup
from data.storage.connection import Connection, database_files, remove_database_files
from data.storage.contacts import replace_contacts
from data.storage.errors import IdeaNotFound, OrganisationNotFound, StoreBusy, StoreError
from data.storage.ideas import MAX_IDEA_TEXT, MAX_IDEA_TITLE
from data.storage.register import CONTENT_TABLES, MAX_INTEGER

__all__ = [
    "CONTENT_TABLES",
    "MAX_IDEA_TEXT",
    "MAX_IDEA_TITLE",
    "MAX_INTEGER",
    "IdeaNotFound",
    "OrganisationNotFound",
    "PartnerStore",
    "StoreBusy",
    "StoreError",
    "database_files",
    "remove_database_files",
    "restore_database",
    "write_backup",
]


class PartnerStore:
    """A DuckDB file holding the cluster's register, ideas, feedback and vectors.

    Args:
        path: database file, or ``":memory:"``.
        read_only: open without write access (several processes may do so).
        wait: seconds to keep retrying (with backoff) while another process
            holds the file; 0 fails at once.
        create: make a new database (and its folder) when ``path`` does not exist;
            with False a missing file is a :class:`StoreError` and nothing is created.
        brief: hold the file only while operations run, so other processes get turns
            (the app does this; see :mod:`data.storage.connection`).

    Raises:
        StoreBusy: another process still holds the file after ``wait`` seconds.
        StoreError: the file is missing (``create=False``), damaged or not a database.
    """

    def __init__(
        self,
        path: str | Path = ":memory:",
        *,
        read_only: bool = False,
        wait: float = 0.0,
        create: bool = True,
        brief: bool = False,
    ):
        self._db = Connection(path, read_only=read_only, wait=wait, create=create, brief=brief, migrations=MIGRATIONS)

    @property
    def path(self) -> str:
        return self._db.path

    @property
    def read_only(self) -> bool:
        return self._db.read_only

    # -- lifecycle ---------------------------------------------------------

    def close(self) -> None:
        """Close the connection. Idempotent."""
        self._db.close()

    def __enter__(self) -> PartnerStore:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    @contextmanager
    def held(self) -> Iterator[None]:
        """Keep the file open across several operations that must see one state (a brief store
        otherwise lets go of it between them; other processes then wait)."""
        with self._db.held():
            yield

    @property
    def is_open(self) -> bool:
        """Whether this process holds the file right now (a brief store lets go when idle)."""
        return self._db.is_open

    @contextmanager
    def read(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor of its own for one read operation."""
        with self._db.read() as cur:
            yield cur

    @contextmanager
    def write(self, *, attempts: int = 8) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor inside a transaction: committed on success, rolled back on any error."""
        with self._db.write(attempts=attempts) as cur:
            yield cur

    def migrations(self) -> list[str]:
        with self.read() as cur:
            return [r[0] for r in cur.execute("SELECT name FROM _migrations ORDER BY name").fetchall()]

    # -- register: reads -----------------------------------------------------

    def organisations(self, *, kind: str | None = None) -> list[Organisation]:
        with self.read() as cur:
            return register.organisations(cur, kind)

    def organisation(self, org_id: str) -> Organisation:
        """One organisation; :class:`OrganisationNotFound` if there is none with that id."""
        with self.read() as cur:
            return register.organisation(cur, org_id)

    def has_organisation(self, org_id: str) -> bool:
        with self.read() as cur:
            return register.has_organisation(cur, org_id)

    def search_organisations(self, text: str, *, limit: int = 50) -> list[Organisation]:
        """Organisations whose name, id or description contains ``text`` (case-insensitive)."""
        with self.read() as cur:
            return register.search_organisations(cur, text, limit)

    def projects(self, *, until_year: int | None = None) -> list[Project]:
        with self.read() as cur:
            return register.projects(cur, until_year)

    def participations(self) -> list[Participation]:
        with self.read() as cur:
            return register.participations(cur)

    def projects_of(self, org_id: str) -> list[tuple[Project, str]]:
        """The projects an organisation took part in, newest first, with its role."""
        with self.read() as cur:
            return register.projects_of(cur, org_id)

    def counts(self) -> dict[str, int]:
        """Rows per content table, plus stored vectors."""
        with self.read() as cur:
            return register.counts(cur)

    def counts_by_kind(self) -> dict[str, int]:
        with self.read() as cur:
            return register.counts_by_kind(cur)

    def year_range(self) -> tuple[int, int] | None:
        with self.read() as cur:
            return register.year_range(cur)

    def revision(self) -> int:
        """A number that grows with every change to the register, from any process.

        A process that keeps the register in memory (the app's matcher) compares it to
        notice an import or an edit made elsewhere.
        """
        with self.read() as cur:
            return register.revision(cur)

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
        with self.write() as cur:
            report = register.upsert(cur, organisations, projects, participations)
            if contacts:
                report["contacts"] = replace_contacts(cur, contacts)
            return report

    def update_organisation(self, org: Organisation) -> None:
        """Replace one organisation's profile (it must exist)."""
        register.check_organisation(org)
        with self.write() as cur:
            register.update_organisation(cur, org)

    # -- integrity and backups ------------------------------------------------

    def integrity_problems(self) -> list[str]:
        """Broken references and impossible values, one readable line per rule broken.

        Every table is also read in full (``hash`` over each row) and every key
        index probed with every key, so a damaged block fails here, as
        :class:`StoreError`, rather than in the middle of a page or an import.
        An empty list means the register is consistent.
        """
        if not self.read_only:
            with self._db.rolled_back() as cur:
                integrity.probe_indexes(cur, self.path)
        with self.read() as cur:
            return integrity.integrity_problems(cur, self.path)

    def export_database(self, directory: str | Path) -> dict:
        """Write every table as ``<table>.parquet`` into ``directory`` from one consistent snapshot;
        returns what :func:`write_backup` puts in the manifest (files, rows, sequences, counts)."""
        tables = schema_tables()
        with self.read() as cur:
            cur.execute("BEGIN TRANSACTION")
            try:
                return export_tables(cur, Path(directory), tables)
            finally:
                cur.execute("ROLLBACK")

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
        ideas.check_idea(title, text)
        with self.write() as cur:
            return ideas.add_idea(
                cur,
                title=title,
                text=text,
                submitted_by=submitted_by,
                org_id=org_id,
                contact=contact,
                wanted_kinds=wanted_kinds,
                confidential=confidential,
                request_key=request_key,
            )

    def ideas(self, viewer: Viewer) -> list[Idea]:
        """Ideas the viewer may read: all for an adviser, a company's own otherwise."""
        with self.read() as cur:
            return ideas.ideas(cur, viewer)

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
        ideas.check_status(status)
        with self.write() as cur:
            return ideas.update_idea(cur, idea_id, status=status, notes=notes, suggestions=suggestions)

    # -- feedback ----------------------------------------------------------------

    def add_feedback(
        self, *, org_id: str, verdict: str, given_by: str, idea_id: int | None = None, query: str = ""
    ) -> Feedback:
        ideas.check_verdict(verdict)
        with self.write() as cur:
            return ideas.add_feedback(
                cur, org_id=org_id, verdict=verdict, given_by=given_by, idea_id=idea_id, query=query
            )

    def feedback(self, *, idea_id: int | None = None) -> list[Feedback]:
        with self.read() as cur:
            return ideas.feedback(cur, idea_id)

    def feedback_balance(self) -> dict[str, int]:
        """Per organisation: useful and contacted verdicts minus not-useful ones, plus what came of
        introductions to it (:data:`data.storage.introductions.OUTCOME_WEIGHTS`)."""
        with self.read() as cur:
            balance = ideas.feedback_balance(cur)
            outcomes = introductions.outcome_balance(cur)
        for org_id, n in outcomes.items():
            balance[org_id] = balance.get(org_id, 0) + n
        return balance

    # -- accounts ------------------------------------------------------------------

    def add_account(self, username: str, password_hash: str, role: str, org_id: str | None = None) -> None:
        accounts.check_role(role)
        with self.write() as cur:
            accounts.add_account(cur, username, password_hash, role, org_id)

    def account(self, username: str) -> tuple[str, str, str | None] | None:
        """(password_hash, role, org_id) for a username, or None."""
        with self.read() as cur:
            return accounts.account(cur, username)

    # -- embeddings ------------------------------------------------------------------

    def embedding_space(self) -> tuple[str, int] | None:
        """(model_id, dim) of the stored vectors, or None before the first index."""
        with self.read() as cur:
            return vectors.embedding_space(cur)

    def ensure_embedding_space(self, model_id: str, dim: int) -> bool:
        """Make the vectors table hold ``FLOAT[dim]`` vectors of ``model_id``.

        A different model makes every stored vector meaningless, so they are all
        dropped (in one transaction). Returns True when the space was (re)made.
        """
        if self.embedding_space() == (model_id, dim):
            return False
        with self.write() as cur:
            vectors.create_embedding_space(cur, model_id, dim)
        return True

    def embedding_hashes(self, item_type: str) -> dict[str, str]:
        with self.read() as cur:
            return vectors.embedding_hashes(cur, item_type)

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
        staged = vectors.stage_embeddings(changes, space[1])
        with self.write() as cur:
            vectors.write_embeddings(cur, staged)

    def load_embeddings(self, item_type: str) -> tuple[list[str], np.ndarray]:
        """All stored vectors of one type as (ids, matrix of shape (n, dim)), ids sorted."""
        space = self.embedding_space()
        with self.read() as cur:
            if space is None:
                return [], np.zeros((0, 0), dtype=np.float32)
            return vectors.load_embeddings(cur, item_type, space[1])

    def lexical_index(self, digest: str) -> dict[str, bytes] | None:
        """The saved parts of the fitted TF-IDF whose texts have this digest, or None."""
        with self.read() as cur:
            return vectors.lexical_index(cur, digest)

    def lexical_index_digest(self) -> str | None:
        """The digest of the saved TF-IDF, or None when there is none."""
        with self.read() as cur:
            return vectors.lexical_index_digest(cur)

    def save_lexical_index(self, digest: str, parts: Mapping[str, bytes]) -> None:
        """Replace the saved TF-IDF with ``parts`` (one transaction; only one is kept)."""
        with self.write() as cur:
            vectors.save_lexical_index(cur, digest, parts)

    def profile_fingerprint(self) -> tuple[str, str, int]:
        """A cheap summary of everything the index depends on, computed inside DuckDB.

        Returns ``(register, vectors, n_vectors)``: ``register`` covers the texts profiles
        are made of (organisations' descriptions and competences, projects' titles and
        summaries, with their ids), ``vectors`` the stored vectors' ids and content hashes.
        Equal fingerprints mean an index run would find nothing to do; different ones only
        mean "look item by item" (DuckDB's ``hash`` may change between versions).
        """
        with self.read() as cur:
            return vectors.profile_fingerprint(cur)

    def index_state(self) -> str | None:
        """The fingerprint recorded by the last complete index run (see :meth:`set_index_state`)."""
        with self.read() as cur:
            return vectors.index_state(cur)

    def set_index_state(self, fingerprint: str) -> None:
        """Record that the vectors are complete for the register with this fingerprint."""
        with self.write() as cur:
            vectors.set_index_state(cur, fingerprint)
