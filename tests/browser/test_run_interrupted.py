"""Ctrl-C during `run --execute`: the process ends with exit code 130 and the run is recorded as failed
with that code, in the ledger, in report.json and in `sc-cancel report`, never as a run that went fine.

A test hook holds back the cancel form so the agent is caught mid-run (scanned, decided, about to act);
the test then sends SIGINT to the agent's process group, as a terminal's Ctrl-C does (the browser and
Playwright's driver get it too).
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path

from run_support import AUTO_CANCEL_OFFICIAL, Agent, SandboxMaker, make_sandbox, order, rules, write_yaml
from scenario_kit import scenario

__all__ = ["make_sandbox"]  # the fixture, imported for pytest

INTERRUPTED = 130
WAIT_S = 90


def test_ctrl_c_mid_run_exits_130_and_the_report_says_failed(
    tmp_path: Path, make_sandbox: SandboxMaker
) -> None:
    reached_cancel_form = threading.Event()

    def hold_cancel_form(method: str, path: str) -> float | None:
        if method == "GET" and path.endswith(("/cancel", "/cancel-order")):
            reached_cancel_form.set()
            return 60.0
        return None

    sandbox = make_sandbox(
        scenario([order(1, request="Order Created by Mistake", channel="both")]), hook=hold_cancel_form
    )
    rules_file = write_yaml(tmp_path / "rules.yaml", rules(AUTO_CANCEL_OFFICIAL))
    agent = Agent(tmp_path, sandbox)

    process = agent.start("run", "--rules", str(rules_file), "--execute")
    try:
        deadline = time.monotonic() + WAIT_S
        while not reached_cancel_form.wait(0.1):
            assert process.poll() is None, f"the agent ended before the cancel form: {process.communicate()}"
            assert time.monotonic() < deadline, "the agent never opened the cancel form"
        os.killpg(process.pid, signal.SIGINT)
        _out, err = process.communicate(timeout=WAIT_S)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()

    assert process.returncode == INTERRUPTED, err[-3000:]
    assert "Traceback" not in err, err[-3000:]
    [report_file] = list(tmp_path.rglob("report.json"))
    report = json.loads(report_file.read_text(encoding="utf-8"))
    assert (report["status"], report["exit_code"]) == ("failed", INTERRUPTED)
    listed = agent("report", target=False)
    assert listed.returncode == 0, listed.stderr
    [row] = [line.split() for line in listed.stdout.splitlines() if report["run_id"] in line]
    assert "failed" in row
    assert str(INTERRUPTED) in row
    assert sandbox.state()["cancellations"] == []
