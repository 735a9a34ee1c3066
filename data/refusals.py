"""A refusal worded for the reader: the library says *why* through a key of the text layer.

The store's other errors carry an English message for the command line and logs. A
:class:`Refused` also carries the key and values of its sentence in :mod:`data.text`, so the app
can show the same reason in the reader's language (``refusal.message(lang)``) as one line,
never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass

from data.store import StoreError
from data.text import t


@dataclass(frozen=True)
class Word:
    """A value of a refusal that is itself a text of the table (a field's name), worded per language."""

    key: str


class Refused(StoreError):
    """A request refused for a reason the reader can act on; nothing was written.

    >>> exc = Refused("contacts.bad_email", value="kari(at)example.no")
    >>> str(exc) == exc.message("en")
    True
    >>> exc.message("nb")
    'Ugyldig e-postadresse «kari(at)example.no».'
    """

    def __init__(self, key: str, **values):
        self.key = key
        self.values = values
        super().__init__(self.message("en"))

    def message(self, lang: str) -> str:
        worded = {k: t(lang, v.key) if isinstance(v, Word) else v for k, v in self.values.items()}
        return t(lang, self.key, **worded)


class NotAllowed(Refused):
    """The viewer may not do or see this (worded without telling what exists)."""
