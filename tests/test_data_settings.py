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
