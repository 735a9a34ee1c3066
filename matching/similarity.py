"""Competence similarity between two organisations, for the network side.

graph/ takes similarity as a function and never imports a model; this module
builds that function from the vectors already stored by ``samspill index``, so
asking "how alike are A and B" never loads the model either.

An organisation's competence vector is the normalised mean of its profile
passages and the projects it took part in.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from matching.profiles import org_of_passage


def competence_vectors(store) -> tuple[dict[str, int], np.ndarray]:
    """``(row of each org id, matrix (n_orgs, dim))`` from the stored vectors; rows are unit length
    (zero for an organisation with neither description nor projects)."""
    project_ids, project_vectors = store.load_embeddings("project")
    passage_ids, passage_vectors = store.load_embeddings("passage")
    orgs = [o.org_id for o in store.organisations()]
    row = {org_id: i for i, org_id in enumerate(orgs)}
    dim = project_vectors.shape[1] if project_vectors.size else passage_vectors.shape[1] if passage_vectors.size else 0
    sums = np.zeros((len(orgs), dim), np.float32)
    project_row = {pid: j for j, pid in enumerate(project_ids)}
    for pa in store.participations():
        i, j = row.get(pa.org_id), project_row.get(pa.project_id)
        if i is not None and j is not None:
            sums[i] += project_vectors[j]
    for k, item_id in enumerate(passage_ids):
        i = row.get(org_of_passage(item_id))
        if i is not None:
            sums[i] += passage_vectors[k]
    norms = np.linalg.norm(sums, axis=1, keepdims=True)
    return row, np.divide(sums, norms, out=np.zeros_like(sums), where=norms > 0)


def competence_similarity(store) -> Callable[[str, str], float] | None:
    """``similarity(org_a, org_b)`` in [-1, 1] (0 for unknown ids), or None before the first index."""
    if store.embedding_space() is None:
        return None
    row, vectors = competence_vectors(store)
    if not vectors.size:
        return None

    def similarity(a: str, b: str) -> float:
        i, j = row.get(a), row.get(b)
        if i is None or j is None:
            return 0.0
        return float(vectors[i] @ vectors[j])

    return similarity
