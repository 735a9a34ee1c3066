"""One settings object, read from the environment in one place (data/settings.py)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from click.testing import CliRunner

from data.settings import DEFAULT_DB, Settings, SettingsError

ROOT = Path(__file__).resolve().parents[1]


def test_defaults_and_overrides(tmp_path):
    assert Settings.from_env({}) == Settings(cache=Path.home() / ".cache" / "samspill")
    assert Settings.from_env({}).db == DEFAULT_DB
    env = {
        "SAMSPILL_DB": str(tmp_path / "x.duckdb"),
        "SAMSPILL_MODEL": "some/model",
        "XDG_CACHE_HOME": str(tmp_path / "xdg"),
        "SAMSPILL_WAIT": "0",
        "SAMSPILL_SHARED_DATA": str(tmp_path / "shared"),
    }
    settings = Settings.from_env(env)
    assert settings == Settings(
        db=tmp_path / "x.duckdb",
        model="some/model",
        cache=tmp_path / "xdg" / "samspill",
        wait=0.0,
        shared_data=tmp_path / "shared",
    )
    assert Settings.from_env({**env, "SAMSPILL_CACHE": str(tmp_path / "c")}).cache == tmp_path / "c"


@pytest.mark.parametrize("wait", ["nan", "inf", "-1", "soon"])
def test_a_bad_wait_is_refused_naming_the_variable(wait):
    with pytest.raises(SettingsError, match=f"SAMSPILL_WAIT must be a number of seconds of 0 or more, not '{wait}'"):
        Settings.from_env({"SAMSPILL_WAIT": wait})


@pytest.mark.parametrize("args, env, message", [
    (["--wait", "nan", "stats"], {}, "nan is not a number of seconds"),
    (["stats"], {"SAMSPILL_WAIT": "nan"}, "SAMSPILL_WAIT must be a number of seconds"),
])
def test_the_cli_refuses_a_wait_that_never_ends(tmp_path, args, env, message):
    from samspill_cli import main

    result = CliRunner().invoke(main, ["--db", str(tmp_path / "db.duckdb"), *args], env=env)
    assert result.exit_code != 0 and message in result.output
    assert not (tmp_path / "db.duckdb").exists()


def environment_reads(source: str) -> list[str]:
    """The SAMSPILL_* and XDG_* variables a module's source reads from os.environ or os.getenv.

    >>> environment_reads('import os\\nos.environ.get("SAMSPILL_DB") or os.getenv("XDG_CACHE_HOME")')
    ['SAMSPILL_DB', 'XDG_CACHE_HOME']
    >>> environment_reads('os.environ.setdefault("HF_HUB_OFFLINE", "1")')
    []
    """
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and ("environ" in ast.unparse(node.func) or "getenv" in ast.unparse(node.func)):
            for arg in node.args:
                if isinstance(arg, ast.Constant) and str(arg.value).startswith(("SAMSPILL_", "XDG_")):
                    found.append(arg.value)
        if isinstance(node, ast.Subscript) and "environ" in ast.unparse(node.value):
            key = node.slice
            if isinstance(key, ast.Constant) and str(key.value).startswith(("SAMSPILL_", "XDG_")):
                found.append(key.value)
    return found


def test_only_the_settings_module_reads_samspill_variables():
    """The library and the app take values as arguments; data/settings.py alone reads the environment."""
    readers = {
        str(path.relative_to(ROOT))
        for folder in ("data", "matching", "graph", "app_pages")
        for path in (ROOT / folder).rglob("*.py")
        if environment_reads(path.read_text(encoding="utf-8"))
    }
    assert readers == set(), readers


# -- the app's sign-in cookie and mail server ----------------------------------------------------


def test_mail_and_cookie_settings_are_read_and_secrets_stay_out_of_repr():
    env = {
        "SAMSPILL_COOKIE_SECRET": "s" * 40,
        "SAMSPILL_SESSION_DAYS": "7",
        "SAMSPILL_SMTP_HOST": "smtp.klynge.example.org",
        "SAMSPILL_SMTP_SECURITY": "ssl",
        "SAMSPILL_SMTP_USER": "radgiver",
        "SAMSPILL_SMTP_PASSWORD": " hemmelig passord ",
        "SAMSPILL_SMTP_FROM": "radgiver@klynge.example.org",
    }
    settings = Settings.from_env(env)
    assert (settings.session_days, settings.smtp_port, settings.smtp_security) == (7.0, 465, "ssl")
    assert settings.smtp_password == " hemmelig passord " and settings.smtp_configured
    assert "hemmelig" not in repr(settings) and "s" * 40 not in repr(settings)
    assert Settings.from_env({**env, "SAMSPILL_SMTP_PORT": "2525"}).smtp_port == 2525
    assert not Settings.from_env({}).smtp_configured


@pytest.mark.parametrize("name, value, message", [
    ("SAMSPILL_COOKIE_SECRET", "too-short", "at least 32 characters"),
    ("SAMSPILL_SESSION_DAYS", "0", "number of days above 0"),
    ("SAMSPILL_SESSION_DAYS", "forever", "number of days above 0"),
    ("SAMSPILL_SMTP_PORT", "99999", "port number"),
    ("SAMSPILL_SMTP_SECURITY", "tls1.0", "starttls, ssl, none"),
])
def test_bad_mail_and_cookie_settings_are_refused_naming_the_variable(name, value, message):
    with pytest.raises(SettingsError, match=message) as caught:
        Settings.from_env({name: value})
    assert name in str(caught.value)
