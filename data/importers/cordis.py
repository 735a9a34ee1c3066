"""CORDIS (EU research projects) in its native layouts.

Ids, chosen so that every CORDIS source lines up with the interchange set
``h2020-cleantech/`` (which was built from CORDIS):

* projects: ``<framework>-<id>``, e.g. ``H2020-792054`` (``FP7-…`` for FP7 rows
  of the JSON export; ``H2020`` when the file does not say);
* organisations: ``N:<normalised name>`` (:mod:`data.importers.names`) for
  every CORDIS layout, the JSON export included. The JSON export also carries
  the PIC (``organisationID``), a better legal-entity key, but keying on it
  would give the same body two ids (``PIC:…`` here, ``N:…`` from the CSV and
  the interchange set); on the sample export 715 of its 764 organisations
  already exist under their ``N:`` id. The PIC is not stored (no column for it).

Layouts:

* **projects CSV** (pre-2021, ``id,acronym,…,coordinator,participants,…``):
  participant names ``;``-separated. ``participantCountries`` lists the
  *distinct* countries, not one per participant, so only the coordinator gets
  a country (``coordinatorCountry``). No activity type: kinds stay empty, and
  kinds already stored are kept.
* **organisations CSV** (``orgId,name,activityType,country,city,…``, a directory
  of H2020 participants): ``activityType`` → kind, ``city`` → municipality. This is
  where the interchange set's kinds, countries and cities come from. It has no
  NUTS code, so it gives no region: a city is not a region (:mod:`data.regions`).
* **JSON export** ``project.json`` / ``organization.json`` (and the same
  records as ``;``-separated ``project.csv`` / ``organization.csv``):
  ``activityType`` → kind, ``city`` → municipality, ``nutsCode`` → region
  (where it holds a NUTS code of the organisation's country; empty in every
  record of the sample export), ``role`` ``coordinator`` → coordinator, every
  other role (participant, partner, thirdParty, …) → partner.

Kinds come from :func:`data.kinds.kind_from_activity_type`, the one map of
activity types.

A stored field the source does not carry is never blanked. The organisations
CSV's kinds replace stored kinds; everything else from CORDIS only fills gaps:
the stored name is the one the ``N:`` id was made from, and the JSON export's
activity type is per participation and varies between projects for one body
(CNRS is ``REC`` in one project, ``OTH`` in another).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import fields

from data.importers.base import (
    Batch,
    Location,
    MergePolicy,
    ParseContext,
    as_text,
    parse_date_year,
)
from data.importers.names import name_id
from data.importers.readers import Table
from data.kinds import ACTIVITY_KINDS, kind_from_activity_type
from data.limits import MAX_NAME_CHARS, MAX_TEXT_CHARS
from data.models import Organisation, Participation, Project
from data.regions import region_of

PROJECTS_CSV_COLUMNS = ("id", "title", "objective", "startDate", "coordinator", "participants")
PROJECT_RECORD_FIELDS = ("id", "title", "objective", "startDate")
PARTICIPANT_RECORD_FIELDS = ("projectID", "organisationID", "activityType", "name", "role")
ORGANISATIONS_CSV_COLUMNS = ("orgId", "name", "activityType", "country", "city")

PROJECT_POLICY = MergePolicy(replace=frozenset({"title", "summary", "start_year", "programme"}))
NAME_ONLY_ORG_POLICY = MergePolicy(fill=frozenset({"name", "country"}))
DIRECTORY_ORG_POLICY = MergePolicy(replace=frozenset({"kind"}), fill=frozenset({"name", "country", "municipality"}))
PARTICIPANT_ORG_POLICY = MergePolicy(fill=frozenset({"name", "kind", "country", "region", "municipality"}))

_DATE = re.compile(r"^\s*(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})", re.ASCII)
#: CORDIS numbers projects with up to nine digits; twenty is plenty and keeps ids short.
_MAX_NUMBER_DIGITS = 20


def project_id(framework: str, number: str) -> str:
    return f"{(framework.strip().upper() or 'H2020')}-{number}"


def _start_year(text: str, where: Location, ctx: ParseContext) -> int | None:
    text = text.strip()
    if not text:
        return None
    return parse_date_year(text, _DATE.match(text), where, ctx.problems, expected="YYYY-MM-DD")


def _number(text: str, where: Location, ctx: ParseContext, what: str) -> str:
    text = text.strip()
    # isascii: str.isdigit and \d also take Arabic-Indic and other digits, which would make a second id
    if not (text.isascii() and text.isdigit()) or len(text) > _MAX_NUMBER_DIGITS:
        shown = text if len(text) <= 40 else text[:37] + "..."
        ctx.problems.add(where, f"bad {what} {shown!r}: expected digits 0-9")
        return ""
    return text


def _kind(code: str, where: Location, ctx: ParseContext) -> str:
    kind = kind_from_activity_type(code)
    if not kind and code.split(";")[0].strip():
        ctx.problems.add(where, f"unknown activity type {code!r} (expected one of {', '.join(ACTIVITY_KINDS)})")
    return kind


def _organisation(name: str, where: Location, ctx: ParseContext, **values) -> Organisation | None:
    if len(name) > MAX_NAME_CHARS:
        ctx.limited(name, where, MAX_NAME_CHARS, "name")
        return None
    org_id = name_id(name)
    if not org_id:
        ctx.problems.add(where, f"organisation name {name!r} has no letters or digits to make an id from")
        return None
    org_id = ctx.identifier(org_id, where)
    return Organisation(org_id=org_id, name=name.strip(), **values) if org_id else None


def _project_texts(v: dict[str, str], where: Location, ctx: ParseContext) -> None:
    ctx.limited(v["title"], where.at("title"), MAX_NAME_CHARS, "title")
    ctx.limited(v["objective"], where.at("objective"), MAX_TEXT_CHARS, "objective")


def _gather(orgs: dict[str, Organisation], org: Organisation) -> bool:
    """Add ``org``; a second record with the same id only fills gaps. True if merged."""
    old = orgs.get(org.org_id)
    if old is None:
        orgs[org.org_id] = org
        return False
    gaps = {
        f.name: getattr(org, f.name)
        for f in fields(org)
        if getattr(old, f.name) in ("", None) and getattr(org, f.name) not in ("", None)
    }
    if gaps:
        orgs[org.org_id] = Organisation(**{**old.__dict__, **gaps})
    return True


def _required(table: Table, columns: Iterable[str], ctx: ParseContext) -> dict[str, int] | None:
    index = {h: i for i, h in enumerate(table.header)}
    missing = [c for c in columns if c not in index]
    for column in missing:
        ctx.problems.add(Location(table.file, column=column), f"missing column {column!r}")
    return None if missing else index


# -- projects CSV (pre-2021 layout) -------------------------------------------------


def parse_projects_csv(table: Table, ctx: ParseContext) -> Batch:
    batch = Batch(format="CORDIS projects CSV", org_policy=NAME_ONLY_ORG_POLICY, project_policy=PROJECT_POLICY)
    index = _required(table, PROJECTS_CSV_COLUMNS, ctx)
    if index is None:
        return batch

    orgs: dict[str, Organisation] = {}
    seen: dict[str, int] = {}
    for row, values in ctx.rows(table.records(ctx.problems)):
        where = table.location(row)
        v = ctx.cells(values, index, where)
        number = _number(v["id"], where.at("id"), ctx, "project id")
        if not number:
            continue
        pid = project_id(v.get("frameworkProgramme", ""), number)
        if pid in seen:
            ctx.problems.add(where.at("id"), f"duplicate project id {number!r} (first at row {seen[pid]})")
            continue
        seen[pid] = row.number
        if not v["title"].strip():
            ctx.problems.add(where.at("title"), "title is empty")
        _project_texts(v, where, ctx)
        batch.projects.append(
            Project(
                project_id=pid,
                title=v["title"],
                summary=v["objective"],
                start_year=_start_year(v["startDate"], where.at("startDate"), ctx),
                programme=v.get("fundingScheme", "").strip(),
            )
        )
        members = []
        if v["coordinator"].strip():
            members.append((v["coordinator"], "coordinator", v.get("coordinatorCountry", "").strip(), "coordinator"))
        members += [(n, "partner", "", "participants") for n in v["participants"].split(";") if n.strip()]
        for name, role, country, column in members:
            org = _organisation(name, where.at(column), ctx, country=country)
            if org is not None:
                _gather(orgs, org)
                batch.add_participation(Participation(pid, org.org_id, role), where, "id", column)
    batch.organisations = list(orgs.values())
    return batch


# -- organisations CSV (participant directory) ----------------------------------------


def parse_organisations_csv(table: Table, ctx: ParseContext) -> Batch:
    batch = Batch(format="CORDIS organisations CSV", org_policy=DIRECTORY_ORG_POLICY)
    index = _required(table, ORGANISATIONS_CSV_COLUMNS, ctx)
    if index is None:
        return batch
    orgs: dict[str, Organisation] = {}
    merged = 0
    columns = {c: index[c] for c in ORGANISATIONS_CSV_COLUMNS}
    for row, values in ctx.rows(table.records(ctx.problems)):
        where = table.location(row)
        v = ctx.cells(values, columns, where)
        if not v["name"].strip():
            ctx.problems.add(where.at("name"), "name is empty")
            continue
        org = _organisation(
            v["name"],
            where.at("name"),
            ctx,
            kind=_kind(v["activityType"], where.at("activityType"), ctx),
            country=v["country"].strip(),
            municipality=v["city"].strip(),
        )
        if org is not None:
            merged += _gather(orgs, org)
    batch.organisations = list(orgs.values())
    if merged:
        batch.notes.append(
            f"{merged:,} rows share a normalised name (N: id) with an earlier row and only filled its gaps"
        )
    return batch


# -- JSON export records (project.json / organization.json) ---------------------------


def parse_project_records(items: list[tuple[Location, object]], ctx: ParseContext) -> Batch:
    batch = Batch(format="CORDIS project records", project_policy=PROJECT_POLICY)
    seen: dict[str, Location] = {}
    for where, record in ctx.rows(items):
        if not isinstance(record, dict):
            ctx.problems.add(where, "is not an object")
            continue
        v = {k: ctx.value(record.get(k), where.at(k)) for k in (*PROJECT_RECORD_FIELDS, "fundingScheme")}
        number = _number(v["id"], where.at("id"), ctx, "project id")
        if not number:
            continue
        pid = project_id(as_text(record.get("frameworkProgramme")), number)
        if pid in seen:
            first = seen[pid]
            ctx.problems.add(where.at("id"), f"duplicate project id {number!r} (first at {first.unit} {first.row})")
            continue
        seen[pid] = where
        if not v["title"].strip():
            ctx.problems.add(where.at("title"), "title is empty")
        _project_texts(v, where, ctx)
        batch.projects.append(
            Project(
                project_id=pid,
                title=v["title"],
                summary=v["objective"],
                start_year=_start_year(v["startDate"], where.at("startDate"), ctx),
                programme=v["fundingScheme"].strip(),
            )
        )
    return batch


def parse_participant_records(
    items: list[tuple[Location, object]], ctx: ParseContext, *, frameworks: dict[str, str] | None = None
) -> Batch:
    """``organization.json`` records: organisations and their participations.

    ``frameworks`` maps a CORDIS project number to its framework (from
    ``project.json`` imported alongside); otherwise ``H2020`` is assumed, and
    the reconcile step corrects it to a stored ``FP7-<n>`` if there is one.
    """
    frameworks = frameworks or {}
    batch = Batch(format="CORDIS participant records", org_policy=PARTICIPANT_ORG_POLICY, guessed_framework=True)
    orgs: dict[str, Organisation] = {}
    third_parties = 0
    for where, record in ctx.rows(items):
        if not isinstance(record, dict):
            ctx.problems.add(where, "is not an object")
            continue
        v = {
            k: ctx.value(record.get(k), where.at(k))
            for k in (*PARTICIPANT_RECORD_FIELDS, "country", "city", "nutsCode")
        }
        number = _number(v["projectID"], where.at("projectID"), ctx, "project id")
        if not v["name"].strip():
            ctx.problems.add(where.at("name"), "name is empty")
            continue
        country = v["country"].split(";")[0].strip()
        org = _organisation(
            v["name"],
            where.at("name"),
            ctx,
            kind=_kind(v["activityType"], where.at("activityType"), ctx),
            country=country,
            region=region_of(country, v["nutsCode"]) if v["nutsCode"].strip() else "",
            municipality=v["city"].strip(),
        )
        if org is None or not number:
            continue
        _gather(orgs, org)
        role = v["role"].strip().lower()
        third_parties += role == "thirdparty"
        batch.add_participation(
            Participation(project_id(frameworks.get(number, ""), number), org.org_id, _role(role)),
            where,
            "projectID",
            "name",
        )
    batch.organisations = list(orgs.values())
    if third_parties:
        batch.notes.append(f"{third_parties:,} third-party participations imported as partners")
    return batch


def _role(role: str) -> str:
    return "coordinator" if role == "coordinator" else "partner"


def frameworks_of(batch: Batch) -> dict[str, str]:
    """CORDIS project number → framework prefix, from a batch's project ids."""
    return {p.project_id.rsplit("-", 1)[1]: p.project_id.rsplit("-", 1)[0] for p in batch.projects}


def merge_batches(first: Batch, second: Batch) -> Batch:
    """project.json + organization.json as one batch (all-or-nothing together)."""
    return Batch(
        format="CORDIS JSON export",
        organisations=first.organisations + second.organisations,
        projects=first.projects + second.projects,
        participations=first.participations + second.participations,
        org_policy=second.org_policy if second.organisations else first.org_policy,
        project_policy=first.project_policy if first.projects else second.project_policy,
        notes=first.notes + second.notes,
        sources={**second.sources, **first.sources},
        guessed_framework=second.guessed_framework,
    )
