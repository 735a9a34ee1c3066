"""Importing the sources' native formats: CORDIS, Forskningsrådet, Enhetsregisteret.

Runs on the excerpts in tests/fixtures/import/ (see the README there for
sources and licences), so it needs no shared data.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from data.importers import ImportFileError, import_path
from data.models import Organisation, Participation
from data.store import PartnerStore

FIXTURES = Path(__file__).parent / "fixtures" / "import"
CORDIS_CSV = FIXTURES / "cordis-projects-excerpt.csv"
CORDIS_ORGS = FIXTURES / "cordis-organisations-excerpt.csv"
CORDIS_JSON = FIXTURES / "cordis-json"
FORSKNINGSRADET = FIXTURES / "forskningsradet-excerpt.csv"
BRREG = FIXTURES / "brreg"


@pytest.fixture
def store(tmp_path):
    with PartnerStore(tmp_path / "t.duckdb") as s:
        yield s


def contents(store: PartnerStore):
    return store.organisations(), store.projects(), store.participations()


def participants(store: PartnerStore, project_id: str) -> dict[str, str]:
    return {p.org_id: p.role for p in store.participations() if p.project_id == project_id}


# -- CORDIS projects CSV ---------------------------------------------------------------------------


def test_cordis_projects_csv(store):
    report = import_path(store, CORDIS_CSV)
    assert report.format == "CORDIS projects CSV"
    assert (report.organisations.added, report.projects.added, report.participations.added) == (10, 3, 10)
    project = {p.project_id: p for p in store.projects()}["H2020-778307"]
    assert (project.start_year, project.programme) == (2017, "MSCA-RISE")
    assert project.title.startswith("Hydrogen fuelled utility vehicles")
    assert project.summary.startswith("The goal of this project is in addressing")
    assert participants(store, "H2020-778307") == {
        "N:INSTITUTT FOR ENERGITEKNIKK": "coordinator",
        "N:SVEUCILISTE U SPLITU FAKULTET ELEKTROTEHNIKE STROJARSTVA I BRODOGRADNJE": "partner",
        "N:HELMHOLTZ ZENTRUM GEESTHACHT ZENTRUM FUR MATERIAL UND KUSTENFORSCHUNG GMBH": "partner",
        "N:HYSTORSYS AS": "partner",
    }
    # the coordinator's country is known; participants' are not (participantCountries is a set)
    assert store.organisation("N:INSTITUTT FOR ENERGITEKNIKK").country == "NO"
    assert store.organisation("N:HYSTORSYS AS").country == ""
    assert {o.kind for o in store.organisations()} == {""}
    assert not import_path(store, CORDIS_CSV).changed


def test_cordis_organisations_csv_fills_kinds_and_keeps_them(store):
    import_path(store, CORDIS_CSV)
    report = import_path(store, CORDIS_ORGS)
    assert report.organisations.updated == 8  # every excerpt organisation but SINTEF AS and HYSTORSYS AS
    ife = store.organisation("N:INSTITUTT FOR ENERGITEKNIKK")
    # the directory's city is the municipality; it has no NUTS code, so no region
    assert (ife.kind, ife.country, ife.municipality, ife.region) == ("research", "NO", "KJELLER", "")
    # the row with a stray quote in a quoted name still imports under the right id
    assert store.has_organisation("N:ASSOCIATION NATIONAL CENTRE FOR SUPERCOMPUTING APPLICATIONS")
    # re-importing the projects CSV (which knows no kinds) keeps them
    assert not import_path(store, CORDIS_CSV).changed
    assert store.organisation("N:INSTITUTT FOR ENERGITEKNIKK").kind == "research"


# -- CORDIS JSON export ----------------------------------------------------------------------------


def test_cordis_json_folder(store):
    report = import_path(store, CORDIS_JSON)
    assert report.format == "CORDIS JSON export"
    assert {p.project_id for p in store.projects()} == {"H2020-732642", "H2020-737459", "FP7-324284"}
    # organisations are keyed by normalised name, like the CSV and the interchange set
    metso = store.organisation("N:METSO OUTOTEC FINLAND OY")
    # "PRC;PRC", "FI;FI"; the city is the municipality, and an empty nutsCode gives no region
    assert (metso.kind, metso.country, metso.municipality, metso.region) == ("company", "FI", "TAMPERE", "")
    # METSO is in 737459 twice (participant and third party): one partner row
    assert participants(store, "H2020-737459")["N:METSO OUTOTEC FINLAND OY"] == "partner"
    assert list(participants(store, "H2020-732642").values()).count("coordinator") == 1
    assert any("third-party" in note for note in report.notes)
    kinds = {o.kind for o in store.organisations()}
    assert kinds <= {"company", "research", "education", "public", "other"} and "education" in kinds
    assert not import_path(store, CORDIS_JSON).changed


def test_cordis_json_files_alone(store):
    with pytest.raises(ImportFileError) as caught:
        import_path(store, CORDIS_JSON / "organization.json")
    message = str(caught.value)
    assert "organization.json, record 1 (organisationID " in message
    assert "field projectID: unknown project 'H2020-732642'" in message
    assert store.counts()["organisations"] == 0
    assert import_path(store, CORDIS_JSON / "project.json").projects.added == 3
    import_path(store, CORDIS_JSON / "organization.json")
    # organization.json names projects by number only; the stored FP7 project is found
    assert len(participants(store, "FP7-324284")) == 4
    assert not import_path(store, CORDIS_JSON).changed


# -- Forskningsrådet ---------------------------------------------------------------------------------


def test_forskningsradet_on_an_empty_store(store):
    report = import_path(store, FORSKNINGSRADET)
    assert report.format == "Forskningsrådet EU participations"
    nibio = store.organisation("NO:988983837")
    assert nibio == Organisation(
        org_id="NO:988983837",
        name="NIBIO - NORSK INSTITUTT FOR BIOØKONOMI",
        kind="research",
        country="NO",
        region="Viken",
        org_number="988983837",
        municipality="Ås",
    )
    project = {p.project_id: p for p in store.projects()}["H2020-779469"]
    assert (project.title[:20], project.summary, project.start_year, project.programme) == (
        "Hydrogen-Aeolic Ener",
        "",
        2018,
        "FCH2-IA",
    )
    assert participants(store, "H2020-779469")["NO:919303808"] == "coordinator"
    assert not import_path(store, FORSKNINGSRADET).changed


def test_forskningsradet_enriches_cordis_organisations_instead_of_duplicating(store):
    import_path(store, CORDIS_CSV)
    before = {o.org_id for o in store.organisations()}
    report = import_path(store, FORSKNINGSRADET)
    # rows of projects CORDIS already has land on the CORDIS organisations (same name id)
    assert participants(store, "H2020-699306") == {
        "N:UNIVERSITA DEGLI STUDI DI TRENTO": "coordinator",
        "N:STIFTELSEN SINTEF": "partner",
        "N:DEEP BLUE SRL": "partner",
        "N:SINTEF AS": "partner",
        "N:UNIVERSITEIT UTRECHT": "partner",
    }
    sintef = store.organisation("N:SINTEF AS")
    assert (sintef.org_number, sintef.region, sintef.municipality, sintef.kind) == (
        "919303808",
        "Trøndelag",  # the county by its number (50), not the file's "Trøndelag - Trööndelage"
        "Trondheim",
        "research",
    )
    # ... and in projects CORDIS lacks, SINTEF is found by its number now
    assert participants(store, "H2020-779469")["N:SINTEF AS"] == "coordinator"
    new = {o.org_id for o in store.organisations()} - before
    assert new == {"NO:998433290", "NO:988983837", "NO:912185877"}
    assert any("enriched 5 stored organisations, added 3" in note for note in report.notes)
    # the summary CORDIS gave is not replaced by the title-only row
    assert {p.project_id: p for p in store.projects()}["H2020-699306"].summary


# -- Enhetsregisteret --------------------------------------------------------------------------------


def test_brreg_unit_creates_an_organisation(store):
    report = import_path(store, BRREG / "enhet-923609016-equinor.json")
    assert report.format == "Enhetsregisteret unit"
    assert store.organisation("NO:923609016") == Organisation(
        org_id="NO:923609016",
        name="EQUINOR ASA",
        kind="company",
        country="NO",
        region="Rogaland",  # the county of kommunenummer 1103
        org_number="923609016",
        municipality="STAVANGER",
        nace_codes="06.100;06.200;19.200",
        employees=21272,
        website="www.equinor.com",  # the register's website and business address where it has them
        address="Forusbeen 50, 4035 STAVANGER",
    )
    assert not import_path(store, BRREG / "enhet-923609016-equinor.json").changed


def test_brreg_unit_enriches_every_organisation_with_its_number(store):
    stored = [
        Organisation("N:STATOIL ASA", "STATOIL ASA", "company", "NO", "Rogaland", "923609016", "Oil and gas"),
        Organisation("N:STATOIL PETROLEUM AS", "STATOIL PETROLEUM AS", "", "NO", "", "923609016"),
    ]
    store.upsert(stored)
    report = import_path(store, BRREG / "enhet-923609016-equinor.json")
    assert report.organisations.updated == 2 and report.organisations.added == 0
    first = store.organisation("N:STATOIL ASA")
    assert (first.name, first.kind, first.region, first.description) == (
        "EQUINOR ASA",
        "company",
        "Rogaland",
        "Oil and gas",
    )
    assert (first.nace_codes, first.employees, first.municipality) == ("06.100;06.200;19.200", 21272, "STAVANGER")
    assert store.organisation("N:STATOIL PETROLEUM AS").kind == "company"  # filled, was unknown


def test_brreg_sub_unit_search_and_empty_search(store):
    import_path(store, BRREG / "underenhet-973160834.json")
    dnb = store.organisation("NO:973160834")
    assert (dnb.kind, dnb.municipality, dnb.nace_codes, dnb.employees) == ("company", "ALTA", "64.190", 16)
    report = import_path(store, BRREG / "enheter-search-page1-response.json")
    assert report.format == "Enhetsregisteret search" and report.organisations.added == 2
    assert store.organisation("NO:971497017").kind == "other"  # FLI: an association
    before = contents(store)
    report = import_path(store, BRREG / "enheter-search-empty-response.json")
    assert not report.changed and "empty" in " ".join(report.notes)
    assert contents(store) == before


def test_brreg_deleted_units_are_skipped_with_a_note(store):
    store.upsert([Organisation("N:SLETTET", "SLETTET ENHET AS", "company", org_number="123456789")])
    before = contents(store)
    report = import_path(store, BRREG / "enheter-details-deleted-response.json")
    assert not report.changed
    assert any("skipped 1 deleted unit" in n and "123456789" in n for n in report.notes)
    assert contents(store) == before


def test_brreg_bulk_json_and_csv(store, tmp_path):
    units = [json.loads((BRREG / name).read_text()) for name in ("enhet-923609016-equinor.json",)]
    units += json.loads((BRREG / "enheter-search-page1-response.json").read_text())["_embedded"]["enheter"]
    (tmp_path / "enheter_alle.json").write_text(json.dumps(units), encoding="utf-8")
    report = import_path(store, tmp_path / "enheter_alle.json")
    assert report.format == "Enhetsregisteret bulk JSON" and report.organisations.added == 3

    header = ["organisasjonsnummer", "navn", "organisasjonsform.kode", "naeringskode1.kode", "naeringskode2.kode"]
    header += ["antallAnsatte", "forretningsadresse.kommune", "forretningsadresse.kommunenummer"]
    rows = [
        ["923609016", "EQUINOR ASA", "ASA", "06.100", "06.200", "21000", "STAVANGER", "1103"],
        ["940192226", "OSLO KOMMUNE", "KOMM", "84.110", "", "", "OSLO", "0301"],
    ]
    with open(tmp_path / "enheter.csv", "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header, *rows])
    report = import_path(store, tmp_path / "enheter.csv")
    assert report.format == "Enhetsregisteret bulk CSV"
    assert (report.organisations.added, report.organisations.updated) == (1, 1)
    assert store.organisation("NO:923609016").nace_codes == "06.100;06.200"  # naeringskode3 absent: not in file
    assert store.organisation("NO:923609016").employees == 21000
    assert store.organisation("NO:940192226").kind == "public"


# -- bad native input ----------------------------------------------------------------------------------


def _edit_csv(source: Path, target: Path, row: int, column: str, value: str, delimiter: str) -> Path:
    with open(source, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter=delimiter))
    rows[row][rows[0].index(column)] = value
    with open(target, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return target


def _edit_json(source: Path, target: Path, index: int, key: str, value) -> Path:
    records = json.loads(source.read_text(encoding="utf-8"))
    records[index][key] = value
    target.write_text(json.dumps(records), encoding="utf-8")
    return target


BAD_NATIVE = {
    "roles response": (
        lambda d: BRREG / "enheter-roller-enhet-response.json",
        ["enheter-roller-enhet-response.json: not a recognised format", "roles response"],
    ),
    "empty JSON array": (
        lambda d: (d / "enheter.json").write_text("[]") and d / "enheter.json",
        ["enheter.json: not a recognised format", "empty JSON array"],
    ),
    "broken JSON": (
        lambda d: (d / "enhet.json").write_text('{"organisasjonsnummer": "9236') and d / "enhet.json",
        ["enhet.json: line 1, column", "not valid JSON"],
    ),
    "Forskningsrådet date": (
        lambda d: _edit_csv(FORSKNINGSRADET, d / "fr.csv", 2, "Kontrakt startdato", "2016/03/01", ";"),
        ["fr.csv, row 2 (line 3), column Kontrakt startdato: bad date '2016/03/01'"],
    ),
    "Forskningsrådet organisation number": (
        lambda d: _edit_csv(FORSKNINGSRADET, d / "fr.csv", 4, "Organisasjonsnummer", "91930380", ";"),
        ["fr.csv, row 4", "column Organisasjonsnummer", "bad organisation number '91930380'"],
    ),
    "CORDIS CSV start date": (
        lambda d: _edit_csv(CORDIS_CSV, d / "cordis.csv", 3, "startDate", "1899-01-01", ","),
        ["cordis.csv, row 3", "column startDate", "bad year 1899"],
    ),
    "CORDIS activity type": (
        lambda d: (
            shutil.copy(CORDIS_JSON / "project.json", d)
            and _edit_json(CORDIS_JSON / "organization.json", d / "organization.json", 2, "activityType", "XYZ")
            and d
        ),
        ["organization.json, record 3 (organisationID ", "field activityType: unknown activity type 'XYZ'"],
    ),
    "header-only register CSV": (
        lambda d: (
            (d / "enheter.csv").write_text("organisasjonsnummer,navn,organisasjonsform.kode\n") and d / "enheter.csv"
        ),
        ["enheter.csv: has a header (Enhetsregisteret bulk CSV) but no data rows"],
    ),
    "Enhetsregisteret organisation number": (
        lambda d: (
            (d / "enhet.json").write_text(json.dumps({"organisasjonsnummer": "12AB", "navn": "X"})) and d / "enhet.json"
        ),
        ["enhet.json, record 1", "field organisasjonsnummer", "bad organisation number '12AB'"],
    ),
}


@pytest.mark.parametrize("case", list(BAD_NATIVE), ids=list(BAD_NATIVE))
def test_bad_native_input_is_refused_and_changes_nothing(store, tmp_path, case):
    import_path(store, CORDIS_CSV)
    before = contents(store)
    make, expected = BAD_NATIVE[case]
    folder = tmp_path / "bad"
    folder.mkdir()
    with pytest.raises(ImportFileError) as caught:
        import_path(store, make(folder))
    first_line = str(caught.value).splitlines()[0]
    for words in expected:
        assert words in first_line, f"{words!r} not in {first_line!r}"
    assert contents(store) == before


def test_participation_records_merge_to_one_row_per_pair():
    """The store would reject two rows for one (project, organisation); the importer merges them."""
    from data.importers.base import merge_participations

    rows = [Participation("P", "A", "partner"), Participation("P", "A", "coordinator"), Participation("P", "B")]
    assert merge_participations(rows) == [Participation("P", "A", "coordinator"), Participation("P", "B")]
