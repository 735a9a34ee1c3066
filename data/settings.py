"""Samspill's settings: one object, read from the environment in one place, passed in from there.

Only the composition roots -- the ``samspill`` command, the app's resources, the test fixtures --
call :meth:`Settings.from_env`; the library takes the values it needs as arguments.

=========================  ===================================================================
``SAMSPILL_DB``            the database file (default ``data/samspill.duckdb`` in the checkout)
``SAMSPILL_MODEL``         a sentence-transformers model name or local folder ("" = built-in e5)
``SAMSPILL_CACHE``         where the built-in model is provisioned (default ``~/.cache/samspill``,
                           or ``$XDG_CACHE_HOME/samspill``)
``SAMSPILL_WAIT``          seconds to wait while another process holds the database (default 5)
``SAMSPILL_SHARED_DATA``   the real data set for tests and evaluation (default ``../shared/data``)
``SAMSPILL_SERVER``        a running ``samspill serve`` (``http://127.0.0.1:8000``): ``samspill match``
                           asks it instead of loading the model itself ("" = work in-process)
``SAMSPILL_TOKEN``         the API token ``samspill match`` sends to that server
``SAMSPILL_CLUSTER``       the cluster's TOML file: name, logo and colours of the annual report,
                           and who the members are (graph/cluster.py; default none)
=========================  ===================================================================
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[1]
DEFAULT_DB = CHECKOUT / "data" / "samspill.duckdb"
DEFAULT_SHARED_DATA = CHECKOUT.parent / "shared" / "data"
DEFAULT_WAIT = 5.0


class SettingsError(ValueError):
    """A setting has a value Samspill cannot use; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    db: Path = DEFAULT_DB
    model: str = ""
    cache: Path = Path.home() / ".cache" / "samspill"
    wait: float = DEFAULT_WAIT
    shared_data: Path = DEFAULT_SHARED_DATA
    server: str = ""
    token: str = field(default="", repr=False)  # a secret: never in a repr or a log
    cluster: Path | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The settings the environment gives (see the module docstring); unset means the default.

        >>> Settings.from_env({"SAMSPILL_WAIT": "2.5", "SAMSPILL_MODEL": " "}).wait
        2.5
        >>> Settings.from_env({"SAMSPILL_WAIT": "nan"})
        Traceback (most recent call last):
        ...
        data.settings.SettingsError: SAMSPILL_WAIT must be a number of seconds of 0 or more, not 'nan'
        """
        env = os.environ if environ is None else environ

        def value(name: str) -> str:
            return (env.get(name) or "").strip()

        if cache := value("SAMSPILL_CACHE"):
            cache_dir = Path(cache).expanduser()
        elif xdg := value("XDG_CACHE_HOME"):
            cache_dir = Path(xdg).expanduser() / "samspill"
        else:
            cache_dir = Path.home() / ".cache" / "samspill"
        wait = DEFAULT_WAIT
        if raw := value("SAMSPILL_WAIT"):
            try:
                wait = float(raw)
            except ValueError:
                wait = math.nan
            if not math.isfinite(wait) or wait < 0:
                raise SettingsError(f"SAMSPILL_WAIT must be a number of seconds of 0 or more, not {raw!r}")
        return cls(
            db=Path(value("SAMSPILL_DB")).expanduser() if value("SAMSPILL_DB") else DEFAULT_DB,
            model=value("SAMSPILL_MODEL"),
            cache=cache_dir,
            wait=wait,
            shared_data=Path(value("SAMSPILL_SHARED_DATA")).expanduser()
            if value("SAMSPILL_SHARED_DATA")
            else DEFAULT_SHARED_DATA,
            server=_server(value("SAMSPILL_SERVER")),
            token=value("SAMSPILL_TOKEN"),
            cluster=Path(value("SAMSPILL_CLUSTER")).expanduser() if value("SAMSPILL_CLUSTER") else None,
        )


def _server(url: str) -> str:
    """``SAMSPILL_SERVER`` without a trailing slash; an http(s) URL or nothing.

    >>> _server("http://127.0.0.1:8000/")
    'http://127.0.0.1:8000'
    """
    if url and not url.startswith(("http://", "https://")):
        raise SettingsError(f"SAMSPILL_SERVER must be an http:// or https:// address, not {url!r}")
    return url.rstrip("/")
