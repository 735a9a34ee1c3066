"""data/ keeps its layer's rules: it imports nothing from the layers above it, no module of it
imports another module's private names, and the store stays a façade of bounded size."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
UPPER_LAYERS = ("matching", "graph", "app_pages", "streamlit_app", "samspill_cli")


def data_modules() -> list[Path]:
    return sorted(p for p in DATA.rglob("*.py") if "sample" not in p.parts)


def imports(path: Path) -> list[tuple[str, list[str], int]]:
    """(module, imported names, line) for every import statement, lazy ones inside functions included."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, [], node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, [alias.name for alias in node.names], node.lineno))
    return found


def test_data_imports_nothing_from_the_layers_above():
    wrong = [
        f"{path.relative_to(ROOT)}:{line}: {module}"
        for path in data_modules()
        for module, _, line in imports(path)
        if module.split(".")[0] in UPPER_LAYERS
    ]
    assert not wrong, f"data/ imports from the layers above it: {wrong}"


def test_data_modules_import_no_private_names_of_other_modules():
    wrong = [
        f"{path.relative_to(ROOT)}:{line}: {module}.{name}"
        for path in data_modules()
        for module, names, line in imports(path)
        for name in names
        if name.startswith("_") and not name.startswith("__")
    ]
    assert not wrong, f"private names imported across data/: {wrong}"


def test_the_store_is_a_facade_of_at_most_600_lines():
    lines = (DATA / "store.py").read_text(encoding="utf-8").count("\n")
    assert lines <= 600, f"data/store.py has {lines} lines"


def test_the_check_rule_catches_a_planted_upward_import(tmp_path):
    planted = tmp_path / "planted.py"
    planted.write_text("def f():\n    from matching.index import stale_items\n    from data.x import _secret\n")
    assert [m for m, _, _ in imports(planted)] == ["matching.index", "data.x"]
    assert imports(planted)[1][1] == ["_secret"]
