"""Competence similarity between two organisations, for the network side.

graph/ takes similarity as a function and never imports a model; this module
builds that function from the vectors already stored by ``samspill index``, so
asking "how alike are A and B" never loads the model either.

An organisation's competence vector is the mean of its profile passages and
the projects it took part in, minus the mean over all organisations, normalised.
The centring matters: e5 vectors share a large common component, so raw cosines
of such means all sit near 0.97 and barely tell organisations apart.
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
    counts = np.linalg.norm(sums, axis=1) > 0
    means = sums / np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-12)
    if counts.sum() > 1:
        means[counts] -= means[counts].mean(axis=0)
    norms = np.linalg.norm(means, axis=1, keepdims=True)
    return row, np.divide(means, norms, out=np.zeros_like(means), where=(norms > 1e-9) & counts[:, None])


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
