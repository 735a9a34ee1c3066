"""Contact persons, profile edits and the record of what each edit changed.

Who may see which contacts and who may edit which fields are :mod:`data.contacts`; this module
only reads and writes rows, on a cursor it is given (inside a transaction for the writes).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from data.models import Contact, ProfileChange, Viewer
from data.storage.errors import StoreError
from data.storage.register import ORG_COLUMNS

SELECT_CONTACTS = "SELECT name, role, email, phone FROM contacts WHERE org_id = ? ORDER BY ordinal"
DELETE_CONTACTS = "DELETE FROM contacts WHERE org_id = ?"
INSERT_CONTACT = "INSERT INTO contacts (org_id, ordinal, name, role, email, phone) VALUES (?, ?, ?, ?, ?, ?)"
# Organisations a company user was introduced to, or introduced as the partner to (both ways).
SELECT_INTRODUCED = """
    SELECT i.org_id FROM introductions i LEFT JOIN ideas d ON d.idea_id = i.idea_id
     WHERE i.introduced_on IS NOT NULL
       AND (i.company_org_id = ? OR d.submitted_by = ? OR (d.org_id IS NOT NULL AND d.org_id = ?))
    UNION
    SELECT i.company_org_id FROM introductions i
     WHERE i.introduced_on IS NOT NULL AND i.company_org_id IS NOT NULL AND i.org_id = ?
"""
INSERT_CHANGE = """
    INSERT INTO profile_changes (org_id, changed_by, fields) VALUES (?, ?, ?)
    RETURNING change_id, CAST(changed_at AS VARCHAR)
"""
SELECT_CHANGES = "SELECT change_id, org_id, changed_by, CAST(changed_at AS VARCHAR), fields FROM profile_changes"
#: Profile columns an edit may set; column names cannot be parameters, so only these are formatted in.
PROFILE_COLUMNS = frozenset(ORG_COLUMNS[1:])


def contacts(cur, org_id: str) -> tuple[Contact, ...]:
    """An organisation's contact persons, in their order."""
    return tuple(Contact(*row) for row in cur.execute(SELECT_CONTACTS, [org_id]).fetchall())


def replace_contacts(cur, new_contacts: Mapping[str, Sequence[Contact]]) -> dict[str, int]:
    """Inside the caller's transaction: give each organisation exactly these contacts.

    Returns how many organisations' contacts were ``added`` (had none), ``updated`` or ``unchanged``
    (the import report counts them like rows).
    """
    counts = {"added": 0, "updated": 0, "unchanged": 0}
    for org_id, new in new_contacts.items():
        new = tuple(new)
        old = contacts(cur, org_id)
        if old == new:
            counts["unchanged"] += 1
            continue
        counts["added" if not old else "updated"] += 1
        cur.execute(DELETE_CONTACTS, [org_id])
        cur.executemany(INSERT_CONTACT, [[org_id, i, c.name, c.role, c.email, c.phone] for i, c in enumerate(new)])
    return counts


def introduced_to(cur, viewer: Viewer) -> set[str]:
    """Organisations the viewer's side has been introduced to or introduced as the partner of."""
    org = viewer.org_id or ""
    rows = cur.execute(SELECT_INTRODUCED, [org, viewer.username, org, org]).fetchall()
    return {r[0] for r in rows if r[0]}


def update_profile(cur, org_id: str, values: Mapping[str, str]) -> None:
    """Set some profile fields of one organisation, inside the caller's transaction."""
    unknown = sorted(set(values) - PROFILE_COLUMNS)
    if unknown:
        raise StoreError(f"not profile fields: {', '.join(unknown)}")
    if not values:
        return
    sets = ", ".join(f"{name} = ?" for name in values)
    cur.execute(f"UPDATE organisations SET {sets} WHERE org_id = ?", [*values.values(), org_id])


def record_profile_change(
    cur, org_id: str, changed_by: str, changed: Sequence[tuple[str, str, str]]
) -> ProfileChange:
    """Keep what an edit changed, as (field, before, after) triples."""
    change_id, changed_at = cur.execute(
        INSERT_CHANGE, [org_id, changed_by, json.dumps(changed, ensure_ascii=False)]
    ).fetchone()
    return ProfileChange(change_id, org_id, changed_by, changed_at, tuple(tuple(d) for d in changed))


def profile_changes(cur, org_id: str | None, limit: int) -> list[ProfileChange]:
    """Saved profile edits, newest first (of one organisation, or of all)."""
    sql, params = SELECT_CHANGES, []
    if org_id is not None:
        sql, params = sql + " WHERE org_id = ?", [org_id]
    rows = cur.execute(sql + " ORDER BY change_id DESC LIMIT ?", [*params, int(limit)]).fetchall()
    return [
        ProfileChange(cid, org, by, at, tuple(tuple(d) for d in json.loads(data))) for cid, org, by, at, data in rows
    ]
