"""The brakes of `run --execute`: the per-run and rolling 24-hour cancellation limits (which must hold
across agent restarts, so each run here is a new process) and the `STOP` file."""

from __future__ import annotations

import json
from pathlib import Path

from run_support import (
    AUTO_CANCEL_OFFICIAL,
    AUTO_REPLY_INQUIRY,
    Agent,
    SandboxMaker,
    accepted_cancellations,
    inquiry,
    make_sandbox,
    order,
    rules,
    write_yaml,
)
from scenario_kit import order_id, scenario

__all__ = ["make_sandbox"]  # the fixture, imported for pytest

OFFICIAL = [order_id(n) for n in range(1, 6)]


def deferred_by(requests: dict[str, dict[str, str]], limit: str) -> list[str]:
    return sorted(
        oid
        for oid, entry in requests.items()
        if entry["outcome"] == "planned" and limit in (entry.get("outcome_reason") or "")
    )


def test_per_run_and_rolling_daily_limits_hold_across_runs(
    tmp_path: Path, make_sandbox: SandboxMaker
) -> None:
    sandbox = make_sandbox(scenario([order(n, request="Order Created by Mistake") for n in range(1, 6)]))
    rules_file = write_yaml(tmp_path / "rules.yaml", rules(AUTO_CANCEL_OFFICIAL, per_run=2, per_day=3))
    agent = Agent(tmp_path, sandbox)

    first = agent.run(rules_file, "--execute")
    assert first.returncode == 0, first.stderr
    after_first = accepted_cancellations(sandbox.state())
    assert len(after_first) == 2
    assert len(set(after_first)) == 2
    requests = first.by_order()
    assert sorted(oid for oid, e in requests.items() if e["outcome"] == "done") == sorted(after_first)
    assert deferred_by(requests, "max_cancellations_per_run") == sorted(set(OFFICIAL) - set(after_first))

    second = agent.run(rules_file, "--execute")
    assert second.returncode == 0, second.stderr
    after_second = accepted_cancellations(sandbox.state())
    assert after_second[:2] == after_first
    assert len(after_second) == 3, "the rolling 24-hour limit of 3 allows one more"
    requests = second.by_order()
    assert set(requests) == set(OFFICIAL) - set(after_first)
    assert deferred_by(requests, "max_cancellations_per_day") == sorted(set(OFFICIAL) - set(after_second))
    assert len(sandbox.state()["cancellations"]) == 3, "no refused submission either"


def test_stop_file_halts_every_action(tmp_path: Path, make_sandbox: SandboxMaker) -> None:
    sandbox = make_sandbox(
        scenario([order(1, request="Order Created by Mistake"), order(2)], messages=[inquiry(2)])
    )
    rules_file = write_yaml(tmp_path / "rules.yaml", rules(AUTO_CANCEL_OFFICIAL, AUTO_REPLY_INQUIRY))
    agent = Agent(tmp_path, sandbox)
    agent.data_dir.mkdir()
    (agent.data_dir / "STOP").write_text("maintenance: the stock count is wrong\n")
    initial = sandbox.state()

    halted = agent.run(rules_file, "--execute")

    assert halted.returncode == 10, halted.stderr
    assert sandbox.state() == initial
    assert halted.json()["error"]["exit_code"] == 10, "the run's one document also says how it ended"
    assert "STOP" in halted.json()["error"]["message"]
    requests = halted.by_order()
    for oid in (order_id(1), order_id(2)):
        assert requests[oid]["outcome"] == "planned"
        assert "STOP" in requests[oid]["outcome_reason"]
    assert "STOP" in halted.stderr
    # The run's report says how the process ended, and what halted it, as the exit code does.
    [report] = [json.loads(p.read_text()) for p in (agent.data_dir / "runs").glob("*/report.json")]
    assert (report["status"], report["exit_code"], report["stopped"]) == ("failed", 10, True)
    assert report["error"]["message"] == halted.json()["error"]["message"]
    assert str(agent.data_dir / "STOP") in report["error"]["message"]


def test_stop_file_created_during_a_run_halts_the_next_action(
    tmp_path: Path, make_sandbox: SandboxMaker
) -> None:
    """The switch is read before every action, not only at start: an operator's STOP mid-run takes
    effect after the cancellation in progress."""
    stop_file = tmp_path / "data" / "STOP"

    def hook(method: str, path: str) -> None:
        if method == "POST" and path.endswith(("/cancel", "/cancel-order")):
            stop_file.write_text("stop now\n")

    sandbox = make_sandbox(
        scenario([order(n, request="Order Created by Mistake") for n in range(1, 4)]), hook=hook
    )
    rules_file = write_yaml(tmp_path / "rules.yaml", rules(AUTO_CANCEL_OFFICIAL))

    halted = Agent(tmp_path, sandbox).run(rules_file, "--execute")

    assert halted.returncode == 10, halted.stderr
    submitted = [c["order_id"] for c in sandbox.state()["cancellations"]]
    assert len(submitted) == 1
    requests = halted.by_order()
    assert requests[submitted[0]]["outcome"] == "done"
    others = [oid for oid in requests if oid != submitted[0]]
    assert len(others) == 2
    for oid in others:
        assert requests[oid]["outcome"] == "planned"
        assert "STOP" in requests[oid]["outcome_reason"]


def test_a_thread_mark_missed_because_of_stop_is_made_up_by_the_next_run(
    tmp_path: Path, make_sandbox: SandboxMaker
) -> None:
    """STOP lands between a cancellation and its thread's "No response needed": the next run (STOP
    removed) marks the thread, although the canceled order is no longer listed, and cancels nothing."""
    stop_file = tmp_path / "data" / "STOP"

    def hook(method: str, path: str) -> None:
        if method == "POST" and path.endswith(("/cancel", "/cancel-order")):
            stop_file.write_text("stop now\n")

    sandbox = make_sandbox(
        scenario([order(1, request="Order Created by Mistake", channel="both"), order(2)]), hook=hook
    )
    rules_file = write_yaml(tmp_path / "rules.yaml", rules(AUTO_CANCEL_OFFICIAL))
    agent = Agent(tmp_path, sandbox)

    halted = agent.run(rules_file, "--execute")
    assert halted.returncode == 10, halted.stderr
    assert accepted_cancellations(sandbox.state()) == [order_id(1)]
    assert sandbox.state()["no_response_needed"] == []

    stop_file.unlink()
    again = agent.run(rules_file, "--execute")

    assert again.returncode == 0, again.stderr
    state = sandbox.state()
    assert [c["order_id"] for c in state["cancellations"]] == [order_id(1)]  # not cancelled twice
    assert [m["order_id"] for m in state["no_response_needed"]] == [order_id(1)]
    third = agent.run(rules_file, "--execute")
    assert third.returncode == 0, third.stderr
    assert len(sandbox.state()["no_response_needed"]) == 1  # and marked once
