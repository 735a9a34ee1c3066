"""The fitted TF-IDF kept in the store (matching.lexical.LexicalIndex.to_parts/from_parts and
matching.index.saved_lexical_index): the same scores as a fresh fit, refitted when a text
changes, a damaged copy refitted rather than trusted, and a read-only store left alone.

The speed it buys is measured in bench/bench_cold.py, not here.
"""

import numpy as np
import pytest

from data.models import Project
from data.store import PartnerStore
from matching.index import index_store, load_match_index
from matching.lexical import LexicalIndex, corpus_digest
from matching.matcher import Matcher
from tests.test_matching_matcher import ORGS, PARTS, PROJECTS

PROJECT_TEXTS = ["Hydrogen electrolysis on a ferry.", "Salmon feed and fish health.", "Robot cells with vision."]
PASSAGE_TEXTS = ["Vi utvikler hydrogenanlegg for ferjer.", "Fiskehelse og fôr i havbruk."]
QUERIES = ["hydrogen ferry with electrolysis", "fiskehelse i havbruk", "nothing in common", ""]


def test_saved_parts_rebuild_the_same_index():
    fitted = LexicalIndex.fit(PROJECT_TEXTS, PASSAGE_TEXTS)
    rebuilt = LexicalIndex.from_parts(fitted.to_parts(), n_projects=3, n_passages=2)
    assert (fitted.projects != rebuilt.projects).nnz == 0
    assert (fitted.passages != rebuilt.passages).nnz == 0
    assert list(rebuilt.vocabulary()) == list(fitted.vocabulary())
    assert list(rebuilt.project_language) == ["en", "en", "en"]
    assert list(rebuilt.passage_language) == ["nb", "nb"]
    assert (fitted.transform(QUERIES) != rebuilt.transform(QUERIES)).nnz == 0


def test_an_empty_vocabulary_round_trips_too():
    fitted = LexicalIndex.fit(["og i på"], [])  # nothing but stop words
    rebuilt = LexicalIndex.from_parts(fitted.to_parts(), n_projects=1, n_passages=0)
    assert (fitted.transform(["og"]) != rebuilt.transform(["og"])).nnz == 0


def _with_first(raw: bytes, value: int) -> bytes:
    values = np.frombuffer(raw, "<i4").copy()
    values[0] = value
    return values.tobytes()


@pytest.mark.parametrize(
    "damage",
    [
        lambda p: p.pop("idf"),
        lambda p: p.update(idf=p["idf"][:-4]),
        lambda p: p.update(indices=_with_first(p["indices"], 10**6)),
        lambda p: p.update(indptr=p["indptr"][:-8]),
        lambda p: p.update(meta=b"{not json"),
        lambda p: p.update(terms=b"\xff\xfe"),
        lambda p: p.update(languages=b"en\nen\nen\nnb"),
        lambda p: p.update(languages=b"en\nen\nen\nnb\nklingon"),
    ],
    ids=["missing part", "short idf", "term out of range", "short indptr", "bad meta", "bad utf-8",
         "languages short", "unknown language"],
)
def test_damaged_parts_are_refused(damage):
    parts = LexicalIndex.fit(PROJECT_TEXTS, PASSAGE_TEXTS).to_parts()
    damage(parts)
    with pytest.raises(ValueError):
        LexicalIndex.from_parts(parts, n_projects=3, n_passages=2)


def test_parts_of_other_texts_are_refused():
    parts = LexicalIndex.fit(PROJECT_TEXTS, PASSAGE_TEXTS).to_parts()
    with pytest.raises(ValueError, match="does not fit"):
        LexicalIndex.from_parts(parts, n_projects=2, n_passages=2)


def test_the_digest_follows_every_text_and_its_place():
    base = corpus_digest(PROJECT_TEXTS, PASSAGE_TEXTS)
    assert corpus_digest(list(PROJECT_TEXTS), list(PASSAGE_TEXTS)) == base
    assert corpus_digest(PROJECT_TEXTS[:2] + ["Robot cells with vision!"], PASSAGE_TEXTS) != base
    assert corpus_digest(PROJECT_TEXTS[::-1], PASSAGE_TEXTS) != base
    assert corpus_digest(PROJECT_TEXTS + PASSAGE_TEXTS[:1], PASSAGE_TEXTS[1:]) != base


@pytest.fixture
def fits(monkeypatch):
    """Count real TF-IDF fits (requested before ``store`` so indexing counts too)."""
    calls = []
    original = LexicalIndex.fit.__func__

    def counting(cls, project_texts, passage_texts):
        calls.append(len(project_texts))
        return original(cls, project_texts, passage_texts)

    monkeypatch.setattr(LexicalIndex, "fit", classmethod(counting))
    return calls


@pytest.fixture
def store(fits, tmp_path, fake_embedder):
    with PartnerStore(tmp_path / "m.duckdb") as store:
        store.upsert(ORGS, PROJECTS, PARTS)
        index_store(store, fake_embedder)
        yield store


def test_indexing_saves_the_fit_and_loading_only_reads_it(store, fake_embedder, fits):
    assert len(fits) == 1  # by index_store
    first = Matcher(store, fake_embedder, lang="en").match("hydrogen ferry with electrolysis", top=6)
    second = Matcher(store, fake_embedder, lang="en").match("hydrogen ferry with electrolysis", top=6)
    assert len(fits) == 1  # both loads read it back
    assert [(s.org_id, s.score, s.reasons) for s in first.organisations] == [
        (s.org_id, s.score, s.reasons) for s in second.organisations
    ]


def test_the_saved_fit_ranks_exactly_as_a_fresh_one(store, fake_embedder):
    saved = Matcher(store, fake_embedder, lang="en")
    fresh = Matcher(store, fake_embedder, lang="en", index=build_fresh(store, fake_embedder))
    for idea in ("hydrogen ferry with electrolysis", "salmon feed", "robot vision for welding"):
        a, b = saved.match(idea, top=6), fresh.match(idea, top=6)
        assert [(s.org_id, s.score, s.reasons) for s in a.organisations] == [
            (s.org_id, s.score, s.reasons) for s in b.organisations
        ]


def build_fresh(store, embedder):
    from matching.index import ITEM_TYPES, build_match_index

    return build_match_index(
        store.organisations(),
        store.projects(),
        store.participations(),
        model_id=embedder.model_id,
        vectors={t: store.load_embeddings(t) for t in ITEM_TYPES},
    ).warm()


def test_a_changed_text_is_fitted_again_by_indexing(store, fake_embedder, fits):
    store.upsert([], [Project("p6", "Tidal power", "Tidal turbines for remote fish farms.", 2024)], [])
    index_store(store, fake_embedder)
    assert len(fits) == 2
    index = load_match_index(store, fake_embedder.model_id)
    assert len(fits) == 2
    assert "tidal" in set(index.lexical.vocabulary())


def test_texts_changed_without_indexing_are_fitted_on_load(store, fake_embedder, fits):
    edited = ORGS[0].__class__(**{**ORGS[0].__dict__, "description": ORGS[0].description + " Also tidal power."})
    store.update_organisation(edited)
    index = load_match_index(store, fake_embedder.model_id)  # the old vectors still fit the passage ids
    assert len(fits) == 2 and "tidal" in set(index.lexical.vocabulary())
    index_store(store, fake_embedder)  # re-embeds the edited passage; the fit saved on load is current
    load_match_index(store, fake_embedder.model_id)
    assert len(fits) == 2


def test_a_store_from_before_the_saved_fit_gets_it_from_the_next_index_run(store, fake_embedder, fits):
    with store.write() as cur:
        cur.execute("DELETE FROM lexical_index")
    assert index_store(store, fake_embedder).embedded == 0  # nothing to embed: the quick path
    assert len(fits) == 2 and store.lexical_index_digest() is not None
    load_match_index(store, fake_embedder.model_id)
    assert len(fits) == 2


def test_a_damaged_saved_fit_is_fitted_again_and_replaced(store, fake_embedder, fits):
    with store.write() as cur:
        cur.execute("UPDATE lexical_index SET data = 'garbage'::BLOB WHERE part = 'indptr'")
    index = load_match_index(store, fake_embedder.model_id)
    assert len(fits) == 2
    assert index.lexical.projects.shape[0] == len(PROJECTS)
    load_match_index(store, fake_embedder.model_id)
    assert len(fits) == 2


def test_a_read_only_store_is_served_but_not_written(tmp_path, fake_embedder, fits):
    path = tmp_path / "ro.duckdb"
    with PartnerStore(path) as store:
        store.upsert(ORGS, PROJECTS, PARTS)
        index_store(store, fake_embedder)
        with store.write() as cur:
            cur.execute("DELETE FROM lexical_index")  # as in a store indexed before the saved fit
    with PartnerStore(path, read_only=True) as store:
        assert load_match_index(store, fake_embedder.model_id).lexical.projects.shape[0] == len(PROJECTS)
        load_match_index(store, fake_embedder.model_id)
        assert store.lexical_index_digest() is None
    assert len(fits) == 3  # once by indexing, then each read-only load fits in memory
