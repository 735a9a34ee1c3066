"""Helpers for the import tests: write a file into a test's folder, and what the register holds.

Not a test module; the identifier and value tests import it as ``import_support``.
"""

from __future__ import annotations

from pathlib import Path


def write(tmp_path: Path, name: str, data: str | bytes) -> Path:
    """``data`` (text as UTF-8, or bytes as given) at ``tmp_path / name``, folders made."""
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def contents(store) -> tuple:
    """Everything the register holds, comparable before and after a refused import."""
    return (
        sorted(map(repr, store.organisations())),
        sorted(map(repr, store.projects())),
        sorted(map(repr, store.participations())),
    )
