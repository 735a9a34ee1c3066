"""The register: organisations, projects and who took part in what.

Functions over a cursor the store gives them (inside a transaction for the writes). Every
change to the register also bumps a counter (:func:`note_change`), so another process that
keeps the register in memory (the app's matcher) can tell that it changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import astuple, fields

from data.limits import MAX_NAME_CHARS, MAX_TEXT_CHARS
from data.models import Organisation, Participation, Project
from data.storage.connection import has_table
from data.storage.errors import OrganisationNotFound, StoreError

ORG_COLUMNS = tuple(f.name for f in fields(Organisation))
PROJECT_COLUMNS = tuple(f.name for f in fields(Project))
PARTICIPATION_COLUMNS = tuple(f.name for f in fields(Participation))

SELECT_ORGANISATIONS = f"SELECT {', '.join(ORG_COLUMNS)} FROM organisations"
SELECT_PROJECTS = f"SELECT {', '.join(PROJECT_COLUMNS)} FROM projects"
SELECT_PARTICIPATIONS = f"SELECT {', '.join(PARTICIPATION_COLUMNS)} FROM participations"
SELECT_ORG_EXISTS = "SELECT 1 FROM organisations WHERE org_id = ?"
SELECT_ORG_NAME = "SELECT name FROM organisations WHERE org_id = ?"
SELECT_PROJECTS_OF = (
    "SELECT "
    + ", ".join(f"p.{c}" for c in PROJECT_COLUMNS)
    + ", pa.role FROM participations pa JOIN projects p USING (project_id)"
    " WHERE pa.org_id = ? ORDER BY p.start_year DESC NULLS LAST, p.project_id"
)
SEARCH_ORGANISATIONS = (
    SELECT_ORGANISATIONS
    + " WHERE name ILIKE ? ESCAPE '\\' OR org_id ILIKE ? ESCAPE '\\' OR description ILIKE ? ESCAPE '\\'"
    + " OR competences ILIKE ? ESCAPE '\\' ORDER BY name LIMIT ?"
)
UPDATE_ORGANISATION = f"UPDATE organisations SET {', '.join(f'{c} = ?' for c in ORG_COLUMNS[1:])} WHERE org_id = ?"
COUNT_BY_KIND = "SELECT kind, count(*) FROM organisations GROUP BY kind ORDER BY count(*) DESC, kind"
SELECT_YEAR_RANGE = "SELECT min(start_year), max(start_year) FROM projects"
SELECT_REVISION = "SELECT register FROM _revision"
BUMP_REVISION = "UPDATE _revision SET register = register + 1"

#: INTEGER columns (head counts) hold at most this.
MAX_INTEGER = 2**31 - 1

#: Tables that hold content, in the order a user thinks of them (for stats).
CONTENT_TABLES = ("organisations", "projects", "participations", "ideas", "feedback", "accounts")

#: (table, columns, key) of each register table, for upserts.
REGISTER_TABLES = {
    "organisations": (ORG_COLUMNS, ("org_id",)),
    "projects": (PROJECT_COLUMNS, ("project_id",)),
    "participations": (PARTICIPATION_COLUMNS, ("project_id", "org_id")),
}


# -- reads ---------------------------------------------------------------------------------


def organisations(cur, kind: str | None = None) -> list[Organisation]:
    sql, params = SELECT_ORGANISATIONS, []
    if kind is not None:
        sql, params = sql + " WHERE kind = ?", [kind]
    return [Organisation(*row) for row in cur.execute(sql + " ORDER BY org_id", params).fetchall()]


def organisation(cur, org_id: str) -> Organisation:
    row = cur.execute(SELECT_ORGANISATIONS + " WHERE org_id = ?", [org_id]).fetchone()
    if row is None:
        raise OrganisationNotFound(f"no organisation with id {org_id!r}")
    return Organisation(*row)


def has_organisation(cur, org_id: str) -> bool:
    return cur.execute(SELECT_ORG_EXISTS, [org_id]).fetchone() is not None


def organisation_name(cur, org_id: str) -> str | None:
    """The name of an organisation, or None when there is none with that id."""
    row = cur.execute(SELECT_ORG_NAME, [org_id]).fetchone()
    return row[0] if row is not None else None


def search_organisations(cur, text: str, limit: int) -> list[Organisation]:
    # The text is searched for as written: "%" and "_" are not wildcards ("50%" finds "50%", not all).
    literal = text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{literal}%"
    return [Organisation(*row) for row in cur.execute(SEARCH_ORGANISATIONS, [pattern] * 4 + [limit]).fetchall()]


def projects(cur, until_year: int | None = None) -> list[Project]:
    sql, params = SELECT_PROJECTS, []
    if until_year is not None:
        sql, params = sql + " WHERE start_year <= ?", [until_year]
    return [Project(*row) for row in cur.execute(sql + " ORDER BY project_id", params).fetchall()]


def participations(cur) -> list[Participation]:
    rows = cur.execute(SELECT_PARTICIPATIONS + " ORDER BY project_id, org_id").fetchall()
    return [Participation(*row) for row in rows]


def projects_of(cur, org_id: str) -> list[tuple[Project, str]]:
    return [(Project(*row[:-1]), row[-1]) for row in cur.execute(SELECT_PROJECTS_OF, [org_id]).fetchall()]


def counts(cur) -> dict[str, int]:
    """Rows per content table, plus stored vectors."""
    out = {}
    for table in CONTENT_TABLES:  # fixed names, never user input
        out[table] = cur.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    out["embeddings"] = (
        cur.execute("SELECT count(*) FROM embeddings").fetchone()[0] if has_table(cur, "embeddings") else 0
    )
    return out


def counts_by_kind(cur) -> dict[str, int]:
    return {kind: n for kind, n in cur.execute(COUNT_BY_KIND).fetchall()}


def year_range(cur) -> tuple[int, int] | None:
    lo, hi = cur.execute(SELECT_YEAR_RANGE).fetchone()
    return None if lo is None else (lo, hi)


def revision(cur) -> int:
    """How many changes the register has had (0 in a read-only database from before the counter)."""
    if not has_table(cur, "_revision"):
        return 0
    row = cur.execute(SELECT_REVISION).fetchone()
    return int(row[0]) if row else 0


def note_change(cur) -> None:
    """Count one change to the register, in the caller's transaction."""
    cur.execute(BUMP_REVISION)


# -- writes --------------------------------------------------------------------------------


def upsert(
    cur,
    new_organisations: Sequence[Organisation],
    new_projects: Sequence[Project],
    new_participations: Sequence[Participation],
) -> dict[str, dict[str, int]]:
    """Insert or update records (inside the caller's transaction); counts added/updated/unchanged per table."""
    report = {}
    for table, records in (
        ("organisations", new_organisations),
        ("projects", new_projects),
        ("participations", new_participations),
    ):
        columns, key = REGISTER_TABLES[table]
        report[table] = _upsert_rows(cur, table, columns, key, records)
    if any(r["added"] or r["updated"] for r in report.values()):
        note_change(cur)
    return report


def _upsert_rows(cur, table, columns, key, records) -> dict[str, int]:
    counts = {"added": 0, "updated": 0, "unchanged": 0}
    if not records:
        return counts
    # astuple deep-copies every field; a flat getattr halves the CPU of a large import.
    rows = [tuple(getattr(r, c) for c in columns) for r in records]
    key_idx = [columns.index(k) for k in key]
    existing = _existing_rows(cur, table, columns, key, [tuple(r[i] for i in key_idx) for r in rows])
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


def check_organisation(org: Organisation) -> None:
    """What an edited profile must satisfy before it is written (the app's form is only advice)."""
    if not org.name.strip():
        raise StoreError(f"organisation {org.org_id!r} needs a name")
    if org.employees is not None and not 0 <= org.employees <= MAX_INTEGER:
        raise StoreError(f"bad head count {org.employees} for {org.org_id!r}: expected 0–{MAX_INTEGER:,}")
    for field, limit in (("name", MAX_NAME_CHARS), ("description", MAX_TEXT_CHARS), ("competences", MAX_TEXT_CHARS)):
        value = getattr(org, field)
        if len(value) > limit:
            raise StoreError(f"the {field} of {org.org_id!r} has {len(value):,} characters; at most {limit:,} are kept")


def update_organisation(cur, org: Organisation) -> None:
    """Replace one organisation's profile (it must exist), inside the caller's transaction."""
    if not has_organisation(cur, org.org_id):
        raise OrganisationNotFound(f"no organisation with id {org.org_id!r}")
    cur.execute(UPDATE_ORGANISATION, [*astuple(org)[1:], org.org_id])
    note_change(cur)


def _as_arrow(columns: Sequence[str], rows: Sequence[tuple], schema):
    """Rows as a pyarrow table, typed like the target table when a schema is given."""
    import pyarrow as pa

    data = {c: [row[i] for row in rows] for i, c in enumerate(columns)}
    if schema is None:
        return pa.table(data)
    return pa.table({c: pa.array(data[c], type=schema.field(c).type) for c in columns})
