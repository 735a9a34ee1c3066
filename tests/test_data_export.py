"""Shortlist export: CSV that spreadsheets cannot run, HTML that browsers cannot run."""

from __future__ import annotations

import csv
import io

import pytest

from data.export import SHORTLIST_COLUMNS, neutralise_cell, shortlist_rows, to_csv, to_printable_html
from matching.types import Suggestion


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
        ("+47 123", "'+47 123"),
        ("-cmd", "'-cmd"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("SINTEF", "SINTEF"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (3, "3"),
    ],
)
def test_neutralise_cell(value, expected):
    assert neutralise_cell(value) == expected


def suggestions():
    return [
        Suggestion(
            "sintef", "SINTEF", "research", 0.91234, ("works on hydrogen", "2 joint projects"), "Trøndelag", "NO"
        ),
        Suggestion("evil", '=HYPERLINK("http://x","click")', "company", 0.5, ("@attack",), "", "NO"),
    ]


def test_shortlist_rows_rank_and_fields():
    rows = shortlist_rows(suggestions(), verdicts={"sintef": "nyttig"}, kind_label=str.upper)
    assert [r["rank"] for r in rows] == [1, 2]
    assert set(rows[0]) == set(SHORTLIST_COLUMNS)
    assert rows[0]["reasons"] == "works on hydrogen; 2 joint projects"
    assert rows[0]["kind"] == "RESEARCH"
    assert rows[0]["score"] == 0.912
    assert rows[0]["verdict"] == "nyttig" and rows[1]["verdict"] == ""


def test_csv_round_trip_is_neutralised():
    text = to_csv(shortlist_rows(suggestions()), headers={"name": "Navn"}, delimiter=";")
    table = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert table[0][SHORTLIST_COLUMNS.index("name")] == "Navn"
    assert table[1][SHORTLIST_COLUMNS.index("name")] == "SINTEF"
    assert table[2][SHORTLIST_COLUMNS.index("name")] == "'=HYPERLINK(\"http://x\",\"click\")"
    assert table[2][SHORTLIST_COLUMNS.index("reasons")] == "'@attack"
    assert "æøå" in to_csv([{"name": "æøå"}], ["name"])


def test_html_escapes_everything():
    rows = shortlist_rows([Suggestion("x", "<script>alert(1)</script>", "company", 0.3, ("a & b",))])
    page = to_printable_html(rows, title="Kortliste <1>", intro="Idé: <i>test</i>", footer="laget av Samspill")
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Kortliste &lt;1&gt;" in page and "Idé: &lt;i&gt;test&lt;/i&gt;" in page
    assert "a &amp; b" in page
    assert page.startswith("<!DOCTYPE html>") and 'lang="nb"' in page


def test_a_pairing_and_a_consortium_stay_together_on_the_shortlist_and_in_its_csv():
    acme = Suggestion("acme", "Acme AS", "company", 0.4, ("welds",), "", "NO")
    rows = shortlist_rows(
        [*suggestions(), acme],  # Acme was added last, with SINTEF as a pair
        teams={"acme": "Pair 1: Acme + SINTEF", "sintef": "Pair 1: Acme + SINTEF"},
    )
    assert [r["team"] for r in rows[:2]] == ["Pair 1: Acme + SINTEF"] * 2
    assert [r["org_id"] for r in rows] == ["sintef", "acme", "evil"]
    assert [r["rank"] for r in rows] == list(range(1, len(rows) + 1))
    table = list(csv.reader(io.StringIO(to_csv(rows))))
    team = SHORTLIST_COLUMNS.index("team")
    assert [row[team] for row in table[1:3]] == ["Pair 1: Acme + SINTEF"] * 2


def test_shortlist_carries_contacts_and_website_safely():
    rows = shortlist_rows(
        [Suggestion("sintef", "SINTEF", "research", 0.9, ())],
        contacts={"sintef": "=Siri (CTO), siri@sintef.example.org"},
        websites={"sintef": "https://www.sintef.no"},
    )
    assert (rows[0]["contacts"], rows[0]["website"]) == ("=Siri (CTO), siri@sintef.example.org", "https://www.sintef.no")
    text = to_csv(rows)
    assert "'=Siri (CTO)" in text and "https://www.sintef.no" in text
    assert shortlist_rows([Suggestion("x", "X", "company", 0.1, ())])[0]["contacts"] == ""  # none given: none shown
