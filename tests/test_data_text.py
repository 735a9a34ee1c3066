"""One text layer (data/text): every language has every key with the same placeholders, and every
key any layer asks for exists."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from data.text import LANGUAGES, STRINGS, check_languages, format_number, kind_label, t
from data.text.stopwords import ENGLISH_STOP_WORDS, GENERIC_WORDS, LABEL_WORDS, NORWEGIAN_STOP_WORDS, STOP_WORDS

ROOT = Path(__file__).resolve().parents[1]


def test_every_language_has_every_key_with_the_same_placeholders():
    check_languages()
    assert set(STRINGS) == set(LANGUAGES)


def test_check_languages_names_a_missing_key_and_a_changed_placeholder(monkeypatch):
    broken = {lang: dict(table) for lang, table in STRINGS.items()}
    del broken["en"]["report.title"]
    monkeypatch.setitem(STRINGS, "en", broken["en"])
    with pytest.raises(KeyError, match="report.title"):
        check_languages()
    broken["en"]["report.title"] = "Collaboration in {yeer}"
    with pytest.raises(KeyError, match="other placeholders"):
        check_languages()


def _literal_keys(source: str) -> set[str]:
    """Keys passed as a literal to t(...), phrase(...) or the app's t(...)."""
    keys = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in ("t", "phrase"):
            for arg in node.args[:2]:
                literal = isinstance(arg, ast.Constant) and isinstance(arg.value, str)
                if literal and re.fullmatch(r"[a-z_.0-9]+", arg.value):
                    keys.add(arg.value)
    return keys


def test_every_literal_key_a_layer_asks_for_exists():
    asked = {}
    for folder in ("app_pages", "graph", "matching"):
        for path in (ROOT / folder).rglob("*.py"):
            for key in _literal_keys(path.read_text(encoding="utf-8")):
                asked.setdefault(key, str(path.relative_to(ROOT)))
    table = STRINGS["nb"]
    phrases = {k.removeprefix("match.") for k in table if k.startswith("match.")}
    missing = {
        key: where
        for key, where in asked.items()
        if key not in table and not (where.startswith("matching") and key in phrases) and key not in LANGUAGES
    }
    assert not missing, missing


def test_one_word_per_kind_everywhere():
    assert kind_label("nb", "support") == t("nb", "kind.support") == "støtteaktør"
    assert kind_label("en", "") == "unknown"


def test_numbers_in_both_languages():
    assert format_number(1234.5, "nb", decimals=1) == "1\u00a0234,5"
    assert format_number(1234.5, "en", decimals=1) == "1,234.5"
    with pytest.raises(ValueError, match="unknown language 'de'"):
        format_number(1, "de")


def test_one_stop_word_list_for_every_layer():
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS as SKLEARN

    from graph import terms
    from matching import lexical

    assert ENGLISH_STOP_WORDS == SKLEARN  # the matcher's TF-IDF is what it was measured with
    assert STOP_WORDS == ENGLISH_STOP_WORDS | NORWEGIAN_STOP_WORDS
    assert {"og", "the", "med"} <= STOP_WORDS and {"prosjekt", "innovation"} <= GENERIC_WORDS
    assert set(lexical.make_vectorizer(10).get_params()["stop_words"]) == STOP_WORDS
    # the network's terms also leave out words that name no competence (verbs, kinds of body): one list still
    assert terms.STOP_WORDS == STOP_WORDS | GENERIC_WORDS | LABEL_WORDS
    assert {"utnytte", "working", "indispensable"} <= LABEL_WORDS and not {"utnytte", "working"} & STOP_WORDS
    for folder in ("app_pages", "graph", "matching"):  # no second list anywhere
        for path in (ROOT / folder).rglob("*.py"):
            assert "_STOP_WORDS = frozenset(" not in path.read_text(encoding="utf-8"), path


@pytest.mark.parametrize("lang, one, other", [("nb", "1 idé", "idéer"), ("en", "1 idea", "ideas")])
def test_a_count_takes_the_noun_form_it_needs(lang, one, other):
    assert t(lang, "mine.count", n=1) == one
    assert [t(lang, "mine.count", n=n) for n in (0, 2, 1234)] == [f"{n} {other}" for n in (0, 2, 1234)]
    # a count already written for the reader (1 234, 1,0) is not "1"
    assert t(lang, "mine.count", n=format_number(1, lang)) == one
    assert t(lang, "mine.count", n=format_number(1234, lang)).endswith(other)
    assert t(lang, "mine.count", n=format_number(1, lang, decimals=1)).endswith(other)


def test_no_string_writes_a_plural_in_brackets():
    # "1 idé(er)", "2 idea(s)": the plural fields {n:one|other} say it properly
    bracketed = re.compile(r"\w\((?:s|es|er|ene|r|e)\)")
    found = {(lang, key): text for lang, table in STRINGS.items() for key, text in table.items()
             if bracketed.search(text)}
    assert not found, found


def test_check_languages_wants_two_forms_in_a_plural_field(monkeypatch):
    broken = dict(STRINGS["en"])
    broken["mine.count"] = "{n} {n:idea|ideas|ideae}"
    monkeypatch.setitem(STRINGS, "en", broken)
    with pytest.raises(KeyError, match="two forms"):
        check_languages()


def test_a_plural_field_needs_a_count():
    from data.text import format_text

    with pytest.raises(TypeError, match="needs a count"):
        format_text("{n:idea|ideas}", {"n": None})
