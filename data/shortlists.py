"""Shortlists with a link of their own: what an adviser put on the shortlist, kept as it was shown.

A link names a shortlist by a random id (``?shortlist=<id>``), so links cannot be guessed by
counting. Only advisers may open one: it holds suggestions for ideas, which companies see
only as the cluster decides.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from data.models import Viewer
from data.refusals import NotAllowed, Refused

__all__ = ["MAX_ITEMS", "SavedShortlist", "ShortlistItem", "save_shortlist", "shortlist"]

MAX_ITEMS = 200

INSERT_SHORTLIST = (
    "INSERT INTO shortlists (shortlist_id, created_by, idea_id, subject, items) VALUES (?, ?, ?, ?, ?)"
)
SELECT_SHORTLIST = (
    "SELECT shortlist_id, created_by, CAST(created_at AS VARCHAR), idea_id, subject, items"
    " FROM shortlists WHERE shortlist_id = ?"
)


@dataclass(frozen=True)
class ShortlistItem:
    """One organisation on a shortlist (shaped like a matcher's suggestion, plus its team)."""

    org_id: str
    name: str
    kind: str = ""
    score: float = 0.0
    reasons: tuple[str, ...] = ()
    region: str = ""
    country: str = ""
    team: str = ""


@dataclass(frozen=True)
class SavedShortlist:
    shortlist_id: str
    created_by: str
    created_at: str
    idea_id: int | None
    subject: str
    items: tuple[ShortlistItem, ...]


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
    data = json.dumps([asdict(i) for i in items], ensure_ascii=False)
    with store.write() as cur:
        cur.execute(INSERT_SHORTLIST, [shortlist_id, viewer.username, idea_id, subject[:300], data])
    return shortlist_id


def shortlist(store, viewer: Viewer, shortlist_id: str) -> SavedShortlist:
    """The shortlist a link names; :class:`NotAllowed` ("not found") for companies and unknown ids alike."""
    if not viewer.is_adviser or not isinstance(shortlist_id, str) or len(shortlist_id) > 64:
        raise NotAllowed("shortlist.not_found")
    with store.read() as cur:
        row = cur.execute(SELECT_SHORTLIST, [shortlist_id]).fetchone()
    if row is None:
        raise NotAllowed("shortlist.not_found")
    sid, by, at, idea_id, subject, data = row
    items = tuple(ShortlistItem(**{**item, "reasons": tuple(item.get("reasons", ()))}) for item in json.loads(data))
    return SavedShortlist(sid, by, at, idea_id, subject, items)
