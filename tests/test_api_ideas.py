"""/ideas: submit with first suggestions, read and update; a company sees only its own ideas."""

from __future__ import annotations

import pytest

IDEA = {
    "title": "Batteridrevne arbeidsbåter",
    "text": "Vi vil elektrifisere arbeidsbåter i havbruket med batterier og landstrøm.",
    "contact": "ola@example.no",
    "wanted_kinds": ["research"],
}


def submit(api, name, **extra):
    return api.post("/ideas", json={**IDEA, **extra}, headers=api.headers_of(name))


def test_a_company_submits_for_its_own_organisation_and_gets_suggestions(api):
    answer = submit(api, "bedrift1")
    assert answer.status_code == 201, answer.text
    body = answer.json()
    idea = body["idea"]
    assert idea["org_id"] == "innherred-hydrogen" and idea["submitted_by"] == "bedrift1" and idea["status"] == "new"
    assert body["suggestions"] and all(s["kind"] == "research" for s in body["suggestions"])
    assert "innherred-hydrogen" not in {s["org_id"] for s in body["suggestions"]}
    stored = api.service.store.ideas(_adviser())[0]
    assert stored.idea_id == idea["idea_id"] and list(stored.suggestions) == [s["org_id"] for s in body["suggestions"]]


def _adviser():
    from data.models import Viewer

    return Viewer("radgiver", "adviser")


def test_a_company_may_not_submit_for_another_organisation(api):
    answer = submit(api, "bedrift1", org_id="titran-laks")
    assert answer.status_code == 403 and "own organisation" in answer.json()["detail"]
    assert api.service.store.ideas(_adviser()) == []


def test_an_adviser_submits_for_any_organisation(api):
    answer = submit(api, "radgiver", org_id="titran-laks", confidential=False)
    assert answer.status_code == 201 and answer.json()["idea"]["org_id"] == "titran-laks"
    assert submit(api, "radgiver", org_id="no-such-org").status_code == 404


def test_confidentiality_per_role(api):
    mine = submit(api, "bedrift1").json()["idea"]["idea_id"]
    theirs = submit(api, "bedrift2").json()["idea"]["idea_id"]
    # each company: only its own, in the list and one by one; another's idea is "not found"
    assert [i["idea_id"] for i in api.get("/ideas", headers=api.headers_of("bedrift1")).json()] == [mine]
    assert [i["idea_id"] for i in api.get("/ideas", headers=api.headers_of("bedrift2")).json()] == [theirs]
    assert api.get(f"/ideas/{mine}", headers=api.headers_of("bedrift1")).status_code == 200
    hidden = api.get(f"/ideas/{theirs}", headers=api.headers_of("bedrift1"))
    missing = api.get("/ideas/99999", headers=api.headers_of("bedrift1"))
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["detail"].replace(str(theirs), "N") == missing.json()["detail"].replace("99999", "N")
    # the adviser: every idea
    assert {i["idea_id"] for i in api.get("/ideas", headers=api.headers_of("radgiver")).json()} == {mine, theirs}
    assert api.get(f"/ideas/{theirs}", headers=api.headers_of("radgiver")).json()["title"] == IDEA["title"]


def test_advisers_update_status_and_notes_companies_may_not(api):
    idea_id = submit(api, "bedrift1").json()["idea"]["idea_id"]
    refused = api.patch(f"/ideas/{idea_id}", json={"status": "closed"}, headers=api.headers_of("bedrift1"))
    assert refused.status_code == 403
    done = api.patch(f"/ideas/{idea_id}", json={"status": "in_progress", "notes": "called SINTEF"},
                     headers=api.headers_of("radgiver"))
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["notes"]) == ("in_progress", "called SINTEF")
    bad = api.patch(f"/ideas/{idea_id}", json={"status": "lost"}, headers=api.headers_of("radgiver"))
    assert bad.status_code == 422 and "status" in bad.json()["detail"]
    assert api.patch("/ideas/4242", json={"status": "closed"}, headers=api.headers_of("radgiver")).status_code == 404


def test_a_retried_submission_is_stored_once(api):
    first = submit(api, "bedrift2", request_key="form-123").json()["idea"]["idea_id"]
    again = submit(api, "bedrift2", request_key="form-123").json()["idea"]["idea_id"]
    assert first == again and len(api.service.store.ideas(_adviser())) == 1


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"title": ""}, "needs a title"),
        ({"text": " "}, "needs a description"),
        ({"title": "x" * 201}, "title: String should have at most 200 characters"),
        ({"wanted_kinds": ["bakery"]}, "wanted_kinds.0"),
        ({"secret": 1}, "Extra inputs"),
    ],
)
def test_bad_ideas_are_refused_in_one_line_and_nothing_is_stored(api, change, words):
    answer = submit(api, "bedrift1", **change)
    assert answer.status_code == 422, answer.text
    assert words in answer.json()["detail"] and "\n" not in answer.json()["detail"]
    assert api.service.store.ideas(_adviser()) == []


def test_another_accounts_request_key_never_hands_out_its_idea(api):
    # request keys are chosen by the client ("form-2f9c1e" in the README): one company reusing a key
    # another has used must get its own idea stored, never the other company's confidential one
    secret = "Hemmelig: vi vil elektrifisere fôrflåtene med hydrogen fra Tjeldbergodden."
    first = submit(api, "bedrift1", text=secret, request_key="form-1")
    assert first.status_code == 201, first.text
    other = submit(api, "bedrift2", request_key="form-1")
    assert other.status_code == 201, other.text
    idea = other.json()["idea"]
    assert idea["idea_id"] != first.json()["idea"]["idea_id"]
    assert idea["submitted_by"] == "bedrift2" and secret not in other.text
    # each account's own retry still answers with its own first idea
    assert submit(api, "bedrift1", request_key="form-1").json()["idea"]["idea_id"] == first.json()["idea"]["idea_id"]
    assert submit(api, "bedrift2", request_key="form-1").json()["idea"]["idea_id"] == idea["idea_id"]
    assert len(api.service.store.ideas(_adviser())) == 2


def test_a_company_never_reads_the_advisers_notes(api):
    # the app labels them "Notater (bare for rådgivere)" and shows them on no company page
    idea_id = submit(api, "bedrift1").json()["idea"]["idea_id"]
    note = "svak økonomi, sjekk før vi introduserer"
    assert api.patch(f"/ideas/{idea_id}", json={"notes": note}, headers=api.headers_of("radgiver")).status_code == 200
    company = api.headers_of("bedrift1")
    assert api.get(f"/ideas/{idea_id}", headers=company).json()["notes"] == ""
    assert [i["notes"] for i in api.get("/ideas", headers=company).json()] == [""]
    assert submit(api, "bedrift1", request_key=None).status_code == 201
    assert note not in api.get("/ideas", headers=company).text
    assert api.get(f"/ideas/{idea_id}", headers=api.headers_of("radgiver")).json()["notes"] == note
