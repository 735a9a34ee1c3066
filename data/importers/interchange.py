"""Samspill's interchange format: ``organisations``, ``projects``, ``participations``.

Each table is a CSV (UTF-8, comma-separated, header row) or the first visible sheet
of an XLSX workbook with the same header; a folder holds up to one of each, and
each file may be imported alone. Column names are matched case-insensitively.

Columns (``*`` = optional):

===============  =====================================================================
organisations    org_id, name, kind*, country*, region*, org_number*, description*,
                 competences*, municipality*, nace_codes*, employees*, website*, address*,
                 contact_name*, contact_role*, contact_email*, contact_phone*
projects         project_id, title, summary*, start_year*, programme*, budget_nok*, funding_source*
participations   project_id, org_id, role*
===============  =====================================================================

Contact persons: ``contact_name`` with its ``contact_role``, ``contact_email`` and
``contact_phone``; several persons are separated by ``;`` in the same order in each column
("Kari Nordmann; Ola Hansen" with "kari@x.no; ola@x.no"). A file with contact columns gives
each organisation it lists exactly those contacts (data.contacts checks them).

Values: ids as :func:`data.identifiers.clean_id` takes them (NFKC, letters of one of Latin,
Cyrillic and Greek); ``start_year`` and ``employees`` written in the digits 0-9 and ``budget_nok``
with at most one decimal point (numeric XLSX cells as they are, whole where a whole number is
wanted); ``website`` an http(s) address or a host (``www.sintef.no``), as the profile form takes it.

An unknown column is refused rather than ignored: a typo such as
``competence`` would otherwise drop a column of data without a word. The
message names the column and the closest known one.

The file is authoritative for the columns it has, empty values included, and
silent about the ones it lacks: an organisations file without ``employees``
leaves the stored head counts alone.

Regions and kinds are read against the references (:mod:`data.regions`,
:mod:`data.kinds`), so a file made from CORDIS or by hand filters like the
native sources:

* ``region`` is written as the reference writes it where it names a region: a
  Norwegian county (any of its names, "Trøndelag - Trööndelage" → "Trøndelag")
  or a NUTS code of the row's country. A file with a ``municipality`` column
  tells places from regions itself, so its other region values are kept as
  given (abroad the reference knows only NUTS codes, not "Jämtlands län"). In a
  file without one, ``region`` is its only place field, and a value that is no
  region is the organisation's town ("PARIS 08", "KGS LYNGBY", as in the H2020
  set made from CORDIS): it fills ``municipality``, and the report says how many
  rows did so.
* an empty ``kind`` is taken from the row's ``nace_codes``, else -- for a row
  with no organisation number and a country other than Norway, where no
  register will speak later -- from the legal form or university word in its
  name (:func:`data.kinds.kind_from_name`); the report counts both.
"""

from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import fields

from data.importers.base import (
    Batch,
    Location,
    MergePolicy,
    ParseContext,
    parse_amount,
    parse_choice,
    parse_count,
    parse_year,
)
from data.importers.readers import Table
from data.kinds import kind_from_name, kind_from_register
from data.limits import MAX_NAME_CHARS, MAX_TEXT_CHARS
from data.models import KINDS, ROLES, Contact, Organisation, Participation, Project
from data.regions import region_of

TABLES = ("organisations", "projects", "participations")

# Only keys and names are required: a spreadsheet a cluster keeps by hand rarely has every column.
REQUIRED: dict[str, tuple[str, ...]] = {
    "organisations": ("org_id", "name"),
    "projects": ("project_id", "title"),
    "participations": ("project_id", "org_id"),
}
CONTACT_COLUMNS = ("contact_name", "contact_role", "contact_email", "contact_phone")
OPTIONAL: dict[str, tuple[str, ...]] = {
    "organisations": ("kind", "country", "region", "org_number", "description", "competences", "municipality",
                      "nace_codes", "employees", "website", "address"),
    "projects": ("summary", "start_year", "programme", "budget_nok", "funding_source"),
    "participations": ("role",),
}
OPTIONAL_COLUMNS = {**OPTIONAL, "organisations": OPTIONAL["organisations"] + CONTACT_COLUMNS}
KEYS = {"organisations": ("org_id",), "projects": ("project_id",), "participations": ("project_id", "org_id")}

assert {f.name for f in fields(Organisation)} == set(REQUIRED["organisations"] + OPTIONAL["organisations"])
assert {f.name for f in fields(Project)} == set(REQUIRED["projects"] + OPTIONAL["projects"])


def table_of(stem: str) -> str | None:
    """The table a file holds, judged by its name (``organisations.csv`` → organisations)."""
    stem = stem.strip().lower()
    return stem if stem in TABLES else None


def table_by_header(header: tuple[str, ...]) -> str | None:
    """The table a header belongs to, if it has that table's key columns."""
    names = {h.strip().lower() for h in header}
    if {"org_id", "name"} <= names:
        return "organisations"
    if {"project_id", "title"} <= names:
        return "projects"
    if {"project_id", "org_id"} <= names:
        return "participations"
    return None


def check_header(table: Table, kind: str, ctx: ParseContext) -> dict[str, int] | None:
    """Column name → index, or None after recording what is wrong with the header."""
    known = REQUIRED[kind] + OPTIONAL_COLUMNS[kind]
    index: dict[str, int] = {}
    ok = True
    hint = _delimiter_hint(table)
    for i, raw in enumerate(table.header if not hint else ()):
        name = raw.strip().lower()
        # an invisible character in a column name is shown, not printed (a NUL, a zero-width space)
        where = Location(table.file, column=(raw if raw.isprintable() else repr(raw)) or f"#{i + 1}")
        if not name:
            ctx.problems.add(where, f"column {i + 1} has no name in the header")
            ok = False
        elif name in index:
            ctx.problems.add(where, f"column {name!r} appears twice in the header")
            ok = False
        elif name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            guess = f"did you mean {close[0]!r}? " if close else ""
            article = "an" if kind[0] in "aeiou" else "a"
            ctx.problems.add(
                where, f"unknown column {raw!r} ({guess}{article} {kind} file has the columns {', '.join(known)})"
            )
            ok = False
        else:
            index[name] = i
    missing = [c for c in REQUIRED[kind] if c not in index]
    if missing and hint:
        shown = ", ".join(missing)
        ctx.problems.add(Location(table.file, column=missing[0]), f"missing columns {shown}{hint}")
        ok = False
    elif missing:
        for column in missing:
            ctx.problems.add(Location(table.file, column=column), f"missing column {column!r}")
        ok = False
    return index if ok else None


def _delimiter_hint(table: Table) -> str:
    if len(table.header) != 1 or not table.delimiter:
        return ""
    only = table.header[0]
    for delimiter, name in ((";", "semicolon"), ("\t", "tab"), ("|", "pipe")):
        if delimiter in only:
            shown = only if len(only) <= 60 else only[:57] + "…"
            return (
                f": the header is one column {shown!r}, so the file looks {name}-separated; "
                "interchange files must be comma-separated"
            )
    return ""


def parse_interchange(tables: dict[str, Table], ctx: ParseContext) -> Batch:
    """Records from up to three interchange tables (keyed by table name)."""
    batch = Batch(format="interchange")
    headers = {kind: check_header(table, kind, ctx) for kind, table in tables.items()}
    if ctx.problems:
        return batch
    if all(not t.rows for t in tables.values()):
        for table in tables.values():
            ctx.problems.add(Location(table.file), "has a header but no data rows")
        return batch
    parsers = {"organisations": _organisations, "projects": _projects, "participations": _participations}
    for kind in TABLES:
        if kind in tables:
            parsers[kind](tables[kind], headers[kind], batch, ctx)
    org_columns = {c for c in headers.get("organisations") or {}} & set(OPTIONAL["organisations"] + ("name",))
    project_columns = {c for c in headers.get("projects") or {}} - {"project_id"}
    # a city found in the region column fills the municipality a file without that column cannot give;
    # kinds read from NACE codes fill where a file has no kind column to be authoritative about
    derived = {"municipality": "region", "kind": "nace_codes"}
    fill = {column for column, source in derived.items() if source in org_columns and column not in org_columns}
    batch.org_policy = MergePolicy(replace=frozenset(org_columns), fill=frozenset(fill), replace_with_empty=True)
    batch.project_policy = MergePolicy(replace=frozenset(project_columns), replace_with_empty=True)
    return batch


def _cells(table: Table, header: dict[str, int], ctx: ParseContext):
    """(location, {column: value}) per data row, values already cleaned of control characters."""
    for row, cells in ctx.rows(table.records(ctx.problems)):
        where = table.location(row)
        yield where, ctx.cells(cells, header, where, ids=("org_id", "project_id"))


def _unique(kind: str, key: tuple, where: Location, seen: dict, ctx: ParseContext) -> bool:
    first = seen.setdefault(key, where.row)
    if first != where.row:
        shown = key[0] if len(key) == 1 else " / ".join(key)
        column = KEYS[kind][0] if len(key) == 1 else " + ".join(KEYS[kind])
        ctx.problems.add(where.at(column), f"duplicate {column} {shown!r} (first at row {first})")
        return False
    return True


def _required_text(values: dict, column: str, where: Location, ctx: ParseContext, *, limit: int) -> str:
    value = values[column]
    if not value.strip():
        ctx.problems.add(where.at(column), f"{column} is empty")
    return ctx.limited(value, where.at(column), limit, column)


def _id(values: dict, column: str, where: Location, ctx: ParseContext) -> str:
    """An id column: required, NFC-normalised, no invisible or control characters ("" when refused)."""
    if not values[column].strip():
        ctx.problems.add(where.at(column), f"{column} is empty")
        return ""
    return ctx.identifier(values[column], where.at(column))


def _organisations(table: Table, header: dict[str, int], batch: Batch, ctx: ParseContext) -> None:
    seen: dict = {}
    places: list[str] = []
    inferred = {"NACE codes": 0, "name": 0}
    for where, v in _cells(table, header, ctx):
        org_id = _id(v, "org_id", where, ctx)
        name = _required_text(v, "name", where, ctx, limit=MAX_NAME_CHARS)
        kind = parse_choice(v.get("kind", ""), KINDS, "kind", where.at("kind"), ctx.problems)
        employees = parse_count(v.get("employees", ""), where.at("employees"), ctx.problems)
        org_number = ctx.org_number(v.get("org_number", ""), where.at("org_number"))
        for column in ("description", "competences"):
            ctx.limited(v.get(column, ""), where.at(column), MAX_TEXT_CHARS, column)
        contacts = _contacts(v, where, ctx) if any(c in header for c in CONTACT_COLUMNS) else None
        website = _website(v.get("website", ""), where.at("website"), ctx)
        if not org_id or org_number is None or not _unique("organisations", (org_id,), where, seen, ctx):
            continue
        country, place = v.get("country", "").strip(), v.get("region", "")
        region = region_of(country, place) or (place if "municipality" in header else "")
        municipality = v.get("municipality", "")
        if place.strip() and not region:
            municipality = place.strip()
            places.append(municipality)
        if not kind:
            kind, source = _inferred_kind(name, country, org_number, v.get("nace_codes", ""), by_name="kind" in header)
            inferred[source] += bool(kind)
        batch.organisations.append(
            Organisation(
                org_id=org_id,
                name=name,
                kind=kind,
                country=country,
                region=region,
                org_number=org_number,
                description=v.get("description", ""),
                competences=v.get("competences", ""),
                municipality=municipality,
                nace_codes=v.get("nace_codes", "").strip(),
                employees=employees,
                website=website,
                address=" ".join(v.get("address", "").split()),
            )
        )
        if contacts is not None:
            batch.contacts[org_id] = contacts
    if places:
        shown = ", ".join(repr(p) for p, _ in Counter(places).most_common(3))
        batch.notes.append(
            f"{len(places):,} region value(s) name no county or NUTS region ({shown}, ...): kept as municipality"
        )
    for source, n in inferred.items():
        if n:
            batch.notes.append(f"{n:,} empty kind(s) taken from the organisation's {source}")


def _inferred_kind(name: str, country: str, org_number: str, nace_codes: str, *, by_name: bool) -> tuple[str, str]:
    """A kind for a row that gives none, and what it came from ("NACE codes" or "name").

    A name is weak evidence, so it is read only for a file with a kind column (whose empty kind it
    stands in for) and for an organisation no register covers: a Norwegian one gets its kind from
    Enhetsregisteret or the Research Council, which only fill an empty kind.
    """
    kind = kind_from_register("", "", nace_codes.split(";"))
    if kind or not by_name or org_number or country.upper() == "NO":
        return kind, "NACE codes"
    return kind_from_name(name), "name"


def _contacts(v: dict, where: Location, ctx: ParseContext) -> tuple[Contact, ...]:
    """The contact persons of one row: the contact columns split at ``;``, position by position."""
    from data.contacts import check_contacts
    from data.refusals import Refused
    from data.store import StoreError

    columns = {c: [x.strip() for x in v.get(c, "").split(";")] for c in CONTACT_COLUMNS}
    n = max(len(values) for values in columns.values())
    people = [Contact(*(columns[c][i] if i < len(columns[c]) else "" for c in CONTACT_COLUMNS)) for i in range(n)]
    try:
        return check_contacts(people)
    except Refused as exc:
        ctx.problems.add(where.at(_CONTACT_COLUMN_OF.get(exc.key, "contact_name")), str(exc), exc)
        return ()
    except StoreError as exc:
        ctx.problems.add(where.at("contact_name"), str(exc))
        return ()


def _website(value: str, where: Location, ctx: ParseContext) -> str:
    """The website as given, or a problem when it is no http(s) address (``javascript:…``, ``data:…``):
    the app links to it, and the profile form refuses the same values (data.contacts.website_url)."""
    from data.contacts import website_url
    from data.refusals import Refused

    website = value.strip()
    if website and website_url(website) is None:
        shown = website[:80] if website.isprintable() else repr(website[:80])[1:-1]  # a direction mark, shown
        refused = Refused("contacts.bad_website", value=shown)
        ctx.problems.add(where, str(refused), refused)
    return website


#: the column a refused contact points at (the name for anything else)
_CONTACT_COLUMN_OF = {"contacts.bad_email": "contact_email", "contacts.bad_phone": "contact_phone"}


def _projects(table: Table, header: dict[str, int], batch: Batch, ctx: ParseContext) -> None:
    seen: dict = {}
    for where, v in _cells(table, header, ctx):
        project_id = _id(v, "project_id", where, ctx)
        title = _required_text(v, "title", where, ctx, limit=MAX_NAME_CHARS)
        ctx.limited(v.get("summary", ""), where.at("summary"), MAX_TEXT_CHARS, "summary")
        year = parse_year(v.get("start_year", ""), where.at("start_year"), ctx.problems)
        budget = parse_amount(v.get("budget_nok", ""), where.at("budget_nok"), ctx.problems)
        if not project_id or not _unique("projects", (project_id,), where, seen, ctx):
            continue
        batch.projects.append(
            Project(
                project_id=project_id,
                title=title,
                summary=v.get("summary", ""),
                start_year=year,
                programme=v.get("programme", "").strip(),
                budget_nok=budget,
                funding_source=v.get("funding_source", ""),
            )
        )


def _participations(table: Table, header: dict[str, int], batch: Batch, ctx: ParseContext) -> None:
    seen: dict = {}
    for where, v in _cells(table, header, ctx):
        project_id = _id(v, "project_id", where, ctx)
        org_id = _id(v, "org_id", where, ctx)
        role = parse_choice(v.get("role", ""), ROLES, "role", where.at("role"), ctx.problems, default="partner")
        if not project_id or not org_id:
            continue
        if _unique("participations", (project_id, org_id), where, seen, ctx):
            batch.add_participation(Participation(project_id, org_id, role), where, "project_id", "org_id")
