"""Names in the fonts the drawings and the report are set in, every character readable.

Drawings (matplotlib) and the PDF report (reportlab) set text in DejaVu Sans, the TrueType
files matplotlib ships: Latin, Greek, Cyrillic, Hebrew, many symbols (✓ ❤ ☀), no emoji and no
Chinese, Japanese or Korean. What it lacks is taken from the fallback faces of
``manimgx-fonts`` (a package of Noto fonts, OFL): Noto Emoji (black and white) and Noto Sans
Symbols (:data:`FALLBACKS`); :func:`runs` cuts a text into the pieces each face draws. A
character no face has came out as an empty box in a drawing and was left out of the PDF without
a trace ("中文 AS" read " AS"); :func:`drawable` writes it out instead: as its Unicode name in
brackets when it is a short symbol's, else as its code point (``U+4E2D``). Joiners, variation
selectors and skin-tone modifiers, which draw nothing of their own, are left out; a name of
nothing else is written as its code points, never as nothing.

No font of the machine is looked for: a machine's own fonts differ, and the report must read the
same wherever it is made.
"""

from __future__ import annotations

import functools
import unicodedata
from pathlib import Path

__all__ = ["FALLBACKS", "FONT_FILES", "drawable", "fallback_files", "families", "runs"]

#: The faces text is set in (matplotlib's own files); a character is theirs when both have it.
FONT_FILES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")

#: Faces that draw what DejaVu Sans lacks, in the order they are asked: name -> file in manimgx_fonts.
FALLBACKS = {"Noto Emoji": "NotoEmoji[wght].ttf", "Noto Sans Symbols": "NotoSansSymbols[wght].ttf"}

#: Names of symbols up to this length are written out ("[fish]"); longer ones as code points.
_NAME_CHARS = 32
#: At most this many different characters of one run are written out; the rest are counted ("…+12").
_WRITTEN_OUT = 6


def _cmap(path: Path) -> set[int]:
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as font:
        return set(font.getBestCmap())


@functools.cache
def fallback_files() -> dict[str, Path]:
    """The fallback faces' files, by name (none when manimgx-fonts is not installed)."""
    try:
        import manimgx_fonts
    except ImportError:
        return {}
    folder = Path(manimgx_fonts.__file__).parent
    return {name: folder / file for name, file in FALLBACKS.items() if (folder / file).is_file()}


@functools.cache
def _faces(fallbacks: bool = True) -> tuple[tuple[str | None, frozenset[int]], ...]:
    """(face, the characters it has) in the order asked; None is DejaVu Sans."""
    from matplotlib import get_data_path

    folder = Path(get_data_path()) / "fonts" / "ttf"
    main = set.intersection(*(_cmap(folder / name) for name in FONT_FILES))
    others = fallback_files().items() if fallbacks else ()
    return ((None, frozenset(main)), *((name, frozenset(_cmap(path))) for name, path in others))


@functools.cache
def families() -> tuple[str, ...]:
    """matplotlib's font families for names: DejaVu Sans, then the fallbacks (registered here, once)."""
    from matplotlib import font_manager

    for path in fallback_files().values():
        font_manager.fontManager.addfont(str(path))
    return ("DejaVu Sans", *fallback_files())


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


def _face_of(ch: str, fallbacks: bool) -> str | None | bool:
    """The face that draws ``ch`` (None: DejaVu Sans), or False when none does."""
    if ch.isspace():
        return None
    for face, covered in _faces(fallbacks):
        if ord(ch) in covered:
            return face
    return False


def runs(text: str, *, fallbacks: bool = True) -> list[tuple[str | None, str]]:
    """``text`` cut into (face, piece) runs, what no face has written out in DejaVu Sans (None).

    Without ``fallbacks``, for text that can be set in one face only, DejaVu Sans is the only face.
    A run of characters no face has is written out as at most :data:`_WRITTEN_OUT` code points,
    a repeated one once with its count, so that a name stays about as long as it was.

    >>> runs("Laks 🐟 AS")
    [(None, 'Laks '), ('Noto Emoji', '🐟'), (None, ' AS')]
    >>> runs("中文")
    [(None, 'U+4E2D U+6587')]
    >>> runs("\\ufdfd" * 500 + " AS")
    [(None, 'U+FDFD ×500 AS')]
    >>> runs("\\u200d")
    [(None, 'U+200D')]
    """
    text = str(text)
    if not any(not _silent(ch) and not ch.isspace() for ch in text):
        return [(None, _written_run(text))] if text else []
    pieces: list[tuple[str | None, str]] = []
    missing: list[str] = []

    def add(face: str | None, piece: str) -> None:
        if pieces and pieces[-1][0] == face:
            pieces[-1] = (face, pieces[-1][1] + piece)
        else:
            pieces.append((face, piece))

    def flush(following: str) -> None:
        if missing:
            before = " " if pieces and not pieces[-1][1][-1:].isspace() else ""
            after = " " if following and not following.isspace() else ""
            add(None, before + _written_run(missing) + after)
            missing.clear()

    for ch in text:
        if _silent(ch):
            # A joiner or selector stays in its emoji's face (where that face has it), or goes.
            if pieces and not missing and ord(ch) in dict(_faces(fallbacks))[pieces[-1][0]]:
                add(pieces[-1][0], ch)
            continue
        face = _face_of(ch, fallbacks)
        if face is False:
            missing.append(ch)
            continue
        flush(ch)
        add(face, ch)
    flush("")
    return pieces


def _written_run(chars) -> str:
    """Characters no face has, written out: "[fish]" or "U+4E2D", a repeat with its count, the rest counted."""
    groups: list[list] = []
    for ch in chars:
        if groups and groups[-1][0] == ch:
            groups[-1][1] += 1
        else:
            groups.append([ch, 1])
    words = [_written_out(ch) + (f" ×{n}" if n > 1 else "") for ch, n in groups[:_WRITTEN_OUT]]
    rest = sum(n for _, n in groups[_WRITTEN_OUT:])
    return " ".join(words) + (f" …+{rest}" if rest else "")


def drawable(text: str, *, fallbacks: bool = True) -> str:
    """``text`` with what no face has written out: for matplotlib with :func:`families`, or (without
    ``fallbacks``) for text set in DejaVu Sans alone.

    >>> drawable("Laks 🐟 AS ✓")
    'Laks 🐟 AS ✓'
    >>> drawable("中文 AS")
    'U+4E2D U+6587 AS'
    >>> drawable("Laks 🐟 AS", fallbacks=False)
    'Laks [fish] AS'
    """
    return "".join(piece for _, piece in runs(text, fallbacks=fallbacks))
