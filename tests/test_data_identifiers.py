"""Identifiers: what looks like one id is one id, and what could pass for another is refused.

Organisation numbers are nine ASCII digits with the mod-11 check digit; ids are NFC-normalised
and hold no control, zero-width or non-characters; a folder's files are read once and only from
inside it; usernames could not pass for another. The refusals' messages are also in the
bad-input catalogue; here is what stays one record.
"""

from __future__ import annotations

import json
import unicodedata

import pytest
from import_support import write

from data.accounts import AccountError, authenticate, create_account
from data.identifiers import clean_id, clean_org_number, org_number_check_digit, username_problem
from data.importers import ImportFileError, import_path
from data.store import PartnerStore, StoreError

HEADER = "org_id,name,kind,country,region,org_number,description\n"
NFC = unicodedata.normalize("NFC", "Ålesund-marin")
NFD = unicodedata.normalize("NFD", "Ålesund-marin")


@pytest.fixture
def store():
    with PartnerStore() as store:
        yield store


def test_an_id_typed_and_an_id_pasted_from_a_mac_are_one_organisation(store, tmp_path):
    assert NFC != NFD
    import_path(store, write(tmp_path, "a/organisations.csv", HEADER + f"{NFC},Ålesund Marin AS,company,NO,,,\n"))
    report = import_path(
        store, write(tmp_path, "b/organisations.csv", HEADER + f"{NFD},Ålesund Marin AS,company,NO,,,Ny\n")
    )
    assert (report.organisations.added, report.organisations.updated) == (0, 1)
    assert [o.org_id for o in store.organisations()] == [NFC]


def test_nfc_and_nfd_ids_in_one_file_are_duplicates(store, tmp_path):
    path = write(tmp_path, "organisations.csv", HEADER + f"{NFC},A,company,NO,,,\n{NFD},B,company,NO,,,\n")
    with pytest.raises(ImportFileError, match=f"row 2 .*duplicate org_id '{NFC}' \\(first at row 1\\)"):
        import_path(store, path)
    assert store.counts()["organisations"] == 0


def test_participations_find_their_organisation_whatever_the_normal_form(store, tmp_path):
    folder = tmp_path / "set"
    write(tmp_path, "set/organisations.csv", HEADER + f"{NFC},Ålesund Marin AS,company,NO,,,\n")
    write(tmp_path, "set/projects.csv", "project_id,title,summary,start_year,programme\np1,Pilot,,2024,\n")
    write(tmp_path, "set/participations.csv", f"project_id,org_id,role\np1,{NFD},partner\n")
    import_path(store, folder)
    assert [(p.project_id, p.org_id) for p in store.participations()] == [("p1", NFC)]


@pytest.mark.parametrize(
    "bad", ["x\uffff", "x\ufdd0", "x\u200d", "x\ufeff", "x\u2028y", "x\x00y", "x\U0010ffff"], ids=repr
)
def test_ids_that_would_vanish_or_merge_downstream_are_refused(bad):
    assert clean_id(bad)[1] is not None


def test_an_id_differing_by_a_non_character_cannot_be_stored_beside_the_other(store, tmp_path):
    """GEXF and GraphML cannot carry U+FFFF, so x and x+U+FFFF would be one node there: the second is refused."""
    import_path(store, write(tmp_path, "a/organisations.csv", HEADER + "x,X,company,NO,,,\n"))
    with pytest.raises(ImportFileError, match="holds U\\+FFFF"):
        import_path(store, write(tmp_path, "b/organisations.csv", HEADER + "x\uffff,X2,company,NO,,,\n"))
    assert [o.org_id for o in store.organisations()] == ["x"]


def test_organisation_numbers_are_nine_ascii_digits_with_their_check_digit():
    assert clean_org_number("923609016") == ("923609016", None)
    assert clean_org_number(" 923 609 016\n") == ("923609016", None)  # spacing as printed, a trailing newline
    assert clean_org_number("") == ("", None)
    assert org_number_check_digit("92360901") == 6
    for bad in ("92360901", "9236090160", "923609017", "٩٢٣٦٠٩٠١٦", "９２３６０９０１６", "92360901x"):
        assert clean_org_number(bad)[1] is not None, bad


def unit(number: str) -> str:
    return json.dumps({"organisasjonsnummer": number, "navn": "EQUINOR ASA", "organisasjonsform": {"kode": "ASA"}})


def test_a_number_with_a_trailing_newline_is_the_same_organisation(store, tmp_path):
    import_path(store, write(tmp_path, "a.json", unit("923609016")))
    report = import_path(store, write(tmp_path, "b.json", unit("923609016\n")))
    assert report.organisations.added == 0
    assert [o.org_id for o in store.organisations()] == ["NO:923609016"]


def test_a_number_in_other_digits_creates_nothing(store, tmp_path):
    import_path(store, write(tmp_path, "a.json", unit("923609016")))
    with pytest.raises(ImportFileError, match="expected 9 digits"):
        import_path(store, write(tmp_path, "b.json", unit("٩٢٣٦٠٩٠١٦")))
    assert [o.org_id for o in store.organisations()] == ["NO:923609016"]


# -- folders ---------------------------------------------------------------------------------------------


def test_a_folder_with_names_that_differ_only_by_case_is_refused_whole(store, tmp_path):
    write(tmp_path, "set/organisations.csv", HEADER + "a,A,company,NO,,,\n")
    write(tmp_path, "set/Organisations.CSV", HEADER + "b,B,company,NO,,,\n")
    with pytest.raises(ImportFileError, match="names that differ only by case"):
        import_path(store, tmp_path / "set")
    assert store.counts()["organisations"] == 0


def test_links_inside_the_folder_are_followed_and_links_out_of_it_are_not(store, tmp_path):
    write(tmp_path, "set/data/orgs.csv", HEADER + "a,A,company,NO,,,\n")
    (tmp_path / "set" / "organisations.csv").symlink_to(tmp_path / "set" / "data" / "orgs.csv")
    assert import_path(store, tmp_path / "set").organisations.added == 1

    write(tmp_path, "outside.csv", HEADER + "b,B,company,NO,,,\n")
    write(tmp_path, "other/projects.csv", "project_id,title,summary,start_year,programme\np,P,,2020,\n")
    (tmp_path / "other" / "organisations.csv").symlink_to(tmp_path / "outside.csv")
    with pytest.raises(ImportFileError, match="organisations.csv is a link to a file outside the folder"):
        import_path(store, tmp_path / "other")
    assert [o.org_id for o in store.organisations()] == ["a"]


# -- usernames and passwords ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["radgiver", "kari.nordmann@industrinavet.no", "kåre-ø", "bedrift_2+test", "иван"])
def test_ordinary_usernames_are_accepted(name):
    assert username_problem(name) is None


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("r\u0430dgiver", "different scripts"),  # Cyrillic а
        ("ｒａｄｇｉｖｅｒ", "compatibility characters"),  # full-width
        ("radgiver\u200b", "U+200B"),
        ("rad\u202egiver", "U+202E"),
        ("rad giver", "not U+0020"),
        ("radgiver\x1b[31m", "U+001B"),
        ("radg1ver\u0661", "not U+0661"),  # an Arabic-Indic one
    ],
    ids=["cyrillic a", "full-width", "zero-width space", "rtl override", "space", "escape", "arabic digit"],
)
def test_usernames_that_could_pass_for_another_are_refused(store, name, why):
    with pytest.raises(AccountError, match=why.replace("+", "\\+")):
        create_account(store, name, "long-enough-password", "adviser")
    assert store.counts()["accounts"] == 0


def test_a_username_differing_only_by_case_is_refused(store):
    create_account(store, "kari", "long-enough-password", "adviser")
    with pytest.raises(StoreError, match="account 'Kari' exists already \\(as 'kari'\\)"):
        create_account(store, "Kari", "another-long-password", "adviser")
    assert store.counts()["accounts"] == 1


@pytest.mark.parametrize(
    "password", [" " * 12, "\t\t\t\t\t\t\t\t\t", "\u3000" * 10], ids=["spaces", "tabs", "ideographic"]
)
def test_passwords_of_only_whitespace_are_refused(store, password):
    with pytest.raises(AccountError, match="the password cannot be only whitespace"):
        create_account(store, "kari", password, "adviser")
    assert authenticate(store, "kari", password) is None
