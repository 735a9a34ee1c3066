"""The Research Council of Norway's list of Norwegian EU participations.

"Bevilgninger fra EU til norske forskningsmiljøer" (Forskningsrådet open
data): one ``;``-separated row per Norwegian participation in an EU project.

* projects: ``<Rammeprogram>-<Prosjektnr>`` (``H2020-779469``), title
  ``Prosjektnavn``, start year from ``Kontrakt startdato`` (``dd.mm.yyyy``),
  programme ``Søknadstype`` (the CORDIS funding scheme, e.g. ``RIA``);
* organisations: keyed by ``Organisasjonsnummer``, aligned with what is
  stored (the interchange set keys these organisations by CORDIS name, with
  the number in ``org_number``). A row goes to the organisation already in
  that project with the same number, else with the same ``N:`` name id (the
  list has two numbers for ``TELLU AS``; CORDIS one name), else to any stored
  organisation with that number, else to one stored under the name id
  without another number; only then is ``NO:<orgnr>`` created. On top of the
  interchange set all 1,480 rows land on an organisation already in their
  project (1,476 by number, 4 by name) and nothing is added. Region = the
  county (:mod:`data.regions`) of ``Adresse fylkenummer``, else of ``Adresse
  kommunenummer``, else named by ``Adresse fylke`` (written with its Sámi and
  Kven names, "Trøndelag - Trööndelage"); municipality = ``Adresse kommune``;
  kind from ``FoU sektor`` and ``FoU kategori``
  (:func:`data.kinds.kind_from_rd_sector`);
* roles: ``COORDINATOR`` → coordinator, anything else → partner.

Region and municipality replace stored values; name, kind, country and
organisation number only fill gaps (CORDIS is the better source for those), and
project fields only fill gaps too (CORDIS has the summaries).
"""

from __future__ import annotations

import re

from data.importers.base import Batch, Location, MergePolicy, ParseContext, parse_date_year
from data.importers.names import name_id
from data.importers.readers import Table
from data.kinds import kind_from_rd_sector
from data.limits import MAX_NAME_CHARS
from data.models import Organisation, Participation, Project
from data.regions import county_of_municipality, county_of_number, norwegian_county

COLUMNS = (
    "Rammeprogram",
    "Prosjektnr",
    "Prosjektnavn",
    "Søknadstype",
    "Kontrakt startdato",
    "Organisasjonsnummer",
    "Organisasjonsnavn",
    "Organisasjon rolle",
    "FoU sektor",
    "Adresse kommune",
    "Adresse fylke",
)
#: Read where the file has them (the county and municipality numbers are the reference's keys).
OPTIONAL_COLUMNS = ("FoU kategori", "Adresse fylkenummer", "Adresse kommunenummer")

ORG_POLICY = MergePolicy(
    replace=frozenset({"region", "municipality"}), fill=frozenset({"name", "kind", "country", "org_number"})
)
PROJECT_POLICY = MergePolicy(fill=frozenset({"title", "start_year", "programme"}))

_DATE = (
    re.compile(r"^\s*(?P<day>[0-9]{1,2})\.(?P<month>[0-9]{1,2})\.(?P<year>[0-9]{4})", re.ASCII),
    re.compile(r"^\s*(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})", re.ASCII),
)


def parse_forskningsradet(table: Table, ctx: ParseContext) -> Batch:
    batch = Batch(
        format="Forskningsrådet EU participations",
        org_policy=ORG_POLICY,
        project_policy=PROJECT_POLICY,
        match_org_number=True,
        match_name=True,
    )
    index = {h: i for i, h in enumerate(table.header)}
    missing = [c for c in COLUMNS if c not in index]
    for column in missing:
        ctx.problems.add(Location(table.file, column=column), f"missing column {column!r}")
    if missing:
        return batch

    projects: dict[str, Project] = {}
    orgs: dict[str, Organisation] = {}
    columns = {c: index[c] for c in (*COLUMNS, *OPTIONAL_COLUMNS) if c in index}
    for row, values in ctx.rows(table.records(ctx.problems)):
        where = table.location(row)
        v = ctx.cells(values, columns, where)
        number = v["Prosjektnr"].strip()
        if not (number.isascii() and number.isdigit()) or len(number) > 20:  # no Arabic-Indic digits
            shown = number if len(number) <= 40 else number[:37] + "..."
            ctx.problems.add(where.at("Prosjektnr"), f"bad project number {shown!r}: expected digits 0-9")
            continue
        pid = f"{(v['Rammeprogram'].strip().upper().replace(' ', '') or 'H2020')}-{number}"
        if pid not in projects:
            if not v["Prosjektnavn"].strip():
                ctx.problems.add(where.at("Prosjektnavn"), "project name is empty")
            ctx.limited(v["Prosjektnavn"], where.at("Prosjektnavn"), MAX_NAME_CHARS, "project name")
            projects[pid] = Project(
                project_id=pid,
                title=v["Prosjektnavn"],
                start_year=_start_year(v["Kontrakt startdato"], where.at("Kontrakt startdato"), ctx),
                programme=v["Søknadstype"].strip(),
            )
        name = v["Organisasjonsnavn"]
        if not name.strip():
            ctx.problems.add(where.at("Organisasjonsnavn"), "organisation name is empty")
            continue
        if len(name) > MAX_NAME_CHARS:
            ctx.limited(name, where.at("Organisasjonsnavn"), MAX_NAME_CHARS, "organisation name")
            continue
        org_number = ctx.org_number(v["Organisasjonsnummer"], where.at("Organisasjonsnummer"))
        if org_number is None:
            continue
        org_id = f"NO:{org_number}" if org_number else ctx.identifier(name_id(name), where.at("Organisasjonsnavn"))
        if not org_id:
            continue
        if org_id not in orgs:
            orgs[org_id] = Organisation(
                org_id=org_id,
                name=name.strip(),
                kind=kind_from_rd_sector(v["FoU sektor"], v.get("FoU kategori", "")),
                country="NO",
                region=_county(v),
                org_number=org_number,
                municipality=v["Adresse kommune"].strip(),
            )
        role = "coordinator" if v["Organisasjon rolle"].strip().upper() == "COORDINATOR" else "partner"
        batch.add_participation(Participation(pid, org_id, role), where, "Prosjektnr", "Organisasjonsnummer")
    batch.projects = list(projects.values())
    batch.organisations = list(orgs.values())
    return batch


def _start_year(text: str, where: Location, ctx: ParseContext) -> int | None:
    text = text.strip()
    if not text:
        return None
    found = _DATE[0].match(text) or _DATE[1].match(text)
    return parse_date_year(text, found, where, ctx.problems, expected="dd.mm.yyyy")


def _county(v: dict[str, str]) -> str:
    """The county by its number, else by the municipality's number, else by name ("" if none)."""
    return (
        county_of_number(v.get("Adresse fylkenummer", ""))
        or county_of_municipality(v.get("Adresse kommunenummer", ""))
        or norwegian_county(v["Adresse fylke"])
    )
