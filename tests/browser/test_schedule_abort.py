"""A second Ctrl-C aborts `schedule` at once, whatever the concurrency: the runs under way are stopped
with their browsers, recorded as failed with exit code 130 (ledger, report.json, `sc-cancel report`), and
the command ends with 130. The first Ctrl-C only stops the loop (the runs under way would finish).

Each account's sandbox holds every page answer back far longer than the test waits, and `run_timeout`
is longer still, so only the abort can end the runs. The test sends SIGINT to the scheduler alone, as a
terminal's Ctrl-C reaches it (its workers and their browsers are in sessions of their own).
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from run_support import AUTO_CANCEL_OFFICIAL, Agent, order, rules, start_sandbox, write_yaml
from scenario_kit import EMAIL, PASSWORD, scenario

from automation.locks import account_lock
from automation.scheduler.worker import descendants
from automation.targets import state_key

INTERRUPTED = 130
HANG_SECONDS = 600.0
"""How long each sandbox holds its answers back: far beyond the test's waits."""
WAIT_S = 90.0
"""The longest the test waits for anything (runs started, the scheduler's end) before failing."""
ACCOUNTS = ("north", "south")


def _account(name: str, base_url: str) -> dict[str, Any]:
    return {
        "name": name,
        "email": EMAIL,
        "password": {"env": "SHOP_PASSWORD"},
        "marketplaces": [{"base_url": base_url, "marketplace": "ATVPDKIKX0DER", "locale": "en_US"}],
        "rules": "rules.yaml",
        "schedule": {"every": "10m", "jitter": "1s"},
    }


def _start_time(pid: int) -> str | None:
    """The process's start time (field 22 of /proc/PID/stat), None once it is gone or a zombie; with
    the pid, it names one process even if the pid is reused."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return None if fields[0] == "Z" else fields[19]


def _wait_for(condition: Any, what: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + WAIT_S
    while not condition():
        assert process.poll() is None, f"schedule ended before {what}:\n{log.read_text()[-3000:]}"
        assert time.monotonic() < deadline, f"never {what}:\n{log.read_text()[-3000:]}"
        time.sleep(0.1)


@pytest.mark.parametrize("concurrency", [1, 2])
def test_a_second_ctrl_c_stops_the_runs_under_way_records_them_failed_and_exits_130(
    tmp_path: Path, concurrency: int
) -> None:
    asked: dict[str, threading.Event] = {name: threading.Event() for name in ACCOUNTS}

    def holding(name: str) -> Any:
        def hook(method: str, path: str) -> float | None:
            if path.startswith("/__sandbox"):
                return None
            asked[name].set()  # the account's run is under way: recorded, its browser asking
            return HANG_SECONDS

        return hook

    sandboxes = {
        name: start_sandbox(
            write_yaml(tmp_path / f"{name}.yaml", scenario([order(n, request="Order Created by Mistake")])),
            holding(name),
        )
        for n, name in enumerate(ACCOUNTS, start=1)
    }
    keys = {state_key(sandbox.base_url, EMAIL): name for name, sandbox in sandboxes.items()}
    agent = Agent(tmp_path)
    log = tmp_path / "schedule.log"
    process: subprocess.Popen[bytes] | None = None
    seen: dict[int, str | None] = {}
    try:
        write_yaml(tmp_path / "rules.yaml", rules(AUTO_CANCEL_OFFICIAL))
        config = write_yaml(
            tmp_path / "sc-cancel.yaml",
            {
                "format": 1,
                "concurrency": concurrency,
                "run_timeout": "30m",
                "browser": {"timeout_seconds": HANG_SECONDS, "navigation_timeout_seconds": HANG_SECONDS},
                "accounts": [_account(name, s.base_url) for name, s in sandboxes.items()],
            },
        )
        with log.open("wb") as err:
            process = subprocess.Popen(
                agent.command("schedule", "--execute", "--config", str(config), target=False),
                cwd=tmp_path,
                env={**agent.env(), "SHOP_PASSWORD": PASSWORD},
                stdout=subprocess.DEVNULL,
                stderr=err,
                start_new_session=True,
            )
        started = lambda: sum(e.is_set() for e in asked.values()) >= concurrency  # noqa: E731
        _wait_for(started, "started the runs", process, log)
        running = [name for name in ACCOUNTS if asked[name].is_set()]
        seen = {pid: _start_time(pid) for pid in descendants(process.pid) if pid != process.pid}
        assert len(seen) > concurrency, "no browser below the workers"

        process.send_signal(signal.SIGINT)
        # With a pool, the loop has ended and waits for the runs under way (where the second Ctrl-C
        # used to be lost); alone, the run goes on in the loop's own thread.
        stopped = "run(s) under way to finish" if concurrency > 1 else "SIGINT received"
        _wait_for(lambda: stopped in log.read_text(), "saw the first Ctrl-C", process, log)
        assert process.poll() is None  # the first Ctrl-C lets the runs under way go on
        process.send_signal(signal.SIGINT)
        process.wait(timeout=WAIT_S)
    finally:
        if process is not None and process.poll() is None:
            for pid in [process.pid, *seen]:
                if _start_time(pid) is not None:
                    os.kill(pid, signal.SIGKILL)
            process.wait()
        for sandbox in sandboxes.values():
            sandbox.server.stop()

    stderr = log.read_text()
    assert process.returncode == INTERRUPTED, stderr[-3000:]
    assert "Traceback" not in stderr, stderr[-3000:]
    left = {pid for pid, start in seen.items() if start is not None and _start_time(pid) == start}
    assert left == set(), "worker or browser processes outlived the scheduler"

    with sqlite3.connect(agent.data_dir / "ledger.sqlite3") as db:
        db.row_factory = sqlite3.Row
        runs = {keys[r["account"]]: dict(r) for r in db.execute("SELECT * FROM runs")}
    assert sorted(runs) == sorted(running)  # an account not yet started was not started by the abort
    listed = agent("report", target=False)
    assert listed.returncode == 0, listed.stderr
    for name, run in runs.items():
        assert (run["status"], run["exit_code"]) == ("failed", INTERRUPTED), run
        report = json.loads((agent.data_dir / "runs" / run["run_id"] / "report.json").read_text())
        assert (report["status"], report["exit_code"]) == ("failed", INTERRUPTED)
        assert "Ctrl-C" in report["error"]["message"]
        [row] = [line.split() for line in listed.stdout.splitlines() if run["run_id"] in line]
        assert "failed" in row
        assert str(INTERRUPTED) in row
        [line] = [line for line in stderr.splitlines() if f"scheduled run {name}:" in line]
        assert "exit=130" in line
        key = next(key for key, named in keys.items() if named == name)
        with account_lock(agent.data_dir, key, name=name):
            pass  # the stopped run's lock is free again
