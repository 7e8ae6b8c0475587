"""The agent killed right after Submit, then run again: still exactly one cancellation, the ledger ends
`done` (resolved by reading the order, never by submitting again), and the request's Buyer-Seller
Messages thread still gets its "No response needed" mark.

The sandbox's `cancel_confirm_delay_s` fault holds the confirmation back after accepting the
cancellation, which leaves a window in which the submission is recorded but the agent has not seen the
answer; the test kills the agent (and its browser) with SIGKILL inside that window.
"""

from __future__ import annotations

import time
from pathlib import Path

from run_support import (
    AUTO_CANCEL_OFFICIAL,
    AUTO_REPLY_INQUIRY,
    Agent,
    Sandbox,
    SandboxMaker,
    assert_cancelled_once_by_reading,
    inquiry,
    kill_group,
    make_sandbox,
    order,
    rules,
    write_yaml,
)
from scenario_kit import order_id, scenario

__all__ = ["make_sandbox"]  # the fixture, imported for pytest

KILLED = order_id(1)
WAIT_FOR_SUBMIT_S = 90


def run_and_kill_once_recorded(agent: Agent, sandbox: Sandbox, rules_file: Path, recorded: str) -> int | None:
    """Start `run --execute`, wait until the sandbox's state lists something under `recorded` (the
    submission reached Seller Central), then SIGKILL the agent and its browser; returns its exit status."""
    process = agent.start("run", "--json", "--rules", str(rules_file), "--execute")
    try:
        deadline = time.monotonic() + WAIT_FOR_SUBMIT_S
        while not sandbox.state()[recorded]:
            assert process.poll() is None, f"the agent ended before any {recorded}: {process.communicate()}"
            assert time.monotonic() < deadline, f"the agent never got as far as {recorded}"
            time.sleep(0.05)
    finally:
        kill_group(process)
    return process.returncode


def test_killed_right_after_submit_then_run_again_cancels_exactly_once(
    tmp_path: Path, make_sandbox: SandboxMaker
) -> None:
    sandbox = make_sandbox(
        scenario(
            [order(1, request="Order Created by Mistake", channel="both")],
            faults={"cancel_confirm_delay_s": 5},
        )
    )
    rules_file = write_yaml(tmp_path / "rules.yaml", rules(AUTO_CANCEL_OFFICIAL))
    agent = Agent(tmp_path, sandbox)

    returncode = run_and_kill_once_recorded(agent, sandbox, rules_file, "cancellations")
    assert returncode == -9, "killed, not finished: the confirmation was still held back"
    assert sandbox.state()["no_response_needed"] == []

    in_flight = agent.history(KILLED)
    states = [e["state"] for e in in_flight if e["event"] == "action"]
    assert states[-1] == "in_flight", states

    again = agent.run(rules_file, "--execute")

    assert again.returncode == 0, again.stderr
    state = sandbox.state()
    assert_cancelled_once_by_reading(agent, state, KILLED)
    assert state["cancellations"][0]["accepted"] is True
    # The request also came through Messages: once the cancellation is confirmed, its thread is marked.
    assert [m["order_id"] for m in state["no_response_needed"]] == [KILLED]


def test_killed_while_a_reply_is_on_its_way_then_run_again_replies_once_and_ends_done(
    tmp_path: Path, make_sandbox: SandboxMaker
) -> None:
    """The same for a reply: the sandbox records it, its answer is held back (by the test's hook) and
    the agent is killed; the next run reads the thread, finds the reply and records it done, without a
    second reply and without reporting a failure on every later run."""

    def hold_replies(method: str, path: str) -> float | None:
        return 20.0 if method == "POST" and path.endswith("/reply") else None

    sandbox = make_sandbox(scenario([order(1)], messages=[inquiry(1)]), hook=hold_replies)
    rules_file = write_yaml(tmp_path / "rules.yaml", rules(AUTO_REPLY_INQUIRY))
    agent = Agent(tmp_path, sandbox)

    assert run_and_kill_once_recorded(agent, sandbox, rules_file, "replies") == -9

    again = agent.run(rules_file, "--execute")

    assert again.returncode == 0, again.stderr
    assert [r["order_id"] for r in sandbox.state()["replies"]] == [KILLED]
    assert again.by_order()[KILLED]["outcome"] == "done"
    events = agent.history(KILLED)
    replies = [e["state"] for e in events if e["event"] == "action" and e["action"] == "reply"]
    assert replies == ["planned", "approved", "in_flight", "done"]
