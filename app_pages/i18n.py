"""The app's language: bokmål by default, English on request; every string comes from the text layer (data.text)."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from data.text import DEFAULT_LANGUAGE, LANGUAGES, STRINGS, format_number, format_text
from data.text import kind_label as _kind_label

LANG_KEY = "app_lang"
KEPT_KEY = "app_lang_kept"
COOKIE_NAME = "samspill_lang"
#: A year: the reader's language is a preference, not a secret.
COOKIE_AGE = 365 * 86_400
DEFAULT_LANG = DEFAULT_LANGUAGE


def lang() -> str:
    value = st.session_state.get(LANG_KEY, DEFAULT_LANG)
    return value if value in STRINGS else DEFAULT_LANG


def t(key: str, **values) -> str:
    """The string ``key`` in the current language, formatted with ``values`` (``{n:one|other}`` too)."""
    return format_text(STRINGS[lang()][key], values)


def kind_label(kind: str) -> str:
    return _kind_label(lang(), kind)


def status_label(status: str) -> str:
    return STRINGS[lang()].get(f"status.{status}", status)


def intro_status_label(status: str) -> str:
    return STRINGS[lang()].get(f"intro.status.{status}", status)


def verdict_label(verdict: str) -> str:
    return STRINGS[lang()].get(f"verdict.{verdict}", verdict)


def number(value: float | int | None, decimals: int = 0) -> str:
    """A number the way the reader writes it (bokmål: 1 234,5)."""
    return format_number(value, lang(), decimals=decimals)


def labels(options, label) -> Callable:
    """A ``format_func`` for ``options`` worded now, in the current language.

    Streamlit may call a format function outside the script run (AppTest does),
    where the session's language cannot be read; a lookup table made during
    the run always answers in the language the page was drawn in.
    """
    table = {option: label(option) for option in options}
    return table.__getitem__


def language_switch() -> None:
    """The language picker in the sidebar (rendered on every run, so its state persists).

    The choice is also kept outside the widget: ``st.switch_page`` (a link to the sign-in page
    followed once signed in) starts widgets afresh, and the reader's language must survive it;
    and in a cookie (:func:`cookie_script`), so a reload or a link keeps it too. Before any choice,
    the browser's language decides (:func:`browser_language`): an English reader's first page is
    English, not a Norwegian one with a switch to find.
    """
    if st.session_state.get(LANG_KEY) not in STRINGS:
        choices = (st.session_state.get(KEPT_KEY), st.context.cookies.get(COOKIE_NAME), browser_language())
        st.session_state[LANG_KEY] = next((c for c in choices if c in STRINGS), DEFAULT_LANG)
    st.session_state[KEPT_KEY] = st.session_state[LANG_KEY]
    st.sidebar.radio(
        STRINGS[lang()]["app.language"],
        options=list(LANGUAGES),
        format_func=lambda code: LANGUAGES[code],
        key=LANG_KEY,
        horizontal=True,
    )


#: the language subtags of a browser's locale that mean one of the app's languages
BROWSER_LANGUAGES = {"nb": "nb", "nn": "nb", "no": "nb", "en": "en"}


def browser_language(locale: str | None = None) -> str | None:
    """The app's language for the browser's ``locale`` (``navigator.language``), or None when it has none.

    >>> browser_language("en-GB"), browser_language("nn-NO"), browser_language("de-DE"), browser_language("")
    ('en', 'nb', None, None)
    """
    if locale is None:
        locale = st.context.locale or ""
    return BROWSER_LANGUAGES.get(locale.replace("_", "-").split("-")[0].lower())


def cookie_script() -> str | None:
    """The script that remembers the chosen language in the browser, while it differs from the cookie."""
    if st.context.cookies.get(COOKIE_NAME) == lang():
        return None
    return f"<script>document.cookie = '{COOKIE_NAME}={lang()}; Path=/; Max-Age={COOKIE_AGE}; SameSite=Lax';</script>"
