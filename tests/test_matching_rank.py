"""Tests for matching.rank: scoring functions checked by hand on tiny matrices."""

import numpy as np
import pytest
import scipy.sparse as sp

from matching import rank

# Three projects, three organisations:
#   project 0: orgs 0, 1     project 1: org 0     project 2: orgs 1, 2
MEMBERS = sp.csr_matrix(
    np.array(
        [
            [1, 1, 0],  # project 0
            [1, 0, 0],  # project 1
            [0, 1, 1],  # project 2
        ],
        dtype=np.float32,
    )
)
SCORES = np.array([0.6, 0.3, 0.9], dtype=np.float32)


def test_harmonic_top_k_weights_best_project_fully_then_halves():
    got = rank.harmonic_top_k(MEMBERS, SCORES, 3, k=10)
    # org 0: 0.6 + 0.3/2 ; org 1: 0.9 + 0.6/2 ; org 2: 0.9
    assert got == pytest.approx([0.75, 1.2, 0.9])


def test_harmonic_top_k_cuts_at_k_and_ignores_non_positive():
    assert rank.harmonic_top_k(MEMBERS, SCORES, 3, k=1) == pytest.approx([0.6, 0.9, 0.9])
    zero = np.array([0.0, -0.2, 0.5], dtype=np.float32)
    assert rank.harmonic_top_k(MEMBERS, zero, 3) == pytest.approx([0.0, 0.5, 0.5])


def test_harmonic_top_k_candidate_cut_keeps_the_best_projects():
    # Only the best project (2) is a candidate: orgs 1 and 2 score 0.9, org 0 nothing.
    got = rank.harmonic_top_k(MEMBERS, SCORES, 3, candidates=1)
    assert got == pytest.approx([0.0, 0.9, 0.9])


def test_neighbour_votes_counts_participants_of_the_closest_projects():
    got = rank.neighbour_votes(MEMBERS, SCORES, 3, n=2, power=1.0)
    # closest two: project 2 (0.9) and project 0 (0.6)
    assert got == pytest.approx([0.6, 1.5, 0.9])


def test_best_passage_picks_each_organisations_best():
    passage_org = np.array([0, 0, 2])
    best, which = rank.best_passage(passage_org, np.array([0.2, 0.7, 0.4], np.float32), 3)
    assert best == pytest.approx([0.7, 0.0, 0.4])
    assert which.tolist() == [1, -1, 2]


def test_network_closeness_on_a_path():
    # 0 - 1 - 2 - 3, one joint project per edge; seed 0
    collab = sp.csr_matrix(
        np.array([[0, 1, 0, 0], [1, 0, 1, 0], [0, 1, 0, 1], [0, 0, 1, 0]], dtype=np.float32)
    )
    direct, second = rank.network_closeness(collab, 0)
    assert direct == pytest.approx([0, np.log(2), 0, 0])
    assert second == pytest.approx([0, 0, np.log(2), 0])  # only org 2 is two steps away


def test_top_k_is_stable_on_ties_and_respects_allowed():
    scores = np.array([0.5, 0.9, 0.5, 0.1])
    assert rank.top_k(scores, 3).tolist() == [1, 0, 2]
    allowed = np.array([True, False, True, True])
    assert rank.top_k(scores, 2, allowed).tolist() == [0, 2]
    assert rank.top_k(scores, 0).tolist() == []
