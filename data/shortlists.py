"""Shortlists with a link of their own: what an adviser put on the shortlist, kept as it was shown.

A link names a shortlist by a random id (``?shortlist=<id>``), so links cannot be guessed by
counting. Only advisers may open one: it holds suggestions for ideas, which companies see
only as the cluster decides.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from data.models import Viewer
from data.refusals import NotAllowed, Refused
from data.storage import shortlists as shortlist_rows
from data.storage.shortlists import SavedShortlist, ShortlistItem

__all__ = ["MAX_ITEMS", "SavedShortlist", "ShortlistItem", "save_shortlist", "shortlist"]

MAX_ITEMS = 200

def save_shortlist(
    store, viewer: Viewer, items: Iterable[ShortlistItem], *, idea_id: int | None = None, subject: str = ""
) -> str:
    """Keep a shortlist and return the id its link carries (advisers only)."""
    if not viewer.is_adviser:
        raise NotAllowed("shortlist.not_found")
    items = list(items)
    if not items:
        raise Refused("shortlist.empty")
    if len(items) > MAX_ITEMS:
        raise Refused("shortlist.too_long", limit=MAX_ITEMS)
    shortlist_id = secrets.token_urlsafe(9)
    with store.write() as cur:
        shortlist_rows.add_shortlist(cur, shortlist_id, viewer.username, items, idea_id=idea_id, subject=subject[:300])
    return shortlist_id


def shortlist(store, viewer: Viewer, shortlist_id: str) -> SavedShortlist:
    """The shortlist a link names; :class:`NotAllowed` ("not found") for companies and unknown ids alike."""
    if not viewer.is_adviser or not isinstance(shortlist_id, str) or len(shortlist_id) > 64:
        raise NotAllowed("shortlist.not_found")
    with store.read() as cur:
        found = shortlist_rows.shortlist(cur, shortlist_id)
    if found is None:
        raise NotAllowed("shortlist.not_found")
    return found
