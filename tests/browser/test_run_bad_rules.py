"""A broken rules file stops `run` before any browser starts: exit code 2, a message naming the file,
line, column and rule, and not a single request reaches Seller Central (counted in front of the
sandbox), even with `--execute`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from error_document import error_document
from run_support import Agent, SandboxMaker, make_sandbox, order
from scenario_kit import scenario

__all__ = ["make_sandbox"]  # the fixture, imported for pytest

COULD_CANCEL_INQUIRY = """\
format: 1
default: hold
rules:
  - name: official requests
    when: {kind: official, order_status: [unshipped]}
    then: cancel
    approve: auto
  - name: every unshipped order
    when:
      order_status: [unshipped]
    then: cancel
    approve: auto
"""

UNKNOWN_KEY = """\
format: 1
rules:
  - name: mugs
    when: {kind: official, sku_matchs: "^MUG-"}
    then: cancel
"""

BAD_REGEX = """\
format: 1
rules:
  - name: cheaper elsewhere
    when:
      kind: official
      reason_matches: "(?i)cheaper("
    then: cancel
"""


@dataclass(frozen=True)
class Broken:
    text: str
    where: str
    """line:column, as a regular expression"""
    rule: str
    hint: str


@pytest.mark.parametrize(
    "broken",
    [
        Broken(COULD_CANCEL_INQUIRY, r"9:5", "every unshipped order", "inquiry"),
        Broken(UNKNOWN_KEY, r"4:\d+", "mugs", "did you mean 'sku_matches'"),
        Broken(BAD_REGEX, r"6:\d+", "cheaper elsewhere", "regular expression"),
    ],
    ids=["could-cancel-an-inquiry", "unknown-key", "bad-regex"],
)
def test_a_broken_rules_file_stops_everything_before_the_browser(
    tmp_path: Path, make_sandbox: SandboxMaker, broken: Broken
) -> None:
    seen: list[str] = []
    sandbox = make_sandbox(
        scenario([order(1, request="Order Created by Mistake")]), hook=lambda m, p: seen.append(f"{m} {p}")
    )
    initial = sandbox.state()
    seen.clear()  # only the agent's requests count
    rules_file = tmp_path / "rules.yaml"
    rules_file.write_text(broken.text, encoding="utf-8")

    stopped = Agent(tmp_path, sandbox).run(rules_file, "--execute")

    assert stopped.returncode == 2
    assert str(rules_file) in str(error_document(stopped.stdout, 2)["message"])
    assert re.search(
        rf"{re.escape(str(rules_file))}:{broken.where}: rule '{re.escape(broken.rule)}'", stopped.stderr
    ), stopped.stderr
    assert broken.hint in stopped.stderr
    assert seen == [], "the agent reached the sandbox"
    assert sandbox.state() == initial
    assert not (tmp_path / "data" / "ledger.sqlite3").exists()
