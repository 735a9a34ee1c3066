"""What an import says, in the reader's language: its errors and the notes of its report (the app's import page).

The importers speak English, for the command line, which prints their words as they are:
:class:`~data.importers.base.ImportFileError` keeps its problems as structured locations (file,
row, column) with English messages, and :class:`~data.importers.ImportReport` keeps English notes
(files ignored, control characters removed, kinds taken from NACE codes or names, regions kept as
municipality, deleted units skipped, stored organisations enriched, ...). For the app this module
words both through the text layer:

* :func:`describe` and :func:`describe_problem`: an error on one line -- the place (:func:`where`)
  and the problems people meet most often (a missing or misspelt column, an empty file, a file
  that is not UTF-8 or not comma-separated, a bad value, a duplicate id, an unknown reference;
  keys ``import.*``);
* :func:`describe_note`: a note of the report (keys ``import.note.*``).

Each is recognised by its English words (:data:`_PATTERNS`, :data:`_NOTES`); one not known keeps
its English message, in a frame that is still in the reader's language. tests/test_data_import.py
and tests/test_app_everyday.py make these errors and notes from real files, so an importer message
that was changed and no longer matches shows up there.
"""

from __future__ import annotations

import re

from data.importers.base import ImportFileError, Location, Problem
from data.text import format_number, t

__all__ = ["describe", "describe_note", "describe_problem", "where"]

# (pattern of the English message, key of the sentence in the text layer); named groups are its values.
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.DOTALL), key)
    for pattern, key in (
        (r"^missing column '(?P<column>[^']+)'$", "import.missing_column"),
        (r"^missing columns (?P<columns>.+?): the header is one column .*?looks (?P<name>semicolon|tab|pipe)-separated",
         "import.wrong_delimiter"),
        (r"^unknown column '(?P<column>[^']*)' \((?:did you mean '(?P<guess>[^']+)'\? )?an? \w+ file has the columns "
         r"(?P<columns>.+)\)$", "import.unknown_column"),
        (r"^column '(?P<column>[^']+)' appears twice in the header$", "import.twice"),
        (r"^column (?P<n>\d+) has no name in the header$", "import.no_name"),
        (r"^has a header(?: \([^)]*\))? but no data rows$", "import.no_rows"),
        (r"^the file is empty(?: \(0 bytes\))?$", "import.empty"),
        (r"^the file holds only whitespace$", "import.empty"),
        (r"^line (?P<line>\d+): not UTF-8 text", "import.not_utf8"),
        (r"^(?P<column>\w+) is empty$", "import.value_empty"),
        (r"^duplicate (?P<column>[\w +]+) '(?P<value>.*)' \(first at row (?P<first>\d+)\)$", "import.duplicate"),
        (r"^unknown (?P<what>kind|role) '(?P<value>.*)' \(expected one of (?P<allowed>.+), or empty\)$",
         "import.unknown_choice"),
        (r"^bad year '?(?P<value>.*?)'?: .*$", "import.bad_year"),
        (r"^bad amount '(?P<value>.*)': .*$", "import.bad_number"),
        (r"^bad count '(?P<value>.*)': .*$", "import.bad_number"),
        (r"^has (?P<n>\d+) values but the header has (?P<width>\d+) columns", "import.wrong_width"),
        (r"^unknown (?P<what>project|organisation) '(?P<value>.*)' \(not in this import nor in the database",
         "import.unknown_reference"),
        (r"^not a recognised format", "import.unknown_format"),
        (r"^no importable files in the folder", "import.unknown_format"),
        (r"^not valid JSON|^line \d+, column \d+: not valid JSON", "import.bad_json"),
        (r"^not a readable XLSX workbook", "import.bad_xlsx"),
        (r"^mixes (?P<script>\w+) letters with (?P<char>.+), so it could pass for another id$", "import.mixed_scripts"),
        (r"^sheet '(?P<sheet>.*)', cell (?P<cell>[^:]+): a formula without a saved value", "import.formula_unsaved"),
        (r"^sheet '(?P<sheet>.*)', cell (?P<cell>[^:]+): (?:the error (?P<value>\S+)|an error value)",
         "import.error_cell"),
        (r"^every sheet of the workbook is hidden", "import.hidden_sheets"),
        (r"^repeats the header", "import.repeated_header"),
        (r"^an object holds the key '(?P<key>.*)' twice", "import.duplicate_key"),
        (r"^bad date '(?P<value>.*?)': there is no such day", "import.no_such_day"),
        (r"^bad date '(?P<value>.*?)': expected", "import.bad_date"),
    )
)
_DETAIL = re.compile(r"^(?P<what>line|sheet row) (?P<n>\d+)$")

# The notes an import report carries (data.importers.ImportReport.notes): English for the command
# line, worded through the text layer (keys ``import.note.*``) for the app; others stay English.
_NOTES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), key)
    for pattern, key in (
        (r"^ignored other files in the folder: (?P<names>.+)$", "import.note.ignored"),
        (r"^removed control characters from (?P<n>[\d,]+) value\(s\); first at (?P<where>.+)$",
         "import.note.control"),
        (r"^(?P<n>[\d,]+) empty kind\(s\) taken from the organisation's NACE codes$", "import.note.kind_nace"),
        (r"^(?P<n>[\d,]+) empty kind\(s\) taken from the organisation's name$", "import.note.kind_name"),
        (r"^(?P<n>[\d,]+) region value\(s\) name no county or NUTS region \((?P<shown>.+), \.\.\.\): "
         r"kept as municipality$", "import.note.regions"),
        (r"^(?P<n>[\d,]+) third-party participations imported as partners$", "import.note.third_parties"),
        (r"^skipped (?P<n>[\d,]+) deleted unit\(s\) \(slettedato set\): (?P<shown>.+)$", "import.note.deleted"),
        (r"^the search result is empty: nothing to import$", "import.note.empty_search"),
        (r"^enriched (?P<n>[\d,]+) stored organisations, added (?P<added>[\d,]+)(?:; participations: (?P<how>.+))?$",
         "import.note.enriched"),
        (r"^left out (?P<n>[\d,]+) website\(s\) that are no http\(s\) web address \(the app links to a website\); "
         r"first at (?P<where>.+)$", "import.note.websites"),
        (r"^(?P<n>[\d,]+) rows share a normalised name \(N: id\) with an earlier row and only filled its gaps$",
         "import.note.merged"),
        (r"^read the sheet (?P<sheet>.+), the first that is not hidden \(skipped: (?P<hidden>.+)\)$",
         "import.note.hidden_sheets"),
    )
)
# How the participations of an enriching import found their organisations (data.importers.reconcile).
_HOW = {
    "already in the project (same id)": "same_id",
    "already in the project (same org number)": "same_number",
    "already in the project (same name)": "same_name",
    "stored, not in the project (same org number or name)": "stored",
    "new": "new",
}
_HOW_PART = re.compile(r"(?P<n>[\d,]+) (?P<how>" + "|".join(re.escape(h) for h in _HOW) + r")(?:, |$)")
# A note of one table of a folder carries its file's name in front (data.importers.detect).
_OF_FILE = re.compile(r"^(?P<file>[^:/\\]+\.\w+): (?P<note>.+)$")
_PLACE = re.compile(r"^(?P<file>.+?), (?P<unit>row|record) (?P<row>\d+)(?: \((?P<detail>[^)]*)\))?"
                    r"(?:, (?:column|field) (?P<column>.+))?$")


def where(location: Location, lang: str) -> str:
    """A problem's place in the reader's language: ``organisations.csv, rad 3 (linje 4), kolonne kind``.

    >>> where(Location("orgs.csv", 3, "line 4", "kind"), "nb")
    'orgs.csv, rad 3 (linje 4), kolonne kind'
    """
    parts = [location.file] if location.file else []
    if location.row is not None:
        unit = t(lang, "import.record" if location.unit == "record" else "import.row", n=location.row)
        detail = _DETAIL.match(location.detail or "")
        if detail:
            key = "import.line" if detail["what"] == "line" else "import.sheet_row"
            unit += f" ({t(lang, key, n=detail['n'])})"
        elif location.detail:
            unit += f" ({location.detail})"
        parts.append(unit)
    if location.column:
        key = "import.column" if location.unit == "row" else "import.field"
        parts.append(t(lang, key, name=location.column))
    return ", ".join(parts)


def describe_problem(problem: Problem, lang: str) -> str:
    """One problem, its place and what is wrong, in ``lang`` (English words when the message is not known)."""
    text = problem.message
    if problem.refused is not None:  # worded by the library in every language already
        place = where(problem.where, lang)
        text = problem.refused.message(lang)
        return f"{place}: {text}" if place else text
    for pattern, key in _PATTERNS:
        found = pattern.search(text)
        if found:
            values = {k: v or "" for k, v in found.groupdict().items()}
            if values.get("what"):
                values["what"] = t(lang, f"import.what.{values['what']}")
            if key == "import.unknown_column":
                values["guess"] = t(lang, "import.did_you_mean", guess=values["guess"]) if values["guess"] else ""
            text = t(lang, key, **values)
            break
    place = where(problem.where, lang)
    return f"{place}: {text}" if place else text


def describe(error: ImportFileError, lang: str) -> str:
    """The first problem in ``lang``, and how many more there are, on one line."""
    problems = error.problems or (Problem(Location(""), str(error)),)
    text = describe_problem(problems[0], lang)
    if len(problems) > 1:
        text += " " + t(lang, "import.more", n=len(problems) - 1)
    return text


def describe_note(note: str, lang: str) -> str:
    """A note of an import report in ``lang`` (its English words when it is not one the text layer knows).

    >>> describe_note("removed control characters from 1 value(s); first at orgs.csv, row 3, column name", "nb")
    'fjernet kontrolltegn fra 1 verdi; første i orgs.csv, rad 3, kolonne name'
    """
    for pattern, key in _NOTES:
        found = pattern.match(note)
        if found:
            values = found.groupdict()
            for count in ("n", "added"):
                if count in values:
                    values[count] = format_number(int(values[count].replace(",", "")), lang)
            if key == "import.note.enriched":
                how = _how(values.pop("how"), lang)
                return t(lang, key, **values) + (t(lang, "import.note.how", how=how) if how else "")
            if values.get("where"):
                place = _PLACE.match(values["where"])
                if place:
                    row = int(place["row"])
                    values["where"] = where(Location(place["file"], row, place["detail"] or "", place["column"] or "",
                                                     place["unit"]), lang)
            return t(lang, key, **values)
    of_file = _OF_FILE.match(note)
    if of_file:
        worded = describe_note(of_file["note"], lang)
        if worded != of_file["note"]:
            return f"{of_file['file']}: {worded}"
    return note


def _how(text: str | None, lang: str) -> str:
    """ "5 already in the project (same name), 3 new" in ``lang`` ("" when there is none, or it is not known)."""
    parts = list(_HOW_PART.finditer(text or ""))
    if not parts or "".join(p.group(0) for p in parts) != text:
        return text or ""
    return ", ".join(
        t(lang, f"import.note.how.{_HOW[p['how']]}", n=format_number(int(p["n"].replace(",", "")), lang))
        for p in parts
    )
