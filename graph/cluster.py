"""Who the cluster is: its name, logo and colours for the report, and which organisations are members.

A cluster describes itself in a small TOML file (the ``SAMSPILL_CLUSTER``
setting, :mod:`data.settings`)::

    name = "Industrinavet i Trøndelag"
    logo = "logo.png"            # PNG or JPEG, relative to this file
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

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from data.models import Organisation

__all__ = ["ClusterProfile", "load_cluster", "member_ids"]

_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")


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

    Raises
    ------
    ValueError
        One line naming the file and what is wrong: missing or unreadable
        file, bad TOML, a colour that is not ``#RRGGBB``, a logo that is not
        PNG or JPEG.

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
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(f"{path.name}: no such cluster file ({path})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path.name}: cannot read it ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path.name}: not valid TOML ({exc})") from None
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
    logo = None
    if data.get("logo"):
        logo_path = (path.parent / str(data["logo"])).resolve()
        try:
            logo = logo_path.read_bytes()
        except OSError:
            raise ValueError(f"{path.name}: logo {data['logo']!r} not found next to it") from None
        if not (logo.startswith(b"\x89PNG\r\n\x1a\n") or logo.startswith(b"\xff\xd8")):
            raise ValueError(f"{path.name}: logo {data['logo']!r} is not a PNG or JPEG file")
    lists = {}
    for key in ("home_countries", "members"):
        value = data.get(key, list(getattr(default, key)))
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError(f"{path.name}: {key} must be a list of strings")
        lists[key] = tuple(value)
    name = data.get("name", "")
    if not isinstance(name, str):
        raise ValueError(f"{path.name}: name must be text")
    return ClusterProfile(name=name.strip(), logo=logo, **colours, **lists)


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
