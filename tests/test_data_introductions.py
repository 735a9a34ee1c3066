"""Introductions (data/introductions.py): proposing, moving with dates, the mail, sending, outcomes, counts.

A real DuckDB file and a real local SMTP server (aiosmtpd on loopback) catch what would go out.
"""

from __future__ import annotations

import email
import email.policy
import socket
from datetime import date

import pytest

from data.contacts import replace_contacts
from data.introductions import (
    OUTCOME_WEIGHTS,
    EmailDraft,
    draft_email,
    introduction,
    introductions,
    introductions_per_year,
    move,
    propose,
    send_email,
    send_introduction,
)
from data.models import Contact, Organisation, Viewer
from data.refusals import NotAllowed, Refused
from data.settings import Settings
from data.store import IdeaNotFound, OrganisationNotFound, PartnerStore

ADVISER = Viewer("kari", "adviser")
COMPANY = Viewer("ola", "company", "fjordkraft")
OTHER = Viewer("per", "company", "havlys")
DAY = date(2025, 3, 3)


@pytest.fixture
def store(tmp_path):
    with PartnerStore(tmp_path / "intro.duckdb") as store:
        store.upsert(
            [
                Organisation("fjordkraft", "Fjordkraft Hydrogen AS", kind="company"),
                Organisation("sintef", "SINTEF", kind="research"),
                Organisation("havlys", "Havlys AS", kind="company"),
            ]
        )
        with store.write() as cur:
            replace_contacts(cur, {
                "fjordkraft": [Contact("Ola Nordmann", "daglig leder", "ola@fjordkraft.example.org", "+47 900 00 000")],
                "sintef": [Contact("Siri Forsker", "seniorforsker", "siri@sintef.example.org")],
            })
        yield store


def an_idea(store, *, confidential=True, org_id="fjordkraft", user="ola"):
    return store.add_idea(
        title="Hydrogen til fôrflåter", text="Vi vil bytte diesel med hydrogen på fôrflåtene våre.",
        submitted_by=user, org_id=org_id, contact="Ola Nordmann, ola@fjordkraft.example.org",
        confidential=confidential,
    )


def test_propose_uses_the_ideas_company_and_reuses_an_open_introduction(store):
    idea = an_idea(store)
    first = propose(store, ADVISER, org_id="sintef", idea_id=idea.idea_id, reasons=["Profilen sier: «hydrogen»"],
                    today=DAY)
    assert (first.company_org_id, first.org_id, first.status, first.proposed_on) == (
        "fjordkraft", "sintef", "proposed", "2025-03-03")
    assert first.reasons_in("nb") == first.reasons_in("en") == ("Profilen sier: «hydrogen»",)  # language not given
    again = propose(store, ADVISER, org_id="sintef", idea_id=idea.idea_id, today=DAY)
    assert again.intro_id == first.intro_id and len(introductions(store, ADVISER)) == 1
    assert store.idea(idea.idea_id, ADVISER).status == "in_progress"  # someone is working on it now


@pytest.mark.parametrize("kwargs, error", [
    ({"org_id": "nowhere", "company_org_id": "fjordkraft"}, OrganisationNotFound),
    ({"org_id": "sintef", "company_org_id": "nowhere"}, OrganisationNotFound),
    ({"org_id": "sintef", "idea_id": 99}, IdeaNotFound),
    ({"org_id": "sintef"}, Refused),  # no company side at all
    ({"org_id": "fjordkraft", "company_org_id": "fjordkraft"}, Refused),  # not to itself
])
def test_bad_proposals_are_refused_and_change_nothing(store, kwargs, error):
    with pytest.raises(error):
        propose(store, ADVISER, **kwargs)
    assert introductions(store, ADVISER) == []


def test_only_advisers_propose_send_or_move(store):
    idea = an_idea(store)
    with pytest.raises(NotAllowed):
        propose(store, COMPANY, org_id="sintef", idea_id=idea.idea_id)
    intro = propose(store, ADVISER, org_id="sintef", idea_id=idea.idea_id)
    with pytest.raises(NotAllowed):
        move(store, COMPANY, intro.intro_id, "joint_project")
    with pytest.raises(NotAllowed):
        draft_email(store, COMPANY, intro.intro_id, lang="nb")
    assert introduction(store, ADVISER, intro.intro_id).status == "proposed"


def test_moving_forward_dates_each_step_and_moving_back_clears_later_ones(store):
    intro = propose(store, ADVISER, org_id="sintef", company_org_id="fjordkraft", today=DAY)
    met = move(store, ADVISER, intro.intro_id, "met", on=date(2025, 3, 20), today=date(2025, 4, 1))
    assert (met.introduced_on, met.met_on, met.joint_project_on) == ("2025-03-20", "2025-03-20", "")
    joint = move(store, ADVISER, intro.intro_id, "joint_project", on=date(2025, 3, 30), today=date(2025, 4, 1))
    assert (joint.introduced_on, joint.met_on, joint.joint_project_on) == ("2025-03-20", "2025-03-20", "2025-03-30")
    back = move(store, ADVISER, intro.intro_id, "introduced", on=date(2025, 3, 21), today=date(2025, 4, 1))
    assert (back.status, back.introduced_on, back.met_on, back.joint_project_on) == (
        "introduced", "2025-03-21", "", "")
    declined = move(store, ADVISER, intro.intro_id, "declined", on=date(2025, 3, 31), today=date(2025, 4, 1))
    assert (declined.status, declined.introduced_on, declined.declined_on) == ("declined", "2025-03-21", "2025-03-31")


@pytest.mark.parametrize("status, on, key", [
    ("finished", None, "intro.bad_status"),
    ("met", date(2025, 5, 1), "intro.future_date"),
    ("met", date(2025, 3, 1), "intro.before_proposed"),
])
def test_bad_moves_are_refused_with_a_reason_in_both_languages(store, status, on, key):
    intro = propose(store, ADVISER, org_id="sintef", company_org_id="fjordkraft", today=DAY)
    with pytest.raises(Refused) as caught:
        move(store, ADVISER, intro.intro_id, status, on=on, today=date(2025, 4, 1))
    assert caught.value.key == key
    assert caught.value.message("nb") != caught.value.message("en")
    assert introduction(store, ADVISER, intro.intro_id).status == "proposed"


def test_a_company_sees_the_introductions_of_its_own_ideas_only(store):
    mine = an_idea(store)
    theirs = an_idea(store, org_id="havlys", user="per")
    propose(store, ADVISER, org_id="sintef", idea_id=mine.idea_id)
    propose(store, ADVISER, org_id="sintef", idea_id=theirs.idea_id)
    assert [i.idea_id for i in introductions(store, COMPANY)] == [mine.idea_id]
    assert [i.idea_id for i in introductions(store, OTHER)] == [theirs.idea_id]
    assert len(introductions(store, ADVISER)) == 2
    other_id = introductions(store, OTHER)[0].intro_id
    with pytest.raises(NotAllowed) as caught:
        introduction(store, COMPANY, other_id)
    assert "Havlys" not in str(caught.value)


@pytest.mark.parametrize("lang, expected", [
    ("nb", ["Introduksjon: Fjordkraft Hydrogen AS og SINTEF", "Hei Ola Nordmann og Siri Forsker,",
            "Hvorfor SINTEF:", "- Profilen sier: «hydrogen»", "SINTEF: Siri Forsker (seniorforsker), siri@"]),
    ("en", ["Introduction: Fjordkraft Hydrogen AS and SINTEF", "Dear Ola Nordmann and Siri Forsker,",
            "Why SINTEF:", "- Profilen sier: «hydrogen»", "Contact persons:"]),
])
def test_the_mail_is_written_in_the_readers_language_with_both_contacts(store, lang, expected):
    idea = an_idea(store, confidential=False)
    intro = propose(store, ADVISER, org_id="sintef", idea_id=idea.idea_id, reasons=["Profilen sier: «hydrogen»"])
    draft = draft_email(store, ADVISER, intro.intro_id, lang=lang)
    text = draft.subject + "\n" + draft.body
    for part in expected:
        assert part in text, part
    assert "bytte diesel med hydrogen" in draft.body  # the company let its idea be shared
    assert draft.to == ("ola@fjordkraft.example.org", "siri@sintef.example.org")


def test_reasons_given_in_every_language_are_read_in_the_readers(store, tmp_path):
    idea = an_idea(store, confidential=False)
    worded = {"nb": ["Profilen sier: «hydrogen»"], "en": ["The profile says: «hydrogen»"]}
    intro = propose(store, ADVISER, org_id="sintef", idea_id=idea.idea_id, reasons=worded)
    for viewer in (ADVISER, COMPANY):  # as stored, read back by each reader
        stored = introduction(store, viewer, intro.intro_id)
        assert stored.reasons_in("en") == ("The profile says: «hydrogen»",)
        assert stored.reasons_in("nb") == ("Profilen sier: «hydrogen»",)
    assert "- The profile says: «hydrogen»" in draft_email(store, ADVISER, intro.intro_id, lang="en").body
    assert "- Profilen sier: «hydrogen»" in draft_email(store, ADVISER, intro.intro_id, lang="nb").body
    assert "The profile says" not in draft_email(store, ADVISER, intro.intro_id, lang="nb").body


def test_an_introduction_stored_before_the_languages_were_kept_still_shows_its_reasons(tmp_path):
    """Rows written as one list of worded strings (the proposing adviser's language) read as before."""
    path = tmp_path / "old.duckdb"
    with PartnerStore(path) as store:
        store.upsert([Organisation("fjordkraft", "Fjordkraft", kind="company"), Organisation("sintef", "SINTEF")])
        intro = propose(store, ADVISER, org_id="sintef", company_org_id="fjordkraft")
        with store.write() as cur:  # what the store wrote until now
            cur.execute("UPDATE introductions SET reasons = ? WHERE intro_id = ?",
                        ['["Profilen sier: «hydrogen»"]', intro.intro_id])
    with PartnerStore(path) as store:
        old = introduction(store, ADVISER, intro.intro_id)
        assert old.reasons == (("", ("Profilen sier: «hydrogen»",)),)
        assert old.reasons_in("en") == old.reasons_in("nb") == ("Profilen sier: «hydrogen»",)
        assert "- Profilen sier: «hydrogen»" in draft_email(store, ADVISER, intro.intro_id, lang="en").body


def test_a_confidential_idea_is_not_quoted_in_the_mail(store):
    idea = an_idea(store, confidential=True)
    intro = propose(store, ADVISER, org_id="sintef", idea_id=idea.idea_id)
    draft = draft_email(store, ADVISER, intro.intro_id, lang="nb")
    assert "bytte diesel" not in draft.body and "Hydrogen til fôrflåter" not in draft.body
    assert "forteller gjerne mer selv" in draft.body


def test_mailto_and_eml_carry_the_draft():
    draft = EmailDraft("Introduksjon: A og B", "Hei,\nlinje to æøå", ("a@x.example.org", "b@y.example.org"))
    assert draft.mailto().startswith("mailto:a@x.example.org,b@y.example.org?subject=Introduksjon%3A%20A%20og%20B")
    assert "%C3%A6%C3%B8%C3%A5" in draft.mailto() and "%0D%0A" in draft.mailto()
    message = email.message_from_bytes(draft.eml(), policy=email.policy.default)
    assert message["X-Unsent"] == "1" and message["To"] == "a@x.example.org, b@y.example.org"
    assert message.get_content().strip() == "Hei,\nlinje to æøå"


def test_sending_through_the_mail_server_marks_the_introduction_made(store, smtp_server):
    box, port = smtp_server
    settings = Settings(smtp_host="127.0.0.1", smtp_port=port, smtp_security="none",
                        smtp_from="radgiver@klynge.example.org")
    idea = an_idea(store)
    intro = propose(store, ADVISER, org_id="sintef", idea_id=idea.idea_id)
    sent = send_introduction(store, ADVISER, intro.intro_id, lang="en", settings=settings, today=date.today())
    assert (sent.status, sent.sent_by_mail, sent.introduced_on) == ("introduced", True, date.today().isoformat())
    (sender, recipients, content), = box.messages
    assert sender == "radgiver@klynge.example.org"
    assert recipients == ["ola@fjordkraft.example.org", "siri@sintef.example.org"]
    assert b"Subject: Introduction: Fjordkraft Hydrogen AS and SINTEF" in content


def test_a_mail_server_that_cannot_be_reached_changes_nothing_and_never_shows_the_password(store):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = Settings(smtp_host="127.0.0.1", smtp_port=port, smtp_security="none", smtp_from="x@klynge.example.org",
                        smtp_user="kari", smtp_password="hemmelig-passord-123")
    intro = propose(store, ADVISER, org_id="sintef", company_org_id="fjordkraft")
    with pytest.raises(Refused) as caught:
        send_introduction(store, ADVISER, intro.intro_id, lang="nb", settings=settings)
    assert caught.value.key == "intro.send_failed"
    assert "hemmelig-passord-123" not in caught.value.message("nb") + str(caught.value)
    assert "hemmelig-passord-123" not in repr(settings)
    assert introduction(store, ADVISER, intro.intro_id).status == "proposed"


def test_sending_without_a_mail_server_is_refused(store):
    intro = propose(store, ADVISER, org_id="sintef", company_org_id="fjordkraft")
    draft = draft_email(store, ADVISER, intro.intro_id, lang="nb")
    with pytest.raises(Refused) as caught:
        send_email(draft, Settings())
    assert caught.value.key == "intro.no_smtp"


def test_outcomes_are_feedback_the_matcher_reads(store):
    intro = propose(store, ADVISER, org_id="sintef", company_org_id="fjordkraft", today=DAY)
    assert store.feedback_balance() == {}  # a proposal is no outcome yet
    store.add_feedback(org_id="sintef", verdict="useful", given_by="kari")
    move(store, ADVISER, intro.intro_id, "joint_project", on=DAY, today=DAY)
    assert store.feedback_balance() == {"sintef": 1 + OUTCOME_WEIGHTS["joint_project"]}
    other = propose(store, ADVISER, org_id="havlys", company_org_id="fjordkraft", today=DAY)
    move(store, ADVISER, other.intro_id, "declined", on=DAY, today=DAY)
    assert store.feedback_balance()["havlys"] == OUTCOME_WEIGHTS["declined"] < 0


def test_introductions_per_year_counts_those_made_and_those_that_became_joint_projects(store):
    made = [("sintef", date(2024, 11, 5), "joint_project"), ("havlys", date(2025, 1, 10), "met"),
            ("sintef", date(2025, 2, 1), "joint_project"), ("havlys", date(2025, 2, 2), "declined")]
    for org, on, outcome in made:
        idea = an_idea(store)
        intro = propose(store, ADVISER, org_id=org, idea_id=idea.idea_id, today=date(2024, 11, 1))
        move(store, ADVISER, intro.intro_id, "introduced", on=on, today=date(2025, 6, 1))
        move(store, ADVISER, intro.intro_id, outcome, on=on, today=date(2025, 6, 1))
    propose(store, ADVISER, org_id="sintef", company_org_id="havlys", today=date(2025, 3, 1))  # not made yet
    counts = introductions_per_year(store)
    assert sorted(counts) == [2024, 2025]
    assert (counts[2024].introduced, counts[2024].joint_projects, counts[2024].declined) == (1, 1, 0)
    assert (counts[2025].introduced, counts[2025].joint_projects, counts[2025].declined) == (3, 1, 1)
