"""Contacts and profiles (data/contacts.py): checks, who sees whose contacts, edits with their history."""

from __future__ import annotations

from datetime import date

import pytest

from data.contacts import (
    check_contacts,
    check_website,
    contacts_of,
    may_see_contacts,
    profile_changes,
    save_profile,
    visible_contacts,
    website_url,
)
from data.introductions import move, propose
from data.models import Contact, Organisation, Viewer
from data.refusals import NotAllowed, Refused
from data.store import OrganisationNotFound, PartnerStore

ADVISER = Viewer("kari", "adviser")
COMPANY = Viewer("ola", "company", "fjordkraft")
PARTNER = Viewer("siri", "company", "havlys")
STRANGER = Viewer("per", "company", "stallaget")
SOLO = Viewer("solo", "company", None)
KARI = Contact("Kari Nordmann", "daglig leder", "kari@fjordkraft.example.org", "+47 900 00 000")


@pytest.fixture
def store(tmp_path):
    with PartnerStore(tmp_path / "contacts.duckdb") as store:
        store.upsert(
            [
                Organisation("fjordkraft", "Fjordkraft Hydrogen AS", kind="company", description="Elektrolyse."),
                Organisation("havlys", "Havlys AS", kind="company", description="Lys i merdene."),
                Organisation("stallaget", "Stållaget AS", kind="company"),
            ],
            contacts={"havlys": [Contact("Siri Lys", "CTO", "siri@havlys.example.org")],
                      "stallaget": [Contact("Per Stål", email="per@stallaget.example.org")]},
        )
        yield store


@pytest.mark.parametrize("contact, key", [
    (Contact("", email="a@b.no"), "contacts.need_name"),
    (Contact("Kari", email="kari(at)example.no"), "contacts.bad_email"),
    (Contact("Kari", email="kari@example"), "contacts.bad_email"),
    (Contact("Kari", email="kari@example.no\nBcc: x@y.no"), "contacts.bad_email"),
    (Contact("Kari", phone="ring meg"), "contacts.bad_phone"),
    (Contact("K" * 121), "contacts.too_long"),
])
def test_bad_contacts_are_refused_with_a_reason(contact, key):
    with pytest.raises(Refused) as caught:
        check_contacts([contact])
    assert caught.value.key == key


def test_too_many_contacts_are_refused():
    with pytest.raises(Refused, match="At most 10"):
        check_contacts([Contact(f"Person {i}") for i in range(11)])


@pytest.mark.parametrize("text, url", [
    ("www.sintef.no", "https://www.sintef.no"),
    ("http://ntnu.no/ocean?x=1", "http://ntnu.no/ocean?x=1"),
    ("javascript:alert(1)", None),
    ("ftp://example.org", None),
    ("not a site", None),
    ("localhost", None),
])
def test_only_web_addresses_become_links(text, url):
    assert website_url(text) == url
    if url is None:
        with pytest.raises(Refused):
            check_website(text)


def test_who_sees_whose_contacts(store):
    assert may_see_contacts(store, ADVISER, "havlys")
    assert may_see_contacts(store, COMPANY, "fjordkraft")  # its own
    assert not may_see_contacts(store, COMPANY, "havlys")  # not introduced yet
    with pytest.raises(NotAllowed) as caught:
        contacts_of(store, COMPANY, "havlys")
    assert "Siri" not in str(caught.value)
    assert visible_contacts(store, COMPANY, ["havlys", "stallaget", "fjordkraft"]) == {"fjordkraft": ()}
    assert visible_contacts(store, SOLO, ["havlys"]) == {}


def test_an_introduction_shows_both_sides_each_others_contacts_once_made(store):
    intro = propose(store, ADVISER, org_id="havlys", company_org_id="fjordkraft")
    assert not may_see_contacts(store, COMPANY, "havlys")  # proposed only: nothing shared yet
    move(store, ADVISER, intro.intro_id, "introduced", on=date.today())
    assert contacts_of(store, COMPANY, "havlys") == (Contact("Siri Lys", "CTO", "siri@havlys.example.org"),)
    assert may_see_contacts(store, PARTNER, "fjordkraft")  # and the partner sees the company's
    assert not may_see_contacts(store, STRANGER, "havlys") and not may_see_contacts(store, COMPANY, "stallaget")


def test_an_idea_from_outside_the_register_gets_its_partners_contacts(store):
    idea = store.add_idea(title="Tare", text="Tare som fôr.", submitted_by="solo", contact="Solo, solo@x.example.org")
    intro = propose(store, ADVISER, org_id="havlys", idea_id=idea.idea_id)
    move(store, ADVISER, intro.intro_id, "met", on=date.today())
    assert set(visible_contacts(store, SOLO, ["havlys", "stallaget"])) == {"havlys"}


def test_a_company_edits_its_own_profile_and_advisers_see_what_changed(store):
    revision = store.revision()
    change = save_profile(store, COMPANY, "fjordkraft",
                          {"description": "Elektrolyse og brenselceller.", "website": "fjordkraft.example.org"},
                          contacts=[KARI, Contact("")])
    assert {name for name, _, _ in change.fields} == {"description", "website", "contacts"}
    org = store.organisation("fjordkraft")
    assert (org.description, org.website) == ("Elektrolyse og brenselceller.", "https://fjordkraft.example.org")
    assert contacts_of(store, COMPANY, "fjordkraft") == (KARI,)
    seen = profile_changes(store, ADVISER)
    assert [(c.org_id, c.changed_by) for c in seen] == [("fjordkraft", "ola")]
    assert ("description", "Elektrolyse.", "Elektrolyse og brenselceller.") in seen[0].fields
    assert store.revision() > revision  # the app and the API server re-index before their next match
    assert save_profile(store, COMPANY, "fjordkraft", {"description": "Elektrolyse og brenselceller."}) is None


@pytest.mark.parametrize("viewer, org_id, changes", [
    (COMPANY, "havlys", {"description": "Overtatt."}),  # another organisation
    (COMPANY, "fjordkraft", {"name": "Nytt navn"}),  # a field only advisers change
    (SOLO, "fjordkraft", {"description": "x"}),  # no organisation at all
])
def test_a_company_cannot_edit_what_is_not_its_own(store, viewer, org_id, changes):
    before = store.organisation(org_id)
    with pytest.raises(NotAllowed):
        save_profile(store, viewer, org_id, changes)
    assert store.organisation(org_id) == before and profile_changes(store, ADVISER) == []


@pytest.mark.parametrize("changes, contacts, key", [
    ({"description": "x" * 20_001}, None, "profile.too_long"),
    ({"name": "  "}, None, "profile.need_name"),
    ({"kind": "castle"}, None, "profile.bad_kind"),
    ({"website": "javascript:alert(1)"}, None, "contacts.bad_website"),
    ({"description": "Ny tekst"}, [Contact("Kari", email="nei")], "contacts.bad_email"),
])
def test_bad_profile_edits_change_nothing(store, changes, contacts, key):
    before = store.organisation("havlys")
    with pytest.raises(Refused) as caught:
        save_profile(store, ADVISER, "havlys", changes, contacts=contacts)
    assert caught.value.key == key
    assert store.organisation("havlys") == before
    assert contacts_of(store, ADVISER, "havlys") == (Contact("Siri Lys", "CTO", "siri@havlys.example.org"),)


def test_an_unknown_organisation_is_named(store):
    with pytest.raises(OrganisationNotFound):
        save_profile(store, ADVISER, "nowhere", {"description": "x"})


def test_company_history_is_its_own(store):
    save_profile(store, PARTNER, "havlys", {"description": "Lys og kamera i merdene."})
    save_profile(store, COMPANY, "fjordkraft", {"description": "Hydrogen."})
    assert [c.org_id for c in profile_changes(store, COMPANY)] == ["fjordkraft"]
    with pytest.raises(NotAllowed):
        profile_changes(store, COMPANY, "havlys")
