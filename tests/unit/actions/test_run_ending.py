"""How a run that got to its end is closed (`RunBook.finish`, no browser): a run whose actions the STOP
switch halted, or some of whose actions failed, ends the process with exit code 10 or 9, and its
report.json, its HTML page and the ledger's record of it say the same, with what halted it and how to lift
it. A report saying `ok` beside exit code 10 hid the halt from `sc-cancel report`, the notifications and
`history`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ledger_kit import START, FakeClock

from automation.account_run import RunBook
from automation.actions.outcome import RequestOutcome, RunState
from automation.artifacts import RunFolder
from automation.ledger import Ledger
from automation.models import Outcome, ScanStats
from automation.report.advice import what_to_do
from automation.runtime import Runtime
from automation.scan import ScanResult
from automation.settings import REPO_SELECTORS, BrowserSettings
from automation.stop import halted_by, stop_file
from automation.targets import resolve_targets

TARGET = resolve_targets(scenario=None, base_url=None, settings=None, account=None, env={})[0]
"""The built-in demo's account: no site is opened here, only its name and key are written."""


@pytest.fixture
def rt(tmp_path: Path, clock: FakeClock) -> Runtime:
    return Runtime(
        data_dir=tmp_path / "data",
        runs_dir=tmp_path / "runs",
        selectors_dir=REPO_SELECTORS,
        browser=BrowserSettings(),
        env={},
        clock=clock,
    )


def finish(ledger: Ledger, rt: Runtime, state: RunState) -> tuple[dict[str, object], str]:
    """Close a `run --execute` that scanned and acted as `state` says; its report.json and report.html."""
    run_id = ledger.start_run(TARGET.key, "run")
    folder = RunFolder.create(rt.runs_dir, run_id)
    book = RunBook(ledger, rt, TARGET, "run", run_id, folder, [], START)
    scan = ScanResult(TARGET, run_id, START, [], set(), ScanStats(), folder.path)
    book.finish(scan, None, state)
    report = json.loads((folder.path / "report.json").read_text())
    return report, (folder.path / "report.html").read_text()


def state(halted: str | None = None, **outcomes: Outcome) -> RunState:
    return RunState(
        rules_path=None,
        rules_sha256=None,
        execute=True,
        outcomes={oid: RequestOutcome("cancel", "r1", "auto", o) for oid, o in outcomes.items()},
        halted=halted,
    )


def test_a_run_halted_by_the_stop_file_is_reported_failed_with_exit_10_naming_the_file(
    ledger: Ledger, rt: Runtime
) -> None:
    rt.data_dir.mkdir()
    stop_file(rt.data_dir).write_text("maintenance\n")
    why = halted_by(rt.data_dir)
    assert why is not None
    report, html = finish(ledger, rt, state(why, a=Outcome.PLANNED))
    assert (report["status"], report["exit_code"], report["stopped"]) == ("failed", 10, True)
    error = report["error"]
    assert isinstance(error, dict)
    assert error["kind"] == "StoppedError"
    assert str(stop_file(rt.data_dir)) in error["message"]
    assert "delete it to resume" in error["message"]
    record = ledger.run(str(report["run_id"]))
    assert record is not None
    assert (record.status, record.exit_code) == ("failed", 10)
    assert "delete it to resume" in html


def test_a_run_halted_by_the_ledgers_switch_says_who_set_it_and_how_to_resume(
    ledger: Ledger, rt: Runtime
) -> None:
    ledger.set_stop(by="Dana", reason="checking the rules")
    why = halted_by(rt.data_dir, ledger=ledger)
    assert why is not None
    report, html = finish(ledger, rt, state(why, a=Outcome.PLANNED))
    assert (report["status"], report["exit_code"]) == ("failed", 10)
    error = report["error"]
    assert isinstance(error, dict)
    assert "set by Dana: checking the rules" in error["message"]
    assert "sc-cancel ledger resume" in what_to_do(10, TARGET.name), "the advice names every switch"
    assert "sc-cancel ledger resume" in html


def test_a_run_with_a_failed_action_is_reported_failed_with_exit_9(ledger: Ledger, rt: Runtime) -> None:
    report, _ = finish(ledger, rt, state(None, a=Outcome.DONE, b=Outcome.FAILED))
    assert (report["status"], report["exit_code"], report["stopped"]) == ("failed", 9, False)
    record = ledger.run(str(report["run_id"]))
    assert record is not None
    assert (record.status, record.exit_code) == ("failed", 9)


def test_a_run_that_went_well_or_was_dry_stays_ok(ledger: Ledger, rt: Runtime) -> None:
    went_well, _ = finish(ledger, rt, state(None, a=Outcome.DONE, b=Outcome.PLANNED))
    assert (went_well["status"], went_well["exit_code"], went_well["error"]) == ("ok", 0, None)
