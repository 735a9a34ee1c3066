"""Every word Samspill shows a reader, in Norwegian (bokmål, the default) and English.

One text layer for every layer: the app's pages, the network's drawings and annual report, the
matcher's reasons. It sits at the bottom (in data/), so each may import it. The words are in
:mod:`data.text.nb` and :mod:`data.text.en`, one table each with the same keys; the
stop words shared by the matcher and the network are in :mod:`data.text.stopwords`.

Where a count meets a noun, the string says both forms in the placeholder's format spec, the
form for one first: ``"{n} {n:idé|idéer}"`` reads "1 idé", "0 idéer", "2 idéer"; the count may
also be a number already written out (``format_number``), and only "1" takes the first form,
as in bokmål and English alike. Never "idé(er)".

Add a language by adding a module with a ``STRINGS`` table holding every key of
:mod:`data.text.nb`, and its name in :data:`LANGUAGES`; tests/test_data_text.py checks that
no key or placeholder is missing.
"""

from __future__ import annotations

import math
import re
import string
from collections.abc import Sequence

from data.text import en, nb

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "STRINGS",
    "check_languages",
    "format_number",
    "format_text",
    "join_names",
    "kind_label",
    "plural",
    "printable",
    "t",
]

#: language code -> its name, written in that language (the language switch shows these)
LANGUAGES: dict[str, str] = {"nb": "Norsk", "en": "English"}
DEFAULT_LANGUAGE = "nb"
STRINGS: dict[str, dict[str, str]] = {"nb": nb.STRINGS, "en": en.STRINGS}

_PLACEHOLDER = re.compile(r"(?<!\{)\{([a-z_]+)(?:[:!][^}]*)?\}")
#: ``{n:one|other}``: the two forms of the noun a count goes with
_PLURAL_FIELD = re.compile(r"(?<!\{)\{[a-z_]+:([^}]*\|[^}]*)\}")


def plural(count, one: str, other: str) -> str:
    """``one`` for a count of 1, ``other`` for any other (bokmål and English: 0 idéer, 1 idé, 2 idéer).

    ``count`` may be a number or a number as written for the reader (:func:`format_number`).

    >>> plural(1, "idé", "idéer"), plural(0, "idea", "ideas"), plural("1,0", "idé", "idéer")
    ('idé', 'ideas', 'idéer')
    """
    if isinstance(count, bool) or not isinstance(count, int | float | str):
        raise TypeError(f"a plural form needs a count, not {type(count).__name__}")
    return one if (count == 1 if not isinstance(count, str) else count.strip() == "1") else other


class _Words(string.Formatter):
    """``str.format`` that also reads ``{n:one|other}`` as the noun form for the count ``n``."""

    def format_field(self, value, format_spec: str):
        if "|" in format_spec:
            one, other = format_spec.split("|")
            return plural(value, one, other)
        return super().format_field(value, format_spec)


_WORDS = _Words()


def check_languages() -> None:
    """Raise ``KeyError`` naming any key a language lacks, whose placeholders differ from bokmål's,
    or whose plural field has other than two forms."""
    reference = STRINGS[DEFAULT_LANGUAGE]
    for lang, strings in STRINGS.items():
        missing = sorted(reference.keys() - strings.keys()) + sorted(strings.keys() - reference.keys())
        if missing:
            raise KeyError(f"language {lang!r} and {DEFAULT_LANGUAGE!r} differ in {', '.join(missing)}")
        for key, text in strings.items():
            if set(_PLACEHOLDER.findall(text)) != set(_PLACEHOLDER.findall(reference[key])):
                raise KeyError(f"{key!r} has other placeholders in {lang!r} than in {DEFAULT_LANGUAGE!r}")
            for forms in _PLURAL_FIELD.findall(text):
                if forms.count("|") != 1:
                    raise KeyError(f"{key!r} in {lang!r}: a plural field has two forms, one|other, not {forms!r}")


def _table(lang: str) -> dict[str, str]:
    try:
        return STRINGS[lang]
    except KeyError:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(STRINGS)}") from None


def t(lang: str, key: str, **values) -> str:
    """The string ``key`` in ``lang``, formatted with ``values``.

    >>> t("en", "report.title", year=2024)
    'Collaboration in the cluster, 2024'
    >>> t("nb", "kind.research")
    'forskning'
    >>> t("nb", "mine.count", n=1), t("en", "mine.count", n=3)
    ('1 idé', '3 ideas')
    """
    return format_text(_table(lang)[key], values)


def format_text(text: str, values: dict) -> str:
    """A catalogue string ``text`` filled in with ``values`` (plural fields included)."""
    if not values:
        return text
    return _WORDS.vformat(text, (), values) if "|" in text else text.format(**values)


def kind_label(lang: str, kind: str) -> str:
    """The name of a kind of organisation (``""`` is "unknown"); unlisted kinds are shown as they are.

    >>> kind_label("nb", "company"), kind_label("en", ""), kind_label("en", "cluster")
    ('bedrift', 'unknown', 'cluster')
    """
    return _table(lang).get(f"kind.{kind or 'unknown'}", kind)


def format_number(value: float | int | None, lang: str, *, decimals: int = 0, signed: bool = False) -> str:
    """A number the way readers of ``lang`` write it (Norwegian: 1 234,5 with a no-break space).

    >>> format_number(12345.678, "nb", decimals=1), format_number(12345.678, "en", decimals=1)
    ('12\\xa0345,7', '12,345.7')
    >>> format_number(3, "en", signed=True), format_number(None, "nb"), format_number(-2, "nb")
    ('+3', '–', '−2')
    """
    _table(lang)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{value:{'+' if signed else ''},.{decimals}f}"
    if lang == "nb":
        text = text.replace(",", "\u00a0").replace(".", ",").replace("-", "−")
    return text


def join_names(names: Sequence[str], lang: str) -> str:
    """"A, B and C" in ``lang``.

    >>> join_names(["SINTEF", "NTNU", "Equinor"], "nb")
    'SINTEF, NTNU og Equinor'
    """
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} {t(lang, 'and')} {names[-1]}"


# C0 and C1 controls (C1's CSI, U+009B, starts an escape sequence in some terminals), lone surrogates, and
# U+FFFE and U+FFFF, which XML cannot carry: an SVG drawing or a Word report with them did not parse.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_BREAKS = re.compile("[\t\n\r]+")


def printable(text: str) -> str:
    """``text`` for a label or a table cell: line breaks become spaces, other control characters go.

    Everything else -- quotes, markup, æøå, emoji -- is kept; escaping is the job of whoever
    writes the file (SVG, HTML).

    >>> printable("Bell\\x07Co\\nAS <b>"), printable("\\x9b31mRed\\ufffe AS")
    ('BellCo AS <b>', '31mRed AS')
    """
    return _CONTROL.sub("", _BREAKS.sub(" ", text))
