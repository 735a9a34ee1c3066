"""The layers keep their rules, checked over the whole tree.

data/ -> matching/, graph/ -> the app (streamlit_app.py, app_pages/), the CLI and the service: each
imports only the layers below it; graph/ takes similarity as a function and never imports a model;
no module imports another module's underscore names.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROJECT = ("data", "matching", "graph", "app_pages", "api", "samspill_cli", "streamlit_app")

#: package -> top-level modules it may not import
FORBIDDEN = {
    "data": {"matching", "graph", "app_pages", "api", "samspill_cli", "streamlit_app", "streamlit"},
    "matching": {"graph", "app_pages", "api", "samspill_cli", "streamlit_app", "streamlit"},
    "graph": {
        "matching", "app_pages", "api", "samspill_cli", "streamlit_app", "streamlit",
        "sentence_transformers", "torch", "transformers",
    },
}


def imports(path: Path, root: Path = ROOT) -> list[tuple[str, list[str], int]]:
    """(module, names imported from it, line) for every import in a file, relative ones resolved."""
    package = path.relative_to(root).parts[:-1]
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.extend((alias.name, [], node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                module = ".".join([*package[: len(package) - node.level + 1], *([module] if module else [])])
            out.append((module, [alias.name for alias in node.names], node.lineno))
    return out


def python_files(*folders: str) -> list[Path]:
    return [p for f in folders for p in (ROOT / f).rglob("*.py") if ".venv" not in p.parts]


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_a_layer_imports_only_the_layers_below_it(layer):
    broken = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in python_files(layer)
        for module, _, line in imports(path)
        if module.split(".")[0] in FORBIDDEN[layer]
    ]
    assert not broken, broken


def test_no_module_imports_another_modules_underscore_names():
    files = [*python_files("data", "matching", "graph", "app_pages", "api"), ROOT / "samspill_cli.py"]
    broken = [
        f"{path.relative_to(ROOT)}:{line} imports {name} from {module}"
        for path in files
        if path.exists()
        for module, names, line in imports(path)
        if module.split(".")[0] in PROJECT
        for name in names
        if name.startswith("_")
    ]
    assert not broken, broken


def test_the_checker_sees_what_it_looks_for(tmp_path):
    """A forbidden import, an underscore name and a relative import (a check that cannot fail checks nothing)."""
    fake = tmp_path / "graph"
    fake.mkdir()
    (fake / "bad.py").write_text(
        "from matching.embedder import _private\nimport torch\nfrom .build import _index\n", encoding="utf-8"
    )
    found = imports(fake / "bad.py", root=tmp_path)
    assert found == [("matching.embedder", ["_private"], 1), ("torch", [], 2), ("graph.build", ["_index"], 3)]


def test_the_store_is_a_facade_of_at_most_600_lines():
    lines = (ROOT / "data" / "store.py").read_text(encoding="utf-8").count("\n")
    assert lines <= 600, f"data/store.py has {lines} lines"
