"""Importing the interchange format (CSV and XLSX), and the rules every import follows.

The small interchange set below is written as Python literals into ``tmp_path``
per test, so each test can break one thing in it.
"""

from __future__ import annotations

import csv
import dataclasses
import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from data.importers import LARGE_IMPORT, ImportFileError, ImportReport, TableCounts, import_path
from data.importers.names import name_id, normalise_name
from data.models import Organisation, Participation, Project
from data.store import PartnerStore, StoreError

ORG_HEADER = ["org_id", "name", "kind", "country", "region", "org_number", "description"]
ORG_ROWS = [
    ["N:SINTEF AS", "SINTEF AS", "research", "NO", "Trøndelag", "919303808", ""],
    ["N:ELKEM AS", "ELKEM AS", "company", "NO", "Oslo", "911382008", "Silicon and carbon materials"],
    ["N:TIAMAT", "TIAMAT", "", "FR", "", "", ""],
    ["N:UNIVERSITETET I BERGEN", "UNIVERSITETET I BERGEN", "education", "NO", "Vestland", "874789542", ""],
]
PROJECT_HEADER = ["project_id", "title", "summary", "start_year", "programme"]
PROJECT_ROWS = [
    ["H2020-1", "Silicon for batteries", "Anodes from metallurgical silicon.\nTwo lines.", "2017", "RIA"],
    ["H2020-2", "Sodium-ion storage", "", "2018", "SME-1"],
]
PART_HEADER = ["project_id", "org_id", "role"]
PART_ROWS = [
    ["H2020-1", "N:SINTEF AS", "coordinator"],
    ["H2020-1", "N:ELKEM AS", "partner"],
    ["H2020-2", "N:TIAMAT", "coordinator"],
    ["H2020-2", "N:UNIVERSITETET I BERGEN", ""],  # empty role = partner
]


def write_csv(path: Path, header, rows, *, delimiter=",", encoding="utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding=encoding, newline="") as f:
        writer = csv.writer(f, delimiter=delimiter, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, header, rows) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def write_set(folder: Path, *, orgs=None, projects=None, parts=None, writer=write_csv, suffix=".csv") -> Path:
    """The literal interchange set (or a variant) as a folder of three tables."""
    folder.mkdir(parents=True, exist_ok=True)
    writer(folder / f"organisations{suffix}", ORG_HEADER, ORG_ROWS if orgs is None else orgs)
    writer(folder / f"projects{suffix}", PROJECT_HEADER, PROJECT_ROWS if projects is None else projects)
    writer(folder / f"participations{suffix}", PART_HEADER, PART_ROWS if parts is None else parts)
    return folder


@pytest.fixture
def store(tmp_path):
    with PartnerStore(tmp_path / "t.duckdb") as s:
        yield s


@pytest.fixture
def interchange(tmp_path) -> Path:
    return write_set(tmp_path / "set")


def contents(store: PartnerStore):
    return store.organisations(), store.projects(), store.participations()


def counts(report: ImportReport) -> tuple:
    return tuple(
        (t.added, t.updated, t.unchanged) for t in (report.organisations, report.projects, report.participations)
    )


# -- the happy path --------------------------------------------------------------------------------


def test_folder_import_writes_every_record(store, interchange):
    report = import_path(store, interchange)
    assert counts(report) == ((4, 0, 0), (2, 0, 0), (4, 0, 0))
    assert report.format == "interchange"
    assert store.organisation("N:ELKEM AS") == Organisation(
        "N:ELKEM AS", "ELKEM AS", "company", "NO", "Oslo", "911382008", "Silicon and carbon materials"
    )
    assert store.organisation("N:TIAMAT").kind == ""  # empty kind = unknown
    assert store.projects()[0] == Project(
        "H2020-1", "Silicon for batteries", "Anodes from metallurgical silicon.\nTwo lines.", 2017, "RIA"
    )
    assert Participation("H2020-2", "N:UNIVERSITETET I BERGEN", "partner") in store.participations()


def test_reimporting_changes_nothing(store, interchange):
    import_path(store, interchange)
    before = contents(store)
    report = import_path(store, interchange)
    assert counts(report) == ((0, 0, 4), (0, 0, 2), (0, 0, 4))
    assert not report.changed
    assert "nothing changed" in report.summary()
    assert contents(store) == before


def test_an_updated_row_updates(store, interchange, tmp_path):
    import_path(store, interchange)
    orgs = [row[:] for row in ORG_ROWS]
    orgs[2][1:3] = ["TIAMAT SAS", "company"]
    parts = [row[:] for row in PART_ROWS]
    parts[1][2] = "coordinator"
    report = import_path(store, write_set(tmp_path / "v2", orgs=orgs, parts=parts))
    assert counts(report) == ((0, 1, 3), (0, 0, 2), (0, 1, 3))
    assert store.organisation("N:TIAMAT").name == "TIAMAT SAS"
    assert store.organisation("N:TIAMAT").kind == "company"


def test_each_file_imports_alone(store, interchange):
    for name in ("organisations.csv", "projects.csv", "participations.csv"):
        import_path(store, interchange / name)
    alone = contents(store)
    assert (len(alone[0]), len(alone[1]), len(alone[2])) == (4, 2, 4)
    report = import_path(store, interchange)
    assert not report.changed


def test_xlsx_folder_and_files_read_like_csv(tmp_path):
    with PartnerStore(tmp_path / "csv.duckdb") as a, PartnerStore(tmp_path / "xlsx.duckdb") as b:
        import_path(a, write_set(tmp_path / "csv"))
        xlsx = write_set(tmp_path / "xlsx", writer=write_xlsx, suffix=".xlsx")
        import_path(b, xlsx)
        assert contents(a) == contents(b)
        # a single workbook under any name is recognised by its header
        renamed = xlsx / "register export.xlsx"
        (xlsx / "organisations.xlsx").rename(renamed)
        assert import_path(b, renamed).organisations.unchanged == 4


def test_xlsx_numbers_and_blank_rows(store, tmp_path):
    """Spreadsheet cells come back typed: years and org numbers as numbers, blank rows in between."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(PROJECT_HEADER + ["budget_nok"])
    sheet.append(["H2020-9", "Typed cells", "", 2016, "RIA", 1250000.5])
    sheet.append([None] * 6)
    sheet.append(["H2020-10", "After a blank row", "", 2018.0, "RIA", None])
    book.save(tmp_path / "projects.xlsx")
    import_path(store, tmp_path / "projects.xlsx")
    assert [(p.project_id, p.start_year, p.budget_nok) for p in store.projects()] == [
        ("H2020-10", 2018, None),
        ("H2020-9", 2016, 1250000.5),
    ]


def test_optional_columns_left_out_keep_stored_values(store, tmp_path):
    header = ORG_HEADER + ["employees", "nace_codes"]
    rows = [row + ["120", "24.450"] for row in ORG_ROWS]
    import_path(store, write_csv(tmp_path / "organisations.csv", header, rows))
    # a file without the optional columns says nothing about them
    report = import_path(store, write_csv(tmp_path / "plain" / "organisations.csv", ORG_HEADER, ORG_ROWS))
    assert report.organisations.unchanged == 4
    assert store.organisation("N:ELKEM AS").employees == 120
    # a file with the column but an empty value clears it
    rows[1][-2:] = ["", ""]
    report = import_path(store, write_csv(tmp_path / "cleared" / "organisations.csv", header, rows))
    assert report.organisations.updated == 1
    assert store.organisation("N:ELKEM AS").employees is None
    assert store.organisation("N:ELKEM AS").nace_codes == ""


@pytest.mark.parametrize("writer,suffix", [(write_csv, ".csv"), (write_xlsx, ".xlsx")])
def test_awkward_values_round_trip(store, tmp_path, writer, suffix):
    names = [
        'The "Quoted", Company; Ltd',
        "<script>alert('x')</script>",
        "Robert'); DROP TABLE organisations;--",
        "Solkraft 🌞 AS",
        "Blåbær Ærlig Øko AS",
        "Multi\nline, with comma",
    ]
    orgs = [[f"X:{i}", name, "company", "NO", "", "", name] for i, name in enumerate(names)]
    import_path(store, writer(tmp_path / f"organisations{suffix}", ORG_HEADER, orgs))
    stored = {o.org_id: o for o in store.organisations()}
    assert [stored[f"X:{i}"].name for i in range(len(names))] == names
    assert [stored[f"X:{i}"].description for i in range(len(names))] == names
    assert store.counts()["organisations"] == len(names)  # the DROP TABLE stayed text


def test_utf8_bom_is_accepted(store, tmp_path):
    path = write_csv(tmp_path / "organisations.csv", ORG_HEADER, ORG_ROWS, encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert import_path(store, path).organisations.added == 4
    assert store.organisation("N:SINTEF AS").name == "SINTEF AS"


def test_control_characters_are_stripped_and_reported(store, tmp_path):
    orgs = [row[:] for row in ORG_ROWS]
    orgs[0][1] = "SINTEF\x00 A\x0bS"
    orgs[1][6] = "tab\tand\nnewline stay\x1b"
    report = import_path(store, write_csv(tmp_path / "organisations.csv", ORG_HEADER, orgs))
    assert store.organisation("N:SINTEF AS").name == "SINTEF AS"
    assert store.organisation("N:ELKEM AS").description == "tab\tand\nnewline stay"
    assert any("control characters from 2 value(s)" in n and "row 1" in n for n in report.notes)


def test_kinds_and_roles_are_case_insensitive(store, tmp_path):
    orgs = [row[:] for row in ORG_ROWS]
    orgs[0][2] = " Research "
    parts = [row[:] for row in PART_ROWS]
    parts[0][2] = "COORDINATOR"
    import_path(store, write_set(tmp_path / "set", orgs=orgs, parts=parts))
    assert store.organisation("N:SINTEF AS").kind == "research"
    assert Participation("H2020-1", "N:SINTEF AS", "coordinator") in store.participations()


def test_participations_may_point_at_stored_records(store, interchange, tmp_path):
    import_path(store, interchange)
    path = write_csv(tmp_path / "participations.csv", PART_HEADER, [["H2020-2", "N:SINTEF AS", "partner"]])
    assert import_path(store, path).participations.added == 1


# -- bad input: named file, row and column, and nothing written ---------------------------------


def _orgs_with(row_index, column, value):
    rows = [row[:] for row in ORG_ROWS]
    rows[row_index][ORG_HEADER.index(column)] = value
    return rows


def _projects_with(row_index, column, value, header=PROJECT_HEADER):
    rows = [row[:] + [""] * (len(header) - len(PROJECT_HEADER)) for row in PROJECT_ROWS]
    rows[row_index][header.index(column)] = value
    return rows


BUDGET_HEADER = PROJECT_HEADER + ["budget_nok"]


def _xlsx_bytes(tmp_path) -> bytes:
    return write_xlsx(tmp_path / "whole.xlsx", ORG_HEADER, ORG_ROWS).read_bytes()


# Each case builds the input in a folder and returns the path to import.
BAD_INPUTS = {
    "missing column": (  # only keys and names are required (kind, country, ... are optional)
        lambda d: write_csv(
            d / "organisations.csv", ORG_HEADER[:1] + ORG_HEADER[2:], [r[:1] + r[2:] for r in ORG_ROWS]
        ),
        ["organisations.csv", "column name", "missing column 'name'"],
    ),
    "unknown column": (
        lambda d: write_csv(d / "organisations.csv", ORG_HEADER + ["competence"], [r + ["x"] for r in ORG_ROWS]),
        ["organisations.csv", "column competence", "unknown column", "did you mean 'competences'"],
    ),
    "unknown kind": (
        lambda d: write_csv(d / "organisations.csv", ORG_HEADER, _orgs_with(1, "kind", "compnay")),
        ["organisations.csv, row 2 (line 3), column kind: unknown kind 'compnay' (expected one of company,"],
    ),
    "empty name": (
        lambda d: write_csv(d / "organisations.csv", ORG_HEADER, _orgs_with(3, "name", " ")),
        ["organisations.csv, row 4", "column name", "name is empty"],
    ),
    "duplicate organisation id": (
        lambda d: write_csv(d / "organisations.csv", ORG_HEADER, _orgs_with(2, "org_id", "N:SINTEF AS")),
        ["organisations.csv, row 3", "column org_id", "duplicate org_id 'N:SINTEF AS' (first at row 1)"],
    ),
    "duplicate project id": (
        lambda d: write_csv(d / "projects.csv", PROJECT_HEADER, _projects_with(1, "project_id", "H2020-1")),
        ["projects.csv, row 2", "column project_id", "duplicate project_id 'H2020-1'"],
    ),
    "duplicate participation": (
        lambda d: write_set(d, parts=PART_ROWS + [["H2020-1", "N:ELKEM AS", "partner"]]),
        ["participations.csv, row 5", "column project_id + org_id", "duplicate"],
    ),
    "participation of an unknown project": (
        lambda d: write_set(d, parts=PART_ROWS + [["H2020-404", "N:ELKEM AS", "partner"]]),
        ["participations.csv, row 5 (line 6), column project_id: unknown project 'H2020-404'"],
    ),
    "participation of an unknown organisation": (
        lambda d: write_set(d, parts=PART_ROWS + [["H2020-1", "N:NOBODY", "partner"]]),
        ["participations.csv, row 5", "column org_id", "unknown organisation 'N:NOBODY'"],
    ),
    "unknown role": (
        lambda d: write_set(d, parts=PART_ROWS[:3] + [["H2020-2", "N:UNIVERSITETET I BERGEN", "leader"]]),
        ["participations.csv, row 4", "column role", "unknown role 'leader'"],
    ),
    "non-UTF-8 file": (
        lambda d: write_csv(d / "organisations.csv", ORG_HEADER, ORG_ROWS, encoding="latin-1"),
        ["organisations.csv", "line 2", "not UTF-8"],
    ),
    "empty file": (
        lambda d: (d / "organisations.csv").write_bytes(b"") or d / "organisations.csv",
        ["organisations.csv", "empty (0 bytes)"],
    ),
    "header only": (
        lambda d: write_csv(d / "projects.csv", PROJECT_HEADER, []),
        ["projects.csv", "header but no data rows"],
    ),
    "year not a number": (
        lambda d: write_csv(d / "projects.csv", PROJECT_HEADER, _projects_with(0, "start_year", "twenty")),
        ["projects.csv, row 1", "column start_year", "bad year 'twenty'"],
    ),
    "year not whole": (
        lambda d: write_csv(d / "projects.csv", PROJECT_HEADER, _projects_with(1, "start_year", "2018.5")),
        ["projects.csv, row 2", "column start_year", "bad year '2018.5'"],
    ),
    "year too early": (
        lambda d: write_csv(d / "projects.csv", PROJECT_HEADER, _projects_with(1, "start_year", "1850")),
        ["projects.csv, row 2", "column start_year", "bad year 1850: expected 1900–2100"],
    ),
    "year too late": (
        lambda d: write_csv(d / "projects.csv", PROJECT_HEADER, _projects_with(1, "start_year", "2101")),
        ["projects.csv, row 2", "column start_year", "bad year 2101"],
    ),
    "negative budget": (
        lambda d: write_csv(d / "projects.csv", BUDGET_HEADER, _projects_with(0, "budget_nok", "-5", BUDGET_HEADER)),
        ["projects.csv, row 1", "column budget_nok", "bad amount '-5': negative"],
    ),
    "NaN budget": (
        lambda d: write_csv(d / "projects.csv", BUDGET_HEADER, _projects_with(0, "budget_nok", "NaN", BUDGET_HEADER)),
        ["projects.csv, row 1", "column budget_nok", "not a finite number"],
    ),
    "negative head count": (
        lambda d: write_csv(d / "organisations.csv", ORG_HEADER + ["employees"], [r + ["-3"] for r in ORG_ROWS]),
        ["organisations.csv, row 1", "column employees", "bad count '-3'"],
    ),
    "truncated XLSX": (
        lambda d: (d / "organisations.xlsx").write_bytes(_xlsx_bytes(d)[:900]) and d / "organisations.xlsx",
        ["organisations.xlsx", "not a readable XLSX workbook"],
    ),
    "text named .xlsx": (
        lambda d: (d / "projects.xlsx").write_text("project_id,title\n") and d / "projects.xlsx",
        ["projects.xlsx", "not a readable XLSX workbook"],
    ),
    "unknown JSON": (
        lambda d: (d / "export.json").write_text(json.dumps({"data": [1, 2]})) and d / "export.json",
        ["export.json", "not a recognised format", "keys data"],
    ),
    "semicolon-separated interchange file": (
        lambda d: write_csv(d / "organisations.csv", ORG_HEADER, ORG_ROWS, delimiter=";"),
        ["organisations.csv, column org_id: missing columns org_id, name:", "semicolon-separated", "comma-separated"],
    ),
    "too many values in a row": (
        lambda d: write_csv(d / "organisations.csv", ORG_HEADER, ORG_ROWS[:1] + [ORG_ROWS[1] + ["extra"]]),
        ["organisations.csv, row 2 (line 3)", "has 8 values but the header has 7 columns"],
    ),
    "unrecognised CSV header": (
        lambda d: write_csv(d / "contacts.csv", ["person", "email"], [["Kari", "kari@example.no"]]),
        ["contacts.csv", "not a recognised format", "person, email"],
    ),
    "unsupported extension": (
        lambda d: (d / "register.parquet").write_bytes(b"PAR1") and d / "register.parquet",
        ["register.parquet", "not a recognised format: .parquet"],
    ),
    "folder without importable files": (
        lambda d: (d / "sub").mkdir() or (d / "sub" / "notes.md").write_text("hi") and d / "sub",
        ["sub", "no importable files"],
    ),
    "folder with CSV and XLSX of one table": (
        lambda d: write_set(d) and write_xlsx(d / "projects.xlsx", PROJECT_HEADER, PROJECT_ROWS) and d,
        ["holds both projects.csv and projects.xlsx"],
    ),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS), ids=list(BAD_INPUTS))
def test_bad_input_is_refused_and_changes_nothing(store, interchange, tmp_path, case):
    import_path(store, interchange)  # so "nothing changed" is tested on a store with content
    before = contents(store)
    make, expected = BAD_INPUTS[case]
    folder = tmp_path / "bad"
    folder.mkdir()
    path = make(folder)
    with pytest.raises(ImportFileError) as caught:
        import_path(store, path)
    first_line = str(caught.value).splitlines()[0]
    for words in expected:
        assert words in first_line, f"{words!r} not in {first_line!r}"
    assert contents(store) == before
    assert isinstance(caught.value, StoreError)


def test_every_problem_is_collected_before_failing(store, tmp_path):
    orgs = _orgs_with(0, "kind", "compnay")
    orgs[2][2] = "univ"
    orgs[3][0] = "N:SINTEF AS"
    with pytest.raises(ImportFileError) as caught:
        import_path(store, write_csv(tmp_path / "organisations.csv", ORG_HEADER, orgs))
    assert len(caught.value.problems) == 3
    message = str(caught.value)
    assert "2 more problems:" in message and "row 3" in message and "row 4" in message
    assert store.counts()["organisations"] == 0


def test_a_failing_file_in_a_folder_writes_none_of_the_others(store, tmp_path):
    folder = write_set(tmp_path / "set", parts=PART_ROWS + [["H2020-404", "N:TIAMAT", "partner"]])
    with pytest.raises(ImportFileError):
        import_path(store, folder)
    assert store.counts()["organisations"] == store.counts()["projects"] == 0


# -- progress, report, CLI -------------------------------------------------------------------------


def test_progress_bar_only_for_large_imports(store, tmp_path, capsys):
    many = [[f"X:{i}", f"Org {i}", "company", "NO", "", "", ""] for i in range(LARGE_IMPORT + 50)]
    path = write_csv(tmp_path / "organisations.csv", ORG_HEADER, many)
    import_path(store, path, progress=True)
    err = capsys.readouterr().err
    assert "organisations.csv" in err and "100%" in err and f"{LARGE_IMPORT + 51}/{LARGE_IMPORT + 51}" in err
    import_path(store, path)  # progress=False
    assert capsys.readouterr().err == ""
    import_path(store, write_set(tmp_path / "small"), progress=True)
    assert capsys.readouterr().err == ""


def test_report_is_a_frozen_summary(store, interchange):
    report = import_path(store, interchange)
    assert report.source == interchange
    assert report.organisations == TableCounts(added=4)
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.format = "other"  # type: ignore[misc]
    summary = report.summary()
    assert str(interchange) in summary and "interchange" in summary
    assert "organisations" in summary and "4 added" in summary


def test_cli_import(tmp_path, interchange):
    from samspill_cli import main

    db = str(tmp_path / "cli.duckdb")
    result = CliRunner().invoke(main, ["--db", db, "import", "-q", str(interchange)])
    assert result.exit_code == 0, result.output
    assert "4 added" in result.output
    bad = write_csv(tmp_path / "organisations.csv", ORG_HEADER, _orgs_with(0, "kind", "compnay"))
    result = CliRunner().invoke(main, ["--db", db, "import", str(bad)])
    assert result.exit_code == 1
    assert "Error: organisations.csv, row 1 (line 2), column kind: unknown kind 'compnay'" in result.output


# -- name ids --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,expected",
    [
        # pairs taken from h2020-cleantech/organisations.csv (name → org_id)
        ("ZABALA INNOVATION CONSULTING, S.A.", "N:ZABALA INNOVATION CONSULTING S A"),
        (
            "VLAAMSE INSTELLING VOOR TECHNOLOGISCH ONDERZOEK N.V.",
            "N:VLAAMSE INSTELLING VOOR TECHNOLOGISCH ONDERZOK N V",
        ),
        (
            "NORGES TEKNISK-NATURVITENSKAPELIGE UNIVERSITET NTNU",
            "N:NORGES TEKNISK NATURVITENSKAPELIGE UNIVERSITET NTNU",
        ),
        ("NIBIO - NORSK INSTITUTT FOR BIOOKONOMI", "N:NIBIO NORSK INSTITUTT FOR BIOOKONOMI"),
        ("VETERINÆRINSTITUTTET", "N:VETERINAERINSTITUTTET"),
        ("HØGSKULEN PÅ VESTLANDET", "N:HOGSKULEN PA VESTLANDET"),
        ("EDR & MEDESO AS", "N:EDR MEDESO AS"),
        ("Vlaamse Vervoersmaatschappij De Lijn", "N:VLAAMSE VERVORSMAATSCHAPPIJ DE LIJN"),
        (
            "ISTITUTO SUPERIORE MARIO BOELLA SULLE TECNOLOGIE DELL'INFORMAZIONE",
            "N:ISTITUTO SUPERIORE MARIO BOLLA SULLE TECNOLOGIE DELL INFORMAZIONE",
        ),
    ],
)
def test_name_ids_match_the_interchange_set(name, expected):
    assert name_id(name) == expected


def test_name_ids_of_names_without_latin_letters():
    assert normalise_name("Институт") == "ИНСТИТУТ"
    assert name_id(" - ") == ""


def test_a_refused_contact_names_its_own_column_and_reads_in_either_language(store, tmp_path):
    from data.importers.messages import describe

    path = write_csv(tmp_path / "organisations.csv", ["org_id", "name", "contact_name", "contact_email"],
                     [["fisk", "Fisk AS", "Kari Nordmann", "kari(at)example.no"]])
    with pytest.raises(ImportFileError) as refused:
        import_path(store, path)
    assert "column contact_email" in str(refused.value)
    assert "Ugyldig e-postadresse «kari(at)example.no»" in describe(refused.value, "nb")
    assert "kari(at)example.no" in describe(refused.value, "en") and "Ugyldig" not in describe(refused.value, "en")
    assert store.counts()["organisations"] == 0
