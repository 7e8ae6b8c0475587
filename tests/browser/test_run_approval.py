"""Manual approval: under an `approve: manual` rule nothing is cancelled, even with `--execute`, until a
person runs `sc-cancel approve ORDER_ID`; `sc-cancel reject` prevents it for good."""

from __future__ import annotations

import json
from pathlib import Path

from run_support import MANUAL_CANCEL_OFFICIAL, Agent, SandboxMaker, make_sandbox, order, rules, write_yaml
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

    history = json.loads(agent("history", "--order", APPROVED, "--json").stdout)
    approvals = [e for e in history if e["approver"] == "Dana"]
    assert approvals, history
    cancel_states = [e["state"] for e in history if e["event"] == "action" and e["action"] == "cancel"]
    assert cancel_states == ["planned", "approved", "in_flight", "done"]
    assert any(
        e["state"] == "approved" and e["approver"] == "Dana" for e in history if e["event"] == "action"
    )
