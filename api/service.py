"""The long-lived state of ``samspill serve``: the settings, the store, the embedder and the matcher.

One :class:`Service` per process, made once and handed to :func:`api.application.create_app`.
The store and the matcher are thread-safe (FastAPI runs each request on a worker thread); the
model and the index are loaded in a background thread when the server starts (:meth:`warm`), so
the first request does not wait for them unless it comes first.
"""

from __future__ import annotations

import logging
import threading

from data.settings import Settings
from data.store import PartnerStore

logger = logging.getLogger(__name__)

#: Drawings, animations and reports written at once (:attr:`Service.renders`): each is seconds of
#: CPU, and matching and ideas share the machine and the worker threads with them.
MAX_RENDERS = 2


class Service:
    """One database with its matcher, shared by every request.

    Args:
        settings: database, model, model cache, wait.
        store: an open store (tests pass one); default: ``settings.db`` opened for writing.
        embedder: any :class:`matching.embedder.Embedder`; default: the configured model.
    """

    def __init__(self, settings: Settings, *, store: PartnerStore | None = None, embedder=None):
        self.settings = settings
        self.store = store if store is not None else PartnerStore(settings.db, wait=settings.wait)
        self._embedder = embedder
        self._matcher = None
        self._lock = threading.RLock()
        self._ready = threading.Event()
        self._warming: threading.Thread | None = None
        self.renders = threading.BoundedSemaphore(MAX_RENDERS)

    @property
    def embedder(self):
        if self._embedder is None:
            with self._lock:
                if self._embedder is None:
                    from matching.embedder import load_embedder

                    self._embedder = load_embedder(self.settings.model, cache=self.settings.cache)
        return self._embedder

    @property
    def matcher(self):
        """The matcher, its index built on first use (embedding whatever is missing)."""
        if self._matcher is None:
            with self._lock:
                if self._matcher is None:
                    from matching.matcher import Matcher

                    matcher = Matcher(self.store, self.embedder, lang="en")
                    _ = matcher.index
                    self._matcher = matcher
                    self._ready.set()
        return self._matcher

    @property
    def ready(self) -> bool:
        return self._ready.is_set()

    def warm(self) -> threading.Thread:
        """Load the model and the index in a background thread (once); returns the thread."""
        with self._lock:
            if self._warming is None:
                self._warming = threading.Thread(target=self._warm, name="samspill-warm", daemon=True)
                self._warming.start()
            return self._warming

    def _warm(self) -> None:
        try:
            _ = self.matcher
        except Exception:  # noqa: BLE001 - the first request that needs the matcher retries and reports
            logger.warning("loading the model and the index failed", exc_info=True)

    def viewer_for(self, token: str | None):
        """The account a bearer token acts as (:func:`data.tokens.viewer_for_token`), or None."""
        from data.tokens import viewer_for_token

        return viewer_for_token(self.store, token)

    def refresh(self) -> None:
        """After an organisation changed: embed what changed and reload the index."""
        with self._lock:
            if self._matcher is not None:
                self._matcher.refresh()

    def close(self) -> None:
        self.store.close()
