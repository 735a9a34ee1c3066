"""Hostile files built from code: XLSX workbooks that lie about themselves, and their kin.

Not a test module; the bad-input catalogue, the limits tests and the fuzzing import it as
``hostile_files``. Each builder returns the file's bytes. A workbook is made by openpyxl
and then one part of its zip archive is rewritten, so everything but the lie is valid.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile

ORG_HEADER = ("org_id", "name", "kind", "country", "region", "org_number", "description")
SHEET = "xl/worksheets/sheet1.xml"


def workbook(rows: list[tuple] | None = None) -> bytes:
    """An organisations workbook: the header and ``rows`` (one good row by default)."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(ORG_HEADER))
    for row in rows if rows is not None else [("xlsx-1", "Xlsx AS", "company", "NO", "", "", "Makes sheets.")]:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def workbook_of(rows: list[list]) -> bytes:
    """A workbook whose first sheet holds exactly ``rows`` (the first is the header)."""
    import openpyxl

    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rewrite_part(data: bytes, part: str, change) -> bytes:
    """The workbook with ``change(xml bytes) -> bytes`` applied to one part of its archive."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            target.writestr(info, change(content) if info.filename == part else content)
    return out.getvalue()


def declared_dimension(data: bytes, ref: str = "A1:XFD1048576") -> bytes:
    return rewrite_part(
        data, SHEET, lambda xml: re.sub(rb'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{ref}"/>'.encode(), xml)
    )


def dimension_bomb(*, far_cell: bool = True) -> bytes:
    """About 5 KB that declare the whole sheet (A1:XFD1048576); with ``far_cell`` a cell sits at
    XFD1048576 too, so a reader that pads rows to the declared size builds a million rows of
    16,384 cells."""
    data = declared_dimension(workbook())
    if far_cell:
        data = rewrite_part(
            data,
            SHEET,
            lambda xml: xml.replace(
                b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>0</v></c></row></sheetData>'
            ),
        )
    return data


def shared_string_out_of_range() -> bytes:
    """A cell that points at shared string 999,999 of a table that has none."""
    return rewrite_part(
        workbook(),
        SHEET,
        lambda xml: xml.replace(b"</sheetData>", b'<row r="3"><c r="A3" t="s"><v>999999</v></c></row></sheetData>'),
    )


def malformed_sheet() -> bytes:
    return rewrite_part(workbook(), SHEET, lambda xml: xml[: len(xml) // 2])


def entity_bomb() -> bytes:
    """Billion laughs in the sheet: ten levels of ten references each."""
    levels = ['<!ENTITY l0 "ha">'] + [f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 10)]
    doctype = f"<!DOCTYPE worksheet [{''.join(levels)}]>".encode()

    def change(xml: bytes) -> bytes:
        xml = xml.replace(b"?>", b"?>" + doctype, 1) if xml.startswith(b"<?xml") else doctype + xml
        return xml.replace(b"<t>Xlsx AS</t>", b"<t>&l9;</t>")

    return rewrite_part(workbook(), SHEET, change)


def claims_to_unpack_to(data: bytes, size: int) -> bytes:
    """The archive with the sheet's uncompressed size in the central directory set to ``size``."""
    blob = bytearray(data)
    name = SHEET.encode()
    at = blob.find(b"PK\x01\x02" + b"")
    while at != -1:
        name_length = struct.unpack_from("<H", blob, at + 28)[0]
        if bytes(blob[at + 46 : at + 46 + name_length]) == name:
            struct.pack_into("<I", blob, at + 24, min(size, 0xFFFFFFFF))
            return bytes(blob)
        at = blob.find(b"PK\x01\x02", at + 4)
    raise ValueError("no sheet in the archive")
