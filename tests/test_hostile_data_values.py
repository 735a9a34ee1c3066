"""Hostile values and files for the importers, beyond the bad-input catalogue: numbers Python reads but
people do not write, days that do not exist, websites that are scripts, JSON that says a thing twice,
files joined into one, stray byte-order marks and invisible characters in headers, and many
duplicate rows.

Each refusal is asserted as the user reads it (file, row, column, value) and with the store as it was.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl
import pytest
from import_support import contents, write

from data.contacts import website_url
from data.importers import ImportFileError, import_path
from data.importers.messages import describe
from data.store import PartnerStore

FIXTURES = Path(__file__).parent / "fixtures" / "import"
ORG = "org_id,name,kind,country,region,org_number,description"
PROJECT = "project_id,title,summary,start_year,programme,budget_nok"


@pytest.fixture
def store(tmp_path):
    with PartnerStore(tmp_path / "values.duckdb") as store:
        yield store


def refusal(store: PartnerStore, path: Path) -> ImportFileError:
    """The refusal of importing ``path``; the store must be unchanged."""
    before = contents(store)
    with pytest.raises(ImportFileError) as caught:
        import_path(store, path)
    assert contents(store) == before
    return caught.value


def refused(store: PartnerStore, path: Path) -> str:
    """The message of :func:`refusal`."""
    return str(refusal(store, path))


def workbook(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# -- numbers: what Python's int() and float() take is not what a person writes -------------------------

NOT_PLAIN = ["２０２４", "2_024", "2.024e3", "2024.0", "+2024", "٢٠٢٤"]


@pytest.mark.parametrize("text", NOT_PLAIN, ids=["full-width", "underscore", "exponent", "decimal", "sign", "arabic"])
def test_a_year_is_written_in_the_digits_0_to_9(store, tmp_path, text):
    message = refused(store, write(tmp_path, "projects.csv", f"{PROJECT}\np1,Pilot,,{text},,\n"))
    assert message == (
        f"projects.csv, row 1 (line 2), column start_year: bad year {text!r}: "
        "write it with the digits 0-9 only (for example 2024)"
    )


@pytest.mark.parametrize("text", ["１２", "1_000", "1e3", "12.0", "-5", "+5"])
def test_a_head_count_is_written_in_the_digits_0_to_9(store, tmp_path, text):
    message = refused(store, write(tmp_path, "organisations.csv", f"{ORG},employees\na,A AS,company,NO,,,,{text}\n"))
    assert message.startswith(f"organisations.csv, row 1 (line 2), column employees: bad count {text!r}: expected a")
    assert "digits 0-9 only" in message


@pytest.mark.parametrize("text", ["1_000", "５", "1e6", "+5"])
def test_an_amount_is_written_in_the_digits_0_to_9_with_one_decimal_point(store, tmp_path, text):
    message = refused(store, write(tmp_path, "projects.csv", f"{PROJECT}\np1,Pilot,,2024,,{text}\n"))
    assert message.startswith(f"projects.csv, row 1 (line 2), column budget_nok: bad amount {text!r}: write it with")


def test_plain_numbers_are_read_as_before(store, tmp_path):
    import_path(store, write(tmp_path, "a/projects.csv", f"{PROJECT}\np1,Pilot,, 2024 ,,1250000.50\n"))
    import_path(store, write(tmp_path, "b/organisations.csv", f"{ORG},employees\na,A AS,company,NO,,,,0012\n"))
    project = store.projects()[0]
    assert (project.start_year, project.budget_nok, store.organisation("a").employees) == (2024, 1250000.5, 12)


def test_a_count_of_thousands_of_digits_is_too_large_not_a_crash(store, tmp_path):
    """int() refuses strings of more than 4,300 digits with a ValueError of its own."""
    path = write(tmp_path, "organisations.csv", f"{ORG},employees\na,A AS,company,NO,,,,{'9' * 5000}\n")
    message = refused(store, path)
    assert "column employees: bad count '99999" in message and "larger than 2,147,483,647" in message


def test_numeric_cells_of_a_workbook_stay_fine_when_whole_and_its_text_cells_follow_the_text_rule(store, tmp_path):
    header = PROJECT.split(",")
    import_path(store, write(tmp_path, "a/projects.xlsx", workbook([header, ["p1", "P1", "", 2024, "", 1250000.5],
                                                                    ["p2", "P2", "", 2023.0, "", 900000]])))
    assert {p.project_id: (p.start_year, p.budget_nok) for p in store.projects()} == {
        "p1": (2024, 1250000.5), "p2": (2023, 900000.0)}
    text_year = workbook([header, ["p3", "P3", "", "２０２４", "", ""]])
    message = refused(store, write(tmp_path, "b/projects.xlsx", text_year))
    assert message.startswith("projects.xlsx, row 1 (sheet row 2), column start_year: bad year '２０２４'")
    org_header = [*ORG.split(","), "employees"]
    message = refused(store, write(tmp_path, "organisations.xlsx",
                                   workbook([org_header, ["a", "A AS", "company", "NO", "", "", "", 12.5]])))
    assert "column employees: bad count '12.5': expected a whole number" in message


# -- dates ---------------------------------------------------------------------------------------------


def cordis_projects(start: str) -> str:
    return json.dumps([{"id": 101, "title": "T", "objective": "O", "startDate": start, "frameworkProgramme": "H2020"}])


@pytest.mark.parametrize("start", ["2019-02-30", "2019-13-01", "2019-00-10", "2023-02-29"])
def test_a_cordis_date_that_does_not_exist_is_refused(store, tmp_path, start):
    message = refused(store, write(tmp_path, "project.json", cordis_projects(start)))
    assert message == (
        f"project.json, record 1 (id 101), field startDate: bad date '{start}': "
        "there is no such day (expected YYYY-MM-DD)"
    )


def test_a_cordis_date_in_other_digits_is_refused_and_a_leap_day_is_a_day(store, tmp_path):
    assert "bad date '２０１９-01-01': expected YYYY-MM-DD" in refused(
        store, write(tmp_path, "a/project.json", cordis_projects("２０１９-01-01")))
    import_path(store, write(tmp_path, "b/project.json", cordis_projects("2024-02-29")))
    assert store.projects()[0].start_year == 2024


def forskningsradet_with(tmp_path: Path, start: str) -> Path:
    with open(FIXTURES / "forskningsradet-excerpt.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter=";"))
    rows[1][rows[0].index("Kontrakt startdato")] = start
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\n").writerows(rows)
    return write(tmp_path, "fr.csv", out.getvalue())


def test_a_forskningsradet_date_that_does_not_exist_is_refused(store, tmp_path):
    message = refused(store, forskningsradet_with(tmp_path, "30.02.2019"))
    assert message == (
        "fr.csv, row 1 (line 2), column Kontrakt startdato: bad date '30.02.2019': there is no such day "
        "(expected dd.mm.yyyy)"
    )


# -- websites: a link the app shows is never a script --------------------------------------------------

SCRIPTS = ["javascript:alert(1)", "JavaScript:alert(document.cookie)", "data:text/html,<script>alert(1)</script>",
           "vbscript:msgbox(1)", "https://sintef.no/\u202egpj.exe"]


@pytest.mark.parametrize("website", SCRIPTS, ids=["javascript", "mixed case", "data", "vbscript", "rtl override"])
def test_an_interchange_website_that_is_no_web_address_is_refused_like_the_profile_form_refuses_it(
    store, tmp_path, website
):
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([["org_id", "name", "website"], ["a", "A AS", website]])
    error = refusal(store, write(tmp_path, "organisations.csv", out.getvalue()))
    message = str(error)
    assert message.startswith("organisations.csv, row 1 (line 2), column website: “")
    assert message.endswith("” is not a web address (for example www.company.no).")
    assert "\u202e" not in message  # shown as an escape, so the message reads as it is
    assert describe(error, "nb").endswith("» er ikke en nettadresse (for eksempel www.firma.no).")


def test_a_website_given_as_a_host_is_kept_as_given(store, tmp_path):
    import_path(store, write(tmp_path, "organisations.csv", "org_id,name,website\na,A AS,www.sintef.no\n"))
    assert store.organisation("a").website == "www.sintef.no"


def test_a_register_website_that_is_no_web_address_is_left_out_and_the_report_says_where(store, tmp_path):
    unit = json.loads((FIXTURES / "brreg" / "enhet-923609016-equinor.json").read_text(encoding="utf-8"))
    import_path(store, write(tmp_path, "a/enhet.json", json.dumps(unit)))
    assert store.organisation("NO:923609016").website == "www.equinor.com"
    path = write(tmp_path, "b/enhet.json", json.dumps({**unit, "hjemmeside": "javascript:alert(1)"}))
    report = import_path(store, path)
    assert store.organisation("NO:923609016").website == "www.equinor.com"  # the stored one stays
    assert any(n.startswith("left out 1 website(s) that are no http(s) web address") and "field hjemmeside" in n
               for n in report.notes)
    assert all(website_url(o.website) is not None for o in store.organisations() if o.website)


# -- JSON that says a thing twice, or a list where a text belongs --------------------------------------


def test_a_json_object_with_a_key_twice_is_refused(store, tmp_path):
    text = '{"organisasjonsnummer": "923609016", "navn": "EQUINOR ASA", "navn": "SOMEONE ELSE AS"}'
    message = refused(store, write(tmp_path, "enhet.json", text))
    assert message == "enhet.json: an object holds the key 'navn' twice, so which value is meant is unclear; keep one"


def test_a_list_where_a_text_belongs_is_refused_not_read_as_empty(store, tmp_path):
    text = json.dumps([{"id": 101, "title": ["T1", "T2"], "objective": "O", "startDate": "2020-01-01"}])
    message = refused(store, write(tmp_path, "project.json", text))
    assert message.startswith("project.json, record 1 (id 101), field title: expected a text or a number, not a list")


# -- CSV files as tools leave them ---------------------------------------------------------------------


@pytest.mark.parametrize("bom", ["", "\ufeff"], ids=["plain", "second file with its BOM"])
def test_two_files_joined_into_one_are_refused_at_the_repeated_header(store, tmp_path, bom):
    """Read as data the second header was an organisation called "name" with the id "org_id"."""
    text = f"\ufefforg_id,name\na,A AS\n{bom}org_id,name\nb,B AS\n"
    message = refused(store, write(tmp_path, "organisations.csv", text))
    assert message == (
        "organisations.csv, row 2 (line 3): repeats the header (two files joined into one?); delete this row"
    )


def test_byte_order_marks_before_the_header_and_inside_a_value_are_dropped(store, tmp_path):
    report = import_path(store, write(tmp_path, "organisations.csv", "\ufeff\ufefforg_id,name\na,Fisk\ufeff AS\n"))
    assert store.organisation("a").name == "Fisk AS"
    assert any("removed control characters from 1 value(s)" in n for n in report.notes)


def test_carriage_returns_alone_end_lines_and_errors_name_the_right_line(store, tmp_path):
    text = f"{ORG}\ra,A AS,company,NO,,,\rb,B AS,compnay,NO,,,\r"
    message = refused(store, write(tmp_path, "organisations.csv", text))
    assert message.startswith("organisations.csv, row 2 (line 3), column kind: unknown kind 'compnay'")
    import_path(store, write(tmp_path, "ok/organisations.csv", text.replace("compnay", "company")))
    assert sorted(o.org_id for o in store.organisations()) == ["a", "b"]


@pytest.mark.parametrize(("column", "shown"), [("na\x00me", "'na\\x00me'"), ("ki\u200bnd", "'ki\\u200bnd'")],
                         ids=["NUL", "zero-width space"])
def test_an_invisible_character_in_a_column_name_is_shown_not_printed(store, tmp_path, column, shown):
    message = refused(store, write(tmp_path, "organisations.csv", f"org_id,{column}\na,A\n"))
    assert message.startswith(f"organisations.csv, column {shown}: unknown column {shown}")
    assert column not in message


def test_many_identical_rows_are_refused_at_each_copy_and_nothing_is_written(store, tmp_path):
    n = 20_000
    with pytest.raises(ImportFileError) as caught:
        import_path(store, write(tmp_path, "organisations.csv", f"{ORG}\n" + "a,A AS,company,NO,,,\n" * n))
    assert len(caught.value.problems) == n - 1
    assert str(caught.value).startswith(
        "organisations.csv, row 2 (line 3), column org_id: duplicate org_id 'a' (first at row 1)\n19998 more problems:")
    assert store.counts()["organisations"] == 0


def test_a_search_takes_percent_and_underscore_as_written(tmp_path):
    """`%` and `_` in a search are the characters, not LIKE's wildcards (found by the API hunt:
    `GET /organisations?q=%` listed every organisation)."""
    from data.models import Organisation
    from data.store import PartnerStore

    def org(org_id, name, description=""):
        return Organisation(org_id=org_id, name=name, kind="company", country="NO", region="", org_number="",
                            description=description)

    with PartnerStore(tmp_path / "search.duckdb") as store:
        store.upsert([org("a", "Alfa AS", "Kutter utslipp med 50% innen 2030"), org("b", "Beta_Energi AS"),
                      org("c", "Gamma AS", "Fiskefôr")])
        assert [o.org_id for o in store.search_organisations("%")] == ["a"]
        assert [o.org_id for o in store.search_organisations("_")] == ["b"]
        assert [o.org_id for o in store.search_organisations("50%")] == ["a"]
        assert store.search_organisations("\\") == []
        assert [o.org_id for o in store.search_organisations("as")] == ["a", "b", "c"]  # still a plain search
