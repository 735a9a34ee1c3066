"""Who the cluster is: its name, logo and colours for the report, and which organisations are members.

A cluster describes itself in a small TOML file (the ``SAMSPILL_CLUSTER``
setting, :mod:`data.settings`)::

    name = "Industrinavet i Trøndelag"
    logo = "logo.png"            # PNG or JPEG in this file's folder
    primary = "#0B3C5D"          # headings, table heads
    accent = "#D55E00"           # this year's bars and ties
    home_countries = ["NO"]      # members: organisations of these countries ...
    members = ["sintef", "ntnu"] # ... and these ids (optional)

Every key is optional. Without a file the report carries Samspill's own
colours and no logo.

*Members.* The network views and the report's picture start from the
cluster's members and their direct partners. An organisation is a member when
it is listed in ``members``, when it has a profile of its own (a description
or competences: the cluster wrote one for it), or when it sits in one of the
``home_countries`` (default Norway).
"""

from __future__ import annotations

import io
import re
import stat
import tomllib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from data.models import Organisation

__all__ = ["ClusterProfile", "load_cluster", "member_ids"]

_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")

#: A cluster file is a few lines; a logo a small picture. Past these they are refused.
MAX_FILE_BYTES = 1024 * 1024
MAX_LOGO_BYTES = 10 * 1024 * 1024
MAX_LOGO_PIXELS = 40_000_000
#: The logo is written again at most this many pixels a side (it is printed 1.5 cm tall).
LOGO_SIDE = 800
MAX_NAME_CHARS = 200
# Controls, surrogates, private and unassigned code points; and the direction overrides, which
# would turn the rest of a report's line around (footers carry the name on every page).
_NOT_TEXT = frozenset({"Cc", "Cs", "Co", "Cn"})
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@dataclass(frozen=True)
class ClusterProfile:
    """The cluster's name, logo and colours, and how to tell its members."""

    name: str = ""
    logo: bytes | None = field(default=None, repr=False)  # PNG or JPEG bytes
    primary: str = "#0B3C5D"
    accent: str = "#D55E00"
    home_countries: tuple[str, ...] = ("NO",)
    members: tuple[str, ...] = ()


def load_cluster(path: str | Path | None) -> ClusterProfile:
    """The cluster profile in a TOML file (module docstring); the default profile for ``None``.

    The file and its logo are read as untrusted input: the file is at most
    :data:`MAX_FILE_BYTES`; the logo must be a file in the cluster file's own folder (not a path
    out of it, nor a link that leads out), at most :data:`MAX_LOGO_BYTES` and
    :data:`MAX_LOGO_PIXELS`, and is decoded and written again as a PNG of at most
    :data:`LOGO_SIDE` pixels a side, so that every report format gets a picture it can place
    (a file that only starts like a PNG, a CMYK JPEG or a 30,000-pixel square each stopped the
    PDF or the Word report with a traceback).

    Raises
    ------
    ValueError
        One line naming the file and what is wrong: missing or unreadable
        file, bad TOML, a colour that is not ``#RRGGBB``, a logo that is not
        PNG or JPEG, too large, or outside the file's folder.

    Examples
    --------
    >>> load_cluster(None).primary
    '#0B3C5D'
    >>> import tempfile, os
    >>> with tempfile.TemporaryDirectory() as d:
    ...     _ = open(os.path.join(d, "c.toml"), "w").write('name = "Navet"\\nprimary = "blue"\\n')
    ...     load_cluster(os.path.join(d, "c.toml"))
    Traceback (most recent call last):
    ...
    ValueError: c.toml: primary must be a colour like #0B3C5D, not 'blue'
    """
    if path is None:
        return ClusterProfile()
    path = Path(path)
    if not path.exists():
        raise ValueError(f"{path.name}: no such cluster file ({path})")
    raw = _read_bounded(path, MAX_FILE_BYTES, f"{path.name}: the cluster file")
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path.name}: not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path.name}: not valid TOML ({exc})") from None
    except RecursionError:
        raise ValueError(f"{path.name}: not a cluster file (nested too deeply)") from None
    known = {"name", "logo", "primary", "accent", "home_countries", "members"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ValueError(f"{path.name}: unknown key {unknown[0]!r}; expected {', '.join(sorted(known))}")
    default = ClusterProfile()
    colours = {}
    for key in ("primary", "accent"):
        value = data.get(key, getattr(default, key))
        if not isinstance(value, str) or not _COLOUR.fullmatch(value):
            raise ValueError(f"{path.name}: {key} must be a colour like #0B3C5D, not {value!r}")
        colours[key] = value.upper()
    logo = _logo(path, data.get("logo"))
    lists = {}
    for key in ("home_countries", "members"):
        value = data.get(key, list(getattr(default, key)))
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError(f"{path.name}: {key} must be a list of strings")
        lists[key] = tuple(value)
    name = data.get("name", "")
    if not isinstance(name, str):
        raise ValueError(f"{path.name}: name must be text")
    name = name.strip()
    if len(name) > MAX_NAME_CHARS:
        raise ValueError(f"{path.name}: the name has {len(name):,} characters; at most {MAX_NAME_CHARS}")
    if bad := next((ch for ch in name if ch in _BIDI_CONTROLS or unicodedata.category(ch) in _NOT_TEXT), None):
        raise ValueError(f"{path.name}: the name holds {_character(bad)}, which does not belong in a name")
    return ClusterProfile(name=name, logo=logo, **colours, **lists)


def _character(ch: str) -> str:
    return f"U+{ord(ch):04X} {unicodedata.name(ch, '')}".strip()


def _read_bounded(path: Path, limit: int, what: str) -> bytes:
    """The bytes of the regular file ``path``, refused past ``limit`` (a device or a pipe is never read)."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            raise ValueError(f"{what} ({path}) is not a regular file")
        with open(path, "rb") as f:
            raw = f.read(limit + 1)
    except OSError as exc:
        raise ValueError(f"{what}: cannot read it ({exc.strerror or exc})") from None
    if len(raw) > limit:
        raise ValueError(f"{what} has more than {limit:,} bytes")
    return raw


def _logo(path: Path, logo) -> bytes | None:
    """The logo named in the cluster file ``path``, as PNG bytes (see :func:`load_cluster`), or None."""
    if logo is None or logo == "":
        return None
    if not isinstance(logo, str) or "\x00" in logo:
        raise ValueError(f"{path.name}: logo must be the name of a PNG or JPEG file next to it, not {logo!r}")
    folder = path.parent.resolve()
    logo_path = (folder / logo).resolve()
    if not logo_path.is_relative_to(folder):
        raise ValueError(f"{path.name}: logo {logo!r} leads out of the cluster file's folder ({folder}); "
                         "put the logo next to the cluster file")
    if not logo_path.exists():
        raise ValueError(f"{path.name}: logo {logo!r} not found next to it")
    raw = _read_bounded(logo_path, MAX_LOGO_BYTES, f"{path.name}: logo {logo!r}")
    if not (raw.startswith(b"\x89PNG\r\n\x1a\n") or raw.startswith(b"\xff\xd8")):
        raise ValueError(f"{path.name}: logo {logo!r} is not a PNG or JPEG file")
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(raw), formats=("PNG", "JPEG")) as image:
            width, height = image.size
            if width * height > MAX_LOGO_PIXELS:
                raise ValueError(f"{path.name}: logo {logo!r} is {width:,} × {height:,} pixels; "
                                 f"at most {MAX_LOGO_PIXELS:,} pixels in all")
            image.load()
            picture = image.convert("RGBA" if _has_alpha(image) else "RGB")
    except UnidentifiedImageError:
        raise ValueError(f"{path.name}: logo {logo!r} is not a PNG or JPEG picture") from None
    except Image.DecompressionBombError:
        raise ValueError(f"{path.name}: logo {logo!r} is too large a picture; "
                         f"at most {MAX_LOGO_PIXELS:,} pixels in all") from None
    except ValueError as exc:
        if str(exc).startswith(path.name):
            raise
        raise ValueError(f"{path.name}: logo {logo!r} cannot be read as a picture ({_one_line(exc)})") from None
    except Exception as exc:  # noqa: BLE001 - a damaged image fails in many ways inside Pillow; each is one line
        raise ValueError(f"{path.name}: logo {logo!r} cannot be read as a picture ({_one_line(exc)})") from None
    picture.thumbnail((LOGO_SIDE, LOGO_SIDE))
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


def _has_alpha(image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200] or type(exc).__name__


def member_ids(organisations: Iterable[Organisation], cluster: ClusterProfile | None = None) -> frozenset[str]:
    """The ids of the cluster's members among ``organisations`` (see the module docstring).

    >>> orgs = [Organisation("a", "A", description="Sveiser"), Organisation("b", "B", country="NO"),
    ...         Organisation("c", "C", country="DE"), Organisation("d", "D", country="DE")]
    >>> sorted(member_ids(orgs)), sorted(member_ids(orgs, ClusterProfile(members=("d",))))
    (['a', 'b'], ['a', 'b', 'd'])
    """
    cluster = cluster or ClusterProfile()
    listed = set(cluster.members)
    homes = set(cluster.home_countries)
    return frozenset(
        o.org_id for o in organisations
        if o.org_id in listed or (o.description or "").strip() or (o.competences or "").strip() or o.country in homes
    )
