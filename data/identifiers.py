"""What makes an id, an organisation number or a username acceptable.

Two ids that look the same must be the same id, and an id must survive every place it goes
(GEXF and GraphML are XML, which cannot carry control characters or non-characters). So ids
are NFKC-normalised ("Ålesund" typed and "Ålesund" pasted from a Mac are one organisation, and
so are full-width "ＳＩＮＴＥＦ" and a no-break space with "SINTEF" and a space) and may not hold
control, format (zero-width, bidirectional), surrogate or non-characters. An id whose letters mix
Latin, Cyrillic and Greek is refused: "SINТEF" with a Cyrillic Т looks exactly like "SINTEF" and
no normal form joins them. A source's prefix (``N:``, ``NO:``) is not counted, so "N:ИВАН" made
from a Cyrillic name is one script. :func:`clean_id` is the one rule; every importer
(``ParseContext.identifier``) and account creation (``--org``) go through it.

Usernames are shown to people who decide by reading them, so one that could pass for another
is refused: they are NFKC-stable (no full-width or ligature forms), hold letters of one script,
ASCII digits and ``. _ - @ +`` only.
"""

from __future__ import annotations

import re
import unicodedata

from data.limits import MAX_ID_CHARS

#: Characters that never belong in an id: control, format (zero-width space, joiners, BOM,
#: direction marks), surrogates, unassigned; line and paragraph separators.
FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Cn", "Zl", "Zp"})
USERNAME_PUNCTUATION = frozenset("._-@+")
MAX_USERNAME_CHARS = 254  # the longest e-mail address


def is_noncharacter(ch: str) -> bool:
    code = ord(ch)
    return 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE


def describe(ch: str) -> str:
    """``U+200B ZERO WIDTH SPACE``: a character named for a message."""
    return f"U+{ord(ch):04X}" + (f" {unicodedata.name(ch)}" if unicodedata.name(ch, "") else "")


def forbidden_character(text: str) -> str | None:
    """The first character of ``text`` an id may not hold, or None."""
    for ch in text:
        if unicodedata.category(ch) in FORBIDDEN_CATEGORIES or is_noncharacter(ch):
            return ch
    return None


#: Scripts whose letters pass for one another (Latin A, Cyrillic А, Greek Α): an id uses one of them.
CONFUSABLE_SCRIPTS = frozenset({"LATIN", "CYRILLIC", "GREEK"})
#: A source's prefix before an id's own text: ``N:`` (CORDIS names), ``NO:`` (organisation numbers).
_SOURCE_PREFIX = re.compile(r"^[A-Z]{1,4}:")


def mixed_script(text: str) -> tuple[str, str] | None:
    """``(first_script, offending_character)`` when the letters of ``text`` mix Latin, Cyrillic and
    Greek, else None. The offending character is the first letter of a script other than the first.

    >>> mixed_script("SIN\\u0422EF")
    ('LATIN', 'Т')
    >>> mixed_script("N:ИВАН") is None, mixed_script("Ålesund-ÆØ") is None, mixed_script("华为 Norge") is None
    (True, True, True)
    """
    first = None
    for ch in _SOURCE_PREFIX.sub("", text):
        if not ch.isalpha():
            continue
        script = script_of(ch)
        if script not in CONFUSABLE_SCRIPTS:
            continue
        if first is None:
            first = script
        elif script != first:
            return first, ch
    return None


def clean_id(value: str) -> tuple[str, str | None]:
    """``(id, problem)``: the id stripped and NFKC-normalised, and what is wrong with it (or None).

    >>> clean_id(" A\\u030alesund ")
    ('Ålesund', None)
    >>> clean_id("\\uff33\\uff29\\uff2e\\uff34\\uff25\\uff26")  # full-width
    ('SINTEF', None)
    >>> clean_id("sintef\\u200b")[1]
    'holds U+200B ZERO WIDTH SPACE, which an id may not hold'
    >>> clean_id("SIN\\u0422EF")[1]
    'mixes Latin letters with U+0422 CYRILLIC CAPITAL LETTER TE, so it could pass for another id'
    """
    text = unicodedata.normalize("NFKC", value).strip()
    if not text:
        return text, "is empty"
    if len(text) > MAX_ID_CHARS:
        return text, f"has {len(text):,} characters; an id has at most {MAX_ID_CHARS:,}"
    bad = forbidden_character(text)
    if bad is not None:
        return text, f"holds {describe(bad)}, which an id may not hold"
    mixed = mixed_script(text)
    if mixed is not None:
        return text, f"mixes {mixed[0].title()} letters with {describe(mixed[1])}, so it could pass for another id"
    return text, None


ORG_NUMBER_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)


def org_number_check_digit(first_eight: str) -> int | None:
    """The mod-11 check digit of a Norwegian organisation number, or None when none exists."""
    remainder = sum(int(d) * w for d, w in zip(first_eight, ORG_NUMBER_WEIGHTS, strict=True)) % 11
    check = (11 - remainder) % 11
    return None if check == 10 else check


def clean_org_number(value: str) -> tuple[str, str | None]:
    """``(number, problem)``: spaces removed (``"923 609 016"``), then exactly nine ASCII digits
    whose last is the mod-11 check digit; empty stays empty.

    >>> clean_org_number(" 923 609 016 ")
    ('923609016', None)
    >>> clean_org_number("923609017")[1]
    'bad organisation number 923609017: the check digit should be 6'
    """
    number = "".join(value.split())
    if not number:
        return "", None
    if len(number) != 9 or not number.isascii() or not number.isdigit():
        return number, f"bad organisation number {number!r}: expected 9 digits (0-9)"
    check = org_number_check_digit(number[:8])
    if check is None:
        return number, f"bad organisation number {number}: no valid number starts {number[:8]}"
    if int(number[8]) != check:
        return number, f"bad organisation number {number}: the check digit should be {check}"
    return number, None


def script_of(ch: str) -> str:
    """The script a letter belongs to, by its Unicode name (``LATIN``, ``CYRILLIC``, ``GREEK``, …)."""
    name = unicodedata.name(ch, "")
    return name.split(" ", 1)[0] if name else "UNKNOWN"


def username_problem(username: str) -> str | None:
    """What makes ``username`` unacceptable (it must already be stripped), or None.

    >>> username_problem("kari.nordmann@industrinavet.no") is None
    True
    >>> username_problem("r\\u0430dgiver")  # a Cyrillic a
    'the username mixes letters of different scripts (CYRILLIC and LATIN), so it could pass for another'
    """
    if len(username) > MAX_USERNAME_CHARS:
        return f"the username has {len(username):,} characters; at most {MAX_USERNAME_CHARS}"
    bad = forbidden_character(username)
    if bad is not None:
        return f"the username holds {describe(bad)}"
    if unicodedata.normalize("NFKC", username) != username:
        return "the username holds compatibility characters (full-width, ligatures, …) that could pass for others"
    scripts = set()
    for ch in username:
        if ch.isalpha():
            scripts.add(script_of(ch))
        elif not ((ch.isascii() and ch.isdigit()) or ch in USERNAME_PUNCTUATION):
            return f"the username may hold letters, digits 0-9 and . _ - @ + only, not {describe(ch)}"
    if len(scripts) > 1:
        return (
            f"the username mixes letters of different scripts ({' and '.join(sorted(scripts))}), "
            "so it could pass for another"
        )
    return None
