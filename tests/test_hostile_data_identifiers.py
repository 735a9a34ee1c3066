"""Hostile ids: look-alikes, other normal forms and invisible characters, through the importers and
account creation.

An id that looks like a stored one must either be that one (full-width letters, a no-break space:
NFKC joins them) or be refused (a Cyrillic Т among Latin letters: no normal form joins them), with
one line naming the file, row, column and the character; nothing is written.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from import_support import contents, write

from data.accounts import DEMO_ACCOUNTS, AccountError, create_account, ensure_demo_accounts, viewer_for
from data.identifiers import clean_id, mixed_script
from data.importers import ImportFileError, import_path
from data.importers.messages import describe
from data.models import Organisation
from data.store import PartnerStore

HEADER = "org_id,name,kind,country,region,org_number,description\n"
SEED = HEADER + "SINTEF,SINTEF AS,research,NO,,,Forskning\ninnherred-hydrogen,Innherred Hydrogen,company,NO,,,H2\n"


@pytest.fixture
def store(tmp_path):
    with PartnerStore(tmp_path / "ids.duckdb") as store:
        import_path(store, write(tmp_path, "seed/organisations.csv", SEED))
        yield store


LOOKALIKES = [
    ("SIN\u0422EF", "U+0422 CYRILLIC CAPITAL LETTER TE"),
    ("SIN\u03a4EF", "U+03A4 GREEK CAPITAL LETTER TAU"),
    ("innherred-hydr\u043egen", "U+043E CYRILLIC SMALL LETTER O"),
    ("\u0405INTEF", "U+0049 LATIN CAPITAL LETTER I"),  # a Cyrillic DZE first: then the Latin I is the odd one
]


@pytest.mark.parametrize(("org_id", "character"), LOOKALIKES, ids=["cyrillic T", "greek tau", "cyrillic o", "dze"])
def test_an_id_mixing_latin_with_cyrillic_or_greek_is_refused_naming_file_row_column_and_character(
    store, tmp_path, org_id, character
):
    before = contents(store)
    rows = f"ok-1,Ok AS,company,NO,,,\n{org_id},Look-alike,company,NO,,,\n"
    path = write(tmp_path, "new/organisations.csv", HEADER + rows)
    with pytest.raises(ImportFileError) as refused:
        import_path(store, path)
    message = str(refused.value)
    assert message.startswith("organisations.csv, row 2 (line 3), column org_id: mixes ")
    assert character in message and "could pass for another id" in message and "\n" not in message
    assert contents(store) == before


def test_a_participation_naming_a_look_alike_is_refused_where_it_names_it(store, tmp_path):
    folder = tmp_path / "set"
    write(tmp_path, "set/projects.csv", "project_id,title,summary,start_year,programme\np1,Pilot,,2024,\n")
    write(tmp_path, "set/participations.csv", "project_id,org_id,role\np1,SINTEF,partner\np1,SIN\u0422EF,partner\n")
    before = contents(store)
    with pytest.raises(ImportFileError, match=r"participations.csv, row 2 \(line 3\), column org_id: mixes Latin"):
        import_path(store, folder)
    assert contents(store) == before


@pytest.mark.parametrize(
    "typed",
    ["\uff33\uff29\uff2e\uff34\uff25\uff26", " SINTEF\u00a0", "".join(chr(0x1D400 + ord(c) - 65) for c in "SINTEF")],
    ids=["full-width", "no-break spaces around", "mathematical bold"],
)
def test_an_id_in_another_normal_form_is_the_stored_organisation_not_a_second_one(store, tmp_path, typed):
    path = write(tmp_path, "again/organisations.csv", HEADER + f"{typed},SINTEF AS,research,NO,,,Ny\n")
    report = import_path(store, path)
    assert (report.organisations.added, report.organisations.updated) == (0, 1)
    assert sorted(o.org_id for o in store.organisations()) == ["SINTEF", "innherred-hydrogen"]
    assert store.organisation("SINTEF").description == "Ny"


def test_a_no_break_space_inside_an_id_is_a_space(store, tmp_path):
    import_path(store, write(tmp_path, "a/organisations.csv", HEADER + "Fosen Solkraft,Fosen AS,company,NO,,,\n"))
    path = write(tmp_path, "b/organisations.csv", HEADER + "Fosen\u00a0Solkraft,Fosen AS,company,NO,,,x\n")
    report = import_path(store, path)
    assert (report.organisations.added, report.organisations.updated) == (0, 1)


def test_a_control_character_in_an_id_is_refused_not_dropped(store, tmp_path):
    """Dropping it made "ab" of "a<NUL>b", the id of another organisation."""
    import_path(store, write(tmp_path, "a/organisations.csv", HEADER + "ab,AB AS,company,NO,,,Original\n"))
    before = contents(store)
    with pytest.raises(ImportFileError, match=r"row 1 \(line 2\), column org_id: holds U\+0000, which an id may not"):
        import_path(store, write(tmp_path, "b/organisations.csv", HEADER + "a\x00b,Other AS,company,NO,,,Overwrites\n"))
    assert contents(store) == before


def test_a_cordis_name_in_one_non_latin_alphabet_keeps_its_id(store, tmp_path):
    """The ``N:`` of a name id is the source's prefix, not a Latin letter of the id."""
    path = write(tmp_path, "orgs.csv", "orgId,name,activityType,country,city\n1,ООО ВОЛНА,PRC,RU,МОСКВА\n")
    import_path(store, path)
    assert "N:ООО ВОЛНА" in {o.org_id for o in store.organisations()}


def test_the_rule_itself():
    assert clean_id("N:ИВАН") == ("N:ИВАН", None)
    assert clean_id("NO:923609016") == ("NO:923609016", None)
    assert clean_id("华为 Norge AS") == ("华为 Norge AS", None)  # Han is no look-alike of Latin
    assert clean_id("Ålesund-Æøå") == ("Ålesund-Æøå", None)
    assert clean_id("ﬁskeri") == ("fiskeri", None)  # the ligature is two letters
    assert mixed_script("N:SIN\u0422EF") == ("LATIN", "\u0422")  # the prefix does not hide the body
    assert clean_id("x" * 299 + "ﬁ")[1] == "has 301 characters; an id has at most 300"  # counted as stored


def test_the_app_words_the_refusal_in_the_readers_language(store, tmp_path):
    with pytest.raises(ImportFileError) as refused:
        import_path(store, write(tmp_path, "n/organisations.csv", HEADER + "SIN\u0422EF,X,company,NO,,,\n"))
    nb = describe(refused.value, "nb")
    assert nb.startswith("organisations.csv, rad 1 (linje 2), kolonne org_id: id-en blander bokstaver fra to alfabeter")
    assert "U+0422" in nb and "could pass" not in nb


# -- accounts ------------------------------------------------------------------------------------------


def test_a_company_account_without_an_organisation_is_refused(store):
    for org_id in (None, "", "   "):
        with pytest.raises(AccountError, match="a company account needs its organisation"):
            create_account(store, "kari", "long-enough-password", "company", org_id)
    assert store.counts()["accounts"] == 0
    create_account(store, "radgiver", "long-enough-password", "adviser")  # an adviser needs none
    assert store.counts()["accounts"] == 1


def test_an_account_for_a_look_alike_organisation_is_refused_and_a_full_width_one_finds_it(store):
    with pytest.raises(AccountError, match="the organisation id mixes Latin letters with U\\+0422"):
        create_account(store, "kari", "long-enough-password", "company", "SIN\u0422EF")
    assert store.counts()["accounts"] == 0
    viewer = create_account(store, "kari", "long-enough-password", "company", "\uff33\uff29\uff2e\uff34\uff25\uff26")
    assert viewer.org_id == "SINTEF" and viewer_for(store, "kari").org_id == "SINTEF"


def test_cli_refuses_a_company_account_without_org_in_one_line_before_asking_a_password(tmp_path):
    from samspill_cli import main

    db = tmp_path / "cli.duckdb"
    PartnerStore(db).close()
    result = CliRunner().invoke(main, ["--db", str(db), "account", "add", "kari", "--role", "company"])
    assert result.exit_code == 1
    assert result.output == "Error: a company account needs its organisation: give the organisation id (--org ORG_ID)\n"
    with PartnerStore(db) as store:
        assert store.counts()["accounts"] == 0


def test_demo_accounts_make_no_company_account_without_a_company_for_it(tmp_path):
    from samspill_cli import main

    db = tmp_path / "demo.duckdb"
    with PartnerStore(db) as store:
        store.upsert([Organisation("acme", "Acme AS", kind="company"), Organisation("ntnu", "NTNU", kind="education")])
    result = CliRunner().invoke(main, ["--db", str(db), "demo-accounts"])
    assert result.exit_code == 0, result.output
    assert "bedrift2   not made: no company left in the register for it" in result.output
    with PartnerStore(db) as store:
        viewers = ensure_demo_accounts(store)  # idempotent, and still no account without its organisation
        assert [(v.username, v.org_id) for v in viewers] == [("radgiver", None), ("bedrift1", "acme")]
        assert all(viewer_for(store, a.username) is None for a in DEMO_ACCOUNTS if a.username == "bedrift2")
