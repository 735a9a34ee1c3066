"""Introductions of a company to a partner, each status with the date it was reached.

Who may propose, move and read them, and the mail, are :mod:`data.introductions`; this module
reads and writes rows on a cursor it is given (inside a transaction for the writes).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from data.models import INTRODUCTION_STATUSES, Introduction, Viewer
from data.storage.connection import has_table

#: What an introduction's status adds to the partner's feedback balance (a "useful" verdict adds 1).
OUTCOME_WEIGHTS = {"proposed": 0, "introduced": 1, "met": 2, "joint_project": 3, "declined": -1}

COLUMNS = (
    "intro_id, org_id, company_org_id, idea_id, status, created_by, CAST(created_at AS VARCHAR), reasons, "
    "CAST(proposed_on AS VARCHAR), CAST(introduced_on AS VARCHAR), CAST(met_on AS VARCHAR), "
    "CAST(joint_project_on AS VARCHAR), CAST(declined_on AS VARCHAR), sent_by_mail"
)
SELECT_INTRODUCTIONS = f"SELECT {COLUMNS} FROM introductions i"
SELECT_INTRODUCTION = SELECT_INTRODUCTIONS + " WHERE intro_id = ?"
# A company user's: its organisation is the company side, or the idea is one it may see.
VISIBLE_TO_COMPANY = """
    WHERE (i.company_org_id IS NOT NULL AND i.company_org_id = ?)
       OR i.idea_id IN (SELECT idea_id FROM ideas WHERE submitted_by = ? OR (org_id IS NOT NULL AND org_id = ?))
"""
SELECT_OPEN_DUPLICATE = """
    SELECT intro_id FROM introductions
     WHERE org_id = ? AND company_org_id IS NOT DISTINCT FROM ? AND idea_id IS NOT DISTINCT FROM ?
       AND status <> 'declined'
"""
INSERT_INTRODUCTION = """
    INSERT INTO introductions (idea_id, company_org_id, org_id, reasons, created_by, proposed_on)
    VALUES (?, ?, ?, ?, ?, ?) RETURNING intro_id
"""
UPDATE_STATUS = (
    "UPDATE introductions SET status = ?, "
    + ", ".join(f"{s}_on = CAST(? AS DATE)" for s in INTRODUCTION_STATUSES)  # fixed names
    + ", updated_by = ?, updated_at = current_timestamp"
)
OUTCOME_BALANCE = (
    "SELECT org_id, sum(CASE status "
    + " ".join(f"WHEN '{s}' THEN {w}" for s, w in OUTCOME_WEIGHTS.items())  # fixed names and numbers
    + " ELSE 0 END) FROM introductions GROUP BY org_id"
)
PER_YEAR = """
    SELECT year(introduced_on) AS y, count(*), count(joint_project_on), count(declined_on)
      FROM introductions WHERE introduced_on IS NOT NULL GROUP BY y ORDER BY y
"""


@dataclass(frozen=True)
class IntroductionYear:
    """Introductions made in ``year`` (reached "introduced" that year) and what became of them so far."""

    year: int
    introduced: int
    joint_projects: int
    declined: int


def reasons_from_json(text: str | None) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The stored reasons as (language, reasons) pairs.

    An object ``{"nb": [...], "en": [...]}`` holds them in each language; a list is the words of
    one unknown language (rows written before the languages were kept), given language ``""``.

    >>> reasons_from_json('{"nb": ["Ja"], "en": ["Yes"]}'), reasons_from_json('["Ja"]'), reasons_from_json(None)
    ((('nb', ('Ja',)), ('en', ('Yes',))), (('', ('Ja',)),), ())
    """
    stored = json.loads(text or "[]")
    if isinstance(stored, dict):
        return tuple((str(code), tuple(str(r) for r in worded)) for code, worded in stored.items())
    return (("", tuple(str(r) for r in stored)),) if stored else ()


def reasons_to_json(reasons: Sequence[str] | Mapping[str, Sequence[str]]) -> str:
    """The reasons as stored: an object per language when given per language, else a list."""
    if isinstance(reasons, Mapping):
        return json.dumps({str(code): list(worded) for code, worded in reasons.items()}, ensure_ascii=False)
    return json.dumps(list(reasons), ensure_ascii=False)


def introduction_from_row(row) -> Introduction:
    (intro_id, org_id, company, idea_id, status, by, at, reasons, *dates, by_mail) = row
    return Introduction(
        intro_id, org_id, company, idea_id, status, by, at or "", reasons_from_json(reasons),
        *(d or "" for d in dates), sent_by_mail=bool(by_mail),
    )


def introductions(
    cur, *, visible_to: Viewer | None = None, idea_id: int | None = None, status: Sequence[str] | None = None
) -> list[Introduction]:
    """Introductions newest first: all, or those a company user (``visible_to``) may see; optionally
    of one idea, or with these statuses."""
    sql, params = SELECT_INTRODUCTIONS, []
    if visible_to is not None:
        org = visible_to.org_id or ""
        sql, params = sql + VISIBLE_TO_COMPANY, [org, visible_to.username, org]
    wheres = []
    if idea_id is not None:
        wheres.append("i.idea_id = ?")
        params.append(int(idea_id))
    if status:
        wheres.append(f"i.status IN ({', '.join('?' for _ in status)})")
        params.extend(status)
    if wheres:
        sql = f"SELECT * FROM ({sql}) i WHERE " + " AND ".join(wheres)
    return [introduction_from_row(r) for r in cur.execute(sql + " ORDER BY intro_id DESC", params).fetchall()]


def introduction(cur, intro_id: int) -> Introduction | None:
    row = cur.execute(SELECT_INTRODUCTION, [intro_id]).fetchone()
    return introduction_from_row(row) if row is not None else None


def open_introduction(cur, org_id: str, company_org_id: str | None, idea_id: int | None) -> int | None:
    """The id of a not-declined introduction of these two parties for this idea, if there is one."""
    row = cur.execute(SELECT_OPEN_DUPLICATE, [org_id, company_org_id, idea_id]).fetchone()
    return row[0] if row is not None else None


def add_introduction(
    cur,
    *,
    idea_id: int | None,
    company_org_id: str | None,
    org_id: str,
    reasons: Sequence[str] | Mapping[str, Sequence[str]],
    created_by: str,
    proposed_on: date,
) -> int:
    """Insert a proposed introduction; returns its id. ``reasons``: per language, or one list (language unknown)."""
    return cur.execute(
        INSERT_INTRODUCTION, [idea_id, company_org_id, org_id, reasons_to_json(reasons), created_by, proposed_on]
    ).fetchone()[0]


def set_status(
    cur,
    intro_id: int,
    status: str,
    dates: Mapping[str, str | None],
    *,
    updated_by: str,
    sent_by_mail: bool | None = None,
) -> None:
    """Write a status and the date of every status (ISO text or None); ``sent_by_mail`` only when given."""
    sql, params = UPDATE_STATUS, [status, *(dates[s] for s in INTRODUCTION_STATUSES), updated_by]
    if sent_by_mail is not None:
        sql, params = sql + ", sent_by_mail = ?", [*params, sent_by_mail]
    cur.execute(sql + " WHERE intro_id = ?", [*params, intro_id])


def outcome_balance(cur) -> dict[str, int]:
    """Per partner organisation: the sum of :data:`OUTCOME_WEIGHTS` over its introductions."""
    if not has_table(cur, "introductions"):  # a database opened read-only from before m016
        return {}
    return {org_id: int(n) for org_id, n in cur.execute(OUTCOME_BALANCE).fetchall() if n}


def introductions_per_year(cur) -> dict[int, IntroductionYear]:
    """Per year: introductions made that year, and how many became joint projects (or were declined)."""
    rows = cur.execute(PER_YEAR).fetchall()
    return {int(y): IntroductionYear(int(y), int(n), int(joint), int(declined)) for y, n, joint, declined in rows}
