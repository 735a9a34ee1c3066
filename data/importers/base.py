"""What every importer shares: the error type, the parsed batch and value checks.

Importers are split in two steps so the pure part can be tested without a
database:

1. *parse*: rows of one file (already read by :mod:`data.importers.readers`)
   → a :class:`Batch` of records, or problems;
2. *reconcile* (:mod:`data.importers.reconcile`): the batch plus what the store
   already holds → the exact records to upsert, or problems (e.g. a
   participation naming an organisation that exists nowhere).

Only :func:`data.importers.import_path` touches the store, and it writes once.

Locations in messages: ``row N`` is the 1-based *data* row (the header is not
counted), as a spreadsheet user counts records; CSV messages add the physical
``line`` (which differs when a quoted value spans lines) and XLSX messages the
``sheet row``. JSON records are ``record N`` (1-based position in the array).
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from data.identifiers import clean_id, clean_org_number, describe
from data.limits import MAX_FIELD_CHARS
from data.models import Organisation, Participation, Project
from data.store import StoreError

#: At most this many problems are listed in one error message.
MAX_LISTED_PROBLEMS = 10

#: Head counts above this do not fit the store's INTEGER column (and no organisation has them).
MAX_COUNT = 2**31 - 1


@dataclass(frozen=True)
class Location:
    """Where a value came from: a file, a record in it and a column/field."""

    file: str
    row: int | None = None  # 1-based data row / JSON record
    detail: str = ""  # "line 17", "sheet row 15", "organisationID 999..."
    column: str = ""
    unit: str = "row"  # "row" for tables, "record" for JSON

    def __str__(self) -> str:
        parts = [self.file]
        if self.row is not None:
            parts.append(f"{self.unit} {self.row}" + (f" ({self.detail})" if self.detail else ""))
        if self.column:
            parts.append(f"column {self.column}" if self.unit == "row" else f"field {self.column}")
        return ", ".join(parts)

    def at(self, column: str) -> Location:
        return Location(self.file, self.row, self.detail, column, self.unit)


@dataclass(frozen=True)
class Problem:
    where: Location
    message: str
    #: the library's own refusal behind the message (data.refusals.Refused), worded in any language
    refused: object = None

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class ImportFileError(StoreError):
    """A file cannot be imported; nothing was written.

    The message names the file, row and column of the first problem and lists
    a few more; :attr:`problems` holds them all.
    """

    def __init__(self, problems: list[Problem] | Problem | str):
        if isinstance(problems, str):
            problems = [Problem(Location(""), problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = tuple(problems)
        super().__init__(_format_problems(self.problems))


def _format_problems(problems: tuple[Problem, ...]) -> str:
    if not problems:
        return "import failed"
    text = str(problems[0]).lstrip(", :")
    rest = problems[1:]
    if rest:
        listed = rest[: MAX_LISTED_PROBLEMS - 1]
        more = len(rest) - len(listed)
        text += f"\n{len(rest)} more problem{'s' if len(rest) > 1 else ''}:"
        text += "".join(f"\n  - {p}" for p in listed)
        if more:
            text += f"\n  - … and {more} more"
    return text


class Problems:
    """Collects problems while a whole file is checked, then raises them at once."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, where: Location, message: str, refused: object = None) -> None:
        self.items.append(Problem(where, message, refused))

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise ImportFileError(self.items)


@dataclass(frozen=True)
class MergePolicy:
    """How an incoming record combines with a stored one that has the same key.

    ``replace`` fields take the incoming value; ``fill`` fields take it only
    when the stored value is empty; every other field keeps the stored value.
    With ``replace_with_empty`` False an empty incoming value never wipes a
    stored one (native sources: "not in this file" is not "erase it").
    """

    replace: frozenset[str] = frozenset()
    fill: frozenset[str] = frozenset()
    replace_with_empty: bool = False


@dataclass
class Batch:
    """Records parsed from one import (a file or a folder), before reconciling.

    Organisation and project ids are unique; participations may repeat (the
    reconcile step merges them, coordinator winning). ``match_org_number``:
    organisations whose id is not stored are matched to stored ones by
    ``org_number`` (Norwegian sources); ``match_name``: and, failing that, by
    the ``N:`` name id.
    """

    format: str
    organisations: list[Organisation] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    participations: list[Participation] = field(default_factory=list)
    org_policy: MergePolicy = MergePolicy()
    project_policy: MergePolicy = MergePolicy()
    match_org_number: bool = False
    match_name: bool = False
    #: CORDIS participant records name projects by number only; the framework
    #: prefix is a guess (``H2020``) that a stored ``FP7-<n>`` may correct.
    guessed_framework: bool = False
    notes: list[str] = field(default_factory=list)
    #: org id -> its contact persons (only sources that have them; replaces the stored ones)
    contacts: dict[str, tuple] = field(default_factory=dict)
    #: (project_id, org_id) of a participation → where it was read and the
    #: names of its project and organisation columns there (for messages).
    sources: dict[tuple[str, str], tuple[Location, str, str]] = field(default_factory=dict)

    def add_participation(self, p: Participation, where: Location, project_column: str, org_column: str) -> None:
        self.participations.append(p)
        self.sources.setdefault((p.project_id, p.org_id), (where, project_column, org_column))


# -- values ----------------------------------------------------------------------

# C0 and C1 control characters except tab, line feed and carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Half of a UTF-16 pair on its own: JSON's "\\ud800" decodes to one, and it is not text
# (DuckDB, files and terminals all refuse to encode it).
_SURROGATE = re.compile(r"[\ud800-\udfff]")


class Cleaner:
    """Removes control characters from text and remembers where it did.

    Control characters in exports are artefacts (a NUL from a broken export, a
    vertical tab pasted from Word), never meaning, and they break CSV tools
    and terminals downstream; refusing a 10,000-row file for one of them would
    help nobody. So they are stripped and the report says how many values
    were touched and where the first one was.
    """

    def __init__(self) -> None:
        self.count = 0
        self.first: Location | None = None

    def __call__(self, value: str, where: Location) -> str:
        if _CONTROL.search(value) is None:
            return value
        self.count += 1
        if self.first is None:
            self.first = where
        return _CONTROL.sub("", value)

    def row(self, values: tuple[str, ...]) -> bool:
        """True if any value of a row needs cleaning (one regex pass for the common clean row)."""
        return _CONTROL.search("".join(values)) is not None

    def note(self) -> str | None:
        if not self.count:
            return None
        return f"removed control characters from {self.count} value(s); first at {self.first}"


def parse_year(text: str, where: Location, problems: Problems) -> int | None:
    text = text.strip()
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        problems.add(where, f"bad year {text!r}: not a number")
        return None
    if not math.isfinite(number) or number != int(number):
        problems.add(where, f"bad year {text!r}: not a whole number")
        return None
    year = int(number)
    if not 1900 <= year <= 2100:
        problems.add(where, f"bad year {year}: expected 1900–2100")
        return None
    return year


def parse_amount(text: str, where: Location, problems: Problems) -> float | None:
    text = text.strip()
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        problems.add(where, f"bad amount {text!r}: not a number (use a plain number such as 1250000.50)")
        return None
    if not math.isfinite(number):
        problems.add(where, f"bad amount {text!r}: not a finite number")
        return None
    if number < 0:
        problems.add(where, f"bad amount {text!r}: negative")
        return None
    return number


def parse_count(text: str, where: Location, problems: Problems) -> int | None:
    text = text.strip()
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        problems.add(where, f"bad count {text!r}: not a number")
        return None
    if not math.isfinite(number) or number != int(number) or number < 0:
        problems.add(where, f"bad count {text!r}: expected a whole number ≥ 0")
        return None
    if number > MAX_COUNT:
        problems.add(where, f"bad count {text!r}: larger than {MAX_COUNT:,} (the store keeps 32-bit counts)")
        return None
    return int(number)


def parse_choice(
    text: str, allowed: tuple[str, ...], what: str, where: Location, problems: Problems, *, default: str = ""
) -> str:
    """A value from a fixed list, compared case-insensitively; empty gives ``default``."""
    value = text.strip().lower()
    if not value:
        return default
    if value in allowed:
        return value
    problems.add(where, f"unknown {what} {text.strip()!r} (expected one of {', '.join(allowed)}, or empty)")
    return default


def as_text(value: Any) -> str:
    """A JSON or spreadsheet value as text (``None`` → ``""``; 12.0 → ``"12"``)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isfinite(value) and value == int(value):
            return str(int(value))
        return repr(value)
    if isinstance(value, (list, dict)):
        return ""
    return str(value)


def merge_participations(parts: list[Participation]) -> list[Participation]:
    """One participation per (project, organisation), coordinator winning."""
    merged: dict[tuple[str, str], Participation] = {}
    for p in parts:
        key = (p.project_id, p.org_id)
        old = merged.get(key)
        if old is None or (p.role == "coordinator" and old.role != "coordinator"):
            merged[key] = p
    return list(merged.values())


class ParseContext:
    """What a parser needs besides its rows: where problems go, the text cleaner
    and the progress hook (``rows`` wraps an iterable; the default does nothing)."""

    def __init__(self, progress=None) -> None:
        self.problems = Problems()
        self.clean = Cleaner()
        self._progress = progress

    def rows(self, iterable):
        return iterable if self._progress is None else self._progress.rows(iterable)

    def text(self, value: str, where: Location) -> str:
        """A value cleaned of control characters; a value that is not text or too long is a problem."""
        if len(value) > MAX_FIELD_CHARS:
            self.problems.add(where, f"a value of {len(value):,} characters; at most {MAX_FIELD_CHARS:,} are read")
            return ""
        surrogate = _SURROGATE.search(value)
        if surrogate is not None:
            self.problems.add(where, f"holds {describe(surrogate.group())} (half of a character), which is not text")
            return ""
        return self.clean(value, where)

    def cells(
        self, values: tuple[str, ...], columns: dict[str, int], where: Location, *, ids: Collection[str] = ()
    ) -> dict[str, str]:
        """``{column: value}`` for one table row, cleaned of control characters.

        The ``ids`` columns are left as they are: a control character in an id is refused by
        :meth:`identifier`, not dropped ("a<NUL>b" quietly becoming "ab" would merge two ids).
        """
        joined = "".join(values)
        if len(joined) <= MAX_FIELD_CHARS and not self.clean.row(values) and _SURROGATE.search(joined) is None:
            return {column: values[i] for column, i in columns.items()}  # the common clean row: one pass
        return {
            column: values[i] if column in ids else self.text(values[i], where.at(column))
            for column, i in columns.items()
        }

    def value(self, raw: Any, where: Location) -> str:
        """A JSON value as cleaned text; a list or an object where a text belongs is a problem
        (it would otherwise arrive as an empty value without a word)."""
        if isinstance(raw, (list, dict)):
            what = "a list" if isinstance(raw, list) else "an object"
            self.problems.add(where, f"expected a text or a number, not {what}")
            return ""
        return self.text(as_text(raw), where)

    def identifier(self, value: str, where: Location) -> str:
        """An id as stored: stripped and NFC-normalised; "" (and a problem) when it cannot be one."""
        text, problem = clean_id(value)
        if problem:
            self.problems.add(where, problem)
            return ""
        return text

    def org_number(self, value: str, where: Location) -> str | None:
        """A Norwegian organisation number as stored ("" when empty), or None (and a problem)."""
        number, problem = clean_org_number(value)
        if problem:
            self.problems.add(where, problem)
            return None
        return number

    def limited(self, value: str, where: Location, limit: int, what: str) -> str:
        """``value``, or a problem when it is longer than ``limit`` characters."""
        if len(value) > limit:
            self.problems.add(where, f"the {what} has {len(value):,} characters; at most {limit:,} are kept")
        return value

    def notes(self) -> list[str]:
        note = self.clean.note()
        return [note] if note else []
