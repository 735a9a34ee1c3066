"""Importing as people do it: optional columns, contact persons, and messages in the reader's language."""

from __future__ import annotations

from pathlib import Path

import pytest

from data.contacts import contacts_of
from data.importers import ImportFileError, import_path
from data.importers.messages import describe
from data.models import Contact, Viewer
from data.store import PartnerStore

ADVISER = Viewer("kari", "adviser")


@pytest.fixture
def store(tmp_path):
    with PartnerStore(tmp_path / "import.duckdb") as store:
        yield store


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_a_sheet_with_only_ids_and_names_imports(store, tmp_path):
    report = import_path(store, write(tmp_path / "organisations.csv", "org_id,name\nhavlys,Havlys AS\n"))
    assert report.organisations.added == 1
    org = store.organisation("havlys")
    assert (org.name, org.kind, org.country, org.description) == ("Havlys AS", "", "", "")


def test_a_missing_optional_column_leaves_stored_values_alone(store, tmp_path):
    import_path(store, write(tmp_path / "organisations.csv",
                             "org_id,name,country,description\nhavlys,Havlys AS,NO,Lys i merdene.\n"))
    import_path(store, write(tmp_path / "organisations.csv", "org_id,name,kind\nhavlys,Havlys AS,company\n"))
    org = store.organisation("havlys")
    assert (org.kind, org.country, org.description) == ("company", "NO", "Lys i merdene.")


def test_participations_without_a_role_column_are_partners(store, tmp_path):
    folder = tmp_path / "set"
    folder.mkdir()
    write(folder / "organisations.csv", "org_id,name\na,A\nb,B\n")
    write(folder / "projects.csv", "project_id,title\np1,Prosjekt\n")
    write(folder / "participations.csv", "project_id,org_id\np1,a\np1,b\n")
    import_path(store, folder)
    assert {p.role for p in store.participations()} == {"partner"}


def test_contacts_and_website_come_in_with_the_organisations(store, tmp_path):
    text = (
        "org_id,name,website,address,contact_name,contact_role,contact_email,contact_phone\n"
        'havlys,Havlys AS,havlys.example.org,"Kaia 1, 7010 Trondheim",Siri Lys; Per Lys,CTO; CEO,'
        "siri@havlys.example.org; per@havlys.example.org,+47 900 00 001;\n"
        "fjordlab,Fjordlab,,,,,,\n"
    )
    report = import_path(store, write(tmp_path / "organisations.csv", text))
    assert (report.contacts.added, report.contacts.unchanged) == (1, 1)  # fjordlab: none before, none now
    assert contacts_of(store, ADVISER, "havlys") == (
        Contact("Siri Lys", "CTO", "siri@havlys.example.org", "+47 900 00 001"),
        Contact("Per Lys", "CEO", "per@havlys.example.org", ""),
    )
    org = store.organisation("havlys")
    assert (org.website, org.address) == ("havlys.example.org", "Kaia 1, 7010 Trondheim")
    again = import_path(store, write(tmp_path / "organisations.csv", text))
    assert not again.changed
    # the file is authoritative for the contact columns it has
    import_path(store, write(tmp_path / "organisations.csv", "org_id,name,contact_name\nhavlys,Havlys AS,Siri Lys\n"))
    assert contacts_of(store, ADVISER, "havlys") == (Contact("Siri Lys"),)


def test_a_bad_contact_refuses_the_file_and_changes_nothing(store, tmp_path):
    text = "org_id,name,contact_name,contact_email\nhavlys,Havlys AS,Siri Lys,siri(at)havlys\n"
    with pytest.raises(ImportFileError, match="row 1.*column contact_email.*siri\\(at\\)havlys"):
        import_path(store, write(tmp_path / "organisations.csv", text))
    assert store.counts()["organisations"] == 0


# Each problem made from a real file; the Norwegian and English lines the app shows for it.
CASES = {
    "missing column": (
        "organisations.csv", "org_id,kind\nx,company\n",
        "organisations.csv, kolonne name: kolonnen «name» mangler",
        "organisations.csv, column name: the column “name” is missing",
    ),
    "misspelt column": (
        "organisations.csv", "org_id,name,competence\nx,X,y\n",
        "organisations.csv, kolonne competence: ukjent kolonne «competence» – mente du «competences»?",
        "organisations.csv, column competence: unknown column “competence” – did you mean “competences”?",
    ),
    "semicolons": (
        "organisations.csv", "org_id;name\nx;X\n",
        "bruk komma mellom kolonnene",
        "separate the columns with commas",
    ),
    "empty name": (
        "organisations.csv", "org_id,name\nx,\n",
        "organisations.csv, rad 1 (linje 2), kolonne name: name er tom",
        "organisations.csv, row 1 (line 2), column name: name is empty",
    ),
    "unknown kind": (
        "organisations.csv", "org_id,name,kind\nx,X,castle\n",
        "organisations.csv, rad 1 (linje 2), kolonne kind: ukjent verdi «castle» for type",
        "organisations.csv, row 1 (line 2), column kind: unknown value “castle” for kind",
    ),
    "bad year": (
        "projects.csv", "project_id,title,start_year\np,P,soon\n",
        "projects.csv, rad 1 (linje 2), kolonne start_year: ugyldig årstall «soon»",
        "projects.csv, row 1 (line 2), column start_year: not a year: “soon”",
    ),
    "duplicate id": (
        "organisations.csv", "org_id,name\nx,X\nx,Y\n",
        "organisations.csv, rad 2 (linje 3), kolonne org_id: org_id «x» står to ganger (første gang i rad 1)",
        "organisations.csv, row 2 (line 3), column org_id: org_id “x” appears twice (first in row 1)",
    ),
    "header only": (
        "organisations.csv", "org_id,name\n",
        "filen har overskrift, men ingen rader",
        "the file has a header but no rows",
    ),
    "not UTF-8": (
        "organisations.csv", None,
        "organisations.csv: linje 2 er ikke UTF-8-tekst",
        "organisations.csv: line 2 is not UTF-8 text",
    ),
    "unknown reference": (
        "participations.csv", "project_id,org_id\np1,nowhere\n",
        "ukjent prosjekt «p1» (finnes verken i filen eller i databasen)",
        "unknown project “p1” (neither in the file nor in the database)",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_import_problems_read_in_the_readers_language(store, tmp_path, case):
    name, text, nb, en = CASES[case]
    path = tmp_path / name
    if text is None:
        path.write_bytes("org_id,name\nx,Bj\xf8rn\n".encode("latin-1"))
    else:
        write(path, text)
    with pytest.raises(ImportFileError) as caught:
        import_path(store, path)
    assert nb in describe(caught.value, "nb")
    assert en in describe(caught.value, "en")
    assert "\n" not in describe(caught.value, "nb")  # one line
    assert store.counts()["organisations"] == 0
