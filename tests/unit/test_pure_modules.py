"""Pure modules import no Playwright: parsers, rules and models must run (and be tested) without a browser."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PURE = [
    ROOT / "automation" / "parsers",
    ROOT / "automation" / "rules",
    ROOT / "automation" / "models.py",
    ROOT / "automation" / "site_clock.py",
    ROOT / "automation" / "actions" / "proof.py",
    ROOT / "automation" / "actions" / "policy.py",
    ROOT / "automation" / "actions" / "outcome.py",
    ROOT / "automation" / "pages" / "text_check.py",
    ROOT / "automation" / "verified_texts.py",
]
BROWSER_PACKAGES = ("playwright", "pytest_playwright")


def pure_files() -> list[Path]:
    files: list[Path] = []
    for target in PURE:
        files.extend(sorted(target.rglob("*.py")) if target.is_dir() else [target])
    return files


def imported_modules(path: Path) -> list[str]:
    """Every module a file imports, at any depth (inside functions and TYPE_CHECKING blocks too)."""
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
        elif isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in (
            "import_module",
            "__import__",
        ):
            names.extend(str(arg.value) for arg in node.args if isinstance(arg, ast.Constant))
    return names


def test_the_scan_sees_the_pure_modules() -> None:
    names = {p.relative_to(ROOT).as_posix() for p in pure_files()}
    assert {
        "automation/models.py",
        "automation/parsers/classifier.py",
        "automation/parsers/dates.py",
    } <= names


@pytest.mark.parametrize("path", pure_files(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_pure_module_imports_no_playwright(path: Path) -> None:
    offending = [m for m in imported_modules(path) if m.split(".")[0] in BROWSER_PACKAGES]
    assert not offending, f"{path.relative_to(ROOT)} imports {offending}"


def test_the_scan_would_catch_an_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from playwright.sync_api import Page\n"
        "def f():\n    import importlib\n    return importlib.import_module('playwright.sync_api')\n",
        encoding="utf-8",
    )
    assert imported_modules(sample) == ["typing", "playwright.sync_api", "importlib", "playwright.sync_api"]
