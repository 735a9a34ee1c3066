"""The Streamlit app driven through AppTest: every page, both roles, both languages.

Each test gets its own copy of the sample database (with vectors and demo
accounts, see ``sample_db_file``), so the app's cached store and matcher are
per test while the embedding model is loaded once per process.
"""

from __future__ import annotations

import importlib.util
import logging
import re
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from data.accounts import DEMO_PASSWORD, create_account
from data.settings import Settings
from data.store import PartnerStore

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "streamlit_app.py")
TIMEOUT = 300  # the first run in a process loads the model

IDEA_TITLE = "Hydrogen på fôrflåter"
IDEA_TEXT = (
    "Vi vil erstatte dieselaggregatene på fôrflåtene våre med hydrogen og brenselceller, "
    "og trenger en partner på hydrogensikkerhet og en som kan havbruk."
)


# -- helpers -------------------------------------------------------------------------------------


@pytest.fixture
def app_db(tmp_path, sample_db_file, monkeypatch) -> Path:
    db = tmp_path / "app.duckdb"
    shutil.copy(sample_db_file, db)
    monkeypatch.setenv("SAMSPILL_DB", str(db))
    monkeypatch.delenv("SAMSPILL_MODEL", raising=False)
    return db


def new_app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=TIMEOUT)


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def sign_in(username: str, password: str = DEMO_PASSWORD) -> AppTest:
    at = ok(new_app().run())
    at.text_input(key="signin_username").input(username)
    at.text_input(key="signin_password").input(password)
    at.button(key="signin_submit").click()
    return ok(at.run())


def goto(at: AppTest, page: str) -> AppTest:
    return ok(at.switch_page(f"app_pages/{page}.py").run())


def texts(at: AppTest) -> str:
    """Everything the page shows as text, for 'is it there' checks."""
    parts = [e.value for kind in ("title", "header", "subheader", "markdown", "caption", "info", "success",
                                  "warning", "error") for e in getattr(at, kind)]
    parts += [str(e.value) for e in at.dataframe]
    return "\n".join(parts)


def submit_idea(at: AppTest, title: str = IDEA_TITLE, text: str = IDEA_TEXT) -> AppTest:
    at.text_input(key="submit_contact").input("Kari Nordmann, kari@example.no")
    at.text_input(key="submit_title").input(title)
    at.text_area(key="submit_text").input(text)
    at.button(key="submit_send").click()
    return ok(at.run())


def find_partners(at: AppTest, text: str, **filters) -> AppTest:
    """Ask for partners; ``filters`` set the multiselects (``kinds``, ``regions``) or the selectboxes."""
    at.text_area(key="find_partners_text").input(text)
    for key, value in filters.items():
        if isinstance(value, list):
            at.multiselect(key=f"find_partners_{key}").set_value(value)
        else:
            at.selectbox(key=f"find_partners_{key}").set_value(value)
    at.button(key="find_partners_run").click()
    return ok(at.run())


def open_result_tab(at: AppTest, name: str) -> AppTest:
    """Open one of the result's tabs (app_pages.find_partners.RESULT_TABS), as a click on it does."""
    at.session_state["find_partners_open_tab"] = name
    return ok(at.run())


def suggestion_names(at: AppTest) -> list[str]:
    """Names of the ranked organisations, in order ("1. **Name** · kind ...")."""
    out = []
    for m in at.markdown:
        hit = re.match(r"^\d+\. \*\*(.+?)\*\* · ", m.value)
        if hit:
            out.append(hit.group(1).replace("\\", ""))
    return out


# -- sign-in -------------------------------------------------------------------------------------


def test_sign_in_bad_then_good_password(app_db):
    at = ok(new_app().run())
    assert at.title[0].value == "Velkommen til Samspill"
    assert "samspill-demo" in texts(at)  # the demo accounts are untouched: their password is shown
    at.text_input(key="signin_username").input("radgiver")
    at.text_input(key="signin_password").input("feil-passord")
    at.button(key="signin_submit").click()
    ok(at.run())
    assert [e.value for e in at.error] == ["Feil brukernavn eller passord."]
    assert at.title[0].value == "Velkommen til Samspill"

    at.text_input(key="signin_password").input(DEMO_PASSWORD)
    at.button(key="signin_submit").click()
    ok(at.run())
    assert at.title[0].value == "Finn partnere"
    assert "radgiver" in " ".join(c.value for c in at.sidebar.caption)

    at.sidebar.button(key="app_sign_out").click()
    ok(at.run())
    assert at.title[0].value == "Velkommen til Samspill"


OIDC = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "not-a-secret-just-a-test-value-000",
    "client_id": "samspill",
    "client_secret": "test",
    "server_metadata_url": "https://login.example.org/.well-known/openid-configuration",
}


def oidc_app(user: dict, advisers=()) -> AppTest:
    at = new_app()
    at.secrets["auth"] = OIDC
    if advisers:
        at.secrets["samspill"] = {"advisers": list(advisers)}
    at.user = user
    return ok(at.run())


def test_oidc_sign_in_page_offers_the_provider(app_db):
    at = oidc_app({"is_logged_in": False})
    assert at.subheader[0].value == "Logg inn med organisasjonskontoen din"
    at.button(key="signin_oidc_default").click()
    ok(at.run())
    if importlib.util.find_spec("authlib") is None:
        assert "Authlib" in at.error[0].value  # a readable message, not a traceback
    else:  # no identity provider reachable from a test: Streamlit refuses, the page says so
        assert at.error and "organisasjonskonto" in at.error[0].value


def test_oidc_roles_from_secrets_and_accounts(app_db):
    at = oidc_app({"is_logged_in": True, "email": "Kari@Klynge.no", "email_verified": True}, advisers=["@klynge.no"])
    assert at.title[0].value == "Finn partnere"
    at = oidc_app({"is_logged_in": True, "email": "ola@firma.no", "email_verified": True}, advisers=["@klynge.no"])
    assert at.title[0].value == "Send inn en prosjektidé"
    assert at.selectbox(key="submit_org").value is None  # no organisation yet: pick one or name a new one
    at.text_input(key="submit_new_org").input("Fjordtang AS")
    submit_idea(at, "Tang som fôr", "Vi vil dyrke tang ved siden av laksemerdene og bruke den som fôrråstoff.")
    assert at.success[0].value.startswith("Takk!")
    goto(at, "my_ideas")
    assert "Tang som fôr" in at.expander[0].label
    at = oidc_app({"is_logged_in": True, "email": "ola@firma.no", "email_verified": False}, advisers=["@firma.no"])
    assert at.title[0].value == "Velkommen til Samspill"  # unverified addresses get nothing


def test_oidc_account_row_gives_role_and_organisation(tmp_path, sample_db_file, monkeypatch):
    db = tmp_path / "oidc.duckdb"
    shutil.copy(sample_db_file, db)
    with PartnerStore(db) as store:
        create_account(store, "per@titranlaks.no", None, "company", "titran-laks")
    monkeypatch.setenv("SAMSPILL_DB", str(db))
    at = oidc_app({"is_logged_in": True, "email": "per@titranlaks.no", "email_verified": True})
    assert "Titran Laks AS" in texts(at)


def test_demo_credentials_hidden_without_demo_accounts(tmp_path, monkeypatch):
    db = tmp_path / "real.duckdb"
    with PartnerStore(db) as store:
        create_account(store, "kari", "et-ordentlig-passord", "adviser")
    monkeypatch.setenv("SAMSPILL_DB", str(db))
    at = ok(new_app().run())
    assert DEMO_PASSWORD not in texts(at)
    assert "demokonto" not in texts(at)


def test_empty_database_says_import_first(tmp_path, monkeypatch):
    db = tmp_path / "empty.duckdb"
    with PartnerStore(db) as store:
        create_account(store, "kari", "et-ordentlig-passord", "adviser")
    monkeypatch.setenv("SAMSPILL_DB", str(db))
    at = ok(new_app().run())
    at.text_input(key="signin_username").input("kari")
    at.text_input(key="signin_password").input("et-ordentlig-passord")
    at.button(key="signin_submit").click()
    ok(at.run())
    assert "Databasen er tom" in at.info[0].value
    for page in ("inbox", "organisations", "network", "submit_idea"):
        goto(at, page)
        assert at.info, page  # a clear message, not a traceback or a blank page


@pytest.fixture(autouse=True)
def keep_torch_threads():
    """The app drops torch to one thread once it has indexed (serving); give the rest of the
    test session its threads back."""
    import torch

    threads = torch.get_num_threads()
    yield
    torch.set_num_threads(threads)


def test_preload_builds_the_index_in_the_background_then_serves_on_one_thread(tmp_path, monkeypatch):
    from app_pages.resources import Workspace
    from data.models import Organisation

    db = tmp_path / "fresh.duckdb"
    with PartnerStore(db) as store:
        store.upsert([Organisation("havlys", "Havlys AS", kind="company", description="Undervannslys for merder.")])
    ws = Workspace(Settings(db=db))
    embedder = ws.embedder()  # onnxruntime: each query on its calling thread, bulk calls on `threads`
    embedder.set_threads(2)
    assert not ws.indexed
    thread = ws.preload()
    assert ws.preload() is thread  # a second page view starts nothing new
    thread.join(timeout=TIMEOUT)
    assert ws.indexed and not thread.is_alive()
    assert ws.store.embedding_space() is not None
    # the first index used every core; from now on sessions share the cores, one thread each
    assert embedder.threads == 1
    ws.store.close()


def test_missing_index_is_built_on_first_use(tmp_path, monkeypatch):
    from data.models import Organisation

    db = tmp_path / "fresh.duckdb"
    with PartnerStore(db) as store:
        store.upsert([
            Organisation("havlys", "Havlys AS", kind="company", description="Undervannslys for oppdrettsmerder."),
            Organisation("fjordlab", "Fjordlab", kind="research", description="Forskning på fiskevelferd og lys."),
            Organisation("stallaget", "Stållaget AS", kind="company", description="Sveising av stålkonstruksjoner."),
        ])
        create_account(store, "kari", "et-ordentlig-passord", "adviser")
        assert store.embedding_space() is None  # never indexed
    monkeypatch.setenv("SAMSPILL_DB", str(db))
    at = ok(new_app().run())
    at.text_input(key="signin_username").input("kari")
    at.text_input(key="signin_password").input("et-ordentlig-passord")
    at.button(key="signin_submit").click()
    ok(at.run())
    find_partners(at, "Lys i merdene for bedre fiskevelferd.")
    assert suggestion_names(at)[:2] in (["Havlys AS", "Fjordlab"], ["Fjordlab", "Havlys AS"])


# -- companies and advisers ---------------------------------------------------------------------


def test_company_submits_idea_adviser_sees_it_other_company_does_not(app_db, caplog):
    caplog.set_level(logging.DEBUG)
    company = sign_in("bedrift1")
    assert company.title[0].value == "Send inn en prosjektidé"
    assert "Innherred Hydrogen AS" in texts(company)  # the account's own organisation, fixed
    submit_idea(company)
    assert company.success[0].value.startswith("Takk! Idé nr. 1")
    first = suggestion_heading_names(company)
    assert first and "Innherred Hydrogen AS" not in first  # suggestions, never the submitter itself
    assert any(m.value.startswith("- ") for m in company.markdown)  # with reasons
    goto(company, "my_ideas")
    assert IDEA_TITLE in company.expander[0].label

    adviser = sign_in("radgiver")
    goto(adviser, "inbox")
    assert IDEA_TITLE in texts(adviser)
    assert "kari@example.no" in texts(adviser)
    adviser.selectbox(key="inbox_status_1").set_value("in_progress")
    adviser.text_area(key="inbox_notes_1").set_value("Ringt Kari, venter på svar.")
    adviser.button(key="inbox_save_1").click()
    ok(adviser.run())
    assert "under arbeid" in texts(adviser)

    other = sign_in("bedrift2")
    goto(other, "my_ideas")
    assert IDEA_TITLE not in texts(other)
    assert "ikke sendt inn noen idéer" in texts(other)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        other.switch_page("app_pages/inbox.py")  # the inbox is not among a company's pages
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        other.switch_page("app_pages/find_partners.py")

    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert IDEA_TEXT not in logged and "fôrflåtene" not in logged
    assert DEMO_PASSWORD not in logged


def suggestion_heading_names(at: AppTest) -> list[str]:
    return [re.match(r"^\*\*(.+?)\*\*", m.value).group(1) for m in at.markdown if re.match(r"^\*\*.+?\*\* · ", m.value)]


def test_company_without_text_gets_a_message(app_db):
    at = sign_in("bedrift1")
    at.text_input(key="submit_title").input("Bare en tittel")
    at.button(key="submit_send").click()
    ok(at.run())
    assert "Beskriv idéen med noen setninger." in at.error[0].value
    assert not at.success


def test_inbox_opens_the_idea_in_find_partners(app_db):
    submit_idea(sign_in("bedrift1"))
    adviser = sign_in("radgiver")
    goto(adviser, "inbox")
    adviser.button(key="inbox_find_1").click()
    ok(adviser.run())
    assert adviser.title[0].value == "Finn partnere"
    goto(adviser, "find_partners")  # AppTest keeps its own page: follow the app's switch
    assert adviser.session_state["find_partners_source"] == "inbox"
    assert "Innherred Hydrogen AS" in texts(adviser)  # searching from the submitter's point of view
    adviser.button(key="find_partners_run").click()
    ok(adviser.run())
    names = suggestion_names(adviser)
    assert names and "Innherred Hydrogen AS" not in names


# -- find partners -------------------------------------------------------------------------------


def test_find_partners_shows_reasons_feedback_and_shortlist(app_db):
    at = sign_in("radgiver")
    find_partners(at, "Vi vil elektrifisere fôrflåter og arbeidsbåter i havbruket med batterier og landstrøm.")
    names = suggestion_names(at)
    assert len(names) == 10
    assert "Elektrisk Sjø AS" in names[:3]
    reasons = [m.value for m in at.markdown if m.value.startswith("- ")]
    assert reasons and any("Profilen sier" in r or "Har deltatt i" in r for r in reasons)
    labels = [t.label for t in at.tabs]
    assert labels[0] == "Organisasjoner (10)" and labels[3] == "Kortliste (0)"
    assert labels[1].startswith("Bedrift + forskning") and labels[2].startswith("Konsortier")

    at.button(key="find_partners_fb_useful_elektrisk-sjo").click()
    ok(at.run())
    prefix = "find_partners_fb_not_useful_"
    other = [b.key.removeprefix(prefix) for b in at.button if (b.key or "").startswith(prefix)][-1]
    at.button(key=prefix + other).click()
    ok(at.run())
    assert any("Sist vurdert: Nyttig (radgiver" in c.value for c in at.caption)
    assert at.checkbox(key="find_partners_short_elektrisk-sjo").value is True
    shortlist_tab = next(t for t in at.tabs if t.label.startswith("Kortliste"))
    assert shortlist_tab.label == "Kortliste (1)"
    open_result_tab(at, "shortlist")
    assert [d.label for d in at.get("download_button")][:2] == ["Last ned CSV", "Utskriftsvennlig side"]
    # what was stored: who and when, and the balance the matcher reads (through the app's own store)
    from app_pages.resources import workspace

    feedback = workspace().store.feedback()
    assert [(f.org_id, f.verdict, f.given_by) for f in feedback] == [
        ("elektrisk-sjo", "useful", "radgiver"),
        (other, "not_useful", "radgiver"),
    ]
    assert all(f.given_at for f in feedback)
    assert workspace().store.feedback_balance() == {"elektrisk-sjo": 1, other: -1}


def test_a_pairing_put_on_the_shortlist_stays_together(app_db):
    at = sign_in("radgiver")
    find_partners(at, "Vi vil elektrifisere fôrflåter og arbeidsbåter i havbruket med batterier og landstrøm.")
    open_result_tab(at, "pairs")
    at.button(key="find_partners_pair_0").click()
    ok(at.run())
    shortlist_tab = next(t for t in at.tabs if t.label.startswith("Kortliste"))
    assert shortlist_tab.label == "Kortliste (2)"
    open_result_tab(at, "shortlist")
    table = next(d.value for d in at.dataframe if "Gruppe" in d.value.columns)  # profiles have tables too
    assert list(table["Gruppe"]) == [table["Gruppe"][0]] * 2 and table["Gruppe"][0].startswith("Par 1: ")


def test_a_result_draws_only_the_open_tab_and_a_profile_when_opened(app_db):
    at = sign_in("radgiver")
    find_partners(at, "Vi vil elektrifisere fôrflåter og arbeidsbåter i havbruket med batterier og landstrøm.")
    keys = {b.key for b in at.button}
    assert "find_partners_fb_useful_elektrisk-sjo" in keys
    assert not any(k.startswith(("find_partners_pair_", "find_partners_consortium_")) for k in keys)
    assert not at.dataframe  # no profile's project table until its profile is opened
    at.session_state["find_partners_profile_elektrisk-sjo"] = True  # as a click on "Profil" does
    ok(at.run())
    assert len(at.dataframe) == 1 and "Prosjekt" in at.dataframe[0].value.columns
    open_result_tab(at, "consortia")
    keys = {b.key for b in at.button}
    assert "find_partners_consortium_0" in keys and "find_partners_fb_useful_elektrisk-sjo" not in keys
    # the open tab stays open when another tab's count changes, and a new match opens the first again
    at.button(key="find_partners_consortium_0").click()
    ok(at.run())
    assert at.session_state["find_partners_tab"].startswith("Konsortier")
    assert next(t.label for t in at.tabs if t.label.startswith("Kortliste")) != "Kortliste (0)"
    find_partners(at, "Robotisert sveising av stålmoduler.")
    assert at.session_state["find_partners_tab"].startswith("Organisasjoner")


def test_find_partners_filters_and_we_are_mode(app_db):
    at = sign_in("radgiver")
    find_partners(at, "Automatisert sveising av stålmoduler med roboter og maskinsyn.", kinds=["research"])
    kinds = [m.value.split(" · ")[1] for m in at.markdown if re.match(r"^\d+\. \*\*", m.value)]
    assert kinds and set(kinds) == {"forskning"}

    # research partners include the universities' research groups: research and education together
    find_partners(at, "Automatisert sveising av stålmoduler med roboter og maskinsyn.", kinds=["research", "education"])
    kinds = [m.value.split(" · ")[1] for m in at.markdown if re.match(r"^\d+\. \*\*", m.value)]
    assert set(kinds) == {"forskning", "utdanning"}
    assert "NTNU – Norges teknisk-naturvitenskapelige universitet" in suggestion_names(at)

    at.multiselect(key="find_partners_kinds").set_value([])
    at.selectbox(key="find_partners_as_org").set_value("verdal-stalmontasje")
    at.button(key="find_partners_run").click()
    ok(at.run())
    names = suggestion_names(at)
    assert "Verdal Stålmontasje AS" not in names
    assert any("Har samarbeidet med Verdal Stålmontasje AS" in m.value or "Partner av dine partnere" in m.value
               for m in at.markdown)


def test_find_partners_filters_offer_what_the_data_has_most_used_first(app_db):
    at = sign_in("radgiver")
    regions = at.multiselect(key="find_partners_regions").options
    counts = [int(re.fullmatch(r".+ \((\d+)\)", option).group(1)) for option in regions]
    assert regions[0].startswith("Trøndelag (") and counts == sorted(counts, reverse=True)
    assert any(option.startswith("Jämtlands län (") for option in regions)  # a region abroad, as the file names it
    kinds = at.multiselect(key="find_partners_kinds").options
    assert all(re.fullmatch(r".+ \(\d+\)", option) for option in kinds)
    assert any(option.startswith("forskning (") for option in kinds)
    find_partners(at, "Automatisert sveising av stålmoduler med roboter og maskinsyn.", regions=["Jämtlands län"])
    assert 0 < len(suggestion_names(at)) <= 3


@pytest.mark.parametrize("idea", ["???", "!!! ..."])
def test_library_errors_show_as_messages(app_db, idea):
    at = sign_in("radgiver")
    find_partners(at, idea)
    assert at.error and at.error[0].value.startswith("Det gikk ikke:")
    assert not suggestion_names(at)


def test_editing_a_profile_changes_its_matches(app_db):
    idea = ("Vi vil bygge en kvantedatamaskin med superledende qubits og trenger kompetanse på "
            "kryogenikk og mikrobølgeelektronikk.")
    at = sign_in("radgiver")
    find_partners(at, idea)
    assert "Lederløft Industri AS" not in suggestion_names(at)[:3]

    goto(at, "organisations")
    at.text_input(key="organisations_search").input("Lederløft")
    ok(at.run())
    assert at.selectbox(key="organisations_open").value == "lederloft"
    at.text_area(key="organisations_desc_lederloft").input(
        "Lederløft bygger kvantedatamaskiner med superledende qubits, kryogenikk og mikrobølgeelektronikk."
    )
    at.text_input(key="organisations_comp_lederloft").input("kvantedatamaskiner; qubits; kryogenikk")
    at.button(key="organisations_save_lederloft").click()
    ok(at.run())
    assert "Profilen til Lederløft Industri AS er lagret" in at.success[0].value

    goto(at, "find_partners")
    at.button(key="find_partners_run").click()  # the idea text is still in the box
    ok(at.run())
    assert suggestion_names(at)[0] == "Lederløft Industri AS"


def uploader(at: AppTest):
    """The import page's file uploader (a new one after each import, so no file is sent twice)."""
    (found,) = [u for u in at.file_uploader if (u.key or "").startswith("organisations_upload_")]
    return found


def test_import_through_the_app_reports_added_and_refused(app_db):
    at = sign_in("radgiver")
    goto(at, "organisations")
    good = (  # no country, region, org_number or description column: they are optional
        "org_id,name,kind,description,competences,municipality,employees,website,contact_name,contact_email\n"
        "fjordkvant,Fjordkvant AS,company,Kvanteteknologi for havbruk,kvante;sensorer,Frøya,12,fjordkvant.example.org,"
        "Ada Kvant,ada@fjordkvant.example.org\n"
    ).encode()
    uploader(at).upload("organisations.csv", good, "text/csv")
    ok(at.run())
    first = uploader(at).key
    at.button(key="organisations_import").click()
    ok(at.run())
    report = next(d.value for d in at.dataframe if "Lagt til" in d.value.columns)
    assert report.set_index("Tabell").loc["Organisasjoner", "Lagt til"] == 1
    assert report.set_index("Tabell").loc["Kontaktpersoner (organisasjoner)", "Lagt til"] == 1
    assert "Søkeindeksen er oppdatert" in texts(at)
    assert uploader(at).key != first  # the file left the uploader; the report stayed

    uploader(at).upload("organisations.csv", b"org_id;name\nx;X\n", "text/csv")
    ok(at.run())
    at.button(key="organisations_import").click()
    ok(at.run())
    assert at.error and "ble avvist, og ingenting ble endret" in at.error[0].value
    assert "bruk komma mellom kolonnene" in at.error[0].value  # the reason in the reader's language
    assert "\n" not in at.error[0].value
    at.sidebar.radio(key="app_lang").set_value("en")
    ok(at.run())
    assert "separate the columns with commas" in at.error[0].value  # the report stays, now in English
    assert not uploader(at).value  # the refused file is not sent again
    at.sidebar.radio(key="app_lang").set_value("nb")
    ok(at.run())

    at.text_input(key="organisations_search").input("Fjordkvant")
    ok(at.run())
    assert at.selectbox(key="organisations_open").value == "fjordkvant"


# -- network -------------------------------------------------------------------------------------


@pytest.mark.parametrize("cumulative", [False, True])
def test_network_renders_for_several_years(app_db, cumulative):
    at = goto(sign_in("bedrift1"), "network")  # everyone signed in sees the network
    assert at.title[0].value == "Samarbeidsnettverket"
    if cumulative:
        at.toggle(key="network_cumulative").set_value(True)
    seen = {}
    for year in (2016, 2019, 2022, 2025):
        at.select_slider(key="network_year").set_value(year)
        ok(at.run())
        seen[year] = [m.value for m in at.metric]
        assert at.subheader[0].value == f"Nøkkeltall {year}"
    assert len({tuple(v) for v in seen.values()}) == 4  # each year has its own figures
    at.selectbox(key="network_org").set_value("sintef")
    ok(at.run())
    ties = at.dataframe[0].value
    assert len(ties) >= 2 and "Partner" in ties.columns
    assert "Foreslåtte introduksjoner" in texts(at)
    labels = [d.label for d in at.get("download_button")]
    assert labels == ["Last ned GEXF", "Årsrapport (PDF)", "Årsrapport (DOCX)", "Årsrapport (HTML)"]


def test_network_downloads_produce_files(app_db):
    # The page's download buttons hand these library calls to Streamlit; run them as it would.
    from graph.export import export_bytes
    from graph.report import build_report, report_bytes

    with PartnerStore(app_db, read_only=True) as store:  # before the app holds the file
        records = store.organisations(), store.projects(), store.participations()
    at = goto(sign_in("radgiver"), "network")
    assert not at.exception
    png = export_bytes(*records, "png", year=2022, cumulative=False, lang="nb")
    assert png.startswith(b"\x89PNG")
    gexf = export_bytes(*records, "gexf", year=2022, cumulative=True, lang="nb")
    assert b"<gexf" in gexf
    html = report_bytes(build_report(*records, year=2022, lang="en"), "html")
    assert b"<html" in html.lower()


def test_network_views_filters_and_one_organisation(app_db):
    at = goto(sign_in("radgiver"), "network")
    at.toggle(key="network_cumulative").set_value(True)
    ok(at.run())
    captions = " ".join(c.value for c in at.caption)
    assert "Alt samarbeid til og med" in captions and "navn der de får plass" in captions
    for view, caption in (("communities", "Hvert miljø er én sirkel"), ("organisation", "Velg en aktør over")):
        at.segmented_control(key="network_view").set_value(view)
        ok(at.run())
        assert caption in texts(at), view
    at.selectbox(key="network_org").set_value("sintef")
    ok(at.run())
    assert "Den valgte aktøren i midten" in texts(at)
    at.segmented_control(key="network_view").set_value("members")
    at.multiselect(key="network_kinds").set_value(["research"])
    ok(at.run())
    shown = re.search(r"Viser (\d+) sirkler", texts(at))
    assert shown and 1 <= int(shown.group(1)) < 40  # research organisations (and SINTEF, chosen), not all


def test_network_quiet_members_and_internal_report_are_for_advisers(app_db):
    company = goto(sign_in("bedrift1"), "network")
    company.select_slider(key="network_year").set_value(2022)
    ok(company.run())
    assert "Stille i to år" not in texts(company)
    assert not [w for w in company.toggle if w.key == "network_report_internal"]
    adviser = goto(sign_in("radgiver"), "network")
    adviser.select_slider(key="network_year").set_value(2022)
    ok(adviser.run())
    assert "Stille i to år" in texts(adviser)
    assert adviser.toggle(key="network_report_internal").value is False  # public unless asked


# -- languages -----------------------------------------------------------------------------------


def test_english_switch_covers_every_page(app_db):
    at = ok(new_app().run())
    at.sidebar.radio(key="app_lang").set_value("en")
    ok(at.run())
    assert at.title[0].value == "Welcome to Samspill"
    at.text_input(key="signin_username").input("radgiver")
    at.text_input(key="signin_password").input(DEMO_PASSWORD)
    at.button(key="signin_submit").click()
    ok(at.run())
    assert at.title[0].value == "Find partners"
    find_partners(at, "Electrification of feed barges and work boats in aquaculture with batteries and shore power.")
    assert suggestion_names(at)
    assert any(m.value.startswith("- ") and ("Profile says" in m.value or "Took part in" in m.value)
               for m in at.markdown)
    expected = {"inbox": "Ideas inbox", "organisations": "Organisations", "network": "The collaboration network",
                "submit_idea": "Submit a project idea"}
    for page, title in expected.items():
        goto(at, page)
        assert at.title[0].value == title
    at.sidebar.radio(key="app_lang").set_value("nb")
    ok(at.run())
    assert at.title[0].value == "Send inn en prosjektidé"


# -- everyday use: sessions, links, contacts, introductions, own profiles, feedback ----------------


def test_sign_in_writes_a_signed_cookie_and_sign_out_revokes_it(app_db):
    from app_pages.resources import workspace
    from data.sessions import check_token, signing_secret

    at = sign_in("radgiver")
    script = " ".join(h.proto.body for h in at.sidebar.get("html"))
    token = at.session_state["auth_token"]
    assert f"samspill_session={token}; Path=/; Max-Age=" in script and "SameSite=Lax" in script
    store = workspace().store
    secret = signing_secret()  # no SAMSPILL_COOKIE_SECRET in the tests: this process's own
    assert check_token(store, secret, token).username == "radgiver"  # a reload with this cookie signs in
    at.sidebar.button(key="app_sign_out").click()
    ok(at.run())
    assert "samspill_session=; Path=/; Max-Age=0" in " ".join(h.proto.body for h in at.sidebar.get("html"))
    assert check_token(store, secret, token) is None  # a copied cookie is worth nothing now
    assert DEMO_PASSWORD not in script


@pytest.mark.parametrize("lang, labels", [("nb", ("Kontaktet", "Nyttig")), ("en", ("Contacted", "Useful"))])
def test_feedback_buttons_show_the_verdict_in_force_as_itself(app_db, lang, labels):
    at = sign_in("radgiver")
    at.sidebar.radio(key="app_lang").set_value(lang)
    ok(at.run())
    find_partners(at, "Vi vil elektrifisere fôrflåter og arbeidsbåter i havbruket med batterier og landstrøm.")
    org = "elektrisk-sjo"
    assert {at.button(key=f"find_partners_fb_{v}_{org}").proto.type for v in VERDICT_KEYS} == {"secondary"}
    at.button(key=f"find_partners_fb_contacted_{org}").click()
    ok(at.run())
    types = {v: at.button(key=f"find_partners_fb_{v}_{org}").proto.type for v in VERDICT_KEYS}
    assert types == {"useful": "secondary", "not_useful": "secondary", "contacted": "primary"}
    assert any(labels[0] in c.value and labels[1] not in c.value for c in at.caption if "radgiver" in c.value)


VERDICT_KEYS = ("useful", "not_useful", "contacted")


def _idea_for(at_or_none, user: str = "bedrift1", org: str = "innherred-hydrogen", confidential: bool = True):
    from app_pages.resources import workspace

    return workspace().store.add_idea(title=IDEA_TITLE, text=IDEA_TEXT, submitted_by=user, org_id=org,
                                      contact="Kari Nordmann, kari@example.no", confidential=confidential)


def test_links_open_an_idea_and_a_profile_and_check_the_viewer(app_db):
    at = sign_in("radgiver")
    idea = _idea_for(at)
    at.query_params["idea"] = str(idea.idea_id)
    goto(at, "inbox")
    assert at.selectbox(key="inbox_idea").value == idea.idea_id
    assert f"Lenke til idéen: /innboks?idea={idea.idea_id}" in texts(at)
    at.query_params.clear()
    at.query_params["idea"] = "999"
    at.session_state["inbox_linked_idea"] = None
    goto(at, "inbox")
    assert "Fant ingen idé nr. 999 som du har tilgang til." in [e.value for e in at.error]

    at.query_params.clear()
    at.query_params["org"] = "sintef"
    goto(at, "organisations")
    assert at.selectbox(key="organisations_open").value == "sintef"
    assert at.query_params["org"] == "sintef"  # the address bar names the open profile

    own = sign_in("bedrift1")
    own.query_params["idea"] = str(idea.idea_id)
    goto(own, "my_ideas")
    assert own.expander[0].proto.expanded and not own.error
    other = sign_in("bedrift2")
    other.query_params["idea"] = str(idea.idea_id)
    goto(other, "my_ideas")
    assert [e.value for e in other.error] == [f"Fant ingen idé nr. {idea.idea_id} som du har tilgang til."]
    assert IDEA_TEXT not in texts(other)


@pytest.mark.parametrize("lang, title, column", [("nb", "Delt kortliste", "Kontaktpersoner"),
                                                 ("en", "Shared shortlist", "Contact persons")])
def test_a_shortlist_has_a_link_that_opens_it_for_advisers(app_db, lang, title, column):
    from app_pages.resources import workspace
    from data.contacts import save_profile
    from data.models import Contact, Viewer

    save_profile(workspace().store, Viewer("radgiver", "adviser"), "elektrisk-sjo", {},
                 contacts=[Contact("Eva Sjø", "daglig leder", "eva@elektrisk-sjo.example.org")])
    at = sign_in("radgiver")
    at.sidebar.radio(key="app_lang").set_value(lang)
    ok(at.run())
    find_partners(at, "Vi vil elektrifisere fôrflåter og arbeidsbåter i havbruket med batterier og landstrøm.")
    at.checkbox(key="find_partners_short_elektrisk-sjo").check()
    ok(at.run())
    open_result_tab(at, "shortlist")
    shortlist = next(d.value for d in at.dataframe if column in d.value.columns)
    assert "eva@elektrisk-sjo.example.org" in " ".join(shortlist[column])
    at.button(key="find_partners_share").click()
    ok(at.run())
    link = next(c.value for c in at.code if "shortlist=" in c.value)
    assert link.startswith("/?shortlist=")  # the advisers' start page lives at "/" (its own path is "not found")
    shortlist_id = link.split("shortlist=")[1]

    colleague = sign_in("radgiver")
    colleague.sidebar.radio(key="app_lang").set_value(lang)
    ok(colleague.run())
    colleague.query_params["shortlist"] = shortlist_id
    goto(colleague, "find_partners")
    assert title in [s.value for s in colleague.subheader]
    shared = next(d.value for d in colleague.dataframe if column in d.value.columns)
    assert list(shared.iloc[:, 2]) == ["Elektrisk Sjø AS"] or "Elektrisk Sjø AS" in shared.to_csv()
    assert "eva@elektrisk-sjo.example.org" in shared.to_csv()


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_a_company_keeps_its_own_profile_and_advisers_see_the_change(app_db, lang):
    words = {"nb": ("Vår profil", "Profilen er lagret", "Ugyldig e-postadresse", "Sist endret av bedrift1"),
             "en": ("Our profile", "The profile is saved", "Not a valid e-mail address", "Last changed by bedrift1")}
    title, saved, bad_email, changed = words[lang]
    addition = "Vi bygger nå hydrogenanlegg for fôrflåter."
    at = sign_in("bedrift1")
    at.sidebar.radio(key="app_lang").set_value(lang)
    ok(at.run())
    goto(at, "own_profile")
    assert at.title[0].value == title
    at.text_input(key="own_profile_contact_0_name").input("Ingrid Hansen")
    at.text_input(key="own_profile_contact_0_email").input("ingrid(at)innherred")
    at.button(key="own_profile_save").click()
    ok(at.run())
    assert at.error and bad_email in at.error[0].value and "\n" not in at.error[0].value
    description = at.text_area(key="own_profile_description").value
    at.text_area(key="own_profile_description").input(description + " " + addition)
    at.text_input(key="own_profile_contact_0_email").input("ingrid@innherred-hydrogen.example.org")
    at.button(key="own_profile_save").click()
    ok(at.run())
    assert saved in at.success[0].value
    assert any(addition in m.value for m in at.markdown)  # the profile panel shows the new text at once
    assert any("ingrid@innherred-hydrogen.example.org" in m.value for m in at.markdown)

    adviser = sign_in("radgiver")
    adviser.sidebar.radio(key="app_lang").set_value(lang)
    ok(adviser.run())
    adviser.query_params["org"] = "innherred-hydrogen"
    goto(adviser, "organisations")
    assert any(changed in c.value for c in adviser.caption)
    assert any(addition in m.value for m in adviser.markdown)
    assert any("Ingrid Hansen" in m.value for m in adviser.markdown)


def test_an_adviser_edit_shows_in_every_panel_at_once(app_db):
    at = sign_in("radgiver")
    at.query_params["org"] = "lederloft"
    goto(at, "organisations")
    at.text_area(key="organisations_desc_lederloft").input("Lederløft lærer bort lean i verkstedet.")
    at.text_input(key="organisations_web_lederloft").input("lederloft.example.org")
    at.button(key="organisations_save_lederloft").click()
    ok(at.run())
    assert "Profilen til Lederløft Industri AS er lagret" in at.success[0].value
    assert "Lederløft lærer bort lean i verkstedet." in [m.value for m in at.markdown]
    assert any("https://lederloft.example.org" in m.value for m in at.markdown)
    assert at.text_area(key="organisations_desc_lederloft").value == "Lederløft lærer bort lean i verkstedet."


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_an_introduction_from_the_inbox_to_joint_project_in_both_languages(app_db, lang):
    words = {
        "nb": ("Introduksjon foreslått", "Hei Kari Nordmann", "felles prosjekt", "1 introduksjon gjort, og 1 av dem"),
        "en": ("Introduction proposed", "Dear Kari Nordmann", "joint project", "1 introduction made, and 1 of them"),
    }
    proposed, greeting, joint, count = words[lang]
    idea = _idea_for(None, confidential=False)
    from app_pages.resources import workspace

    workspace().store.update_idea(idea.idea_id, suggestions=["sintef", "elektrisk-sjo"])
    at = sign_in("radgiver")
    at.sidebar.radio(key="app_lang").set_value(lang)
    ok(at.run())
    at.query_params["idea"] = str(idea.idea_id)
    goto(at, "inbox")
    at.button(key=f"inbox_introduce_{idea.idea_id}_sintef").click()
    ok(at.run())
    assert any(proposed in s.value for s in at.success)
    body = at.text_area(key=f"intro_idea_1_body_{lang}").value
    assert body.startswith(greeting) and IDEA_TEXT[:40] in body  # a shareable idea is quoted
    assert [b.label for b in at.get("link_button")] and at.get("link_button")[0].proto.url.startswith("mailto:")
    assert at.button(key=f"inbox_introduce_{idea.idea_id}_sintef").disabled  # introduced once
    at.selectbox(key="intro_idea_1_proposed_status").set_value("joint_project")
    at.button(key="intro_idea_1_proposed_save").click()
    ok(at.run())
    assert any(joint in s.value for s in at.success)
    assert at.selectbox(key="intro_idea_1_joint_project_status").value == "joint_project"
    assert any(count in c.value for c in at.caption)  # the year's count on the Introductions tab

    company = sign_in("bedrift1")
    company.sidebar.radio(key="app_lang").set_value(lang)
    ok(company.run())
    goto(company, "my_ideas")
    assert joint in company.expander[0].label
    assert any(f"**SINTEF** · {joint}" == m.value for m in company.markdown)


def test_introducing_from_find_partners_needs_a_company(app_db):
    at = sign_in("radgiver")
    find_partners(at, "Vi vil elektrifisere fôrflåter og arbeidsbåter i havbruket med batterier og landstrøm.")
    assert at.button(key="find_partners_intro_elektrisk-sjo").disabled  # whom would it be introduced to?
    at.selectbox(key="find_partners_as_org").set_value("innherred-hydrogen")
    at.button(key="find_partners_run").click()
    ok(at.run())
    at.button(key="find_partners_intro_elektrisk-sjo").click()
    ok(at.run())
    assert any("Elektrisk Sjø AS: introduksjon foreslått" in e.value for e in at.toast)
    assert at.button(key="find_partners_intro_elektrisk-sjo").label == "foreslått"


def test_the_report_buttons_are_not_squeezed_into_columns(app_db):
    # three equal columns in half the page cut the labels to "Årsrapport (P…", "Årsrapport (D…" and
    # "Årsrapport (…" in a 1440-pixel window: which one is the PDF could not be read
    at = sign_in("radgiver")
    goto(at, "network")
    reports = [d.label for d in at.get("download_button") if d.label.startswith("Årsrapport")]
    assert reports == ["Årsrapport (PDF)", "Årsrapport (DOCX)", "Årsrapport (HTML)"]
    for column in at.columns:  # the downloads' half of the page holds all three; no column holds one alone
        held = {d.label for d in column.get("download_button")} & set(reports)
        assert held in (set(), set(reports)), held
