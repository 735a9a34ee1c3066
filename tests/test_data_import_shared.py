"""Importing the real data set (``SAMSPILL_SHARED_DATA``, default ../shared/data).

Skipped, with the reason, where the data set is absent. The interchange set is
imported once per module into a template database that each test copies.
"""

from __future__ import annotations

import shutil

import pytest

from data.importers import ImportFileError, import_path
from data.store import PartnerStore

pytestmark = pytest.mark.shared_data


@pytest.fixture(scope="module")
def h2020_db(shared_data, tmp_path_factory):
    """A closed DuckDB file holding the h2020-cleantech interchange set."""
    path = tmp_path_factory.mktemp("h2020") / "h2020.duckdb"
    with PartnerStore(path) as store:
        report = import_path(store, shared_data / "h2020-cleantech")
    return path, report


@pytest.fixture
def h2020_store(h2020_db, tmp_path):
    path = tmp_path / "copy.duckdb"
    shutil.copy(h2020_db[0], path)
    with PartnerStore(path) as store:
        yield store


def test_h2020_cleantech_loads_completely(h2020_db):
    _, report = h2020_db
    assert (report.organisations.added, report.projects.added, report.participations.added) == (5470, 2195, 10533)


def test_h2020_cleantech_reimport_changes_nothing(h2020_store, shared_data):
    report = import_path(h2020_store, shared_data / "h2020-cleantech")
    assert not report.changed
    assert report.participations.unchanged == 10533


def test_cordis_csv_lines_up_with_the_interchange_set(h2020_store, shared_data):
    """Every id the CORDIS CSV import makes already exists with the same content."""
    report = import_path(h2020_store, shared_data / "raw" / "cordis-h2020-projects-cleantech.csv")
    assert (report.organisations.unchanged, report.projects.unchanged, report.participations.unchanged) == (
        4680,
        1303,
        8286,
    )
    assert not report.changed


def test_forskningsradet_enriches_the_interchange_set(h2020_store, shared_data):
    report = import_path(h2020_store, shared_data / "raw" / "forskningsradet-h2020-norwegian-participations.csv")
    assert report.organisations.added == 0 and report.participations.added == 0 and report.projects.added == 0
    assert report.organisations.updated > 400  # municipality added to the Norwegian organisations
    assert h2020_store.organisation("N:SINTEF AS").municipality == "Trondheim"


def test_cordis_json_export_lines_up_with_the_interchange_set(h2020_store, shared_data):
    report = import_path(h2020_store, shared_data / "raw" / "cordis-json-export-sample")
    # 22 of its 26 projects and 715 of its 764 organisations are in the set already
    assert (report.projects.added, report.projects.unchanged) == (4, 22)
    assert report.organisations.added == 49
    # only Norwegian ones change: the set's region there is a county, so the export's city fills
    # their empty municipality (SINTEF AS: TRONDHEIM)
    assert report.organisations.updated == 19
    assert h2020_store.organisation("N:SINTEF AS").municipality == "TRONDHEIM"


RAW_IMPORTABLE = [
    "cordis-h2020-projects-cleantech.csv",
    "cordis-h2020-organisations-2017.csv",
    "cordis-json-export-sample",
    "forskningsradet-h2020-norwegian-participations.csv",
    "brreg-api-json/brreg-snap_fixtures/enhet-923609016-equinor.json",
    "brreg-api-json/brreg-snap_fixtures/enhet-980213250-komplett.json",
    "brreg-api-json/brreg-snap_fixtures/underenhet-973160834.json",
    "brreg-api-json/python-brreg_fixtures/enheter-details-deleted-response.json",
    "brreg-api-json/python-brreg_fixtures/enheter-search-empty-response.json",
    "brreg-api-json/python-brreg_fixtures/enheter-search-page1-response.json",
    "brreg-api-json/python-brreg_fixtures/enheter-search-page2-response.json",
    "brreg-api-json/python-brreg_fixtures/underenheter-details-deleted-response.json",
    "brreg-api-json/python-brreg_fixtures/underenheter-search-empty-response.json",
]
# python-brreg's own test fixtures make their organisation numbers up (112233445, …); a real
# number has a mod-11 check digit, so these are refused like any other mistyped number.
RAW_MADE_UP_NUMBERS = [
    "brreg-api-json/python-brreg_fixtures/enheter-details-response.json",
    "brreg-api-json/python-brreg_fixtures/enheter-search-response.json",
    "brreg-api-json/python-brreg_fixtures/underenheter-details-response.json",
    "brreg-api-json/python-brreg_fixtures/underenheter-search-response.json",
]
# Reference tables and roles responses hold no register data.
RAW_REFUSED = [
    "cordis-activity-types.csv",
    "forskningsradet-fields.csv",
    "brreg-api-json/python-brreg_fixtures/enheter-roller-enhet-response.json",
    "brreg-api-json/python-brreg_fixtures/enheter-roller-person-response.json",
]


# The big ones' re-import is covered above (CORDIS CSV) or costs seconds for nothing new.
REIMPORT_SKIPPED = {"cordis-h2020-projects-cleantech.csv", "cordis-h2020-organisations-2017.csv"}


@pytest.mark.parametrize("name", RAW_IMPORTABLE)
def test_every_native_file_imports_and_reimports_unchanged(shared_data, tmp_path, name):
    with PartnerStore(tmp_path / "t.duckdb") as store:
        first = import_path(store, shared_data / "raw" / name)
        if name not in REIMPORT_SKIPPED:
            assert not import_path(store, shared_data / "raw" / name).changed
    if "deleted" in name:
        assert any("deleted" in note for note in first.notes)
    elif "empty" not in name:
        assert first.changed


@pytest.mark.parametrize("name", RAW_REFUSED)
def test_files_without_register_data_are_refused(shared_data, tmp_path, name):
    with PartnerStore(tmp_path / "t.duckdb") as store, pytest.raises(ImportFileError) as caught:
        import_path(store, shared_data / "raw" / name)
    assert str(caught.value).startswith(name.rsplit("/", 1)[-1] + ": not a recognised format")


@pytest.mark.parametrize("name", RAW_MADE_UP_NUMBERS)
def test_files_with_made_up_organisation_numbers_are_refused(shared_data, tmp_path, name):
    with PartnerStore(tmp_path / "t.duckdb") as store, pytest.raises(ImportFileError) as caught:
        import_path(store, shared_data / "raw" / name)
    assert "field organisasjonsnummer: bad organisation number" in str(caught.value)


def test_raw_folder_has_no_untested_files(shared_data):
    """A new file in raw/ should be added to one of the lists above."""
    listed = set(RAW_IMPORTABLE) | set(RAW_REFUSED) | set(RAW_MADE_UP_NUMBERS)
    found = set()
    for path in (shared_data / "raw").rglob("*"):
        relative = path.relative_to(shared_data / "raw").as_posix()
        if path.suffix in (".csv", ".json") and not relative.startswith("cordis-json-export-sample/"):
            found.add(relative)
    assert found <= listed
