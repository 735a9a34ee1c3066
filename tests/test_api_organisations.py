"""/organisations: read for every token, update (and re-embed) for advisers only."""

from __future__ import annotations

import numpy as np


def test_every_token_reads_the_register(api):
    for name in ("radgiver", "bedrift1"):
        answer = api.get("/organisations", headers=api.headers_of(name), params={"limit": 500})
        assert answer.status_code == 200
        assert len(answer.json()) == len(api.service.store.organisations())
    research = api.get("/organisations", params={"kind": "research"}, headers=api.headers_of("bedrift2")).json()
    assert research and {o["kind"] for o in research} == {"research"}
    found = api.get("/organisations", params={"q": "sintef"}, headers=api.headers_of("bedrift2")).json()
    assert "sintef" in {o["org_id"] for o in found}


def test_one_organisation_or_404(api):
    got = api.get("/organisations/sintef", headers=api.headers_of("bedrift1"))
    assert got.status_code == 200 and got.json()["name"] == api.service.store.organisation("sintef").name
    missing = api.get("/organisations/no-such-org", headers=api.headers_of("bedrift1"))
    assert missing.status_code == 404 and missing.json() == {"detail": "no organisation with id 'no-such-org'"}


def test_an_adviser_updates_a_profile_and_it_is_embedded_again(api):
    matcher = api.service.matcher  # the index as it was
    before = matcher.index.profile_vectors[matcher.index.org_row["titran-laks"]].copy()
    text = "Vi driver landbasert oppdrett av tare og sukkertare i Trøndelag."
    answer = api.patch("/organisations/titran-laks", json={"description": text, "employees": 12},
                       headers=api.headers_of("radgiver"))
    assert answer.status_code == 200, answer.text
    assert answer.json()["description"] == text and answer.json()["employees"] == 12
    assert answer.json()["name"] == api.service.store.organisation("titran-laks").name  # untouched fields kept
    after = api.service.matcher.index.profile_vectors[api.service.matcher.index.org_row["titran-laks"]]
    assert not np.allclose(before, after)


def test_a_company_may_not_update_profiles(api):
    for org in ("innherred-hydrogen", "sintef"):
        answer = api.patch(f"/organisations/{org}", json={"description": "x"}, headers=api.headers_of("bedrift1"))
        assert answer.status_code == 403
    assert api.service.store.organisation("sintef").description != "x"


def test_bad_updates_are_one_line(api):
    for body, words in (({"name": ""}, "name"), ({"employees": -1}, "employees"), ({"kind": "bakery"}, "kind"),
                        ({"org_id": "new"}, "Extra inputs")):
        answer = api.patch("/organisations/sintef", json=body, headers=api.headers_of("radgiver"))
        assert answer.status_code == 422 and words in answer.json()["detail"], (body, answer.text)
    assert api.patch("/organisations/nope", json={"region": "x"}, headers=api.headers_of("radgiver")).status_code == 404


def test_null_for_a_text_field_is_refused_in_one_line_not_a_server_error(api):
    # {"name": null} reached the store as None: 500 Internal Server Error (AttributeError, TypeError,
    # or DuckDB's NOT NULL constraint for kind) with a traceback in the server's log
    before = api.service.store.organisation("sintef")
    for field in ("name", "kind", "country", "region", "org_number", "description", "competences",
                  "municipality", "nace_codes"):
        answer = api.patch("/organisations/sintef", json={field: None}, headers=api.headers_of("radgiver"))
        assert answer.status_code == 422, (field, answer.status_code, answer.text)
        assert field in answer.json()["detail"] and "\n" not in answer.json()["detail"]
    assert api.service.store.organisation("sintef") == before
    # employees may be null: the head count is not known
    cleared = api.patch("/organisations/sintef", json={"employees": None}, headers=api.headers_of("radgiver"))
    assert cleared.status_code == 200 and cleared.json()["employees"] is None


def test_an_organisation_number_is_checked_as_an_import_checks_it(api):
    before = api.service.store.organisation("sintef")
    for bad in ("123", "923609017", "٩٢٣٦٠٩٠١٦", "<script>"):
        answer = api.patch("/organisations/sintef", json={"org_number": bad}, headers=api.headers_of("radgiver"))
        assert answer.status_code == 422 and "bad organisation number" in answer.json()["detail"], (bad, answer.text)
    assert api.service.store.organisation("sintef") == before
    good = api.patch("/organisations/sintef", json={"org_number": "923 609 016"}, headers=api.headers_of("radgiver"))
    assert good.status_code == 200 and good.json()["org_number"] == "923609016"
    assert api.patch("/organisations/sintef", json={"org_number": ""},
                     headers=api.headers_of("radgiver")).json()["org_number"] == ""
