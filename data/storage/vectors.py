"""Stored vectors, the saved TF-IDF fit and the fingerprint of what was indexed.

Every vector is kept with its model (``embedding_space``: one model and dimension per store)
and a content hash, so only texts that changed are embedded again. The vectors table itself
is made per model by :func:`ensure_embedding_space`, because ``FLOAT[n]`` needs ``n``.
Functions over a cursor the store gives them (inside a transaction for the writes).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from data.storage.connection import has_table
from data.storage.errors import StoreError

SELECT_SPACE = "SELECT model_id, dim FROM embedding_space"
SELECT_HASHES = "SELECT item_id, content_hash FROM embeddings WHERE item_type = ?"
SELECT_VECTORS = "SELECT item_id, vector FROM embeddings WHERE item_type = ? ORDER BY item_id"
DELETE_VANISHED = "DELETE FROM embeddings WHERE item_type = ? AND item_id NOT IN (SELECT item_id FROM keep_ids)"
UPSERT_STAGED = (
    "INSERT INTO embeddings SELECT item_type, item_id, content_hash, vector FROM staged_vectors "
    "ON CONFLICT (item_type, item_id) DO UPDATE SET content_hash = excluded.content_hash, vector = excluded.vector"
)
SELECT_LEXICAL = "SELECT part, data FROM lexical_index WHERE digest = ?"
SELECT_LEXICAL_DIGEST = "SELECT min(digest) FROM lexical_index"
INSERT_LEXICAL = "INSERT INTO lexical_index (part, digest, data) VALUES (?, ?, ?)"
ORG_FINGERPRINT = "SELECT count(*), coalesce(bit_xor(hash(org_id, description, competences)), 0) FROM organisations"
PROJECT_FINGERPRINT = "SELECT count(*), coalesce(bit_xor(hash(project_id, title, summary)), 0) FROM projects"
VECTOR_FINGERPRINT = "SELECT count(*), coalesce(bit_xor(hash(item_type, item_id, content_hash)), 0) FROM embeddings"
SELECT_INDEX_STATE = "SELECT comment FROM duckdb_tables() WHERE schema_name = 'main' AND table_name = 'embeddings'"

#: Widest vector a store accepts (models Samspill can use have 384 to 1,024 dimensions).
MAX_DIM = 4096


def embedding_space(cur) -> tuple[str, int] | None:
    """(model_id, dim) of the stored vectors, or None before the first index."""
    return cur.execute(SELECT_SPACE).fetchone()


def create_embedding_space(cur, model_id: str, dim: int) -> None:
    """Drop every stored vector and make the table for ``dim``-wide vectors of ``model_id``."""
    dim = int(dim)
    if not 1 <= dim <= MAX_DIM:
        raise StoreError(f"vectors of {dim} dimensions cannot be stored (expected 1–{MAX_DIM:,})")
    cur.execute("DROP TABLE IF EXISTS embeddings")
    cur.execute(  # DDL takes no parameters; dim is an int checked above
        f"CREATE TABLE embeddings ("
        f" item_type VARCHAR NOT NULL, item_id VARCHAR NOT NULL,"
        f" content_hash VARCHAR NOT NULL, vector FLOAT[{dim}] NOT NULL,"
        f" PRIMARY KEY (item_type, item_id))"
    )
    cur.execute("DELETE FROM embedding_space")
    cur.execute("INSERT INTO embedding_space VALUES (?, ?)", [model_id, dim])


def embedding_hashes(cur, item_type: str) -> dict[str, str]:
    if not has_table(cur, "embeddings"):
        return {}
    return dict(cur.execute(SELECT_HASHES, [item_type]).fetchall())


def stage_embeddings(
    changes: Mapping[str, tuple[Sequence[str], Sequence[str], np.ndarray, Sequence[str]]], dim: int
) -> list[tuple]:
    """Check and stage new vectors as Arrow tables before any transaction starts.

    ``changes`` maps an item type to ``(item_ids, content_hashes, vectors, keep_ids)``.
    Returns ``(item_type, rows or None, keep)`` per type for :func:`write_embeddings`.
    """
    import pyarrow as pa

    staged = []
    for item_type, (item_ids, hashes, vectors, keep_ids) in changes.items():
        vectors = np.asarray(vectors, dtype=np.float32).reshape(len(item_ids), -1) if len(item_ids) else None
        if vectors is not None and vectors.shape != (len(item_ids), dim):
            raise StoreError(
                f"{item_type} vectors of shape {vectors.shape} do not fit {len(item_ids)} items of dim {dim}"
            )
        if len(hashes) != len(item_ids):
            raise StoreError(f"{len(hashes)} content hashes for {len(item_ids)} {item_type} items")
        rows = None
        if vectors is not None:
            rows = pa.table(
                {
                    "item_type": pa.array([item_type] * len(item_ids), pa.string()),
                    "item_id": pa.array(list(item_ids), pa.string()),
                    "content_hash": pa.array(list(hashes), pa.string()),
                    "vector": pa.FixedSizeListArray.from_arrays(pa.array(vectors.reshape(-1)), dim),
                }
            )
        keep = pa.table({"item_id": pa.array(list(keep_ids), pa.string())})
        staged.append((item_type, rows, keep))
    return staged


def write_embeddings(cur, staged: list[tuple]) -> None:
    """Write staged vectors and drop the vanished ones (inside the caller's transaction)."""
    for item_type, rows, keep in staged:
        cur.register("keep_ids", keep)
        cur.execute(DELETE_VANISHED, [item_type])
        cur.unregister("keep_ids")
        if rows is not None:
            cur.register("staged_vectors", rows)
            cur.execute(UPSERT_STAGED)
            cur.unregister("staged_vectors")


def load_embeddings(cur, item_type: str, dim: int) -> tuple[list[str], np.ndarray]:
    """All stored vectors of one type as (ids, matrix of shape (n, dim)), ids sorted."""
    if not has_table(cur, "embeddings"):
        return [], np.zeros((0, dim), dtype=np.float32)
    table = cur.sql(SELECT_VECTORS, params=[item_type]).to_arrow_table()
    ids = table.column("item_id").to_pylist()
    flat = table.column("vector").combine_chunks().flatten().to_numpy(zero_copy_only=False)
    return ids, np.asarray(flat, dtype=np.float32).reshape(len(ids), dim)


def lexical_index(cur, digest: str) -> dict[str, bytes] | None:
    """The saved parts of the fitted TF-IDF whose texts have this digest, or None."""
    if not has_table(cur, "lexical_index"):  # a read-only store from before m004
        return None
    return {part: bytes(data) for part, data in cur.execute(SELECT_LEXICAL, [digest]).fetchall()} or None


def lexical_index_digest(cur) -> str | None:
    if not has_table(cur, "lexical_index"):
        return None
    row = cur.execute(SELECT_LEXICAL_DIGEST).fetchone()
    return row[0] if row else None


def save_lexical_index(cur, digest: str, parts: Mapping[str, bytes]) -> None:
    """Replace the saved TF-IDF with ``parts`` (inside the caller's transaction; only one is kept)."""
    cur.execute("DELETE FROM lexical_index")
    cur.executemany(INSERT_LEXICAL, [(part, digest, bytes(data)) for part, data in parts.items()])


def profile_fingerprint(cur) -> tuple[str, str, int]:
    """``(register, vectors, n_vectors)``, computed inside DuckDB (see PartnerStore.profile_fingerprint)."""
    orgs = cur.execute(ORG_FINGERPRINT).fetchone()
    projects = cur.execute(PROJECT_FINGERPRINT).fetchone()
    vectors = cur.execute(VECTOR_FINGERPRINT).fetchone() if has_table(cur, "embeddings") else (0, 0)
    register = f"{orgs[0]}:{orgs[1]}/{projects[0]}:{projects[1]}"
    return register, f"{vectors[0]}:{vectors[1]}", int(vectors[0])


def index_state(cur) -> str | None:
    row = cur.execute(SELECT_INDEX_STATE).fetchone()
    return row[0] if row and row[0] else None


def set_index_state(cur, fingerprint: str) -> None:
    """Keep the fingerprint as the comment of the embeddings table: it goes when the table is
    remade for another model, and adds no table (nor data block) to the file."""
    literal = "'" + fingerprint.replace("'", "''") + "'"  # DDL takes no parameters
    cur.execute(f"COMMENT ON TABLE embeddings IS {literal}")
