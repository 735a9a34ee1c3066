"""Ideas companies submit and the feedback advisers give on suggestions.

Functions over a cursor the store gives them (inside a transaction for the writes). Who may
read which idea is decided here, in SQL, so no page can forget it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from data.models import IDEA_STATUSES, VERDICTS, Feedback, Idea, Viewer
from data.storage.errors import IdeaNotFound, OrganisationNotFound, StoreError
from data.storage.register import has_organisation

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
SELECT_IDEAS = f"SELECT {IDEA_COLUMNS} FROM ideas"
VISIBLE_TO_COMPANY = " WHERE submitted_by = ? OR (org_id IS NOT NULL AND org_id = ?)"
SELECT_IDEA_BY_KEY = "SELECT idea_id, submitted_by FROM ideas WHERE request_key = ?"
SELECT_IDEA_EXISTS = "SELECT 1 FROM ideas WHERE idea_id = ?"
UPDATE_STATUS = "UPDATE ideas SET status = ? WHERE idea_id = ?"
MARK_IN_PROGRESS = "UPDATE ideas SET status = 'in_progress' WHERE idea_id = ? AND status = 'new'"
UPDATE_NOTES = "UPDATE ideas SET notes = ? WHERE idea_id = ?"
UPDATE_SUGGESTIONS = "UPDATE ideas SET suggestions = ? WHERE idea_id = ?"
INSERT_FEEDBACK = """
    INSERT INTO feedback (idea_id, query, org_id, verdict, given_by)
    VALUES (?, ?, ?, ?, ?)
    RETURNING feedback_id
"""
FEEDBACK_COLUMNS = "feedback_id, org_id, verdict, given_by, CAST(given_at AS VARCHAR), idea_id, query"
SELECT_FEEDBACK = f"SELECT {FEEDBACK_COLUMNS} FROM feedback"
FEEDBACK_BALANCE = (
    "SELECT org_id, sum(CASE WHEN verdict = 'not_useful' THEN -1 ELSE 1 END) FROM feedback GROUP BY org_id"
)

#: Longest idea title and description accepted (the app's form has the same limits).
MAX_IDEA_TITLE = 200
MAX_IDEA_TEXT = 20_000


def check_idea(title: object, text: object) -> None:
    """What a submitted idea must satisfy; the form's limits are only advice to a browser."""
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


def add_idea(
    cur,
    *,
    title: str,
    text: str,
    submitted_by: str,
    org_id: str | None,
    contact: str,
    wanted_kinds: Iterable[str],
    confidential: bool,
    request_key: str | None,
) -> Idea:
    """Store a checked idea; the same submitter's repeated ``request_key`` returns the first idea instead.

    A key another account has used is refused: a retry is safe only for the one who sent the idea,
    and the idea behind another's key is none of the caller's business.
    """
    if request_key is not None:
        row = cur.execute(SELECT_IDEA_BY_KEY, [request_key]).fetchone()
        if row is not None:
            if row[1] != submitted_by:
                raise StoreError("this request key has been used by another account; send a new one")
            return idea_from_row(cur.execute(SELECT_IDEA, [row[0]]).fetchone())
    if org_id is not None and not has_organisation(cur, org_id):
        raise OrganisationNotFound(f"no organisation with id {org_id!r}")
    idea_id = cur.execute(
        INSERT_IDEA,
        [title.strip(), text, submitted_by, org_id, contact, ";".join(wanted_kinds), confidential, request_key],
    ).fetchone()[0]
    return idea_from_row(cur.execute(SELECT_IDEA, [idea_id]).fetchone())


def ideas(cur, viewer: Viewer) -> list[Idea]:
    """Ideas the viewer may read: all for an adviser, a company's own otherwise."""
    sql, params = SELECT_IDEAS, []
    if not viewer.is_adviser:
        sql, params = sql + VISIBLE_TO_COMPANY, [viewer.username, viewer.org_id or ""]
    return [idea_from_row(r) for r in cur.execute(sql + " ORDER BY idea_id DESC", params).fetchall()]


def idea(cur, idea_id: int) -> Idea | None:
    """One idea whoever submitted it (callers decide who may read it), or None."""
    row = cur.execute(SELECT_IDEA, [idea_id]).fetchone()
    return idea_from_row(row) if row is not None else None


def mark_in_progress(cur, idea_id: int) -> None:
    """A new idea becomes "in progress"; an idea further along keeps its status."""
    cur.execute(MARK_IN_PROGRESS, [idea_id])


def update_idea(cur, idea_id: int, *, status: str | None, notes: str | None, suggestions: Sequence[str] | None) -> Idea:
    if cur.execute(SELECT_IDEA_EXISTS, [idea_id]).fetchone() is None:
        raise IdeaNotFound(f"no idea {idea_id}")
    if status is not None:
        cur.execute(UPDATE_STATUS, [status, idea_id])
    if notes is not None:
        cur.execute(UPDATE_NOTES, [notes, idea_id])
    if suggestions is not None:
        cur.execute(UPDATE_SUGGESTIONS, [json.dumps(list(suggestions)), idea_id])
    return idea_from_row(cur.execute(SELECT_IDEA, [idea_id]).fetchone())


def check_status(status: str | None) -> None:
    if status is not None and status not in IDEA_STATUSES:
        raise StoreError(f"unknown status {status!r}; expected one of {', '.join(IDEA_STATUSES)}")


def idea_from_row(row) -> Idea:
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


# -- feedback ------------------------------------------------------------------------------------


def check_verdict(verdict: str) -> None:
    if verdict not in VERDICTS:
        raise StoreError(f"unknown verdict {verdict!r}; expected one of {', '.join(VERDICTS)}")


def add_feedback(cur, *, org_id: str, verdict: str, given_by: str, idea_id: int | None, query: str) -> Feedback:
    if not has_organisation(cur, org_id):
        raise OrganisationNotFound(f"no organisation with id {org_id!r}")
    if idea_id is not None and cur.execute(SELECT_IDEA_EXISTS, [idea_id]).fetchone() is None:
        raise IdeaNotFound(f"no idea {idea_id}")
    fid = cur.execute(INSERT_FEEDBACK, [idea_id, query, org_id, verdict, given_by]).fetchone()[0]
    return Feedback(*cur.execute(SELECT_FEEDBACK + " WHERE feedback_id = ?", [fid]).fetchone())


def feedback(cur, idea_id: int | None = None) -> list[Feedback]:
    sql, params = SELECT_FEEDBACK, []
    if idea_id is not None:
        sql, params = sql + " WHERE idea_id = ?", [idea_id]
    return [Feedback(*r) for r in cur.execute(sql + " ORDER BY feedback_id", params).fetchall()]


def feedback_balance(cur) -> dict[str, int]:
    """Per organisation: useful and contacted verdicts minus not-useful ones."""
    return {org_id: int(n) for org_id, n in cur.execute(FEEDBACK_BALANCE).fetchall()}
