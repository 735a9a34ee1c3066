"""Saved shortlists: what an adviser put on a shortlist, kept as it was shown, under a random id.

Who may save and open one is :mod:`data.shortlists`; this module writes and reads the rows (the
items as JSON) on a cursor it is given.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass

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


def add_shortlist(
    cur, shortlist_id: str, created_by: str, items: Sequence[ShortlistItem], *, idea_id: int | None, subject: str
) -> None:
    data = json.dumps([asdict(i) for i in items], ensure_ascii=False)
    cur.execute(INSERT_SHORTLIST, [shortlist_id, created_by, idea_id, subject, data])


def shortlist(cur, shortlist_id: str) -> SavedShortlist | None:
    row = cur.execute(SELECT_SHORTLIST, [shortlist_id]).fetchone()
    if row is None:
        return None
    sid, by, at, idea_id, subject, data = row
    items = tuple(ShortlistItem(**{**item, "reasons": tuple(item.get("reasons", ()))}) for item in json.loads(data))
    return SavedShortlist(sid, by, at, idea_id, subject, items)
