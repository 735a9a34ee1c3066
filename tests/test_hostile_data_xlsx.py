"""Hostile workbooks: cells whose value the file does not hold, hidden sheets, empty and odd archives.

Built with openpyxl and then one part of the archive rewritten (tests/hostile_files.py), so
everything but the oddity is a valid workbook.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import hostile_files
import pytest

from data.importers import ImportFileError, import_path
from data.importers.messages import describe
from data.store import PartnerStore

ROW = ["xlsx-1", "Xlsx AS", "company", "NO", "", "", "Makes sheets."]


@pytest.fixture
def store(tmp_path):
    with PartnerStore(tmp_path / "xlsx.duckdb") as store:
        yield store


def save(tmp_path, data: bytes, name: str = "organisations.xlsx"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def refusal(store: PartnerStore, path) -> ImportFileError:
    with pytest.raises(ImportFileError) as caught:
        import_path(store, path)
    assert store.counts()["organisations"] == 0
    return caught.value


def with_cell(xml_of_cell: bytes, ref: str = "G2", data: bytes | None = None) -> bytes:
    """The one-row workbook with cell ``ref`` replaced by ``xml_of_cell``."""
    return hostile_files.rewrite_part(
        data or hostile_files.workbook([ROW]),
        hostile_files.SHEET,
        lambda xml: re.sub(rb'<c r="' + ref.encode() + rb'"[^>]*?(/>|>.*?</c>)', xml_of_cell, xml, count=1),
    )


# -- cells whose value the file does not hold --------------------------------------------------------


def test_a_formula_without_a_saved_value_is_refused_naming_sheet_and_cell(store, tmp_path):
    """openpyxl reads it as an empty cell: the description arrived empty without a word."""
    data = with_cell(b'<c r="G2"><f>CONCAT("Makes ","sheets.")</f></c>')
    error = refusal(store, save(tmp_path, data))
    assert str(error) == (
        "organisations.xlsx: sheet 'Sheet', cell G2: a formula without a saved value, written by a program that "
        "did not calculate it; open the file in a spreadsheet program, save it, and import it again"
    )
    assert "formel uten lagret verdi" in describe(error, "nb")


def test_every_formula_without_a_value_is_counted_in_the_one_line(store, tmp_path):
    data = with_cell(b'<c r="F2"><f>1+1</f></c>', "F2", with_cell(b'<c r="G2"><f>A1</f></c>'))
    message = str(refusal(store, save(tmp_path, data)))
    assert "sheet 'Sheet', cell F2: a formula without a saved value (and 1 more such cell), written by" in message


def test_a_formula_with_its_saved_value_imports_the_value(store, tmp_path):
    data = with_cell(b'<c r="G2" t="str"><f>CONCAT("Makes ","sheets.")</f><v>Makes sheets.</v></c>')
    import_path(store, save(tmp_path, data))
    assert store.organisation("xlsx-1").description == "Makes sheets."


def test_a_namespace_prefixed_formula_without_a_value_is_found_too(store, tmp_path):
    """Some writers spell every element with a prefix (``<x:c><x:f>``): the same sheet to a reader."""
    main = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'

    def prefixed(xml: bytes) -> bytes:
        assert main in xml
        xml = xml.replace(main, main.replace(b"xmlns=", b"xmlns:x="))
        return re.sub(rb"<(/?)([A-Za-z]\w*)(?=[\s>/])", rb"<\1x:\2", xml)

    data = hostile_files.rewrite_part(with_cell(b'<c r="G2"><f>A1</f></c>'), hostile_files.SHEET, prefixed)
    assert b"<x:f>A1</x:f>" in zipfile.ZipFile(io.BytesIO(data)).read(hostile_files.SHEET)
    assert "cell G2: a formula without a saved value" in str(refusal(store, save(tmp_path, data)))


@pytest.mark.parametrize("code", ["#REF!", "#DIV/0!", "#N/A"])
def test_an_error_value_is_refused_not_imported_as_text(store, tmp_path, code):
    data = with_cell(b'<c r="G2" t="e"><f>1/0</f><v>' + code.encode() + b"</v></c>")
    error = refusal(store, save(tmp_path, data))
    assert str(error) == (
        f"organisations.xlsx: sheet 'Sheet', cell G2: the error {code}, a formula that failed; "
        "correct or empty the cell and save the file"
    )


# -- sheets ------------------------------------------------------------------------------------------


def two_sheets(*, hide: int) -> bytes:
    """A workbook with a "Lists" sheet and then a "Data" sheet, the first ``hide`` of them hidden."""
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "Lists"
    book.active.append(["org_id", "name"])
    book.active.append(["from-hidden", "Hidden AS"])
    data = book.create_sheet("Data")
    data.append(["org_id", "name"])
    data.append(["from-visible", "Visible AS"])
    buffer = io.BytesIO()
    book.save(buffer)
    return hostile_files.rewrite_part(
        buffer.getvalue(), "xl/workbook.xml", lambda xml: xml.replace(b'state="visible"', b'state="hidden"', hide)
    )


def test_a_hidden_first_sheet_is_skipped_for_the_sheet_its_user_sees(store, tmp_path):
    report = import_path(store, save(tmp_path, two_sheets(hide=1)))
    assert [o.org_id for o in store.organisations()] == ["from-visible"]
    assert "organisations.xlsx: read the sheet 'Data', the first that is not hidden (skipped: 'Lists')" in report.notes


def test_a_workbook_whose_every_sheet_is_hidden_is_refused(store, tmp_path):
    error = refusal(store, save(tmp_path, two_sheets(hide=2)))
    assert str(error) == (
        "organisations.xlsx: every sheet of the workbook is hidden ('Lists', 'Data'); show the sheet to import "
        "(in Excel: right-click a sheet tab, Unhide) and save it"
    )


def test_a_visible_first_sheet_is_read_without_a_note(store, tmp_path):
    report = import_path(store, save(tmp_path, two_sheets(hide=0)))
    assert [o.org_id for o in store.organisations()] == ["from-hidden"] and report.notes == ()


# -- empty and odd archives ------------------------------------------------------------------------------


def test_a_zero_byte_workbook_is_refused(store, tmp_path):
    assert str(refusal(store, save(tmp_path, b""))) == "organisations.xlsx: the file is empty (0 bytes)"


def test_a_header_only_workbook_is_refused(store, tmp_path):
    data = hostile_files.workbook([])
    assert str(refusal(store, save(tmp_path, data))) == "organisations.xlsx: has a header but no data rows"


def test_archive_members_with_absurd_names_are_never_written_anywhere(store, tmp_path):
    """A workbook is read in place; its members are not unpacked, so "../../etc/x" goes nowhere."""
    source = zipfile.ZipFile(io.BytesIO(hostile_files.workbook([ROW])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info, source.read(info.filename))
        for name in ("../../../../escaped.txt", "/absolute.txt", "x" * 4000, "nul\x00byte.txt", "C:\\win.txt"):
            target.writestr(name, b"must not be written")
    import_path(store, save(tmp_path, out.getvalue()))
    assert store.organisation("xlsx-1").name == "Xlsx AS"
    assert not any((folder / "escaped.txt").exists() for folder in (tmp_path, *tmp_path.parents))
    assert not any(Path(name).exists() for name in ("/absolute.txt", "x" * 200, "C:\\win.txt"))
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("xlsx.duckdb")) == ["organisations.xlsx"]
