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
``SAMSPILL_COOKIE_SECRET`` signs the app's sign-in cookie (local accounts); at least 32 characters.
                           Unset: a random secret per app process (a restart signs everyone out)
``SAMSPILL_SESSION_DAYS``  how long a sign-in lasts in the browser (default 14 days)
``SAMSPILL_SMTP_HOST``     mail server for introductions (unset: the app drafts mails to send by hand)
``SAMSPILL_SMTP_PORT``     its port (default 587, or 465 with ``ssl``)
``SAMSPILL_SMTP_SECURITY`` ``starttls`` (default), ``ssl`` or ``none`` (only for a local relay)
``SAMSPILL_SMTP_USER``     user name at the mail server (unset: no login)
``SAMSPILL_SMTP_PASSWORD`` its password (never logged or shown)
``SAMSPILL_SMTP_FROM``     the sender address of introductions
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
DEFAULT_SESSION_DAYS = 14.0
#: A shorter cookie secret could be guessed; HMAC-SHA256 wants 32 bytes of key.
MIN_COOKIE_SECRET = 32
SMTP_SECURITY = ("starttls", "ssl", "none")


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
    # -- sessions and introductions (the app) --------------------------------------------------
    # Secrets are left out of repr(): a Settings object in a log or a traceback shows no secret.
    cookie_secret: str = field(default="", repr=False)
    session_days: float = DEFAULT_SESSION_DAYS
    smtp_host: str = ""
    smtp_port: int = 587  # 465 with smtp_security "ssl" when SAMSPILL_SMTP_PORT is unset
    smtp_security: str = "starttls"
    smtp_user: str = ""
    smtp_password: str = field(default="", repr=False)
    smtp_from: str = ""

    @property
    def smtp_configured(self) -> bool:
        """Can the app send introductions itself (a mail server and a sender address are set)?"""
        return bool(self.smtp_host and self.smtp_from)

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
        everyday = _everyday_settings(env)
        return cls(
            **everyday,
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
def _everyday_settings(env: Mapping[str, str]) -> dict:
    """The app's sign-in cookie and mail settings from ``env`` (checked; errors name the variable).

    >>> _everyday_settings({"SAMSPILL_SMTP_HOST": "mail.example.org", "SAMSPILL_SMTP_SECURITY": "SSL"})["smtp_port"]
    465
    >>> _everyday_settings({"SAMSPILL_COOKIE_SECRET": "short"})
    Traceback (most recent call last):
    ...
    data.settings.SettingsError: SAMSPILL_COOKIE_SECRET must have at least 32 characters (it has 5)
    """

    def get(name: str) -> str:
        return (env.get(name) or "").strip()

    secret = get("SAMSPILL_COOKIE_SECRET")
    if secret and len(secret) < MIN_COOKIE_SECRET:
        raise SettingsError(
            f"SAMSPILL_COOKIE_SECRET must have at least {MIN_COOKIE_SECRET} characters (it has {len(secret)})"
        )
    days = DEFAULT_SESSION_DAYS
    if raw := get("SAMSPILL_SESSION_DAYS"):
        try:
            days = float(raw)
        except ValueError:
            days = math.nan
        if not math.isfinite(days) or not 0 < days <= 366:
            raise SettingsError(f"SAMSPILL_SESSION_DAYS must be a number of days above 0 and at most 366, not {raw!r}")
    security = get("SAMSPILL_SMTP_SECURITY").lower() or "starttls"
    if security not in SMTP_SECURITY:
        raise SettingsError(f"SAMSPILL_SMTP_SECURITY must be one of {', '.join(SMTP_SECURITY)}, not {security!r}")
    port = 465 if security == "ssl" else 587
    if raw := get("SAMSPILL_SMTP_PORT"):
        if not raw.isdigit() or not 0 < int(raw) < 65536:
            raise SettingsError(f"SAMSPILL_SMTP_PORT must be a port number (1–65535), not {raw!r}")
        port = int(raw)
    return {
        "cookie_secret": secret,
        "session_days": days,
        "smtp_host": get("SAMSPILL_SMTP_HOST"),
        "smtp_port": port,
        "smtp_security": security,
        "smtp_user": get("SAMSPILL_SMTP_USER"),
        # A password may begin or end with a space: taken as it is.
        "smtp_password": env.get("SAMSPILL_SMTP_PASSWORD") or "",
        "smtp_from": get("SAMSPILL_SMTP_FROM"),
    }
