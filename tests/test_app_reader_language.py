"""Every word in the reader's language, found on two newcomers' walks (an English-speaking company,
a Norwegian adviser): reasons of introductions, download names, labels, import notes."""

from __future__ import annotations

from datetime import date

import pytest
from test_app import (  # noqa: F401  (app_db: a fixture)
    IDEA_TEXT,
    IDEA_TITLE,
    app_db,
    find_partners,
    goto,
    ok,
    open_result_tab,
    sign_in,
)

from app_pages.common import md
from data.models import Viewer

# Each test on its own copy of the sample database (tests/test_app.py's fixture).
pytestmark = pytest.mark.usefixtures("app_db")

ADVISER = Viewer("radgiver", "adviser")


def _store():
    from app_pages.resources import workspace

    return workspace().store


def _idea(suggestions=("sintef", "elektrisk-sjo")):
    store = _store()
    idea = store.add_idea(title=IDEA_TITLE, text=IDEA_TEXT, submitted_by="bedrift1", org_id="innherred-hydrogen",
                          contact="Kari Nordmann, kari@example.no", confidential=False)
    store.update_idea(idea.idea_id, suggestions=list(suggestions))
    return idea


def _company_reads(lang: str):
    company = sign_in("bedrift1")
    company.sidebar.radio(key="app_lang").set_value(lang)
    ok(company.run())
    return goto(company, "my_ideas")


def _bullets(at) -> set[str]:
    return {line[2:] for m in at.markdown for line in m.value.splitlines() if line.startswith("- ")}


# -- 1. an introduction's reasons ----------------------------------------------------------------------


@pytest.mark.parametrize("adviser_lang, company_lang", [("nb", "en"), ("en", "nb")])
def test_an_introduction_from_the_inbox_gives_its_reasons_in_the_companys_language(adviser_lang, company_lang):
    from data.introductions import introductions

    idea = _idea()
    at = sign_in("radgiver")
    at.sidebar.radio(key="app_lang").set_value(adviser_lang)
    ok(at.run())
    at.query_params["idea"] = str(idea.idea_id)
    goto(at, "inbox")
    at.button(key=f"inbox_introduce_{idea.idea_id}_sintef").click()
    ok(at.run())
    (intro,) = introductions(_store(), ADVISER, idea_id=idea.idea_id)
    theirs, ours = intro.reasons_in(company_lang), intro.reasons_in(adviser_lang)
    assert theirs and ours and set(theirs).isdisjoint(ours)  # worded twice, not copied

    company = _company_reads(company_lang)
    shown = _bullets(company)
    assert {md(r) for r in theirs} <= shown
    assert not {md(r) for r in ours} & shown


def test_an_introduction_from_find_partners_gives_its_reasons_in_the_companys_language():
    from data.introductions import introductions

    at = sign_in("radgiver")
    find_partners(at, "Vi vil elektrifisere fôrflåter og arbeidsbåter i havbruket med batterier og landstrøm.",
                  as_org="innherred-hydrogen")
    at.button(key="find_partners_intro_elektrisk-sjo").click()
    ok(at.run())
    (intro,) = [i for i in introductions(_store(), ADVISER) if i.org_id == "elektrisk-sjo"]
    assert intro.reasons_in("en") and set(intro.reasons_in("en")).isdisjoint(intro.reasons_in("nb"))
    company = _company_reads("en")
    # not for one of its ideas (it has none): shown apart, where it was not shown at all before
    assert [s.value for s in company.subheader] == ["Other introductions"]
    assert any(m.value == "**Elektrisk Sjø AS** · proposed" for m in company.markdown)
    assert {md(r) for r in intro.reasons_in("en")} <= _bullets(company)


def test_an_introduction_stored_with_reasons_in_one_language_still_shows_them():
    """Introductions proposed before the reasons were kept in every language show the words they have."""
    from data.introductions import propose

    idea = _idea()
    propose(_store(), ADVISER, org_id="sintef", idea_id=idea.idea_id, reasons=["Profilen sier: «hydrogensikkerhet»"])
    assert md("Profilen sier: «hydrogensikkerhet»") in _bullets(_company_reads("en"))


# -- 2. the names of downloaded files ------------------------------------------------------------------


@pytest.fixture
def download_names(monkeypatch) -> list[str]:
    """The file name of every download button drawn (Streamlit hands it to its media file manager)."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    names: list[str] = []
    for method in ("add", "add_deferred"):
        original = getattr(MediaFileManager, method)

        def record(self, *args, _original=original, **kwargs):
            names.append(kwargs.get("file_name"))
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(MediaFileManager, method, record)
    return names


NAMES = {  # {year}: the network's year shown
    "nb": ["samspill-introduksjon-1.eml", "samspill-nettverk-til-og-med-{year}.gexf", "samspill-arsrapport-{year}.pdf",
           "samspill-arsrapport-{year}-intern.docx", f"samspill-kortliste-{date.today()}.csv"],
    "en": ["samspill-introduction-1.eml", "samspill-network-up-to-{year}.gexf", "samspill-annual-report-{year}.pdf",
           "samspill-annual-report-{year}-internal.docx", f"samspill-shortlist-{date.today()}.csv"],
}


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_downloaded_files_are_named_in_the_readers_language(lang, download_names):
    from data.introductions import propose

    idea = _idea()
    propose(_store(), ADVISER, org_id="sintef", idea_id=idea.idea_id)
    at = sign_in("radgiver")
    at.sidebar.radio(key="app_lang").set_value(lang)
    ok(at.run())
    at.query_params["idea"] = str(idea.idea_id)
    goto(at, "inbox")
    goto(at, "network")
    at.toggle(key="network_cumulative").set_value(True)
    at.selectbox(key="network_export_format").set_value("gexf")
    at.toggle(key="network_report_internal").set_value(True)
    ok(at.run())
    year = at.select_slider(key="network_year").value
    goto(at, "find_partners")
    find_partners(at, "Vi vil elektrifisere fôrflåter og arbeidsbåter i havbruket med batterier og landstrøm.")
    at.checkbox(key="find_partners_short_elektrisk-sjo").check()
    ok(at.run())
    open_result_tab(at, "shortlist")
    shown = " ".join(n for n in download_names if n)
    for name in (n.format(year=year) for n in NAMES[lang]):
        assert name in download_names, (name, sorted(set(download_names) - {None}))
    other = {"nb": ("network", "annual-report", "shortlist", "introduction"),
             "en": ("nettverk", "arsrapport", "kortliste", "introduksjon")}[lang]
    assert not [word for word in other if word in shown], shown


# -- 3. what a number counts -------------------------------------------------------------------------


@pytest.mark.parametrize("lang, label, help_starts", [
    ("nb", "Organisasjoner i lista", "Hvor mange organisasjoner lista viser"),
    ("en", "Organisations to list", "How many organisations the list shows"),
])
def test_the_number_of_partners_asked_for_says_what_it_counts(lang, label, help_starts):
    # the box was labelled "Antall" ("How many"): of what -- partners, pairings, consortia?
    at = sign_in("radgiver")
    at.sidebar.radio(key="app_lang").set_value(lang)
    ok(at.run())
    goto(at, "find_partners")
    box = at.number_input(key="find_partners_top")
    assert box.label == label and box.help.startswith(help_starts)


# -- found on the walks ------------------------------------------------------------------------------


@pytest.mark.parametrize("lang, kept", [("en", "Confidential – only the cluster's advisers"),
                                        ("nb", "Konfidensiell – bare rådgiverne i klyngen")])
def test_my_ideas_says_who_may_see_each_idea(lang, kept):
    # the receipt said "confidential", but the company's own list of ideas no longer did
    from data.text import t

    _store().add_idea(title=IDEA_TITLE, text=IDEA_TEXT, submitted_by="bedrift1", org_id="innherred-hydrogen",
                      contact="Kari", confidential=True)
    company = _company_reads(lang)
    assert kept == t(lang, "submit.confidential_yes")
    assert any(c.value.endswith(" · " + kept) for c in company.caption), [c.value for c in company.caption]


@pytest.mark.parametrize("lang, kinds", [("en", ("research", "company")), ("nb", ("forskning", "bedrift"))])
def test_my_ideas_names_the_kind_of_each_suggested_partner(lang, kinds):
    _idea(suggestions=("sintef", "elektrisk-sjo"))
    company = _company_reads(lang)
    research, company_kind = kinds
    assert any(m.value == f"- SINTEF · {research}\n- Elektrisk Sjø AS · {company_kind}" for m in company.markdown)


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_the_mail_says_which_side_it_does_not_reach(lang):
    # "To: kari@example.no" alone did not tell the adviser that SINTEF, with no contact person, gets nothing
    from data.contacts import save_profile
    from data.introductions import propose
    from data.models import Contact
    from data.text import t

    idea = _idea()
    intro = propose(_store(), ADVISER, org_id="sintef", idea_id=idea.idea_id)
    at = sign_in("radgiver")
    at.sidebar.radio(key="app_lang").set_value(lang)
    ok(at.run())
    at.query_params["idea"] = str(idea.idea_id)
    goto(at, "inbox")
    assert at.text_area(key=f"intro_idea_{intro.intro_id}_body_{lang}").value  # the mail is drawn
    assert [w.value for w in at.warning] == [t(lang, "intro.side_no_address", name="SINTEF")]
    assert at.selectbox(key=f"inbox_status_{idea.idea_id}").label == t(lang, "inbox.status")  # not a bare "Status"

    save_profile(_store(), ADVISER, "sintef", {}, contacts=[Contact("Siri Forsker", "", "siri@sintef.example.org")])
    ok(at.run())
    assert not at.warning


@pytest.mark.parametrize("locale, title", [
    ("en-GB", "Welcome to Samspill"), ("en-US", "Welcome to Samspill"), ("nb-NO", "Velkommen til Samspill"),
    ("nn-NO", "Velkommen til Samspill"), ("de-DE", "Velkommen til Samspill"), (None, "Velkommen til Samspill"),
])
def test_the_first_page_is_in_the_browsers_language_until_the_reader_chooses(locale, title):
    # an English-speaking company landed on a Norwegian sign-in page, with the switch to find in the sidebar
    from test_app import new_app

    at = new_app()
    at.context["locale"] = locale
    ok(at.run())
    assert [h.value for h in at.title] == [title]
    if locale == "en-GB":  # a choice wins over the browser
        at.sidebar.radio(key="app_lang").set_value("nb")
        ok(at.run())
        assert [h.value for h in at.title] == ["Velkommen til Samspill"]
