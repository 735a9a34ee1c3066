"""Importers: files in the interchange format and in their sources' native formats.

:func:`import_path` is the one entry point. It detects the format
(:mod:`~data.importers.detect`), parses the whole input into records
(:mod:`~data.importers.interchange`, :mod:`~data.importers.cordis`,
:mod:`~data.importers.forskningsradet`, :mod:`~data.importers.brreg`),
reconciles them with what the store holds
(:mod:`~data.importers.reconcile`), and only then writes, once, with
:meth:`PartnerStore.upsert <data.store.PartnerStore.upsert>`: one transaction,
so a bad file changes nothing.

Id schemes (details and reasons in each module's docstring):

* interchange: ids as given;
* CORDIS (projects CSV, organisations CSV, JSON export): projects
  ``H2020-<id>`` (``FP7-<id>``, …), organisations ``N:<normalised name>``
  (:mod:`~data.importers.names`), the key of the interchange set;
* Forskningsrådet: projects ``H2020-<Prosjektnr>``; organisations matched to
  stored ones by organisation number or name, else ``NO:<orgnr>``;
* Enhetsregisteret: enriches stored organisations with the same
  ``org_number``, else creates ``NO:<orgnr>``.

A native source only speaks for the fields it has: it never blanks a stored
value, and fields another source knows better only fill gaps.

Errors are :class:`ImportFileError` (a :class:`~data.store.StoreError`) naming
file, row and column; see :mod:`data.importers.base` for how rows are counted.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from data.importers.base import ImportFileError, ParseContext
from data.importers.detect import detect
from data.importers.reconcile import Snapshot, reconcile

__all__ = ["ImportFileError", "ImportReport", "TableCounts", "import_path", "LARGE_IMPORT"]

#: Inputs with more rows/records than this get a progress bar.
LARGE_IMPORT = 2_000


@dataclass(frozen=True)
class TableCounts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> int:
        return self.added + self.updated

    def __str__(self) -> str:
        return f"{self.added:>7,} added {self.updated:>7,} updated {self.unchanged:>7,} unchanged"


@dataclass(frozen=True)
class ImportReport:
    """What one import did, per table, plus notes (skipped rows, matches made)."""

    source: Path
    format: str
    organisations: TableCounts
    projects: TableCounts
    participations: TableCounts
    notes: tuple[str, ...] = ()
    #: organisations whose contact persons were added, updated or left as they were
    contacts: TableCounts = TableCounts()

    @property
    def changed(self) -> bool:
        return any(t.changed for t in (self.organisations, self.projects, self.participations, self.contacts))

    def summary(self) -> str:
        lines = [f"{self.source} ({self.format}):"]
        for name in ("organisations", "projects", "participations"):
            lines.append(f"  {name:<15}{getattr(self, name)}")
        if self.contacts != TableCounts():
            lines.append(f"  {'contacts':<15}{self.contacts}")
        if not self.changed:
            lines.append("  nothing changed")
        lines.extend(f"  note: {note}" for note in self.notes)
        return "\n".join(lines)


def import_path(store, path: str | Path, *, progress: bool = False) -> ImportReport:
    """Import a file or folder into ``store``, all or nothing.

    Parameters
    ----------
    store : PartnerStore
    path : a folder of interchange tables or a CORDIS JSON export, or one
        ``.csv``/``.xlsx``/``.json`` file in any supported format.
    progress : show a progress bar on stderr for inputs over :data:`LARGE_IMPORT` rows.

    Raises
    ------
    ImportFileError
        The input is not importable; the message names file, row and column.
        The store is unchanged.
    """
    path = Path(path)
    try:
        source = detect(path)
    except OSError as exc:  # a folder or file we may not read
        raise ImportFileError(f"{path.name}: cannot read: {exc.strerror or exc}") from exc
    bar = _Progress(source.size, path.name) if progress and source.size > LARGE_IMPORT else None
    try:
        ctx = ParseContext(bar)
        batch = source.parse(ctx)
        ctx.problems.raise_if_any()
        with store.held():  # what is reconciled against is what gets written to: no other process in between
            plan = reconcile(batch, Snapshot.of(store))
            if bar is not None:
                bar.writing()
            counts = store.upsert(plan.organisations, plan.projects, plan.participations, contacts=batch.contacts)
        if bar is not None:
            bar.done()
    finally:
        if bar is not None:
            bar.close()
    return ImportReport(
        source=path,
        format=source.format,
        organisations=TableCounts(**counts["organisations"]),
        projects=TableCounts(**counts["projects"]),
        participations=TableCounts(**counts["participations"]),
        contacts=TableCounts(**counts.get("contacts", {})),
        notes=tuple(source.notes + batch.notes + ctx.notes() + plan.notes),
    )


class _Progress:
    """One tqdm bar: a tick per parsed row, then one step for the store write."""

    def __init__(self, total: int, name: str):
        from tqdm import tqdm

        self._bar = tqdm(total=total + 1, desc=f"importing {name}", unit="row", file=sys.stderr)

    def rows(self, iterable):
        for item in iterable:
            yield item
            self._bar.update(1)

    def writing(self) -> None:
        self._bar.set_description_str(self._bar.desc.replace("importing", "writing"))

    def done(self) -> None:
        self._bar.update(1)

    def close(self) -> None:
        self._bar.close()
