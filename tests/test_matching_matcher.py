"""Tests for matching.matcher with a real DuckDB store and the deterministic fake embedder.

The fake (matching.testing.HashingEmbedder) makes texts that share words similar, so
ranking logic can be asserted exactly; the real model is exercised in
test_matching_sample.py.
"""

import numpy as np
import pytest

from data.models import Organisation, Participation, Project
from data.store import PartnerStore
from matching.index import index_store
from matching.matcher import MAX_IDEA_CHARS, Matcher, idea_aspects
from matching.types import MatchingError, MatchQuery

ORGS = [
    Organisation("hydro", "Hydro Fuel AS", "company", "NO", "Trøndelag",
                 description="Hydrogen electrolysis plants for ferries and ships."),
    Organisation("salmon", "Salmon Farm AS", "company", "NO", "Nordland",
                 description="Salmon farming at sea, fish health and feed."),
    Organisation("robot", "Robot Vision AS", "company", "SE", "Jämtland",
                 description="Robot cells with machine vision for quality control."),
    Organisation("sintef", "SINTEF", "research", "NO", "Trøndelag",
                 description="Applied research in hydrogen, electrolysis and aquaculture."),
    Organisation("ntnu", "NTNU", "education", "NO", "Trøndelag",
                 description="University research and teaching in engineering."),
    Organisation("proneo", "Proneo", "support", "NO", "Trøndelag",
                 description="Incubator for start-ups and innovation projects."),
]
PROJECTS = [
    Project("p1", "Hydrogen ferry pilot", "Electrolysis and hydrogen storage on a ferry.", 2019),
    Project("p2", "Salmon feed trial", "Feed and fish health for salmon farming.", 2020),
    Project("p3", "Vision for welding", "Machine vision robot cells in fabrication.", 2021),
    Project("p4", "Hydrogen for fish farms", "Electrolysis oxygen for salmon farming.", 2022),
    Project("p5", "Hydrogen fuel for ships", "Hydrogen fuel systems for ferries and ships.", 2023),
]
PARTS = [
    Participation("p1", "hydro", "coordinator"),
    Participation("p1", "sintef"),
    Participation("p1", "proneo"),
    Participation("p2", "salmon", "coordinator"),
    Participation("p2", "ntnu"),
    Participation("p3", "robot", "coordinator"),
    Participation("p3", "ntnu"),
    Participation("p4", "salmon", "coordinator"),
    Participation("p4", "sintef"),
    Participation("p5", "hydro", "coordinator"),
]


@pytest.fixture
def matcher(tmp_path, fake_embedder):
    store = PartnerStore(tmp_path / "m.duckdb")
    store.upsert(ORGS, PROJECTS, PARTS)
    index_store(store, fake_embedder)
    yield Matcher(store, fake_embedder, lang="en")
    store.close()


def ids(result):
    return [s.org_id for s in result.organisations]


def test_best_match_first_with_reasons(matcher):
    result = matcher.match("hydrogen fuel for ferries and ships", top=3)
    assert ids(result)[0] == "hydro"
    top = result.organisations[0]
    assert top.reasons, "every suggestion says why"
    assert any("Hydrogen fuel for ships" in r for r in top.reasons)
    assert any("hydrogen" in r for r in top.reasons if r.startswith("Shared key terms"))


def test_kind_region_country_and_exclude_filters(matcher):
    assert ids(matcher.match("hydrogen electrolysis", kinds="research")) == ["sintef"]
    assert set(ids(matcher.match("robot vision salmon hydrogen", countries=("SE",)))) == {"robot"}
    assert "sintef" not in ids(matcher.match("hydrogen electrolysis", exclude=("sintef",)))
    assert all(s.region == "Trøndelag" for s in matcher.match("hydrogen", regions=("trøndelag",)).organisations)


def test_several_kinds_and_regions_at_once(matcher):
    """Research partners include universities' research groups: research and education together."""
    both = matcher.match("hydrogen electrolysis research engineering", kinds=("research", "education"))
    assert set(ids(both)) == {"sintef", "ntnu"}
    regions = matcher.match("hydrogen salmon robot", regions=("Trøndelag", "Jämtland"), top=10)
    assert {s.region for s in regions.organisations} == {"Trøndelag", "Jämtland"}
    assert "salmon" not in ids(regions)  # Nordland


def test_a_region_or_country_nobody_has_is_said_not_silent(matcher):
    result = matcher.match("hydrogen", regions=("Trondheim",), countries=("ZZ",))
    assert result.organisations == ()
    assert "No organisation has the region “Trondheim”" in result.notes
    assert "No organisation has the country “ZZ”" in result.notes
    assert not any("No organisation" in n for n in matcher.match("hydrogen", regions=("trøndelag",)).notes)


def test_unknown_kind_is_refused(matcher):
    with pytest.raises(MatchingError, match="unknown kind 'university'"):
        matcher.match("hydrogen", kinds=("research", "university"))


def test_seeded_mode_never_suggests_itself_and_favours_its_partners(matcher):
    cold = matcher.match("research on electrolysis and storage", top=6)
    seeded = matcher.match("research on electrolysis and storage", top=6, as_org="hydro")
    assert "hydro" not in ids(seeded)

    def score(result, org_id):
        return next(s.score for s in result.organisations if s.org_id == org_id)

    assert score(seeded, "proneo") > score(cold, "proneo")  # a past partner moves up
    assert score(seeded, "robot") == score(cold, "robot")  # no tie to hydro: unchanged
    proneo = next(s for s in seeded.organisations if s.org_id == "proneo")
    assert any("Worked with Hydro Fuel AS on 1 project" in r for r in proneo.reasons)


def test_unknown_seed_is_a_clear_error(matcher):
    with pytest.raises(MatchingError, match="unknown organisation 'nobody'"):
        matcher.match("hydrogen", as_org="nobody")


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "the idea is empty"),
        ("   \n\t ", "the idea is empty"),
        ("?!… --- ###", "no words"),
        (None, "must be text"),
        (b"hydrogen", "must be text"),
        (42, "must be text"),
    ],
)
def test_bad_ideas_are_refused_clearly(matcher, text, message):
    with pytest.raises(MatchingError, match=message):
        matcher.match(MatchQuery(text=text))


def test_huge_idea_is_truncated_and_says_so(matcher):
    text = "hydrogen fuel for ferries and ships. " * 6000  # 222,000 characters
    result = matcher.match(text, top=2)
    assert ids(result)[0] == "hydro"
    assert result.notes and f"{MAX_IDEA_CHARS:,}" in result.notes[0]


def test_top_out_of_range(matcher):
    with pytest.raises(MatchingError, match="top must be between"):
        matcher.match("hydrogen", top=0)


def test_pairings_join_a_company_with_a_knowledge_or_support_partner(matcher):
    result = matcher.match("Hydrogen electrolysis for salmon farms. Oxygen for fish health in sea cages.")
    assert result.pairings
    for pairing in result.pairings:
        assert pairing.company.kind == "company"
        assert pairing.partner.kind in ("research", "education", "support")
        assert pairing.reasons


def test_consortia_have_three_to_five_members_and_mix_kinds(matcher):
    result = matcher.match(
        "Hydrogen electrolysis for salmon farms. Robot vision to inspect the cages. Feed trials with fish health."
    )
    assert result.consortia
    for consortium in result.consortia:
        kinds = {m.kind for m in consortium.members}
        assert 3 <= len(consortium.members) <= 5
        assert "company" in kinds and kinds & {"research", "education"}
        assert consortium.reasons and 0 <= consortium.coverage <= 1


def test_refresh_picks_up_an_edited_profile(matcher):
    query = "insect protein from food waste"
    before = ids(matcher.match(query, top=6))
    org = matcher.store.organisation("robot")
    matcher.store.update_organisation(
        Organisation(**{**org.__dict__, "description": "Insect protein for fish feed from food waste."})
    )
    report = matcher.refresh()
    assert report.embedded >= 1
    after = ids(matcher.match(query, top=6))
    assert after[0] == "robot" and before[0] != "robot"


def test_feedback_raises_an_organisations_score_and_not_useful_lowers_it(matcher):
    query = "hydrogen salmon robot research"

    def score(org_id):
        return next(s.score for s in matcher.match(query, top=6).organisations if s.org_id == org_id)

    before = score("proneo")
    for _ in range(3):
        matcher.store.add_feedback(org_id="proneo", verdict="useful", given_by="adviser")
    matcher.refresh()
    raised = score("proneo")
    # on the scale of the history sources, as every addition to a score is
    step = matcher.weights.feedback * np.tanh(3) / matcher.weights.history_scale
    assert raised == pytest.approx(before + step, abs=1e-3)
    for _ in range(6):
        matcher.store.add_feedback(org_id="proneo", verdict="not_useful", given_by="adviser")
    matcher.refresh()
    assert score("proneo") < before


@pytest.fixture
def embed_calls(matcher):
    """The texts of every embed_queries call the matcher makes, one list per call."""
    calls = []
    original = matcher.embedder.embed_queries

    def counting(texts):
        calls.append(list(texts))
        return original(texts)

    matcher.embedder.embed_queries = counting
    return calls


def test_match_many_embeds_all_ideas_in_one_call(matcher, embed_calls):
    calls = embed_calls
    results = matcher.match_many(
        [MatchQuery("hydrogen fuel for ships"), MatchQuery("salmon feed"), MatchQuery("robot vision")]
    )
    assert [ids(r)[0] for r in results] == ["hydro", "salmon", "robot"]
    assert len(calls) == 1


def test_asking_again_with_another_filter_reuses_the_ideas_vectors(matcher, embed_calls, monkeypatch):
    import matching.matcher as matcher_module

    calls = embed_calls
    idea = "Hydrogen fuel for ferries. Electrolysis plants near the harbour. Research on safety."
    every_kind = matcher.match(MatchQuery(idea))
    research = matcher.match(MatchQuery(idea, kinds=("research",)))
    assert len(calls) == 2  # the idea, then its parts; the second query embeds nothing
    assert ids(every_kind)[0] == "hydro" and ids(research)[0] == "sintef"
    assert {s.kind for s in research.organisations} == {"research"}

    monkeypatch.setattr(matcher_module, "IDEA_CACHE_SIZE", 2)
    for other in ("salmon feed", "robot vision", "wood"):
        matcher.match(MatchQuery(other))
    assert len(calls) == 5 and matcher.remembered_ideas == 2  # bounded: the oldest ideas are dropped
    matcher.match(MatchQuery(idea))
    assert calls[-2:] == [[idea], idea_aspects(idea)]
    matcher.forget_ideas()
    matcher.match(MatchQuery(idea))
    assert len(calls) == 9  # forgotten: embedded again


def test_a_query_can_ask_for_reasons_in_norwegian(matcher):
    result = matcher.match(MatchQuery("hydrogen fuel for ferries and ships", top=1, lang="nb"))
    reasons = result.organisations[0].reasons
    assert any(r.startswith("Har deltatt i") for r in reasons)
    assert not any(r.startswith("Took part in") for r in reasons)
