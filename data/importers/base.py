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
from datetime import date
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

# C0 and C1 control characters except tab, line feed and carriage return, and the byte-order
# mark, which inside a value is what is left of a second file joined on (never meaning).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufeff]")
# Half of a UTF-16 pair on its own: JSON's "\\ud800" decodes to one, and it is not text
# (DuckDB, files and terminals all refuse to encode it).
_SURROGATE = re.compile(r"[\ud800-\udfff]")


class Cleaner:
    """Removes control characters from text and remembers where it did.

    Control characters in exports are artefacts (a NUL from a broken export, a vertical
    tab pasted from Word, a byte-order mark where two files were joined), never meaning,
    and they break CSV tools and terminals downstream; refusing a 10,000-row file for one
    of them would help nobody. So they are stripped and the report says how many values
    were touched and where the first one was. Ids are not cleaned but refused
    (:meth:`ParseContext.cells`).
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


#: How numbers are written in text: ASCII digits only. Python's int() and float() also take
#: "１２" (full-width), "1_000" and "2.02e3", none of which a person means as a year or a count.
_WHOLE = re.compile(r"[0-9]+", re.ASCII)
_DECIMAL = re.compile(r"[0-9]+(\.[0-9]+)?", re.ASCII)
#: A whole number longer than this is no year or count (and int() refuses past 4,300 digits).
_MAX_DIGITS = 30


def _whole(text: str) -> int | None:
    """The number ``text`` writes in the digits 0-9 and nothing else, or None."""
    if len(text) > _MAX_DIGITS or _WHOLE.fullmatch(text) is None:
        return None
    return int(text)


def _reads_as_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def parse_year(text: str, where: Location, problems: Problems) -> int | None:
    """A year written as digits 0-9 (``2024``), from 1900 to 2100; empty is None.

    >>> problems = Problems()
    >>> parse_year(" 2024 ", Location("f"), problems), parse_year("２０２４", Location("f"), problems)
    (2024, None)
    >>> problems.items[0].message
    "bad year '２０２４': write it with the digits 0-9 only (for example 2024)"
    """
    text = text.strip()
    if not text:
        return None
    year = _whole(text)
    if year is None:
        if _WHOLE.fullmatch(text):  # digits, too many of them
            problems.add(where, f"bad year {text[:40]!r}: expected 1900–2100")
        elif _reads_as_number(text):
            problems.add(where, f"bad year {text!r}: write it with the digits 0-9 only (for example 2024)")
        else:
            problems.add(where, f"bad year {text!r}: not a number")
        return None
    if not 1900 <= year <= 2100:
        problems.add(where, f"bad year {year}: expected 1900–2100")
        return None
    return year


def is_calendar_date(year: str, month: str, day: str) -> bool:
    """Is ``year-month-day`` a day of the calendar? (``2019-02-30`` is not.)"""
    try:
        date(int(year), int(month), int(day))
    except ValueError:
        return False
    return True


def parse_date_year(
    text: str, found: re.Match | None, where: Location, problems: Problems, *, expected: str
) -> int | None:
    """The year of a date that ``found`` (a match with groups ``year``, ``month``, ``day``) read from
    ``text``, or None and a problem: no match, a year out of range, or a day that does not exist."""
    if found is None:
        problems.add(where, f"bad date {text[:40]!r}: expected {expected}")
        return None
    year = parse_year(found["year"], where, problems)
    if year is not None and not is_calendar_date(found["year"], found["month"], found["day"]):
        problems.add(where, f"bad date {text[:40]!r}: there is no such day (expected {expected})")
        return None
    return year


def parse_amount(text: str, where: Location, problems: Problems) -> float | None:
    """An amount written as digits 0-9 with at most one decimal point (``1250000.50``); empty is None."""
    text = text.strip()
    if not text:
        return None
    if _DECIMAL.fullmatch(text) is None:
        try:
            number = float(text)
        except ValueError:
            problems.add(where, f"bad amount {text!r}: not a number (use a plain number such as 1250000.50)")
            return None
        if not math.isfinite(number):
            problems.add(where, f"bad amount {text!r}: not a finite number")
        elif number < 0:
            problems.add(where, f"bad amount {text!r}: negative")
        else:
            problems.add(
                where,
                f"bad amount {text!r}: write it with the digits 0-9 and at most one decimal point "
                "(such as 1250000.50), without signs, separators or exponents",
            )
        return None
    number = float(text)
    if not math.isfinite(number):
        problems.add(where, f"bad amount {text[:40]!r}: not a finite number")
        return None
    return number


def parse_count(text: str, where: Location, problems: Problems) -> int | None:
    """A head count written as digits 0-9 (``120``), at most :data:`MAX_COUNT`; empty is None."""
    text = text.strip()
    if not text:
        return None
    number = _whole(text)
    if number is None:
        if len(text) > _MAX_DIGITS and _WHOLE.fullmatch(text):
            number = MAX_COUNT + 1  # too large, said below
        elif not _reads_as_number(text):
            problems.add(where, f"bad count {text!r}: not a number")
            return None
        else:
            problems.add(
                where,
                f"bad count {text!r}: expected a whole number ≥ 0 written with the digits 0-9 only "
                "(no sign, separators, decimals or exponent)",
            )
            return None
    if number > MAX_COUNT:
        problems.add(where, f"bad count {text[:40]!r}: larger than {MAX_COUNT:,} (the store keeps 32-bit counts)")
        return None
    return number


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
