"""Shortlists out of Samspill: CSV for spreadsheets and a printable HTML page.

Pure functions over :class:`matching.types.Suggestion`-like records; no
Streamlit, no store. Column headers and titles come from the caller (the app
holds the user-facing text per language).

Spreadsheet safety: a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return is read as a formula by Excel and LibreOffice (CSV
injection), and organisation names and reasons come from imported files, so
such cells get a leading ``'`` (OWASP's advice). The HTML page escapes every
value.
"""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

__all__ = [
    "SHORTLIST_COLUMNS",
    "neutralise_cell",
    "shortlist_rows",
    "to_csv",
    "to_printable_html",
]

#: Columns of :func:`shortlist_rows`, in order.
SHORTLIST_COLUMNS: tuple[str, ...] = (
    "rank",
    "team",
    "org_id",
    "name",
    "kind",
    "region",
    "country",
    "score",
    "reasons",
    "verdict",
    "contacts",
    "website",
)

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _SuggestionLike(Protocol):
    org_id: str
    name: str
    kind: str
    score: float
    reasons: Sequence[str]
    region: str
    country: str


def neutralise_cell(value: object) -> str:
    """``value`` as text that a spreadsheet shows as text, never runs as a formula.

    >>> neutralise_cell("=HYPERLINK(\\"http://x\\")"), neutralise_cell("SINTEF"), neutralise_cell(-0.5)
    ('\\'=HYPERLINK("http://x")', 'SINTEF', "'-0.5")
    >>> neutralise_cell(None)
    ''
    """
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_STARTS):
        return "'" + text
    return text


def shortlist_rows(
    suggestions: Iterable[_SuggestionLike],
    *,
    verdicts: Mapping[str, str] | None = None,
    kind_label=None,
    teams: Mapping[str, str] | None = None,
    contacts: Mapping[str, str] | None = None,
    websites: Mapping[str, str] | None = None,
) -> list[dict[str, object]]:
    """One dict per suggestion, keys :data:`SHORTLIST_COLUMNS`, ranked from 1.

    Members of a pairing or consortium put on the shortlist together stay together: rows are
    grouped by ``teams`` (org id -> the team's name, in the order the teams were added), and
    organisations on their own come after.

    Parameters
    ----------
    suggestions : iterable of Suggestion
        Best first.
    verdicts : mapping, optional
        org id -> the latest verdict given (already worded for the reader).
    kind_label : callable, optional
        kind -> the word shown for it; the raw kind by default.
    teams : mapping, optional
        org id -> the name of the team (pairing or consortium) it was added with.
    contacts, websites : mapping, optional
        org id -> its contact persons on one line, and its website. The caller passes only
        what the reader may see (:func:`data.contacts.visible_contacts`).

    >>> from types import SimpleNamespace as S
    >>> orgs = [S(org_id=i, name=i.upper(), kind="company", score=1, reasons=(), region="", country="") for i in "abc"]
    >>> [(r["rank"], r["team"], r["name"]) for r in shortlist_rows(orgs, teams={"c": "Pair 1", "a": "Pair 1"})]
    [(1, 'Pair 1', 'A'), (2, 'Pair 1', 'C'), (3, '', 'B')]
    """
    verdicts = verdicts or {}
    teams = teams or {}
    contacts = contacts or {}
    websites = websites or {}
    suggestions = list(suggestions)
    order = list(dict.fromkeys(teams[s.org_id] for s in suggestions if s.org_id in teams))
    if order:
        suggestions.sort(key=lambda s: order.index(teams[s.org_id]) if s.org_id in teams else len(order))
    rows = []
    for rank, s in enumerate(suggestions, start=1):
        rows.append(
            {
                "rank": rank,
                "team": teams.get(s.org_id, ""),
                "org_id": s.org_id,
                "name": s.name,
                "kind": kind_label(s.kind) if kind_label else s.kind,
                "region": s.region,
                "country": s.country,
                "score": round(float(s.score), 3),
                "reasons": "; ".join(s.reasons),
                "verdict": verdicts.get(s.org_id, ""),
                "contacts": contacts.get(s.org_id, ""),
                "website": websites.get(s.org_id, ""),
            }
        )
    return rows


def to_csv(
    rows: Iterable[Mapping[str, object]],
    columns: Sequence[str] = SHORTLIST_COLUMNS,
    *,
    headers: Mapping[str, str] | None = None,
    delimiter: str = ",",
    decimal: str = ".",
) -> str:
    """Rows as CSV text (``\\r\\n`` line ends, every cell neutralised, headers too).

    Encode with ``utf-8-sig`` for Excel to read æ, ø and å. A Norwegian Excel splits on ``;`` and
    reads ``0,5`` as a number (``0.5`` as text): ``delimiter=";", decimal=","``.

    >>> to_csv([{"name": "=1+1", "score": 0.5}], ["name", "score"])
    "name,score\\r\\n'=1+1,0.5\\r\\n"
    >>> to_csv([{"name": "Fisk AS", "score": 0.934}], ["name", "score"], delimiter=";", decimal=",")
    'name;score\\r\\nFisk AS;0,934\\r\\n'
    """
    headers = headers or {}
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([neutralise_cell(headers.get(c, c)) for c in columns])
    for row in rows:
        writer.writerow([neutralise_cell(_decimal(row.get(c, ""), decimal)) for c in columns])
    return out.getvalue()


def _decimal(value: object, decimal: str) -> object:
    """A float written with the reader's decimal sign; anything else as it is."""
    return str(value).replace(".", decimal) if isinstance(value, float) and decimal != "." else value


_PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
  body {{ font-family: "Source Sans Pro", Arial, sans-serif; margin: 2em; color: #1d2a33; }}
  h1 {{ font-size: 1.5em; margin-bottom: 0.2em; }}
  .intro {{ white-space: pre-wrap; color: #44525c; margin-bottom: 1.5em; max-width: 50em; }}
  table {{ border-collapse: collapse; width: 100%; font-size: 0.92em; }}
  th, td {{ border-bottom: 1px solid #c9d1d6; padding: 0.45em 0.6em; text-align: left; vertical-align: top; }}
  th {{ background: #eef2f4; }}
  td.num {{ text-align: right; white-space: nowrap; }}
  .footer {{ margin-top: 2em; font-size: 0.8em; color: #6b7780; }}
  @media print {{ body {{ margin: 0; }} tr {{ page-break-inside: avoid; }} }}
</style>
</head>
<body>
<h1>{title}</h1>
{intro}
<table>
<thead><tr>{head}</tr></thead>
<tbody>
{body}
</tbody>
</table>
{footer}
</body>
</html>
"""

_NUMERIC = frozenset({"rank", "score"})


def to_printable_html(
    rows: Iterable[Mapping[str, object]],
    columns: Sequence[str] = SHORTLIST_COLUMNS,
    *,
    title: str,
    intro: str = "",
    footer: str = "",
    headers: Mapping[str, str] | None = None,
    lang: str = "nb",
) -> str:
    """A self-contained HTML page (no scripts, no external files) that prints well.

    Every value is HTML-escaped.

    >>> page = to_printable_html([{"name": "<b>A&B</b>"}], ["name"], title="Kortliste")
    >>> "&lt;b&gt;A&amp;B&lt;/b&gt;" in page and "<b>A" not in page
    True
    """
    headers = headers or {}
    esc = html.escape
    head = "".join(f"<th>{esc(str(headers.get(c, c)))}</th>" for c in columns)
    lines = []
    for row in rows:
        cells = []
        for c in columns:
            value = row.get(c, "")
            css = ' class="num"' if c in _NUMERIC else ""
            cells.append(f"<td{css}>{esc('' if value is None else str(value))}</td>")
        lines.append("<tr>" + "".join(cells) + "</tr>")
    return _PAGE.format(
        lang=esc(lang),
        title=esc(title),
        intro=f'<p class="intro">{esc(intro)}</p>' if intro else "",
        head=head,
        body="\n".join(lines),
        footer=f'<p class="footer">{esc(footer)}</p>' if footer else "",
    )
