"""What the app builds once per process: the store, the embedding model and the matcher.

``st.cache_resource`` holds them, keyed by the settings (:class:`data.settings.Settings`:
database, model, model cache, wait) so a test or a second configuration gets its own.

The store and matcher are shared by every session; they are thread-safe (the
store takes a cursor per operation, the matcher swaps its index atomically).

Cold start: the model runs in onnxruntime (:class:`matching.embedder.OnnxEmbedder`, about a
second to load, no torch) and the index takes a fraction of a second on the sample cluster to
tens of seconds on a large register, so the first page view of a process starts both in a
background thread (:meth:`Workspace.preload`); by the time an adviser has signed in and typed
an idea they are ready. The first index is built with every core; after it each query runs on
one thread, so concurrent sessions share the cores with steady latency (BENCHMARKS.md has the
measurements).
The :class:`Workspace` also carries a *revision* number, bumped whenever this
app changes the register, so cached network figures are recomputed.

What every rerun of a page needs and only the register decides (the organisations, the filter
choices made of them, the profiles shown under a match) is kept once for all sessions until the
register's revision changes (:meth:`Workspace.kept`). Streamlit runs each session's script in a
thread of one process, so Python work of one session holds the interpreter for the others; what
is not recomputed does not queue them. Matching itself leaves the interpreter while the model
runs (onnxruntime releases it, one thread per call), so two advisers' queries run on both cores.

The app holds the database file only while it reads or writes (a *brief* store,
:mod:`data.storage.connection`), so the ``samspill`` command can read and make short
writes while the app runs. The model and the index stay in memory; before a match the
workspace compares the store's register revision with the one it indexed, and an
import made by a command is embedded and loaded then.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

import streamlit as st

from app_pages.i18n import t
from data.settings import Settings
from data.store import PartnerStore

Progress = Callable[[int, int, str], None]


class Workspace:
    """One database with its matcher, built lazily and shared by all sessions."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.db_path = str(settings.db)
        # Held only while it reads or writes (brief), so commands get turns; a command (import, backup) may hold
        # the file for a moment: wait for it, then give up with a message.
        self.store = PartnerStore(settings.db, wait=settings.wait, brief=True)
        self.revision = 0
        self.indexed = False
        self._indexed_revision: int | None = None  # the store's register revision the index was built from
        self._matcher = None
        self._lock = threading.RLock()
        self._preload: threading.Thread | None = None
        self._preload_guard = threading.Lock()
        self._kept: dict[str, tuple[tuple[int, int], object]] = {}
        self._kept_lock = threading.Lock()

    def embedder(self):
        return _embedder(self.settings.model, str(self.settings.cache))

    def matcher(self):
        """The one matcher of this database (pages pass the reasons' language per query)."""
        if self._matcher is None:
            with self._lock:
                if self._matcher is None:
                    from matching.matcher import Matcher

                    self._matcher = Matcher(self.store, self.embedder())
        return self._matcher

    def refresh(self, progress: Progress | None = None) -> None:
        """Re-embed changed profiles and reload the matcher's index (one refresh at a time).

        The file is held for the whole refresh, so the index is made of one state of the register.
        """
        with self._lock, self.store.held():
            first = not self.indexed
            revision = self.store.revision()
            self.matcher().refresh(progress=progress)
            if first:
                _serving_threads(self.embedder())
            self._indexed_revision = revision
            self.indexed = True

    def stale(self) -> bool:
        """Not indexed yet, or the register changed since (an import or edit by a command)."""
        return not self.indexed or self.store.revision() != self._indexed_revision

    def ensure_indexed(self, progress: Progress | None = None) -> None:
        """Build the index unless it is current (waits for a preload that is building it)."""
        with self._lock:
            if self.stale():
                self.refresh(progress=progress)

    def preload(self) -> threading.Thread:
        """Start loading the model and the index in a background thread (once per workspace).

        Returns that thread; every later call returns the same one.
        """
        with self._preload_guard:
            if self._preload is None:
                embedder = self.embedder()  # resolved here: cache_resource wants the script thread
                self._preload = threading.Thread(
                    target=self._warm, args=(embedder,), name="samspill-preload", daemon=True
                )
                self._preload.start()
            return self._preload

    def _warm(self, embedder) -> None:
        try:
            load_model(embedder)
            self.ensure_indexed()
        except Exception:  # noqa: BLE001 - the page that needs the matcher retries and shows the error
            logging.getLogger(__name__).warning("preloading the matcher failed", exc_info=True)

    def changed(self) -> None:
        """The register changed (import, profile edit): cached figures are stale."""
        self.revision += 1

    def kept(self, name: str, compute: Callable[[], object]) -> object:
        """``compute()``, kept until the register changes (its revision in the store, or this app's).

        For what every rerun of a page needs and only the register decides (the organisations and
        the choices made of them): with six advisers at once, reading and labelling 5,000
        organisations per click held the interpreter for each of them in turn. What is kept is
        shared by every session, so it must not be changed in place.
        """
        revision = (self.store.revision(), self.revision)
        with self._kept_lock:
            held = self._kept.get(name)
        if held is not None and held[0] == revision:
            return held[1]
        # Computed outside the lock: two sessions may both compute after a change; either result
        # is right. Read before computing, so a change made meanwhile is seen on the next call.
        value = compute()
        with self._kept_lock:
            self._kept[name] = (revision, value)
        return value

    def organisations(self) -> tuple:
        """Every organisation of the register (kept per revision: see :meth:`kept`)."""
        return self.kept("organisations", lambda: tuple(self.store.organisations()))

    def profile(self, org_id: str) -> tuple:
        """``(organisation, its projects with its role)``, kept per revision like :meth:`kept`.

        Raises :class:`data.store.OrganisationNotFound` for an unknown id (nothing kept for it).
        """
        # The one thing kept that grows in place: a dict per revision, filled as profiles are
        # shown (a match result shows ten); a new revision starts an empty one.
        profiles = self.kept("profiles", dict)
        found = profiles.get(org_id)
        if found is None:
            found = profiles[org_id] = (self.store.organisation(org_id), tuple(self.store.projects_of(org_id)))
        return found


@st.cache_resource(show_spinner=False)
def _workspace(settings: Settings) -> Workspace:
    return Workspace(settings)


@st.cache_resource(show_spinner=False)
def _embedder(model: str, cache: str):
    from matching.embedder import load_embedder

    return load_embedder(model, cache=Path(cache))


def workspace() -> Workspace:
    """This process's workspace for the settings of the environment (read on each run: cheap)."""
    ws = _workspace(Settings.from_env())
    ws.preload()
    return ws


def load_model(embedder) -> None:
    """Load the model now (once per process; later calls cost one tiny embedding)."""
    embedder.embed_queries(["warm-up"])


def _serving_threads(embedder) -> None:
    """One thread per query from now on (the first index, built before, used every core)."""
    from matching.embedder import set_threads

    set_threads(embedder, 1)


def get_store() -> PartnerStore:
    return workspace().store


def progress_bar(label: str) -> tuple[Progress, Callable[[], None]]:
    """A ``(done, total, label)`` callback drawing a Streamlit progress bar, and a function to remove it."""
    bar = st.progress(0.0, text=label)

    def update(done: int, total: int, _label: str = "") -> None:
        share = 1.0 if total <= 0 else min(max(done / total, 0.0), 1.0)
        bar.progress(share, text=t("index.progress", label=label, done=done, total=total))

    return update, bar.empty


def get_matcher():
    """The matcher, with its index built (with a progress bar) the first time a page needs it."""
    ws = workspace()
    if ws.stale():
        if not ws.indexed:
            with st.spinner(t("index.loading_model")):
                load_model(ws.embedder())
        update, done = progress_bar(t("index.building") if not ws.indexed else t("index.updating"))
        try:
            ws.ensure_indexed(progress=update)
        finally:
            done()
    return ws.matcher()


def refresh_index() -> None:
    """After this app changed profiles: re-embed what changed, with a progress bar."""
    ws = workspace()
    ws.changed()
    update, done = progress_bar(t("index.updating"))
    try:
        ws.refresh(progress=update)
    finally:
        done()
