"""The in-page scripts kept as `automation/pages/js/*.js`: every script the page code names exists
and every file is named (no dead script), and each one, as assembled for `evaluate`, is valid
JavaScript (checked by the Node that ships with Playwright), so a typo in a script fails here rather
than in the middle of a scan."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from playwright._impl._driver import compute_driver_executable

import automation.pages
from automation.pages.inpage import element_script, script

PAGES = Path(automation.pages.__file__).parent
SCRIPTS = sorted(p.stem for p in (PAGES / "js").glob("*.js") if p.stem != "helpers")
NAMED = re.compile(
    r'\b(?:script|read_rows|evaluate_on|evaluate_all_on|run|_polled)\(\s*(?:[\w.]+(?:\([^()]*\))?\s*,\s*)?"(\w+)"'
)


def _named_in_code() -> set[str]:
    return {m for path in PAGES.glob("*.py") for m in NAMED.findall(path.read_text(encoding="utf-8"))}


def test_every_script_the_pages_name_is_a_file_and_every_file_is_used() -> None:
    named = _named_in_code()
    assert sorted(named - set(SCRIPTS)) == []
    assert sorted(set(SCRIPTS) - named) == []


@pytest.mark.parametrize("name", SCRIPTS)
def test_each_script_is_valid_javascript(tmp_path: Path, name: str) -> None:
    node = compute_driver_executable()[0]
    source = tmp_path / f"{name}.js"
    source.write_text(f"const onPage = {script(name)};\nconst onElement = {element_script(name)};\n")
    checked = subprocess.run([node, "--check", str(source)], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stderr
