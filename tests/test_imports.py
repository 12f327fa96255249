"""The package's import graph, read from the source with ast, has no cycle.

Imports inside functions count (they hide a cycle from the interpreter, not from the
reader); imports under `if TYPE_CHECKING:` do not (they never run). `from pkg import mod`
depends on the module `mod`, not on `pkg`'s __init__, which every import of the package runs.
"""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "align"


def _modules(root: Path) -> dict[str, Path]:
    found = {}
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root.parent).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _runtime_nodes(tree: ast.AST):
    """Every node except those under `if TYPE_CHECKING:`."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            stack.extend(node.orelse)
            continue
        yield node
        stack.extend(ast.iter_child_nodes(node))


def _imports(tree: ast.AST, known: set[str]) -> set[str]:
    out = set()
    for node in _runtime_nodes(tree):
        if isinstance(node, ast.Import):
            out |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            subs = {f"{node.module}.{alias.name}" for alias in node.names}
            out |= subs & known if subs <= known else {node.module} | (subs & known)
    return out & known


def import_graph(root: Path = PACKAGE) -> dict[str, set[str]]:
    modules = _modules(root)
    known = set(modules)
    return {name: _imports(ast.parse(path.read_text(encoding="utf-8")), known) - {name}
            for name, path in modules.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of `graph` as [a, b, ..., a], or None (depth-first search, white/grey/black)."""
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        state[node] = 2
        path.pop()
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start)):
            return found
    return None


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    """A package `pkg` in tmp_path with these modules (name -> source)."""
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    for name, source in {"__init__": "", **files}.items():
        (pkg / f"{name}.py").write_text(source)
    return pkg


def test_find_cycle_reports_a_cycle_hidden_in_a_function(tmp_path):
    pkg = _package(tmp_path, {"a": "from pkg import b\n", "b": "def f():\n    from pkg.a import x\n"})
    assert find_cycle(import_graph(pkg)) == ["pkg.a", "pkg.b", "pkg.a"]


def test_import_graph_ignores_type_checking_imports(tmp_path):
    pkg = _package(tmp_path, {"a": "from pkg import b\n",
                              "b": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.a import x\n"})
    assert find_cycle(import_graph(pkg)) is None


def test_import_graph_counts_from_package_import_module_as_the_module(tmp_path):
    pkg = _package(tmp_path, {"a": "from pkg import b\n", "b": ""})
    assert import_graph(pkg)["pkg.a"] == {"pkg.b"}


def test_package_has_no_import_cycle():
    assert find_cycle(import_graph()) is None
