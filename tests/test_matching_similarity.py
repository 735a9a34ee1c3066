"""Tests for matching.similarity: competence similarity from stored vectors, no model."""

import numpy as np
import pytest

from data.models import Organisation, Participation, Project
from data.store import PartnerStore
from matching.index import index_store
from matching.similarity import competence_similarity, competence_vectors


@pytest.fixture
def store(tmp_path, fake_embedder):
    s = PartnerStore(tmp_path / "sim.duckdb")
    s.upsert(
        [
            Organisation("a", "A", "company", description="hydrogen electrolysis ferries"),
            Organisation("b", "B", "research", description="hydrogen electrolysis research"),
            Organisation("c", "C", "company", description="salmon feed insects"),
            Organisation("d", "D", "company"),  # no description, no projects
        ],
        [Project("p", "Hydrogen ferry", "electrolysis on ferries", 2020)],
        [Participation("p", "a", "coordinator"), Participation("p", "b")],
    )
    yield s
    s.close()


def test_none_before_the_first_index(store):
    assert competence_similarity(store) is None


def test_alike_organisations_score_higher(store, fake_embedder):
    index_store(store, fake_embedder)
    similarity = competence_similarity(store)
    assert similarity("a", "b") > similarity("a", "c")
    assert similarity("a", "a") == pytest.approx(1.0, abs=1e-5)
    assert similarity("a", "d") == 0.0 and similarity("a", "unknown") == 0.0


def test_vectors_are_unit_rows_or_zero(store, fake_embedder):
    index_store(store, fake_embedder)
    row, vectors = competence_vectors(store)
    norms = np.linalg.norm(vectors, axis=1)
    assert norms[row["a"]] == pytest.approx(1.0, abs=1e-5)
    assert norms[row["d"]] == 0.0
