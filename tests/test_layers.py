"""The layers keep their rules, checked over the whole tree.

data/ -> matching/, graph/ -> the app (streamlit_app.py, app_pages/), the CLI and the service: each
imports only the layers below it; graph/ takes similarity as a function and never imports a model;
no module imports another module's underscore names; the store owns DuckDB and SQL (only
data/storage/, data/store.py and data/migrations.py run a query or import duckdb).
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


def python_files(*folders: str, root: Path = ROOT) -> list[Path]:
    return [p for f in folders for p in (root / f).rglob("*.py") if ".venv" not in p.parts]


#: Where SQL may run; everything else asks these for records.
STORE = ("data/storage/", "data/store.py", "data/migrations.py")
#: Methods that run a query on a DuckDB connection or cursor (whatever the receiver is called).
QUERY_METHODS = {"execute", "executemany", "sql"}


def sql_outside_the_store(root: Path = ROOT) -> list[str]:
    """Every query call (``x.execute(``, ``x.executemany(``, ``x.sql(``) and duckdb import outside :data:`STORE`."""
    files = [*python_files("data", "matching", "graph", "app_pages", "api", root=root),
             root / "samspill_cli.py", root / "streamlit_app.py"]
    found = []
    for path in files:
        name = path.relative_to(root).as_posix()
        if not path.exists() or name.startswith(STORE):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in QUERY_METHODS:
                found.append(f"{name}:{node.lineno} calls .{node.func.attr}(")
        found += [f"{name}:{line} imports {module}" for module, _, line in imports(path, root)
                  if module.split(".")[0] == "duckdb"]
    return found


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


def test_only_the_store_runs_sql():
    found = sql_outside_the_store()
    assert not found, "move the query into data/storage/ and call it with store.read()/write(): " + "; ".join(found)


def test_the_sql_checker_sees_what_it_looks_for(tmp_path):
    """Queries planted in a domain module and in matching/ are found; the store's own are not."""
    planted = {
        "data/contacts.py": "def f(store):\n    with store.read() as cur:\n        cur.execute('SELECT 1')\n",
        "matching/rank.py": "import duckdb\n\n\ndef g(con, rows):\n    con.executemany('?', rows)\n"
                            "    return duckdb.connect().sql('SELECT 1')\n",
        "samspill_cli.py": "def h(store):\n    store._db.read().execute('SELECT 1')\n",
        "data/storage/contacts.py": "import duckdb\n\n\ndef f(cur):\n    cur.execute('SELECT 1')\n",
        "data/store.py": "def f(cur):\n    cur.execute('SELECT 1')\n",
        "data/migrations.py": "def f(cur):\n    cur.sql('SELECT 1')\n",
    }
    for name, text in planted.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert sorted(sql_outside_the_store(tmp_path)) == [
        "data/contacts.py:3 calls .execute(",
        "matching/rank.py:1 imports duckdb",
        "matching/rank.py:5 calls .executemany(",
        "matching/rank.py:6 calls .sql(",
        "samspill_cli.py:2 calls .execute(",
    ]


def test_the_store_is_a_facade_of_at_most_600_lines():
    lines = (ROOT / "data" / "store.py").read_text(encoding="utf-8").count("\n")
    assert lines <= 600, f"data/store.py has {lines} lines"
