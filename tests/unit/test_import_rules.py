"""The layers of docs/architecture.md, enforced: no import cycles, and each layer imports only what it may.

Every import statement counts, including those inside functions (a lazy import is still a dependency,
it only hides the cycle until run time); only imports under `if TYPE_CHECKING:` are exempt, since they
never run.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "automation"


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _type_checking_only(tree: ast.AST) -> set[int]:
    """Ids of the nodes inside `if TYPE_CHECKING:` blocks."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.If):
            continue
        test = node.test
        if (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
            isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
        ):
            for child in node.body:
                skipped.update(id(n) for n in ast.walk(child))
    return skipped


def _absolute(importer: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = importer.split(".")
    if not is_package:
        base.pop()
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def imports_of(path: Path, known: set[str], root: Path = ROOT) -> set[str]:
    """The project modules a file imports (a `from package import module` names the module)."""
    name = module_name(path, root)
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    skipped = _type_checking_only(tree)
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(name, path.name == "__init__.py", node)
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.add(candidate if candidate in known else base)
    return {m for m in found if m in known and m != name}


def import_graph(package: Path = PACKAGE, root: Path = ROOT) -> dict[str, set[str]]:
    files = {module_name(p, root): p for p in package.rglob("*.py")}
    known = set(files)
    return {name: imports_of(path, known, root) for name, path in files.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


GRAPH = import_graph()


def layer_of(module: str) -> str:
    """`automation.pages.base` -> `pages`; `automation.runner` -> `runner`."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


# What each layer may never import (docs/architecture.md, "Who may import whom").
WIRING = {"runner", "account_run", "scan", "runtime"}
ENTRY_POINTS = {"cli", "commands", "__main__"}
ABOVE_READING = WIRING | ENTRY_POINTS | {"sandbox", "actions", "ledger", "notify", "report", "scheduler"}
ABOVE_READING |= {"fleet", "artifacts_store"}  # spreading runs over machines, keeping their folders
READING = {"pages", "browser", "sources"}
NEVER_RUNS_ONE = WIRING | ENTRY_POINTS | READING | {"sandbox", "actions", "rules"}
FORBIDDEN: dict[str, set[str]] = {
    # Pure layers: records, parsing and rules know nothing of browsers, storage, the run or the sandbox.
    "models": ABOVE_READING | {"pages", "browser", "sources", "rules", "parsers"},
    "parsers": ABOVE_READING | {"pages", "browser", "sources", "rules"},
    "rules": ABOVE_READING | {"pages", "browser", "sources"},
    "verified_texts": ABOVE_READING | {"pages", "browser", "sources", "rules"},
    # Page objects return plain data; they neither decide nor record.
    "pages": ABOVE_READING | {"sources", "rules"},
    # Sources turn pages into requests; deciding and acting come later.
    "sources": ABOVE_READING - {"ledger"} | {"rules"},
    # Actions act on what the wiring hands them; they never start it.
    "actions": WIRING | ENTRY_POINTS | {"sandbox", "scheduler", "fleet"},
    "ledger": ABOVE_READING - {"ledger"} | {"pages", "browser", "sources", "rules"},
    # Workers and beat hand an account's run to code the worker command gives them: they never run one.
    "fleet": NEVER_RUNS_ONE,
    # The artifact store moves finished run folders and reads reports back; it never starts a run.
    "artifacts_store": NEVER_RUNS_ONE | {"ledger", "scheduler"},
}
NEUTRAL = {"yaml_positions", "yaml_problems", "html_templates"}
"""Helpers with no agent concepts, which the agent and the sandbox may both use."""


def test_the_graph_sees_the_package() -> None:
    assert "automation.parsers.classifier" in GRAPH
    assert "automation.models" in GRAPH["automation.parsers.classifier"]


def test_there_is_no_import_cycle() -> None:
    assert cycles(GRAPH) == []


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_a_layer_imports_none_of_what_it_may_not(layer: str) -> None:
    offending = sorted(
        f"{module} imports {dep}"
        for module, deps in GRAPH.items()
        if layer_of(module) == layer
        for dep in deps
        if layer_of(dep) in FORBIDDEN[layer]
    )
    assert offending == []


def test_the_sandbox_imports_nothing_of_the_agent() -> None:
    """The sandbox models Seller Central, not the agent: a shared text or error would agree with itself."""
    offending = sorted(
        f"{module} imports {dep}"
        for module, deps in GRAPH.items()
        if layer_of(module) == "sandbox"
        for dep in deps
        if layer_of(dep) != "sandbox" and layer_of(dep) not in NEUTRAL
    )
    assert offending == []


def test_the_neutral_helpers_import_only_each_other() -> None:
    offending = sorted(
        f"{module} imports {dep}"
        for module, deps in GRAPH.items()
        if layer_of(module) in NEUTRAL
        for dep in deps
        if layer_of(dep) not in NEUTRAL
    )
    assert offending == []


def test_only_the_entry_points_import_the_command_line() -> None:
    offending = sorted(
        f"{module} imports {dep}"
        for module, deps in GRAPH.items()
        if layer_of(module) not in ENTRY_POINTS
        for dep in deps
        if layer_of(dep) in ENTRY_POINTS
    )
    assert offending == []


def test_the_checks_would_catch_a_cycle_hidden_in_a_function(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "a.py").write_text("from pkg import b\n", encoding="utf-8")
    (package / "b.py").write_text("def f():\n    from pkg.a import x\n", encoding="utf-8")
    (package / "c.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg import a\n", encoding="utf-8"
    )
    graph = import_graph(package, tmp_path)
    assert graph["pkg.c"] == set()
    assert cycles(graph) == [["pkg.a", "pkg.b"]]
