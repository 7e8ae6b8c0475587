"""A ledger written by the real old code (the last commit before the ledger moved to SQLAlchemy and
Alembic, taken from this repository's history with `git archive`) is upgraded in place by today's
`sc-cancel ledger migrate`, and today's `history` and `plan` show what the old code recorded.

The migrate unit tests build old files from the old schema's SQL; this one proves the baseline revision
matches what the old code really wrote, rows included. One browser run (the old code's dry run).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from run_support import MANUAL_CANCEL_OFFICIAL, Agent, SandboxMaker, make_sandbox, order, rules, write_yaml
from scenario_kit import order_id, scenario

__all__ = ["make_sandbox"]  # the fixture, imported for pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
OLD_COMMIT = "cf78336"
"""The last commit whose ledger is plain sqlite3 at schema version 5, before SQLAlchemy and Alembic."""

APPROVED = order_id(1)
WAITING = order_id(2)


def old_tree(into: Path) -> Path:
    """The old code's `automation` and `selectors` folders, exported from git into `into`; the test is
    skipped, saying why, where git or the commit is not available (an export without history)."""
    git = shutil.which("git")
    if git is None:
        pytest.skip("git is not installed: the old code cannot be exported")
    known = subprocess.run(
        [git, "-C", str(REPO_ROOT), "cat-file", "-e", f"{OLD_COMMIT}^{{commit}}"],
        capture_output=True,
        check=False,
    )
    if known.returncode != 0:
        pytest.skip(f"commit {OLD_COMMIT} is not in this checkout (a shallow clone or an export)")
    into.mkdir()
    archive = subprocess.run(
        [git, "-C", str(REPO_ROOT), "archive", OLD_COMMIT, "automation", "selectors"],
        capture_output=True,
        check=True,
    )
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return into


def test_a_ledger_written_by_the_old_code_is_migrated_in_place_and_read_by_todays(
    tmp_path: Path, make_sandbox: SandboxMaker
) -> None:
    old = old_tree(tmp_path / "old")
    sandbox = make_sandbox(
        scenario([order(1, request="Order Created by Mistake"), order(2, request="Found Cheaper")])
    )
    rules_file = write_yaml(tmp_path / "rules.yaml", rules(MANUAL_CANCEL_OFFICIAL))
    agent = Agent(tmp_path, sandbox)
    old_code = {"PYTHONPATH": str(old)}

    dry = agent("run", "--json", "--rules", str(rules_file), env=old_code)
    approved = agent("approve", APPROVED, "--by", "Dana", "--note", "before the upgrade", env=old_code)

    assert dry.returncode == 0, dry.stderr
    assert approved.returncode == 0, approved.stderr
    ledger_file = agent.data_dir / "ledger.sqlite3"
    raw = sqlite3.connect(ledger_file)
    try:
        tables = {row[0] for row in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert "alembic_version" not in tables, "the old code, not today's, wrote this ledger"
        assert raw.execute("PRAGMA user_version").fetchone()[0] == 5
    finally:
        raw.close()

    migrated = agent("ledger", "migrate", target=False)
    assert migrated.returncode == 0, migrated.stderr
    assert "revision none" in migrated.stdout

    history = agent.history(APPROVED)
    events = [(e["event"], e.get("approver")) for e in history]
    assert ("request_new", None) in events
    assert ("decision", None) in events
    assert ("approval", "Dana") in events
    plan = agent("plan", "--json")
    assert plan.returncode == 0, plan.stderr
    assert [w["order_id"] for w in json.loads(plan.stdout)["waiting"]] == [WAITING]
