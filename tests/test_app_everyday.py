"""Everyday use of the app, found on newcomers' walks: widgets that follow the stored state,
empty pages that say what to do, the same names in both languages."""

from __future__ import annotations

import pytest
from test_app import IDEA_TEXT, IDEA_TITLE, app_db, goto, ok, sign_in, texts  # noqa: F401  (app_db: a fixture)

from app_pages.common import md

# Each test on its own copy of the sample database (tests/test_app.py's fixture).
pytestmark = pytest.mark.usefixtures("app_db")


def _store():
    from app_pages.resources import workspace

    return workspace().store


def _stored(idea_id: int):
    from data.models import Viewer

    return _store().idea(idea_id, Viewer("radgiver", "adviser"))


def _idea_with_suggestions(suggestions=("sintef", "elektrisk-sjo")):
    store = _store()
    idea = store.add_idea(title=IDEA_TITLE, text=IDEA_TEXT, submitted_by="bedrift1", org_id="innherred-hydrogen",
                          contact="Kari Nordmann, kari@example.no", confidential=False)
    store.update_idea(idea.idea_id, suggestions=list(suggestions))
    return idea


# -- the inbox follows the idea's stored status -----------------------------------------------------


def test_the_inbox_status_box_follows_an_introduction_that_moved_the_idea():
    idea = _idea_with_suggestions()
    at = sign_in("radgiver")
    at.query_params["idea"] = str(idea.idea_id)
    goto(at, "inbox")
    box = f"inbox_status_{idea.idea_id}"
    assert at.selectbox(key=box).value == "new"
    at.button(key=f"inbox_introduce_{idea.idea_id}_sintef").click()
    ok(at.run())
    assert _stored(idea.idea_id).status == "in_progress"  # the introduction moved it
    assert at.selectbox(key=box).value == "in_progress"  # and the box says so, not the "new" it was drawn with
    # saving the notes now keeps the status the introduction set
    at.text_area(key=f"inbox_notes_{idea.idea_id}").input("Ringte Kari.")
    at.button(key=f"inbox_save_{idea.idea_id}").click()
    ok(at.run())
    stored = _stored(idea.idea_id)
    assert (stored.status, stored.notes) == ("in_progress", "Ringte Kari.")


def test_a_saved_idea_stays_open_and_its_boxes_follow_a_change_made_elsewhere():
    idea = _idea_with_suggestions()
    at = sign_in("radgiver")
    at.query_params["idea"] = str(idea.idea_id)
    goto(at, "inbox")
    at.selectbox(key=f"inbox_status_{idea.idea_id}").set_value("matched")
    at.button(key=f"inbox_save_{idea.idea_id}").click()
    ok(at.run())
    assert _stored(idea.idea_id).status == "matched"
    # the filter showed new and in-progress ideas only: the saved idea stays open all the same
    assert at.selectbox(key="inbox_idea").value == idea.idea_id
    assert at.selectbox(key=f"inbox_status_{idea.idea_id}").value == "matched"
    # another adviser closes it elsewhere: this page shows "closed" on its next run
    _store().update_idea(idea.idea_id, status="closed", notes="Lagt bort.")
    at.session_state["inbox_status_filter"] = []
    ok(at.run())
    assert at.selectbox(key=f"inbox_status_{idea.idea_id}").value == "closed"
    assert at.text_area(key=f"inbox_notes_{idea.idea_id}").value == "Lagt bort."


# -- both profile forms save the same way (app_pages/profile_form.save_and_redraw) --------------------


def test_both_profile_forms_refuse_in_one_line_and_say_when_nothing_changed():
    at = sign_in("radgiver")
    at.query_params["org"] = "lederloft"
    goto(at, "organisations")
    at.text_input(key="organisations_name_lederloft").input("  ")
    at.button(key="organisations_save_lederloft").click()
    ok(at.run())
    assert [e.value for e in at.error] == ["Organisasjonen må ha et navn."]
    assert _store().organisation("lederloft").name == "Lederløft Industri AS"  # nothing saved

    company = sign_in("bedrift1")
    goto(company, "own_profile")
    # no contact person yet: the company is told where to add one and why
    assert "Legg til en under **Endre profilen**" in " ".join(c.value for c in company.caption)
    company.button(key="own_profile_save").click()
    ok(company.run())
    assert [i.value for i in company.info] == ["Ingen endringer å lagre."] and not company.success


# -- the import box: Streamlit's own words stay English, the page says what they mean --------------


@pytest.mark.parametrize("lang, label, how", [
    ("nb", "Filer å importere", "«Upload» betyr «last opp», «200MB per file» betyr"),
    ("en", "Files to import", "Press **Upload** to pick the files, or drag them into the box below"),
])
def test_the_import_box_is_explained_in_the_readers_language(lang, label, how):
    at = sign_in("radgiver")
    at.sidebar.radio(key="app_lang").set_value(lang)
    ok(at.run())
    goto(at, "organisations")
    assert [u.proto.label for u in at.get("file_uploader")] == [label]
    assert any(how in c.value for c in at.caption)


# -- empty pages say what to do next ---------------------------------------------------------------


@pytest.mark.parametrize("lang, link", [("nb", "Send inn en idé"), ("en", "Submit an idea")])
def test_empty_inbox_and_empty_my_ideas_lead_to_submitting_one(lang, link):
    from datetime import date

    from data.text import t

    adviser = sign_in("radgiver")
    adviser.sidebar.radio(key="app_lang").set_value(lang)
    ok(adviser.run())
    goto(adviser, "inbox")
    assert t(lang, "inbox.empty") in [i.value for i in adviser.info]
    assert [p.proto.label for p in adviser.get("page_link")] == [link]
    # the Introductions tab: none made this year says what counts, not "0 made, 0 of them ..."
    assert t(lang, "intro.year_none", year=date.today().year) in texts(adviser)

    company = sign_in("bedrift2")
    company.sidebar.radio(key="app_lang").set_value(lang)
    ok(company.run())
    goto(company, "my_ideas")
    assert [i.value for i in company.info] == [t(lang, "mine.none")]
    assert [p.proto.label for p in company.get("page_link")] == [link]


def test_the_words_explained_are_the_ones_streamlit_shows():
    # After a Streamlit upgrade the box may say something else: then the explanation must change too.
    import re
    from pathlib import Path

    import streamlit

    from data.text import t

    bundles = list((Path(streamlit.__file__).parent / "static").rglob("FileUploader*.js"))
    assert bundles, "Streamlit's file uploader script not found"
    script = " ".join(b.read_text(encoding="utf-8") for b in bundles)
    quoted = re.findall(r"«([A-Za-z0-9 ]+)»(?: \([^)]*\))? betyr", t("nb", "orgs.import_how"))
    assert len(quoted) == 3, quoted
    for words in quoted:
        shown = words.replace("200MB ", "")  # the size is filled in: `${size} per file`
        assert f"`{shown}`" in script or f"{shown}`" in script, words


# -- a company sees when its partner's people will show, and whom to ask when there are none -------


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_a_company_is_told_when_the_partners_contacts_will_show(lang):
    import datetime

    from data.introductions import move, propose
    from data.models import Contact, Viewer
    from data.text import t

    adviser = Viewer("radgiver", "adviser")
    idea = _idea_with_suggestions()
    store = _store()
    first = propose(store, adviser, org_id="elektrisk-sjo", idea_id=idea.idea_id)
    company = sign_in("bedrift1")
    company.sidebar.radio(key="app_lang").set_value(lang)
    ok(company.run())
    goto(company, "my_ideas")
    captions = [c.value for c in company.caption]
    assert t(lang, "intro.contacts_later", name="Elektrisk Sjø AS") in captions

    move(store, adviser, first.intro_id, "introduced", on=datetime.date.today())
    ok(company.run())
    captions = [c.value for c in company.caption]
    assert t(lang, "intro.company_no_contact", name="Elektrisk Sjø AS") in captions
    assert t(lang, "intro.contacts_later", name="Elektrisk Sjø AS") not in captions

    from data.contacts import save_profile

    save_profile(store, adviser, "elektrisk-sjo", {},
                 contacts=[Contact("Eva Sjø", "daglig leder", "eva@sjo.example.org")])
    ok(company.run())
    assert any("eva@sjo.example.org" in m.value for m in company.markdown)
    assert t(lang, "intro.company_no_contact", name="Elektrisk Sjø AS") not in [c.value for c in company.caption]


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_a_search_that_finds_no_organisation_says_what_to_try(lang):
    from data.text import t

    at = sign_in("radgiver")
    at.sidebar.radio(key="app_lang").set_value(lang)
    ok(at.run())
    goto(at, "organisations")
    at.text_input(key="organisations_search").input("qxzqxz")
    ok(at.run())
    assert t(lang, "orgs.found", n="0") in [c.value for c in at.caption]
    assert [i.value for i in at.info] == [t(lang, "orgs.none_found")]
    assert t(lang, "orgs.all_kinds") in t(lang, "orgs.none_found")  # the choice it names is the one offered


def test_an_adviser_submitting_for_a_company_is_sent_to_the_inbox_not_to_my_ideas():
    from test_app import submit_idea

    at = sign_in("radgiver")
    goto(at, "submit_idea")
    at.selectbox(key="submit_org").set_value("innherred-hydrogen")
    submit_idea(at)
    assert at.success and "er mottatt" in at.success[0].value
    shown = texts(at)
    assert "**Idéinnboks**" in shown and "Mine idéer" not in shown  # advisers have no "My ideas" page


# -- an import's notes in the reader's language ------------------------------------------------------


@pytest.mark.parametrize("lang, words", [
    ("nb", ("fjernet kontrolltegn fra 1 verdi; første i organisations.csv, rad 1 (linje 2), kolonne description",
            "1 tom type hentet fra organisasjonens navn")),
    ("en", ("removed control characters from 1 value; the first in organisations.csv, row 1 (line 2), "
            "column description",
            "1 empty kind taken from the organisation's name")),
])
def test_the_notes_of_an_import_are_in_the_readers_language(lang, words):
    from test_app import uploader

    at = sign_in("radgiver")
    at.sidebar.radio(key="app_lang").set_value(lang)
    ok(at.run())
    goto(at, "organisations")
    rows = "org_id,name,kind,country,description\nkvantum,Kvantum GmbH,,DE,Quantum\x07 sensors for fish farms\n"
    uploader(at).upload("organisations.csv", rows.encode(), "text/csv")
    ok(at.run())
    at.button(key="organisations_import").click()
    ok(at.run())
    captions = [c.value for c in at.caption]
    for expected in words:
        assert expected in captions, captions


@pytest.mark.parametrize("lang, words", [
    ("nb", "utfylte 0 lagrede organisasjoner, la til 8; prosjektdeltakerne ble funnet slik: 10 nye"),
    ("en", "enriched 0 stored organisations, added 8; the projects' participants were found as: 10 new"),
])
def test_an_import_that_enriches_stored_organisations_says_so_in_the_readers_language(lang, words):
    """Forskningsrådet's rows are matched to stored organisations by number and name (data.importers.reconcile)."""
    from pathlib import Path

    from test_app import uploader

    at = sign_in("radgiver")
    at.sidebar.radio(key="app_lang").set_value(lang)
    ok(at.run())
    goto(at, "organisations")
    upload = Path(__file__).parent / "fixtures" / "import" / "forskningsradet-excerpt.csv"
    uploader(at).upload(upload.name, upload.read_bytes(), "text/csv")
    ok(at.run())
    at.button(key="organisations_import").click()
    ok(at.run())
    captions = [c.value for c in at.caption]
    assert md(words) in captions, captions  # notes carry file names and values: drawn as written (md)


@pytest.mark.parametrize("note, nb", [
    ("ignored other files in the folder: README.md, logo.png",
     "andre filer i mappen ble ikke lest: README.md, logo.png"),
    ("12 empty kind(s) taken from the organisation's NACE codes",
     "12 tomme typer hentet fra organisasjonens NACE-koder"),
    ("2 region value(s) name no county or NUTS region ('PARIS 08', 'Lyon', ...): kept as municipality",
     "2 regionverdier er verken et fylke eller en NUTS-region ('PARIS 08', 'Lyon' …): lagret som kommune"),
    ("1,234 third-party participations imported as partners", "1\xa0234 tredjepartsdeltakelser importert som partner"),
    ("skipped 1 deleted unit(s) (slettedato set): 912345678 Gamle AS",
     "hoppet over 1 slettet enhet (slettedato satt): 912345678 Gamle AS"),
    ("the search result is empty: nothing to import", "søkeresultatet er tomt: ingenting å importere"),
    ("enriched 1,205 stored organisations, added 1; participations: 5 already in the project (same name), 1 new, "
     "1 stored, not in the project (same org number or name)",
     "utfylte 1\xa0205 lagrede organisasjoner, la til 1; prosjektdeltakerne ble funnet slik: 5 allerede i prosjektet "
     "(samme navn), 1 ny, 1 lagret fra før, men ny i prosjektet (samme organisasjonsnummer eller navn)"),
    ("left out 2 website(s) that are no http(s) web address (the app links to a website); first at "
     "units.json, record 3, field hjemmeside",
     "utelot 2 nettsider som ikke er en adresse med http eller https (appen lenker til nettsiden); "
     "første i units.json, post 3, felt hjemmeside"),
    ("3 rows share a normalised name (N: id) with an earlier row and only filled its gaps",
     "3 rader har samme navn som en tidligere rad og fylte bare hullene i den"),
    ("orgs.xlsx: read the sheet 'Data', the first that is not hidden (skipped: 'Gammel')",
     "orgs.xlsx: leste arket 'Data', det første som ikke er skjult (hoppet over: 'Gammel')"),
    ("a note nobody has worded yet", "a note nobody has worded yet"),  # stays as it is
    ("orgs.csv: a note nobody has worded yet", "orgs.csv: a note nobody has worded yet"),
])
def test_each_kind_of_import_note_is_worded_in_bokmal(note, nb):
    from data.importers.messages import describe_note

    assert describe_note(note, "nb") == nb
