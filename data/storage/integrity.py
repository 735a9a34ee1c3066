"""The checks behind ``samspill check``: rules the schema cannot state, and a full read of the file.

Each rule is a query listing the rows that break it (DuckDB foreign keys would forbid the
upserts the importers do). Reading every row and probing every key index makes a damaged
block fail here, as :class:`StoreError`, rather than in the middle of a page or an import.
"""

from __future__ import annotations

import duckdb

from data.models import IDEA_STATUSES, VERDICTS
from data.storage.connection import has_table
from data.storage.errors import StoreError

# (what is wrong, query returning the offending keys)
INTEGRITY_CHECKS: tuple[tuple[str, str], ...] = (
    (
        "participation names a project that does not exist",
        "SELECT pa.project_id, pa.org_id FROM participations pa"
        " WHERE NOT EXISTS (SELECT 1 FROM projects p WHERE p.project_id = pa.project_id)",
    ),
    (
        "participation names an organisation that does not exist",
        "SELECT pa.project_id, pa.org_id FROM participations pa"
        " WHERE NOT EXISTS (SELECT 1 FROM organisations o WHERE o.org_id = pa.org_id)",
    ),
    (
        "idea names an organisation that does not exist",
        "SELECT i.idea_id, i.org_id FROM ideas i WHERE i.org_id IS NOT NULL"
        " AND NOT EXISTS (SELECT 1 FROM organisations o WHERE o.org_id = i.org_id)",
    ),
    (
        "feedback names an organisation that does not exist",
        "SELECT f.feedback_id, f.org_id FROM feedback f"
        " WHERE NOT EXISTS (SELECT 1 FROM organisations o WHERE o.org_id = f.org_id)",
    ),
    (
        "feedback names an idea that does not exist",
        "SELECT f.feedback_id, f.idea_id FROM feedback f WHERE f.idea_id IS NOT NULL"
        " AND NOT EXISTS (SELECT 1 FROM ideas i WHERE i.idea_id = f.idea_id)",
    ),
    (
        "account names an organisation that does not exist",
        "SELECT a.username, a.org_id FROM accounts a WHERE a.org_id IS NOT NULL"
        " AND NOT EXISTS (SELECT 1 FROM organisations o WHERE o.org_id = a.org_id)",
    ),
    (
        "participation has an unknown role",
        "SELECT project_id, org_id, role FROM participations WHERE role NOT IN ('coordinator', 'partner')",
    ),
    (
        "idea has an unknown status",
        f"SELECT idea_id, status FROM ideas WHERE status NOT IN ({', '.join(repr(s) for s in IDEA_STATUSES)})",
    ),
    (
        "feedback has an unknown verdict",
        f"SELECT feedback_id, verdict FROM feedback WHERE verdict NOT IN ({', '.join(repr(v) for v in VERDICTS)})",
    ),
    (
        "idea suggestions are not a JSON list",
        "SELECT idea_id FROM ideas WHERE suggestions <> ''"
        " AND coalesce(json_type(TRY_CAST(suggestions AS JSON)), '') <> 'ARRAY'",
    ),
)
SELECT_KEY_COLUMNS = (
    "SELECT table_name, constraint_column_names FROM duckdb_constraints()"
    " WHERE constraint_type IN ('PRIMARY KEY', 'UNIQUE') AND schema_name = 'main'"
)
SELECT_TABLES = "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY table_name"
SELECT_COLUMN_TYPES = (
    "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'main' AND table_name = ?"
)
#: Listed per rule in a problem report; the rest is counted.
MAX_LISTED_KEYS = 5


def integrity_problems(cur, path: str) -> list[str]:
    """Broken references and impossible values, one readable line per rule broken (see the module)."""
    problems = []
    try:
        # every table, also ones added after this was written (names from the catalogue)
        for (table,) in cur.execute(SELECT_TABLES).fetchall():
            cur.execute(f'SELECT count(*), bit_xor(hash(t)) FROM "{table}" AS t').fetchone()
    except duckdb.Error as exc:
        raise StoreError(f"cannot read every row of {path}: {exc}") from exc
    for what, sql in INTEGRITY_CHECKS:
        rows = cur.execute(sql).fetchall()
        if rows:
            shown = "; ".join(" / ".join(map(repr, row)) for row in rows[:MAX_LISTED_KEYS])
            more = f" and {len(rows) - MAX_LISTED_KEYS} more" if len(rows) > MAX_LISTED_KEYS else ""
            problems.append(f"{len(rows)} {what}: {shown}{more}")
    spaces = cur.execute("SELECT count(*) FROM embedding_space").fetchone()[0]
    if spaces > 1:
        problems.append(f"embedding_space holds {spaces} rows; expected at most one model")
    if bool(spaces) != has_table(cur, "embeddings"):
        problems.append("embedding_space and the embeddings table disagree: run `samspill index`")
    return problems


def probe_indexes(cur, path: str) -> None:
    """Exercise every key index inside the caller's transaction, which must be rolled back.

    Looks every key up (re-inserts each table into itself, every row conflicting), then
    inserts one row with new keys (which reaches the index blocks new keys are written to).
    """
    try:
        keys: dict[str, set[str]] = {}
        for table, columns in cur.execute(SELECT_KEY_COLUMNS).fetchall():
            keys.setdefault(table, set()).update(columns)
        for table, columns in sorted(keys.items()):  # names from the catalogue, never user input
            types = dict(cur.execute(SELECT_COLUMN_TYPES, [table]).fetchall())
            cur.execute(f'INSERT INTO "{table}" SELECT * FROM "{table}" ON CONFLICT DO NOTHING')
            fresh = ", ".join(fresh_key(c, types[c]) for c in sorted(columns))
            cur.execute(f'INSERT INTO "{table}" SELECT * REPLACE ({fresh}) FROM "{table}" LIMIT 1')
        # ideas' second unique index (request keys): new ids, the same keys
        cur.execute(
            "INSERT INTO ideas SELECT * REPLACE (-idea_id AS idea_id) FROM ideas"
            " WHERE request_key IS NOT NULL ON CONFLICT DO NOTHING"
        )
    except duckdb.Error as exc:
        raise StoreError(f"cannot look up every key of {path}: {exc}") from exc


def fresh_key(column: str, data_type: str) -> str:
    """A REPLACE item giving ``column`` a value no stored row has (negative ids, a NUL suffix)."""
    if data_type in ("INTEGER", "BIGINT"):
        return f'(-abs("{column}") - 1) AS "{column}"'
    return f'("{column}" || chr(0)) AS "{column}"'
