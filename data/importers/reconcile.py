"""Reconciling a parsed batch with what the store holds: the exact rows to write.

Pure: takes a :class:`~data.importers.base.Batch` and a :class:`Snapshot` of
the store and returns records, or raises
:class:`~data.importers.base.ImportFileError` when a participation points at a
project or organisation that is neither in the batch nor stored.

Three things happen here:

* **Matching Norwegian organisations.** Sources keyed by organisation number
  (Forskningsrådet, Enhetsregisteret) find stored organisations by
  ``org_number`` (and Forskningsrådet, failing that, by the ``N:`` name id),
  so they enrich the CORDIS-keyed organisations instead of duplicating them.
  CORDIS keeps name variants apart (``SINTEF AS`` / ``SINTEF PETROLEUM AS``
  share a number), so a participation goes to the organisation already in
  that project when there is one (see :class:`_Matcher`); a register record
  enriches every organisation with its number.
* **Merging** each incoming record with the stored one under the batch's
  :class:`~data.importers.base.MergePolicy`.
* **Checking references** of participations.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, replace

from data.importers.base import Batch, ImportFileError, Location, MergePolicy, Problem, merge_participations
from data.importers.names import name_id
from data.models import Organisation, Participation, Project


@dataclass(frozen=True)
class Snapshot:
    """What the store holds, by key."""

    organisations: dict[str, Organisation]
    projects: dict[str, Project]
    participations: dict[tuple[str, str], Participation]

    @classmethod
    def of(cls, store) -> Snapshot:
        return cls(
            {o.org_id: o for o in store.organisations()},
            {p.project_id: p for p in store.projects()},
            {(p.project_id, p.org_id): p for p in store.participations()},
        )

    @classmethod
    def empty(cls) -> Snapshot:
        return cls({}, {}, {})


@dataclass(frozen=True)
class Plan:
    organisations: list[Organisation]
    projects: list[Project]
    participations: list[Participation]
    notes: list[str]


def _empty(value) -> bool:
    return value is None or value == ""


def merge(old, new, policy: MergePolicy):
    """``new`` combined with the stored ``old`` (same key) under ``policy``."""
    if old is None:
        return new
    values = dict(old.__dict__)
    for name in policy.replace:
        value = getattr(new, name)
        if policy.replace_with_empty or not _empty(value):
            values[name] = value
    for name in policy.fill:
        value = getattr(new, name)
        if _empty(values[name]) and not _empty(value):
            values[name] = value
    return type(old)(**values)


def reconcile(batch: Batch, snapshot: Snapshot) -> Plan:
    """The records to upsert for ``batch`` given ``snapshot``."""
    notes: list[str] = []
    matcher = _Matcher(batch, snapshot) if batch.match_org_number else None
    incoming = {org.org_id: org for org in batch.organisations}

    # Participations first: for matched organisations they decide which stored
    # organisation each project's row belongs to.
    used: dict[str, set[str]] = defaultdict(set)
    parts: list[Participation] = []
    where_of: dict[tuple[str, str], tuple[Location, str, str]] = {}
    nowhere = (Location(""), "project_id", "org_id")
    framework_of = _stored_frameworks(snapshot) if batch.guessed_framework else {}
    known_projects = {p.project_id for p in batch.projects}
    for p in batch.participations:
        org_id = p.org_id
        source = batch.sources.get((p.project_id, p.org_id), nowhere)
        if framework_of and p.project_id not in known_projects and p.project_id not in snapshot.projects:
            p = replace(p, project_id=framework_of.get(p.project_id.rsplit("-", 1)[-1], p.project_id))
        if matcher is not None and org_id in incoming:
            org_id = matcher.for_participation(incoming[org_id], p.project_id) or org_id
            used[p.org_id].add(org_id)
        parts.append(Participation(p.project_id, org_id, p.role))
        where_of.setdefault((p.project_id, org_id), source)
    parts = merge_participations(parts)

    organisations: dict[str, Organisation] = {}
    for org in batch.organisations:
        if org.org_id in used:
            ids = sorted(used[org.org_id])
        elif matcher is not None:
            ids = matcher.candidates(org) or [org.org_id]
        else:
            ids = [org.org_id]
        for target in ids:
            base = organisations.get(target) or snapshot.organisations.get(target)
            mine = org if target == org.org_id else replace(org, org_id=target)
            organisations[target] = merge(base, mine, batch.org_policy)
    if matcher is not None:
        notes.extend(matcher.notes(organisations, snapshot))

    projects = [merge(snapshot.projects.get(p.project_id), p, batch.project_policy) for p in batch.projects]

    # One problem per unknown id, at its first row, counting the others.
    unknown: dict[tuple[str, str], list[Location]] = {}
    project_ids = {p.project_id for p in projects}
    for p in parts:
        where, project_column, org_column = where_of.get((p.project_id, p.org_id), nowhere)
        if p.project_id not in project_ids and p.project_id not in snapshot.projects:
            unknown.setdefault(("project", p.project_id), []).append(where.at(project_column))
        if p.org_id not in organisations and p.org_id not in snapshot.organisations:
            unknown.setdefault(("organisation", p.org_id), []).append(where.at(org_column))
    if unknown:
        problems = []
        for (what, ident), places in unknown.items():
            more = f"; {len(places) - 1:,} more rows name it" if len(places) > 1 else ""
            problems.append(
                Problem(places[0], f"unknown {what} {ident!r} (not in this import nor in the database{more})")
            )
        raise ImportFileError(problems)
    return Plan(list(organisations.values()), projects, parts, notes)


def _stored_frameworks(snapshot: Snapshot) -> dict[str, str]:
    """CORDIS project number → the one stored project id with that number (``FP7-324284``)."""
    found: dict[str, list[str]] = defaultdict(list)
    for project_id in snapshot.projects:
        prefix, _, number = project_id.rpartition("-")
        if prefix and number.isdigit():
            found[number].append(project_id)
    return {number: ids[0] for number, ids in found.items() if len(ids) == 1}


class _Matcher:
    """Finds the stored organisation an organisation-number-keyed record stands for."""

    def __init__(self, batch: Batch, snapshot: Snapshot):
        self.snapshot = snapshot
        self.match_name = batch.match_name
        self.by_number: dict[str, list[str]] = defaultdict(list)
        for org in snapshot.organisations.values():
            if org.org_number:
                self.by_number[org.org_number].append(org.org_id)
        self.members: dict[str, set[str]] = defaultdict(set)
        for project_id, org_id in snapshot.participations:
            self.members[project_id].add(org_id)
        self.how: Counter[str] = Counter()

    def _name_id(self, org: Organisation) -> str:
        return name_id(org.name) if self.match_name else ""

    def _best(self, ids: list[str], org: Organisation) -> list[str]:
        own = self._name_id(org)
        return sorted(ids, key=lambda i: (i != own, i))

    def candidates(self, org: Organisation) -> list[str]:
        """Stored ids for ``org``: its own id; else all with its organisation number
        (the one with its name id first); else its name id if that one has no
        other number. Empty if none."""
        if org.org_id in self.snapshot.organisations:
            return [org.org_id]
        if org.org_number and self.by_number.get(org.org_number):
            return self._best(self.by_number[org.org_number], org)
        own = self._name_id(org)
        stored = self.snapshot.organisations.get(own)
        if stored is not None and stored.org_number in ("", org.org_number):
            return [own]
        return []

    def for_participation(self, org: Organisation, project_id: str) -> str | None:
        """The stored id a participation of ``org`` in ``project_id`` belongs to.

        An organisation already in that project wins, first by number, then by
        name id (CORDIS and Forskningsrådet then describe the same row even if
        the register has two numbers for one name); else :meth:`candidates`.
        """
        members = self.members.get(project_id, set())
        in_project = [i for i in self.by_number.get(org.org_number, []) if i in members] if org.org_number else []
        if org.org_id in members:
            self.how["already in the project (same id)"] += 1
            return org.org_id
        if in_project:
            self.how["already in the project (same org number)"] += 1
            return self._best(in_project, org)[0]
        own = self._name_id(org)
        if own and own in members:
            self.how["already in the project (same name)"] += 1
            return own
        found = self.candidates(org)
        self.how["stored, not in the project (same org number or name)" if found else "new"] += 1
        return found[0] if found else None

    def notes(self, organisations: dict[str, Organisation], snapshot: Snapshot) -> list[str]:
        if not snapshot.organisations:
            return []
        new = sum(1 for i in organisations if i not in snapshot.organisations)
        text = f"enriched {len(organisations) - new:,} stored organisations, added {new:,}"
        if self.how:
            text += "; participations: " + ", ".join(f"{n:,} {how}" for how, n in sorted(self.how.items()))
        return [text]
