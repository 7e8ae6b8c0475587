"""Several accounts in one scheduled round, at once, each against a sandbox of its own: every account
gets its own requests and actions right (read back from each sandbox's `/__sandbox/state` and from the
ledger), and an account whose site hangs is stopped after `run_timeout` and reported failed (ledger run
row, report.json, log line, exit code 12) while the others finish, its lock free again.

One `schedule --once` in a subprocess serves every assertion (the browser tests' budget): three
accounts at concurrency 3, `run_timeout` short enough for a test, and page waits longer than it, so
that only `run_timeout` can end the hung run.
"""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from run_support import (
    AUTO_CANCEL_OFFICIAL,
    Agent,
    Sandbox,
    accepted_cancellations,
    order,
    rules,
    start_sandbox,
    write_yaml,
)
from scenario_kit import EMAIL, PASSWORD, order_id, scenario, settings_account

from automation.locks import account_lock
from automation.targets import state_key

HANG_SECONDS = 600.0
"""How long the hung sandbox holds every answer back: far beyond the run_timeout below."""
RUN_TIMEOUT = "25s"


@dataclass
class Round:
    done: subprocess.CompletedProcess[str]
    sandboxes: dict[str, Sandbox]
    data_dir: Path

    def key(self, name: str) -> str:
        return state_key(self.sandboxes[name].base_url, EMAIL)

    def runs(self) -> dict[str, dict[str, Any]]:
        """The ledger's run row of each account, by account name."""
        names = {self.key(name): name for name in self.sandboxes}
        with sqlite3.connect(self.data_dir / "ledger.sqlite3") as db:
            db.row_factory = sqlite3.Row
            rows = [dict(r) for r in db.execute("SELECT * FROM runs")]
        assert sorted(names[r["account"]] for r in rows) == sorted(self.sandboxes)  # one run each
        return {names[r["account"]]: r for r in rows}


def _account(name: str, base_url: str) -> dict[str, Any]:
    return settings_account(name, base_url, rules="rules.yaml", schedule={"every": "10m", "jitter": "1s"})


@pytest.fixture(scope="module")
def round_(tmp_path_factory: pytest.TempPathFactory) -> Any:
    workdir = tmp_path_factory.mktemp("schedule-accounts")

    def hang(method: str, path: str) -> float | None:
        return None if path.startswith("/__sandbox") else HANG_SECONDS

    stores = {
        "east": (
            scenario([order(1, request="Order Created by Mistake"), order(2), order(3, request="Other")]),
            None,
        ),
        "west": (scenario([order(4, request="Other"), order(5), order(6)]), None),
        "stuck": (scenario([order(7, request="Order Created by Mistake")]), hang),
    }
    sandboxes = {
        name: start_sandbox(write_yaml(workdir / f"{name}.yaml", data), hook)
        for name, (data, hook) in stores.items()
    }
    try:
        write_yaml(workdir / "rules.yaml", rules(AUTO_CANCEL_OFFICIAL))
        config = write_yaml(
            workdir / "sc-cancel.yaml",
            {
                "format": 1,
                "concurrency": 3,
                "run_timeout": RUN_TIMEOUT,
                # Page waits longer than run_timeout: only run_timeout can end the hung run.
                "browser": {"timeout_seconds": HANG_SECONDS, "navigation_timeout_seconds": HANG_SECONDS},
                "accounts": [_account(name, s.base_url) for name, s in sandboxes.items()],
            },
        )
        agent = Agent(workdir)
        done = subprocess.run(
            agent.command("schedule", "--once", "--execute", "--config", str(config), target=False),
            cwd=workdir,
            env={**agent.env(), "SHOP_PASSWORD": PASSWORD},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        yield Round(done, sandboxes, agent.data_dir)
    finally:
        for sandbox in sandboxes.values():
            sandbox.server.stop()


def test_each_account_gets_its_own_requests_and_actions_right(round_: Round) -> None:
    assert sorted(accepted_cancellations(round_.sandboxes["east"].state())) == [order_id(1), order_id(3)]
    assert accepted_cancellations(round_.sandboxes["west"].state()) == [order_id(4)]
    assert accepted_cancellations(round_.sandboxes["stuck"].state()) == []
    runs = round_.runs()
    for name in ("east", "west"):
        assert (runs[name]["status"], runs[name]["exit_code"]) == ("ok", 0), runs[name]
        report = json.loads((round_.data_dir / "runs" / runs[name]["run_id"] / "report.json").read_text())
        assert report["status"] == "ok"
        own = {order_id(1), order_id(3)} if name == "east" else {order_id(4)}
        assert {r["order_id"] for r in report["requests"]} == own
    lines = [line for line in round_.done.stderr.splitlines() if "scheduled run" in line]
    assert len(lines) == 3, round_.done.stderr
    assert re.search(r"concurrency 3 \(settings\)", round_.done.stderr)
    assert PASSWORD not in round_.done.stderr


def test_a_hung_account_is_stopped_after_run_timeout_and_reported_failed(round_: Round) -> None:
    assert round_.done.returncode == 12, round_.done.stderr
    stuck = round_.runs()["stuck"]
    assert (stuck["status"], stuck["exit_code"]) == ("failed", 12)
    assert "run_timeout" in json.loads(stuck["stats"])["error"]
    report = json.loads((round_.data_dir / "runs" / stuck["run_id"] / "report.json").read_text())
    assert report["status"] == "failed"
    assert report["exit_code"] == 12
    assert "run_timeout" in report["error"]["message"]
    assert report["error"]["kind"] == "RunTimeoutError"
    [line] = [line for line in round_.done.stderr.splitlines() if "scheduled run stuck" in line]
    assert "failed: run timeout | exit=12" in line
    # The stopped run's process is gone, and with it the account's lock.
    with account_lock(round_.data_dir, round_.key("stuck"), name="stuck"):
        pass
