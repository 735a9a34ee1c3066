"""Links' query parameters read by hand-made URLs: never a traceback, only a number or nothing."""

from __future__ import annotations

import pytest

from app_pages import routes


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12", 12),
        ("007", 7),
        ("", None),
        ("-1", None),
        ("1.5", None),
        ("<script>alert(1)</script>", None),
        ("99999999999999999999", None),
        ("²", None),  # str.isdigit() says yes, int() raised ValueError: a traceback on the page
        ("¹²³", None),
        ("١٢", None),  # Arabic-Indic digits: not how a link names idea 12
        ("１２", None),  # full-width
    ],
)
def test_query_int_takes_only_plain_ascii_numbers(monkeypatch, value, expected):
    monkeypatch.setattr(routes.st, "query_params", {"idea": value})
    assert routes.query_int("idea") == expected
