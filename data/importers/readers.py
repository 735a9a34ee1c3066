"""Reading files into rows: CSV, XLSX and JSON, with the checks every format needs.

Text must be UTF-8; a UTF-8 byte-order mark is accepted and dropped (Excel
writes one). Empty files and files that are not what their extension says
fail here with the file named, before any importer sees them.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from data.importers.base import ImportFileError, Location, Problem, as_text
from data.limits import MAX_COLUMNS, MAX_FIELD_CHARS, MAX_FILE_BYTES, MAX_ROWS, MAX_XLSX_UNPACKED_BYTES

# Longer values are refused per cell (ParseContext.text); the csv module stops far beyond that.
if csv.field_size_limit() <= MAX_FIELD_CHARS:
    csv.field_size_limit(MAX_FIELD_CHARS + 1)

TABLE_SUFFIXES = (".csv", ".xlsx")


def fail(file: str, message: str) -> ImportFileError:
    return ImportFileError(Problem(Location(file), message))


@dataclass(frozen=True)
class Row:
    number: int  # 1-based data row
    detail: str  # "line 17" / "sheet row 15"
    values: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    """A header and its data rows, all values as text. Blank rows are skipped."""

    file: str
    header: tuple[str, ...]
    rows: tuple[Row, ...]
    delimiter: str = ","  # "" for XLSX
    #: what the reader chose that the user should know (the sheet read when the first is hidden)
    notes: tuple[str, ...] = ()

    def items(self, problems) -> list[tuple[Location, dict[str, str]]]:
        """Rows as ``{column: value}`` objects with their location."""
        return [
            (self.location(row), dict(zip(self.header, values, strict=True))) for row, values in self.records(problems)
        ]

    def location(self, row: Row, column: str = "") -> Location:
        return Location(self.file, row.number, row.detail, column)

    def records(self, problems) -> Iterator[tuple[Row, tuple[str, ...]]]:
        """Rows with exactly one value per column; a row with a wrong number of
        values, or one that repeats the header, is recorded as a problem and skipped.

        A repeated header is what joining two exports into one file leaves behind; read as data
        it would add an organisation called "name" with the id "org_id".
        """
        width = len(self.header)
        header_key = tuple(_header_key(h) for h in self.header)
        for row in self.rows:
            values = row.values
            if values and _header_key(values[0]) == header_key[0] and (
                tuple(_header_key(v) for v in values[:width]) == header_key
            ):
                problems.add(
                    self.location(row), "repeats the header (two files joined into one?); delete this row"
                )
                continue
            if len(values) > width and not any(v.strip() for v in values[width:]):
                values = values[:width]
            if len(values) < width and not self.delimiter:
                values = values + ("",) * (width - len(values))  # XLSX drops trailing empty cells
            if len(values) != width:
                problems.add(
                    self.location(row),
                    f"has {len(values)} values but the header has {width} columns"
                    + (" (an unquoted delimiter or a broken line?)" if self.delimiter else ""),
                )
                continue
            yield row, values


def _header_key(name: str) -> str:
    """A column name as headers are compared (a joined file's second header may keep its BOM)."""
    return name.strip().lstrip("\ufeff").strip().lower()


def check_size(path: Path) -> int:
    """The file's size; a file larger than :data:`MAX_FILE_BYTES` is refused before it is read."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise fail(path.name, f"cannot read: {exc.strerror or exc}") from exc
    if size > MAX_FILE_BYTES:
        raise fail(
            path.name,
            f"the file has {size:,} bytes; at most {MAX_FILE_BYTES:,} are imported at once (split it into parts)",
        )
    return size


def read_bytes(path: Path) -> bytes:
    check_size(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise fail(path.name, f"cannot read: {exc.strerror or exc}") from exc
    if not data:
        raise fail(path.name, "the file is empty (0 bytes)")
    if len(data) > MAX_FILE_BYTES:  # grew since the check
        raise fail(path.name, f"the file has more than {MAX_FILE_BYTES:,} bytes (split it into parts)")
    return data


def too_many_rows(file: str, unit: str = "rows") -> ImportFileError:
    return fail(file, f"more than {MAX_ROWS:,} {unit}; import at most that many at once (split the file)")


def too_many_columns(file: str, where: str, width: int) -> ImportFileError:
    more = "more than " if width > MAX_COLUMNS else ""
    return fail(file, f"{where}: {more}{MAX_COLUMNS:,} columns; a table has at most {MAX_COLUMNS:,}")


def decode(data: bytes, file: str) -> str:
    """UTF-8 text without a BOM, or an error naming the line of the first bad byte."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise fail(
            file,
            f"line {line}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "save the file as UTF-8 (in Excel: 'CSV UTF-8')",
        ) from exc
    text = text.lstrip("\ufeff")  # a file re-saved by a tool that adds one each time has two
    if not text.strip():
        raise fail(file, "the file holds only whitespace")
    return text


def first_line(text: str) -> str:
    return text.split("\n", 1)[0].rstrip("\r")


def read_csv(path: Path, *, delimiter: str = ",", text: str | None = None, strict: bool = True) -> Table:
    """All rows of a CSV file; ``row.detail`` gives the line each row starts on.

    ``strict`` refuses a stray quote inside a quoted value; native exports are
    read leniently because some have them (the CORDIS organisations CSV has
    ``"ASSOCIATION "NATIONAL CENTRE …""``), and the row-width check still
    catches rows that fall apart.
    """
    if text is None:
        text = decode(read_bytes(path), path.name)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=strict)
    try:
        header = next(reader)
    except StopIteration:
        raise fail(path.name, "the file is empty") from None
    except csv.Error as exc:
        raise fail(path.name, f"line 1: not readable as CSV: {exc}") from exc
    if len(header) > MAX_COLUMNS:
        raise too_many_columns(path.name, "the header", len(header))
    header = tuple(h.strip() for h in header)
    rows: list[Row] = []
    number = 0
    start = reader.line_num + 1
    try:
        for values in reader:
            if any(v.strip() for v in values):
                number += 1
                if number > MAX_ROWS:
                    raise too_many_rows(path.name)
                if len(values) > MAX_COLUMNS:
                    raise too_many_columns(path.name, f"line {start}", len(values))
                rows.append(Row(number, f"line {start}", tuple(values)))
            elif values:
                number += 1  # a row of empty cells still counts, as in a spreadsheet
            start = reader.line_num + 1
    except csv.Error as exc:
        raise fail(path.name, f"line {reader.line_num}: not readable as CSV: {exc}") from exc
    return Table(path.name, header, tuple(rows), delimiter)


def read_xlsx(path: Path) -> Table:
    """The first visible sheet of a workbook; its first row is the header.

    Read in bounded memory: the archive may not unpack to more than
    :data:`MAX_XLSX_UNPACKED_BYTES`, the size a sheet declares (``A1:XFD1048576`` in a
    5 KB file) is ignored in favour of the cells it holds, and a row reaching past
    :data:`MAX_COLUMNS` is refused, so a sheet that says it is vast costs nothing.

    A hidden sheet is skipped (the report says so): a workbook whose first sheet is a hidden
    list of choices shows its user the second. A workbook whose every sheet is hidden is
    refused, and so is a sheet with a cell that holds a formula without a saved value or an
    error value (:func:`_unsaved_cells`).
    """
    from openpyxl.reader.excel import ExcelReader

    if not read_bytes(path).startswith(b"PK"):
        raise fail(path.name, "not a readable XLSX workbook (truncated or corrupt?): not a zip archive")
    _check_archive(path)
    try:
        reader = ExcelReader(path, read_only=True, data_only=True)
        reader.read()
        book = reader.wb
        parts = {sheet.name: rel.target for sheet, rel in reader.parser.find_sheets()}
    except Exception as exc:  # noqa: BLE001 - openpyxl raises a zoo of types for broken files; all mean "unreadable"
        raise unreadable_xlsx(path, exc) from exc
    try:
        if not book.worksheets:
            raise fail(path.name, "the workbook has no sheets")
        visible = [s for s in book.worksheets if s.sheet_state == "visible"]
        if not visible:
            names = ", ".join(repr(s.title) for s in book.worksheets[:5])
            raise fail(
                path.name,
                f"every sheet of the workbook is hidden ({names}); show the sheet to import "
                "(in Excel: right-click a sheet tab, Unhide) and save it",
            )
        sheet = visible[0]
        title = sheet.title
        raw = _sheet_rows(path, sheet)
    finally:
        book.close()
    _unsaved_cells(path, title, parts.get(title, ""))
    hidden = [s.title for s in book.worksheets[: book.worksheets.index(sheet)]]
    notes = (
        (f"read the sheet {title!r}, the first that is not hidden (skipped: {', '.join(map(repr, hidden))})",)
        if hidden
        else ()
    )
    skipped = 0
    while raw and not any(v.strip() for v in raw[0]):
        raw.pop(0)  # some exports leave blank rows above the header
        skipped += 1
    if not raw:
        raise fail(path.name, f"the first visible sheet ({title!r}) is empty")
    header = list(raw[0])
    while header and not header[-1].strip():
        header.pop()
    rows = [
        Row(i, f"sheet row {i + 1 + skipped}", values)
        for i, values in enumerate(raw[1:], start=1)
        if any(v.strip() for v in values)
    ]
    return Table(path.name, tuple(h.strip() for h in header), tuple(rows), "", notes)


#: Where a sheet's XML may hold a formula (``<f>``, with or without a namespace prefix) or an
#: error value (``t="e"``); a sheet without either is not parsed a second time.
_FORMULA_OR_ERROR = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]|\st=[\"']e[\"']")


def _unsaved_cells(path: Path, title: str, part: str) -> None:
    """Refuse a sheet with a cell whose value the file does not hold.

    * A formula without a saved value: programs that write workbooks without calculating them
      (scripts, some exports) leave only the formula, which openpyxl reads as an empty cell, so
      the data would arrive empty without a word. Refused for the whole file, not per row: every
      formula of such a file lacks its value, and one step fixes them all (open the file in a
      spreadsheet program, which calculates it, and save it).
    * An error value (``#REF!``, ``#DIV/0!``, …): a formula that failed, which would be imported
      as the text "#REF!".
    """
    from openpyxl.xml.functions import iterparse

    try:
        with zipfile.ZipFile(path) as archive:
            if part.lstrip("/") not in archive.NameToInfo or not _may_hold_formulas(archive, part.lstrip("/")):
                return
            unsaved: list[str] = []
            errors: list[tuple[str, str]] = []
            with archive.open(part.lstrip("/")) as source:
                sheet_data = None
                row_number = column = 0
                for event, element in iterparse(source, events=("start", "end")):
                    tag = element.tag.rsplit("}", 1)[-1]
                    if event == "start":
                        if tag == "sheetData":
                            sheet_data = element
                        elif tag == "row":
                            row_number = int(element.get("r") or row_number + 1)
                            column = 0
                        continue
                    if tag == "c":
                        column += 1
                        children = {child.tag.rsplit("}", 1)[-1]: child for child in element}
                        where = element.get("r") or f"row {row_number}, column {column}"
                        if "f" in children and "v" not in children and element.get("t") != "inlineStr":
                            unsaved.append(where)
                        elif element.get("t") == "e":
                            errors.append((where, (children["v"].text or "") if "v" in children else ""))
                    elif tag == "row" and sheet_data is not None:
                        element.clear()
                        sheet_data.remove(element)  # bounded memory: rows are not kept
    except Exception as exc:  # noqa: BLE001 - as in read_xlsx: a sheet that cannot be parsed is unreadable
        raise unreadable_xlsx(path, exc) from exc
    if unsaved:
        n = len(unsaved) - 1
        more = f" (and {n:,} more such cell{'s' if n > 1 else ''})" if n else ""
        raise fail(
            path.name,
            f"sheet {title!r}, cell {unsaved[0]}: a formula without a saved value{more}, written by a program "
            "that did not calculate it; open the file in a spreadsheet program, save it, and import it again",
        )
    if errors:
        (where, value), more = errors[0], len(errors) - 1
        shown = f"the error {value}" if value else "an error value"
        raise fail(
            path.name,
            f"sheet {title!r}, cell {where}: {shown}"
            + (f" (and {more:,} more error cell{'s' if more > 1 else ''})" if more else "")
            + ", a formula that failed; correct or empty the cell and save the file",
        )


def _may_hold_formulas(archive: zipfile.ZipFile, part: str) -> bool:
    """A quick scan of the sheet's bytes for a formula or an error value (chunks overlap, so a
    tag split between two chunks is still found)."""
    tail = b""
    with archive.open(part) as source:
        while chunk := source.read(1 << 20):
            if _FORMULA_OR_ERROR.search(tail + chunk):
                return True
            tail = chunk[-32:]
    return False


def _check_archive(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(max(info.file_size, 0) for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise unreadable_xlsx(path, exc) from exc
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise fail(
            path.name,
            f"the workbook unpacks to {unpacked:,} bytes; at most {MAX_XLSX_UNPACKED_BYTES:,} are read "
            "(save it as CSV, or split it)",
        )


def _sheet_rows(path: Path, sheet) -> list[tuple[str, ...]]:
    """The sheet's rows as text, trailing empty cells dropped; refuses too many rows or columns.

    A row reaches as far right as its last cell, so one cell at column XFD makes a row of
    16,384: the first such row is refused before another is read.
    """
    sheet.reset_dimensions()  # the declared size is a claim; read the cells that are there
    raw: list[tuple[str, ...]] = []
    last_filled = filled = 0
    try:
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if len(values) > MAX_COLUMNS:
                raise fail(
                    path.name,
                    f"sheet row {number} reaches past column {MAX_COLUMNS:,} (a table has at most {MAX_COLUMNS:,} "
                    "columns; delete the cells to the right of the data)",
                )
            width = len(values)
            while width and (values[width - 1] is None or values[width - 1] == ""):
                width -= 1
            if width:
                last_filled = number
                filled += 1
                if filled > MAX_ROWS + 1:  # the header and MAX_ROWS data rows
                    raise too_many_rows(path.name)
            raw.append(tuple(as_text(v) for v in values[:width]))
    except ImportFileError:
        raise
    except Exception as exc:  # noqa: BLE001 - malformed XML, shared strings out of range, entity bombs, …
        raise unreadable_xlsx(path, exc) from exc
    return raw[:last_filled]


def unreadable_xlsx(path: Path, exc: BaseException) -> ImportFileError:
    detail = " ".join(str(exc).split()) or type(exc).__name__
    if len(detail) > 200:
        detail = detail[:197] + "..."
    return fail(path.name, f"not a readable XLSX workbook (truncated or corrupt?): {detail}")


class _DuplicateKey(ValueError):
    pass


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object as a dict; a key given twice is refused (``json`` quietly keeps the last value,
    so ``{"navn": "EQUINOR ASA", "navn": "…"}`` would import whichever came second)."""
    found = dict(pairs)
    if len(found) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return found


def read_json(path: Path) -> Any:
    text = decode(read_bytes(path), path.name)
    try:
        return json.loads(text, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as exc:
        raise fail(path.name, f"line {exc.lineno}, column {exc.colno}: not valid JSON ({exc.msg})") from exc
    except _DuplicateKey as exc:
        key = str(exc.args[0])
        shown = key if len(key) <= 60 else key[:57] + "..."
        raise fail(
            path.name, f"an object holds the key {shown!r} twice, so which value is meant is unclear; keep one"
        ) from exc
    except RecursionError as exc:  # "[[[[…" thousands deep: no export nests like that
        raise fail(path.name, "not importable JSON: nested too deeply") from exc
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise fail(path.name, f"not importable JSON: {exc}") from exc


def json_items(records: list, file: str, key: str) -> list[tuple[Location, object]]:
    """JSON array elements with their location (``record N (<key> <value>)``)."""
    items = []
    for i, record in enumerate(records, start=1):
        ident = as_text(record.get(key)) if isinstance(record, dict) else ""
        items.append((Location(file, i, f"{key} {ident}" if ident else "", unit="record"), record))
    return items
