"""All user-facing text of the app, one module per language with the same keys.

Add a language by adding a module with a ``STRINGS`` dict holding every key of
:mod:`app_pages.locales.nb`; ``tests/test_app.py`` checks that none is missing.
"""

from __future__ import annotations

from app_pages.locales import en, nb

#: language code -> name shown in the language switch
LANGUAGES: dict[str, str] = {"nb": "Norsk", "en": "English"}
STRINGS: dict[str, dict[str, str]] = {"nb": nb.STRINGS, "en": en.STRINGS}
