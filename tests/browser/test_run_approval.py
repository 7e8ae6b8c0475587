"""Manual approval: under an `approve: manual` rule nothing is cancelled, even with `--execute`, until a
person runs `sc-cancel approve ORDER_ID`; `sc-cancel reject` prevents it for good."""

from __future__ import annotations

import json
from pathlib import Path

from run_support import (
    MANUAL_CANCEL_OFFICIAL,
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

APPROVED = order_id(1)
REJECTED = order_id(2)
UNDECIDED = order_id(3)


def test_nothing_is_cancelled_until_approved_and_a_rejection_holds(
    tmp_path: Path, make_sandbox: SandboxMaker
) -> None:
    sandbox = make_sandbox(scenario([order(n, request="Order Created by Mistake") for n in (1, 2, 3)]))
    rules_file = write_yaml(tmp_path / "rules.yaml", rules(MANUAL_CANCEL_OFFICIAL))
    agent = Agent(tmp_path, sandbox)

    waiting = agent.run(rules_file, "--execute")

    assert waiting.returncode == 0, waiting.stderr
    assert sandbox.state()["cancellations"] == []
    for oid in (APPROVED, REJECTED, UNDECIDED):
        entry = waiting.by_order()[oid]
        assert (entry["decision"], entry["rule"], entry["approval"], entry["outcome"]) == (
            "cancel",
            MANUAL_CANCEL_OFFICIAL["name"],
            "pending",
            "planned",
        )
        assert "approve" in entry["outcome_reason"]
    plan = json.loads(agent("plan", "--json").stdout)
    assert [w["order_id"] for w in plan["waiting"]] == [APPROVED, REJECTED, UNDECIDED]

    approved = agent("approve", APPROVED, "--by", "Dana", "--note", "checked the stock")
    rejected = agent("reject", REJECTED, "--by", "Dana")
    assert approved.returncode == 0, approved.stderr
    assert rejected.returncode == 0, rejected.stderr
    assert sandbox.state()["cancellations"] == [], "approving acts on the next run, not at once"

    acted = agent.run(rules_file, "--execute")

    assert acted.returncode == 0, acted.stderr
    state = sandbox.state()
    assert [(c["order_id"], c["reason"], c["accepted"]) for c in state["cancellations"]] == [
        (APPROVED, "BuyerCanceled", True)
    ]
    requests = acted.by_order()
    assert (requests[APPROVED]["approval"], requests[APPROVED]["outcome"]) == ("manual", "done")
    assert (requests[REJECTED]["approval"], requests[REJECTED]["outcome"]) == ("rejected", None)
    assert (requests[UNDECIDED]["approval"], requests[UNDECIDED]["outcome"]) == ("pending", "planned")
    plan = json.loads(agent("plan", "--json").stdout)
    assert [w["order_id"] for w in plan["waiting"]] == [UNDECIDED]

    history = agent.history(APPROVED)
    approvals = [e for e in history if e["approver"] == "Dana"]
    assert approvals, history
    cancel_states = [e["state"] for e in history if e["event"] == "action" and e["action"] == "cancel"]
    assert cancel_states == ["planned", "approved", "in_flight", "done"]
    assert any(
        e["state"] == "approved" and e["approver"] == "Dana" for e in history if e["event"] == "action"
    )


def test_held_requests_are_listed_approved_into_a_cancel_or_a_reply_or_dismissed(
    tmp_path: Path, make_sandbox: SandboxMaker
) -> None:
    held_official, dismissed, held_inquiry = order_id(1), order_id(2), order_id(3)
    sandbox = make_sandbox(
        scenario(
            [order(1, request="Order Created by Mistake"), order(2, request="Other"), order(3)],
            messages=[inquiry(3)],
        )
    )
    rules_file = write_yaml(tmp_path / "rules.yaml", rules(default="hold"))  # every request is held
    agent = Agent(tmp_path, sandbox)

    held = agent.run(rules_file)

    assert held.returncode == 0, held.stderr
    assert {o: r["decision"] for o, r in held.by_order().items()} == dict.fromkeys(
        (held_official, dismissed, held_inquiry), "hold"
    )
    plan = agent("plan")
    assert "Nothing waits for approval" in plan.stdout
    assert "3 held requests wait" in plan.stdout, plan.stdout
    assert "sc-cancel plan --all" in plan.stdout
    listed = agent("plan", "--all", "--json").json()
    assert [(r["order_id"], r["decision"]) for r in listed["requests"]] == [
        (held_official, "hold"),
        (dismissed, "hold"),
        (held_inquiry, "hold"),
    ]

    approved = agent("approve", held_official, held_inquiry, "--by", "Dana")
    dismissal = agent("dismiss", dismissed, "--note", "called the buyer", "--by", "Dana")
    again = agent("approve", held_official, "--by", "Eve")

    assert approved.returncode == 0, approved.stderr
    assert f"{held_official}: approved by Dana" in approved.stdout
    assert "cancel" in approved.stdout
    assert f"{held_inquiry}: approved by Dana" in approved.stdout
    assert "reply" in approved.stdout
    assert dismissal.returncode == 0, dismissal.stderr
    assert again.returncode == 0, again.stderr
    assert f"{held_official}: already approved by Dana at" in again.stdout
    assert "nothing changed" in again.stdout

    acted = agent.run(rules_file, "--execute")

    assert acted.returncode == 0, acted.stderr
    state = sandbox.state()
    assert accepted_cancellations(state) == [held_official]
    assert [r["order_id"] for r in state["replies"]] == [held_inquiry]
    requests = acted.by_order()
    assert (requests[held_official]["decision"], requests[held_official]["approval"]) == ("cancel", "manual")
    assert requests[held_official]["outcome"] == "done"
    assert (requests[held_inquiry]["decision"], requests[held_inquiry]["outcome"]) == ("reply", "done")
    assert {k: requests[dismissed][k] for k in ("approval", "outcome", "outcome_reason")} == {
        "approval": "rejected",
        "outcome": "skipped",
        "outcome_reason": "dismissed: called the buyer",
    }
    # Handled by hand: it never waits for anyone again, and its history says who dismissed it and why.
    assert dismissed not in agent("plan", "--all").stdout
    history = json.loads(agent("history", "--order", dismissed, "--json").stdout)
    assert any(
        e["event"] == "approval" and e["state"] == "dismissed" and e["reason"] == "called the buyer"
        for e in history
    ), history
