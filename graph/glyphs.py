"""Names in the font the drawings and the report are set in, every character readable.

Drawings (matplotlib) and the PDF report (reportlab) set text in DejaVu Sans, the TrueType
files matplotlib ships: Latin, Greek, Cyrillic, many symbols (✓ ❤ ☀), no emoji and no Chinese,
Japanese or Korean. A character the font lacks came out as an empty box in a drawing, and was
left out of the PDF without a trace ("Laks 🐟 AS" read "Laks AS"). :func:`drawable` writes such
a character out instead: an emoji by its Unicode name in brackets, anything else as its code
point. Joiners, variation selectors and skin-tone modifiers, which draw nothing of their own,
are left out; a name of nothing else is written as its code points, never as nothing.

No other font is looked for: a machine's own fonts differ, and the report must read the same
wherever it is made.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path

__all__ = ["FONT_FILES", "drawable"]

#: The faces text is set in (matplotlib's own files); a character counts as drawable when both have it.
FONT_FILES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")

#: Emoji names up to this length are written out ("[fish]"); longer ones as code points.
_NAME_CHARS = 32


@functools.cache
def _covered() -> frozenset[int]:
    from fontTools.ttLib import TTFont
    from matplotlib import get_data_path

    folder = Path(get_data_path()) / "fonts" / "ttf"
    sets = []
    for name in FONT_FILES:
        with TTFont(folder / name, lazy=True) as font:
            sets.append(set(font.getBestCmap()))
    return frozenset(set.intersection(*sets))


def _silent(ch: str) -> bool:
    """Draws nothing of its own: a control or format character (joiner, direction mark), a variation selector,
    a skin tone."""
    code = ord(ch)
    return (unicodedata.category(ch) in ("Cc", "Cf") or 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF
            or 0x1F3FB <= code <= 0x1F3FF)


def _written_out(ch: str) -> str:
    name = unicodedata.name(ch, "")
    if unicodedata.category(ch) == "So" and name and len(name) <= _NAME_CHARS:
        return f"[{name.lower()}]"
    return f"U+{ord(ch):04X}"


def drawable(text: str) -> str:
    """``text`` with every character DejaVu Sans lacks written out, so nothing is lost or boxed.

    >>> drawable("Laks 🐟 AS ✓")
    'Laks [fish] AS ✓'
    >>> drawable("中文")
    'U+4E2D U+6587'
    >>> drawable("\\u200d")
    'U+200D'
    >>> drawable("Bra 👍🏽")
    'Bra [thumbs up sign]'
    """
    text = str(text)
    covered = _covered()
    if not any(not _silent(ch) and not ch.isspace() for ch in text):
        return " ".join(f"U+{ord(ch):04X}" for ch in text)
    out: list[str] = []
    padded = False
    for ch in text:
        if ch.isspace() or ord(ch) in covered:
            out.append(ch)
        elif not _silent(ch):
            word = _written_out(ch)
            if word.startswith("U+"):  # a code point stands apart, as a word does
                word, padded = f" {word} ", True
            out.append(word)
    drawn = "".join(out)
    return re.sub(" {2,}", " ", drawn).strip() if padded else drawn
