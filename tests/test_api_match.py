"""POST /match and /match/batch: the JSON of `samspill match --json`, advisers only, bad input in one line."""

from __future__ import annotations

import pytest

from matching.matcher import Matcher
from matching.serialise import result_as_json
from matching.types import MatchQuery

IDEA = "Vi vil elektrifisere fôrflåter og arbeidsbåter i havbruket med batterier og landstrøm."


def test_match_gives_the_cli_contract_and_the_libraries_answer(api, real_embedder):
    answer = api.post("/match", json={"text": IDEA, "top": 5, "lang": "en"}, headers=api.headers_of("radgiver"))
    assert answer.status_code == 200, answer.text
    got = answer.json()
    assert list(got) == ["id", "organisations", "pairings", "consortia", "notes"]
    assert all(set(o) == {"org_id", "name", "kind", "score", "reasons"} for o in got["organisations"])
    expected = Matcher(api.service.store, real_embedder, lang="en").match(MatchQuery(IDEA, top=5, lang="en"))
    assert got == result_as_json(None, expected)
    assert len(got["organisations"]) == 5 and got["consortia"]


def test_filters_and_seeded_mode(api):
    body = {"text": IDEA, "top": 3, "kind": ["research", "education"], "as": "titran-laks", "exclude": ["sintef"]}
    got = api.post("/match", json=body, headers=api.headers_of("radgiver")).json()
    kinds = {o["kind"] for o in got["organisations"]}
    ids = {o["org_id"] for o in got["organisations"]}
    assert kinds <= {"research", "education"} and "sintef" not in ids and "titran-laks" not in ids


def test_batch_keeps_order_and_ids(api):
    ideas = [{"id": "a", "text": IDEA}, {"id": 7, "text": "Sensors for weld inspection in aluminium boats.", "top": 2}]
    got = api.post("/match/batch", json={"ideas": ideas}, headers=api.headers_of("radgiver"))
    assert got.status_code == 200, got.text
    assert [r["id"] for r in got.json()] == ["a", 7] and len(got.json()[1]["organisations"]) == 2


@pytest.mark.parametrize("name", ["bedrift1", "bedrift2"])
def test_a_company_token_may_not_rank_partners(api, name):
    for path, body in (("/match", {"text": IDEA}), ("/match/batch", {"ideas": [{"text": IDEA}]})):
        answer = api.post(path, json=body, headers=api.headers_of(name))
        assert answer.status_code == 403 and answer.json() == {"detail": "this needs an adviser's token"}


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({"text": "   "}, 422, "the idea is empty"),
        ({"text": "?!"}, 422, "no words"),
        ({"text": IDEA, "top": 0}, 422, "top: Input should be greater than or equal to 1"),
        ({"text": IDEA, "kind": ["bakery"]}, 422, "kind.0"),
        ({"text": IDEA, "as": "no-such-org"}, 422, "no-such-org"),
        ({"text": IDEA, "colour": "red"}, 422, "colour: Extra inputs are not permitted"),
        ({}, 422, "text: Field required"),
    ],
)
def test_bad_input_is_one_line(api, body, status, words):
    answer = api.post("/match", json=body, headers=api.headers_of("radgiver"))
    assert answer.status_code == status, answer.text
    detail = answer.json()["detail"]
    assert isinstance(detail, str) and "\n" not in detail and words in detail


def test_a_batch_is_bounded(api):
    ideas = [{"text": IDEA}] * 101
    answer = api.post("/match/batch", json={"ideas": ideas}, headers=api.headers_of("radgiver"))
    assert answer.status_code == 422 and "at most 100" in answer.json()["detail"]
    assert api.post("/match/batch", json={"ideas": []}, headers=api.headers_of("radgiver")).status_code == 422


def test_malformed_json_is_one_line(api):
    answer = api.post("/match", content=b"{not json", headers={**api.headers_of("radgiver"),
                                                               "Content-Type": "application/json"})
    assert answer.status_code == 422 and isinstance(answer.json()["detail"], str)
