"""Which format a path holds: by extension, then by header or JSON keys.

* a folder: the interchange tables (``organisations``/``projects``/
  ``participations`` as ``.csv`` or ``.xlsx``), else a CORDIS JSON export
  (``project.json`` and/or ``organization.json``);
* ``.csv``: an interchange table when the file is named after one (so a
  ``;``-separated ``organisations.csv`` fails with a delimiter hint instead of
  being guessed at); otherwise the header, read as ``,``-, ``;``- or
  tab-separated, names the format (CORDIS, Forskningsrådet, Enhetsregisteret
  bulk CSV, or an interchange table under another name);
* ``.xlsx``: the same, on the header row of the first sheet that is not hidden;
* ``.json``: Enhetsregisteret (unit, search, bulk array) or CORDIS records.

Detection reads the file; parsing (``Source.parse``) is left to the caller so
the progress bar can follow it.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from data.importers import brreg, cordis, interchange
from data.importers.base import Batch, ParseContext
from data.importers.forskningsradet import COLUMNS as FORSKNINGSRADET_COLUMNS
from data.importers.forskningsradet import parse_forskningsradet
from data.importers.readers import (
    TABLE_SUFFIXES,
    Table,
    decode,
    fail,
    first_line,
    json_items,
    read_bytes,
    read_csv,
    read_json,
    read_xlsx,
    too_many_rows,
)
from data.limits import MAX_ROWS

DELIMITERS = (",", ";", "\t")


@dataclass
class Source:
    """A detected input: its format, how many rows/records it has, and its parser."""

    path: Path
    format: str
    size: int
    parse: Callable[[ParseContext], Batch]
    notes: list[str] = field(default_factory=list)


def detect(path: Path) -> Source:
    if path.is_dir():
        return _folder(path)
    if not path.exists():
        raise fail(path.name, f"no such file or folder: {path}")
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv", ".txt"):
        return _csv(path)
    if suffix == ".xlsx":
        return _table_source(path, read_xlsx(path))
    if suffix == ".json":
        return _json(path)
    raise fail(
        path.name,
        f"not a recognised format: {suffix or 'no extension'} (expected a folder, or a .csv, .xlsx or .json file)",
    )


# -- tables -------------------------------------------------------------------------------

# (columns that identify the format, format name, parser over a Table)
NATIVE_TABLES: list[tuple[frozenset[str], str, Callable[[Table, ParseContext], Batch]]] = [
    (frozenset({"Prosjektnr", "Organisasjonsnummer"}), "Forskningsrådet EU participations", parse_forskningsradet),
    (frozenset(cordis.PROJECTS_CSV_COLUMNS), "CORDIS projects CSV", cordis.parse_projects_csv),
    (
        frozenset(cordis.PROJECT_RECORD_FIELDS),
        "CORDIS project records",
        lambda table, ctx: cordis.parse_project_records(table.items(ctx.problems), ctx),
    ),
    (
        frozenset({"projectID", "organisationID", "activityType", "name"}),
        "CORDIS participant records",
        lambda table, ctx: cordis.parse_participant_records(table.items(ctx.problems), ctx),
    ),
    (frozenset(cordis.ORGANISATIONS_CSV_COLUMNS), "CORDIS organisations CSV", cordis.parse_organisations_csv),
    (
        frozenset({"organisasjonsnummer", "navn"}),
        "Enhetsregisteret bulk CSV",
        lambda table, ctx: brreg.parse_units(table.items(ctx.problems), ctx, format="Enhetsregisteret bulk CSV"),
    ),
]
assert set(FORSKNINGSRADET_COLUMNS) >= NATIVE_TABLES[0][0]


def _native(header) -> tuple[str, Callable] | None:
    names = {h.strip() for h in header}
    for columns, name, parser in NATIVE_TABLES:
        if columns <= names:
            return name, parser
    return None


def _split(line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delimiter))
    except (csv.Error, StopIteration):
        return []


def _csv(path: Path) -> Source:
    text = decode(read_bytes(path), path.name)
    kind = interchange.table_of(path.stem)
    if kind:
        return _interchange(path, {kind: read_csv(path, text=text)})
    line = first_line(text)
    for delimiter in DELIMITERS:
        header = _split(line, delimiter)
        if _native(header) or interchange.table_by_header(tuple(header)):
            # Interchange tables are comma-separated; reading them with ","
            # turns a wrong delimiter into a "missing column" with a hint.
            native = _native(header) is not None
            table = read_csv(path, delimiter=delimiter if native else ",", text=text, strict=not native)
            return _table_source(path, table)
    raise _unrecognised(path, _split(line, ","))


def _table_source(path: Path, table: Table) -> Source:
    kind = interchange.table_of(path.stem) or interchange.table_by_header(table.header)
    native = None if interchange.table_of(path.stem) else _native(table.header)
    if native:
        name, parser = native
        if not table.rows:
            raise fail(path.name, f"has a header ({name}) but no data rows")
        return Source(path, name, len(table.rows), lambda ctx: parser(table, ctx), list(table.notes))
    if kind:
        return _interchange(path, {kind: table})
    raise _unrecognised(path, list(table.header))


def _unrecognised(path: Path, header: list[str]):
    shown = ", ".join(header[:6]) + (", …" if len(header) > 6 else "")
    return fail(
        path.name,
        f"not a recognised format: the header ({shown}) is neither an interchange table "
        "(organisations, projects, participations) nor a CORDIS, Forskningsrådet or Enhetsregisteret layout",
    )


def _interchange(path: Path, tables: dict[str, Table], notes: list[str] | None = None) -> Source:
    return Source(
        path,
        "interchange",
        sum(len(t.rows) for t in tables.values()),
        lambda ctx: interchange.parse_interchange(tables, ctx),
        [*(notes or []), *(f"{t.file}: {note}" for t in tables.values() for note in t.notes)],
    )


# -- folders ------------------------------------------------------------------------------

CORDIS_JSON_FILES = ("project.json", "organization.json")


def _folder(path: Path) -> Source:
    files = _folder_files(path)
    tables: dict[str, Path] = {}
    for kind in interchange.TABLES:
        found = [files[kind + s] for s in TABLE_SUFFIXES if kind + s in files]
        if len(found) > 1:
            raise fail(path.name, f"holds both {found[0].name} and {found[1].name}: keep one of them")
        if found:
            tables[kind] = found[0]
    if tables:
        used = {p.name for p in tables.values()}
        ignored = sorted(p.name for p in files.values() if p.name not in used)
        notes = [f"ignored other files in the folder: {', '.join(ignored)}"] if ignored else []
        read = {kind: read_xlsx(p) if p.suffix.lower() == ".xlsx" else read_csv(p) for kind, p in tables.items()}
        return _interchange(path, read, notes)
    if any(name in files for name in CORDIS_JSON_FILES):
        return _cordis_json(path, files.get("project.json"), files.get("organization.json"))
    raise fail(
        path.name,
        "no importable files in the folder (expected organisations, projects, participations as .csv or "
        ".xlsx, or a CORDIS export's project.json / organization.json)",
    )


def _folder_files(path: Path) -> dict[str, Path]:
    """The folder's files by lower-cased name.

    Refused: two files whose names differ only by case (which one a case-insensitive disk, or
    this dictionary, keeps is an accident), and links that lead out of the folder (an upload
    or an unpacked archive must not make Samspill read a file elsewhere on the machine).
    """
    files: dict[str, Path] = {}
    root = path.resolve()
    for p in sorted(path.iterdir()):
        if p.name.startswith(".") or not p.is_file():
            continue
        if p.is_symlink() and not p.resolve().is_relative_to(root):
            raise fail(path.name, f"{p.name} is a link to a file outside the folder; copy the file into the folder")
        key = p.name.lower()
        if key in files:
            raise fail(
                path.name, f"holds both {files[key].name} and {p.name}, names that differ only by case: keep one"
            )
        files[key] = p
    return files


# -- JSON ---------------------------------------------------------------------------------


def _is_records(data, keys) -> bool:
    return isinstance(data, list) and bool(data) and all(isinstance(r, dict) and set(keys) <= set(r) for r in data)


def _json(path: Path) -> Source:
    data = read_json(path)
    found = brreg.units_of(data)
    if found is not None:
        units, name = found
        if len(units) > MAX_ROWS:
            raise too_many_rows(path.name, "records")
        items = json_items(units, path.name, "organisasjonsnummer")
        notes = [] if units else ["the search result is empty: nothing to import"]
        return Source(path, name, len(items), lambda ctx: brreg.parse_units(items, ctx, format=name), notes)
    if _is_records(data, cordis.PARTICIPANT_RECORD_FIELDS) or _is_records(data, cordis.PROJECT_RECORD_FIELDS):
        if _is_records(data, cordis.PROJECT_RECORD_FIELDS):
            return _cordis_json(path, path, None)
        return _cordis_json(path, None, path)
    raise fail(path.name, f"not a recognised format: {_describe(data)}")


def _describe(data) -> str:
    if isinstance(data, dict) and "rollegrupper" in data:
        return "an Enhetsregisteret roles response (rollegrupper) lists roles, not organisations"
    if isinstance(data, dict):
        keys = ", ".join(list(data)[:6]) + (", …" if len(data) > 6 else "")
        return (
            f"a JSON object with the keys {keys or '(none)'} is neither an Enhetsregisteret unit or search "
            "nor a CORDIS export"
        )
    if isinstance(data, list):
        if not data:
            return "an empty JSON array holds no records"
        return "a JSON array whose elements are neither Enhetsregisteret units nor CORDIS project/organisation records"
    return f"a bare JSON {type(data).__name__} is neither Enhetsregisteret nor CORDIS data"


def _cordis_json(path: Path, projects: Path | None, participants: Path | None) -> Source:
    project_items = json_items(_records(projects), projects.name, "id") if projects else []
    participant_items = json_items(_records(participants), participants.name, "organisationID") if participants else []

    def parse(ctx: ParseContext) -> Batch:
        first = cordis.parse_project_records(project_items, ctx)
        if not participant_items:
            first.format = "CORDIS JSON export"
            return first
        second = cordis.parse_participant_records(participant_items, ctx, frameworks=cordis.frameworks_of(first))
        return cordis.merge_batches(first, second)

    return Source(path, "CORDIS JSON export", len(project_items) + len(participant_items), parse)


def _records(path: Path) -> list:
    data = read_json(path)
    if not isinstance(data, list):
        raise fail(path.name, f"not a recognised format: {_describe(data)}")
    if not data:
        raise fail(path.name, "the JSON array is empty: no records to import")
    if len(data) > MAX_ROWS:
        raise too_many_rows(path.name, "records")
    return data
