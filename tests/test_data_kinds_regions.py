"""Kinds and regions: the references (data.kinds, data.regions) and what the importers make of real records.

The unit tests run everywhere. The tests marked ``shared_data`` import slices of the real sources
(CORDIS, the Research Council's EU participations, Enhetsregisteret) and the H2020 interchange set;
they skip with the reason where the shared data is absent and fail under ``CI=true``.
"""

from __future__ import annotations

import csv
from collections import Counter

import pytest

from data.importers import import_path
from data.kinds import kind_from_activity_type, kind_from_name, kind_from_rd_sector, kind_from_register
from data.models import Organisation
from data.regions import (
    COUNTIES,
    county_of_municipality,
    county_of_number,
    norwegian_county,
    region_of,
    regions_in_use,
)
from data.store import PartnerStore


@pytest.fixture
def store(tmp_path):
    with PartnerStore(tmp_path / "t.duckdb") as s:
        yield s


# -- kinds: the reference ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code,kind",
    [("PRC", "company"), ("REC", "research"), ("HES", "education"), ("PUB", "public"), ("OTH", "other")]
    + [("prc", "company"), ("PRC;PRC", "company"), ("", ""), ("XYZ", "")],
)
def test_cordis_activity_types(code, kind):
    assert kind_from_activity_type(code) == kind


@pytest.mark.parametrize(
    "sector,category,kind",
    [
        ("Næringsliv", "Næringsliv", "company"),
        ("Instituttsektor", "Teknisk-industrielle institutter", "research"),
        ("UoH-sektor", "Universiteter", "education"),
        ("Helseforetak", "Helse Sør-Øst RHF", "public"),
        ("Norges forskningsråd", "", "public"),
        ("Offentlig forvaltning", "", "public"),
        ("Øvrige", "Øvrige offentlige", "public"),  # municipalities, directorates, Enova SF
        ("Øvrige", "Øvrige andre", "other"),  # associations, foundations
        ("Øvrige", "", "other"),
        ("", "", ""),
    ],
)
def test_research_council_sectors(sector, category, kind):
    assert kind_from_rd_sector(sector, category) == kind


@pytest.mark.parametrize(
    "form,sector,nace,kind",
    [
        ("AS", "", [], "company"),
        ("ASA", "1120", ["06.100"], "company"),
        ("ENK", "", [], "company"),
        ("BEDR", "", ["64.190"], "company"),
        ("KOMM", "6500", ["84.110"], "public"),
        ("FYLK", "", [], "public"),
        ("STAT", "", [], "public"),
        ("ORGL", "", [], "public"),
        ("HF", "", [], "public"),
        ("STI", "", [], "other"),
        ("FLI", "7000", ["94.991"], "other"),
        ("STI", "7000", ["72.190"], "research"),  # STIFTELSEN SINTEF: the industry code tells
        ("AS", "", ["72.190"], "research"),  # a research institute that is a limited company
        ("STAT", "6100", ["85.421"], "education"),  # a university
        ("FLI", "", ["94.110"], "support"),  # a business association
        ("", "6500", [], "public"),  # the sector alone
        ("", "", [], ""),  # nothing said: unknown, not "company"
    ],
)
def test_register_kinds(form, sector, nace, kind):
    assert kind_from_register(form, sector, nace) == kind


@pytest.mark.parametrize(
    "name,kind",
    [
        ("ZABALA INNOVATION CONSULTING, S.A.", "company"),
        ("Lomartov SL", "company"),
        ("DR LAURANNE SOCIETA A RESPONSABILITA LIMITATA", ""),  # the form written out: not guessed
        ("ENVIRAL AS", "company"),
        ("HIGHCHEM SRO", "company"),
        ("TECHNISCHE UNIVERSITAT BERLIN", "education"),
        ("UNIVERSITY OF CYPRUS", "education"),
        ("SINTEF ENERGI AS", ""),  # a research institute that is a limited company
        ("NUTRICIA RESEARCH BV", ""),
        ("OSLO UNIVERSITETSSYKEHUS HF", ""),  # a university hospital is not a university
        ("TIAMAT", ""),
        ("AS", ""),  # a form alone is not a name with a form
        ("", ""),
    ],
)
def test_kind_from_name(name, kind):
    assert kind_from_name(name) == kind


# -- regions: the reference --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,county",
    [
        ("Trøndelag - Trööndelage", "Trøndelag"),
        ("Troms og Finnmark - Romsa ja Finnmárku - Tromssa ja Finmarkku", "Troms og Finnmark"),
        ("Nordland - Nordlánnda", "Nordland"),
        ("VESTLAND", "Vestland"),
        ("Sør-Trøndelag", "Sør-Trøndelag"),  # a county before 2018 stays what the data describes
        ("Svalbard", "Svalbard"),
        ("Trondheim", ""),
        ("Midt-Norge", ""),
        ("", ""),
    ],
)
def test_norwegian_county_by_name(text, county):
    assert norwegian_county(text) == county


@pytest.mark.parametrize(
    "number,county",
    [("50", "Trøndelag"), ("3", "Oslo"), ("03", "Oslo"), ("21", "Svalbard"), ("56", "Finnmark"), ("", ""), ("13", "")]
    + [("x", ""), ("123", "")],
)
def test_county_by_number(number, county):
    assert county_of_number(number) == county


@pytest.mark.parametrize(
    "number,county",
    [("5001", "Trøndelag"), ("0301", "Oslo"), ("301", "Oslo"), ("1103", "Rogaland"), ("5601", "Finnmark")]
    + [("3907", "Vestfold"), ("3101", "Østfold"), ("2100", "Svalbard"), ("9999", ""), ("50", ""), ("", "")],
)
def test_county_of_municipality(number, county):
    assert county_of_municipality(number) == county


@pytest.mark.parametrize(
    "country,text,region",
    [
        ("NO", "Trøndelag - Trööndelage", "Trøndelag"),
        ("NO", "OSLO", "Oslo"),  # Oslo is a municipality and a county
        ("NO", "TRONDHEIM", ""),
        ("NO", "NO060", "NO060"),
        ("FR", "PARIS 08", ""),
        ("DK", "KGS LYNGBY", ""),
        ("DK", "DK01", "DK01"),
        ("IT", "ROMA", ""),  # four letters like a NUTS code, but not Italy's
        ("IT", "ITC4", "ITC4"),  # Italy's codes are letters
        ("DE", "de212", "DE212"),
        ("DE", "FR101", ""),  # another country's code
        ("", "OSLO", "Oslo"),
        ("", "BERN", ""),  # no country: a code needs a digit
        ("", "DE212", "DE212"),
        ("SE", "Trøndelag", ""),  # a Norwegian county name abroad is nobody's region
        ("NO", "", ""),
    ],
)
def test_region_of(country, text, region):
    assert region_of(country, text) == region


def test_every_county_number_names_a_county_found_by_name():
    assert all(norwegian_county(name) == name for name in COUNTIES.values())


def test_regions_in_use_most_used_first():
    orgs = [
        Organisation("a", "A", country="NO", region="Trøndelag"),
        Organisation("b", "B", country="NO", region="Oslo"),
        Organisation("c", "C", country="NO", region="Trøndelag"),
        Organisation("e", "E", country="DK", region="DK01"),
        Organisation("g", "G", country="NO"),
    ]
    assert regions_in_use(orgs) == [("Trøndelag", 2), ("DK01", 1), ("Oslo", 1)]


# -- the interchange format -------------------------------------------------------------------------


def _write_orgs(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header, *rows])
    return path


def test_interchange_region_without_municipality_column_is_checked(store, tmp_path):
    """The H2020 set's layout: ``region`` is the only place field, and CORDIS put cities in it."""
    header = ["org_id", "name", "kind", "country", "region"]
    rows = [
        ["edf", "ELECTRICITE DE FRANCE", "company", "FR", "PARIS 08"],
        ["sintef", "SINTEF AS", "research", "NO", "Trøndelag - Trööndelage"],
        ["dtu", "DANMARKS TEKNISKE UNIVERSITET", "", "DK", "DK01"],
        ["x", "NAMELESS PLACE", "", "NO", "TRONDHEIM"],
    ]
    report = import_path(store, _write_orgs(tmp_path / "organisations.csv", header, rows))
    found = {o.org_id: (o.kind, o.region, o.municipality) for o in store.organisations()}
    assert found == {
        "edf": ("company", "", "PARIS 08"),
        "sintef": ("research", "Trøndelag", ""),
        "dtu": ("education", "DK01", ""),  # the kind from its name: the row gives none
        "x": ("", "", "TRONDHEIM"),
    }
    assert any(note.startswith("2 region value(s) name no county or NUTS region") for note in report.notes)
    assert any(note == "1 empty kind(s) taken from the organisation's name" for note in report.notes)
    assert not import_path(store, tmp_path / "organisations.csv").changed


def test_interchange_region_beside_a_municipality_column_is_kept(store, tmp_path):
    """A file that tells regions from municipalities itself (the bundled sample) keeps its regions abroad."""
    header = ["org_id", "name", "kind", "country", "region", "municipality"]
    rows = [
        ["a", "Jämtkraft AB", "company", "SE", "Jämtlands län", "Östersund"],
        ["b", "Verdal kommune", "public", "NO", "TRØNDELAG", "Verdal"],
        ["c", "Somewhere AS", "company", "NO", "Midt-Norge", ""],  # kept: the file's own word
    ]
    import_path(store, _write_orgs(tmp_path / "organisations.csv", header, rows))
    found = {o.org_id: (o.region, o.municipality) for o in store.organisations()}
    assert found == {"a": ("Jämtlands län", "Östersund"), "b": ("Trøndelag", "Verdal"), "c": ("Midt-Norge", "")}


def test_interchange_kind_from_nace_codes_and_names(store, tmp_path):
    header = ["org_id", "name", "kind", "country", "org_number", "nace_codes"]
    rows = [
        ["stiftelsen-sintef", "STIFTELSEN SINTEF", "", "NO", "948007029", "72.190"],  # the register's code
        ["acme", "ACME GMBH", "", "DE", "", ""],
        ["norsk", "NORSK FIRMA AS", "", "NO", "", ""],  # Norwegian: the register or the Research Council will tell
        ["given", "GIVEN AS", "public", "SE", "", ""],  # a kind given is never second-guessed
    ]
    import_path(store, _write_orgs(tmp_path / "organisations.csv", header, rows))
    found = {o.org_id: o.kind for o in store.organisations()}
    assert found == {"stiftelsen-sintef": "research", "acme": "company", "norsk": "", "given": "public"}


def test_interchange_without_kind_column_fills_kinds_from_nace_only(store, tmp_path):
    store.upsert([Organisation("known", "KNOWN AS", "research", "NO")])
    header = ["org_id", "name", "nace_codes"]
    rows = [["known", "KNOWN AS", "84.110"], ["new", "NEW GMBH", ""], ["edu", "EDU", "85.421"]]
    import_path(store, _write_orgs(tmp_path / "organisations.csv", header, rows))
    found = {o.org_id: o.kind for o in store.organisations()}
    # a stored kind stays; the name says nothing where the file has no kind column
    assert found == {"known": "research", "new": "", "edu": "education"}


def test_bundled_sample_keeps_its_regions(store):
    from pathlib import Path

    import_path(store, Path(__file__).resolve().parents[1] / "data" / "sample")
    regions = dict(regions_in_use(store.organisations()))
    assert regions["Trøndelag"] == 79 and regions["Jämtlands län"] == 3 and "Akershus" in regions


# -- real records ----------------------------------------------------------------------------------

RCN_FILE = "forskningsradet-h2020-norwegian-participations.csv"
#: org number -> (name, kind, county) as the Research Council's rows say.
RCN_KNOWN = {
    "919303808": ("SINTEF AS", "research", "Trøndelag"),  # Instituttsektor, fylkenummer 50
    "974767880": ("NORGES TEKNISK-NATURVITENSKAPELIGE UNIVERSITET NTNU", "education", "Trøndelag"),
    "942110464": ("TRONDHEIM KOMMUNE", "public", "Trøndelag"),  # "Øvrige offentlige"
    "958935420": ("OSLO KOMMUNE", "public", "Oslo"),  # fylkenummer "3", kommunenummer "301"
    "971035854": ("UNIVERSITETET I OSLO", "education", "Oslo"),
    "998433290": ("VARANGER KRAFTVIND AS", "company", "Troms og Finnmark"),  # named with its Sámi and Kven names
    "985204454": ("UNIVERSITETSSENTERET PÅ SVALBARD AS", "education", "Svalbard"),
    "970134808": ("NORSK SAU OG GEIT", "other", "Viken"),  # "Øvrige andre"
}


@pytest.fixture
def rcn_slice(shared_data, tmp_path):
    """The Research Council's rows of the organisations in RCN_KNOWN, as a file of the same layout."""
    with open(shared_data / "raw" / RCN_FILE, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f, delimiter=";")
        header = next(reader)
        number = header.index("Organisasjonsnummer")
        rows = [row for row in reader if row[number] in RCN_KNOWN]
    path = tmp_path / RCN_FILE
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, delimiter=";").writerows([header, *rows])
    return path


@pytest.mark.shared_data
def test_research_council_rows_give_kind_and_county(store, rcn_slice):
    import_path(store, rcn_slice)
    found = {o.org_number: (o.name, o.kind, o.region) for o in store.organisations()}
    assert found == RCN_KNOWN
    assert store.organisation("NO:919303808").municipality == "Trondheim"  # the municipality stays its own field


@pytest.mark.shared_data
def test_research_council_file_regions_are_counties(store, shared_data):
    import_path(store, shared_data / "raw" / RCN_FILE)
    regions = Counter(o.region for o in store.organisations())
    assert set(regions) - {""} <= set(COUNTIES.values())
    assert regions[""] == 2  # the two organisations the file gives no address (OSLO CENTRE ..., NORDICBAN)
    kinds = Counter(o.kind for o in store.organisations())
    assert kinds[""] == 0


@pytest.mark.shared_data
def test_cordis_directory_city_is_the_municipality(store, shared_data, tmp_path):
    source = shared_data / "raw" / "cordis-h2020-organisations-2017.csv"
    names = {"NORGES TEKNISK-NATURVITENSKAPELIGE UNIVERSITET NTNU", "UNIVERSITY OF PLYMOUTH", "ELECTRICITE DE FRANCE"}
    with open(source, encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        name = header.index("name")
        rows = [row for row in reader if row[name] in names]
    path = tmp_path / "organisations-2017.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header, *rows])
    import_path(store, path)
    found = {o.name: (o.kind, o.country, o.municipality, o.region) for o in store.organisations()}
    assert found == {
        "NORGES TEKNISK-NATURVITENSKAPELIGE UNIVERSITET NTNU": ("education", "NO", "TRONDHEIM", ""),
        "UNIVERSITY OF PLYMOUTH": ("education", "UK", "PLYMOUTH", ""),
        "ELECTRICITE DE FRANCE": ("company", "FR", "PARIS 08", ""),  # a city is not a region
    }


@pytest.mark.shared_data
def test_cordis_json_export_kinds_and_places(store, shared_data):
    import_path(store, shared_data / "raw" / "cordis-json-export-sample")
    sintef = store.organisation("N:SINTEF AS")
    assert (sintef.kind, sintef.municipality, sintef.region) == ("research", "TRONDHEIM", "")  # nutsCode is empty
    vigo = store.organisation("N:AYUNTAMIENTO DE VIGO")
    assert (vigo.kind, vigo.country, vigo.municipality) == ("public", "ES", "VIGO")
    assert store.organisation("N:HOGSKOLEN I OSTFOLD").kind == "education"
    assert {o.region for o in store.organisations()} == {""}  # every nutsCode of the sample is empty


@pytest.mark.shared_data
@pytest.mark.parametrize(
    "name,org_number,kind,municipality,county",
    [
        ("brreg-snap_fixtures/enhet-923609016-equinor.json", "923609016", "company", "STAVANGER", "Rogaland"),
        ("brreg-snap_fixtures/enhet-980213250-komplett.json", "980213250", "company", "SANDEFJORD", "Vestfold"),
        ("brreg-snap_fixtures/underenhet-973160834.json", "973160834", "company", "ALTA", "Finnmark"),
    ],
)
def test_register_unit_kind_and_county_from_kommunenummer(store, shared_data, name, org_number, kind, municipality,
                                                         county):
    import_path(store, shared_data / "raw" / "brreg-api-json" / name)
    org = store.organisation(f"NO:{org_number}")
    assert (org.kind, org.municipality, org.region) == (kind, municipality, county)


@pytest.mark.shared_data
def test_register_search_kinds_from_nace_and_form(store, shared_data):
    folder = shared_data / "raw" / "brreg-api-json" / "python-brreg_fixtures"
    for page in ("enheter-search-page1-response.json", "enheter-search-page2-response.json"):
        import_path(store, folder / page)
    found = {o.name: (o.kind, o.region) for o in store.organisations()}
    assert found == {
        "SESAM AS": ("company", "Trøndelag"),  # kommunenummer 5001
        "SESAM FAMILIEBARNEHAGE": ("other", "Oslo"),  # FLI, a nursery (NACE 88.911)
        "SESAM FILMKLUBB": ("other", "Østfold"),  # FLI, sector 7000; kommunenummer 3101 (since 2024)
    }


# -- the H2020 interchange set ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def h2020_imported(shared_data, tmp_path_factory):
    path = tmp_path_factory.mktemp("h2020-kinds") / "h.duckdb"
    with PartnerStore(path) as store:
        report = import_path(store, shared_data / "h2020-cleantech")
        return store.organisations(), report


@pytest.mark.shared_data
def test_h2020_set_regions_are_regions(h2020_imported):
    """1,855 region values before (cities); now only counties (the set has no NUTS codes)."""
    orgs, report = h2020_imported
    regions = Counter(o.region for o in orgs if o.region)
    assert set(regions) <= set(COUNTIES.values())
    assert len(regions) == 12
    assert regions["Oslo"] > regions["Trøndelag"] > 40
    edf = next(o for o in orgs if o.org_id == "N:ELECTRICITE DE FRANCE")
    assert (edf.region, edf.municipality) == ("", "PARIS 08")
    assert any("kept as municipality" in note for note in report.notes)


@pytest.mark.shared_data
def test_h2020_set_unknown_kinds_are_those_nothing_speaks_for(h2020_imported):
    """27% unknown before; the set's CORDIS kinds stay, names fill what they can."""
    orgs, report = h2020_imported
    unknown = sum(not o.kind for o in orgs) / len(orgs)
    assert 0.10 < unknown < 0.14
    assert next(o for o in orgs if o.org_id == "N:TECHNISCHE UNIVERSITAT BERLIN").kind == "education"
    assert next(o for o in orgs if o.org_id == "N:TIAMAT").kind == ""
    assert any("taken from the organisation's name" in note for note in report.notes)


@pytest.mark.shared_data
def test_kind_from_name_agrees_with_cordis_where_cordis_speaks(h2020_records):
    """The precision kind_from_name's docstring states, measured on rows whose kind CORDIS gives."""
    orgs, _, _ = h2020_records
    pairs = Counter((kind_from_name(o.name), o.kind) for o in orgs if o.kind)
    for kind, floor in (("company", 0.95), ("education", 0.97)):
        guessed = sum(n for (guess, _), n in pairs.items() if guess == kind)
        assert guessed > 300 and pairs[(kind, kind)] / guessed >= floor
