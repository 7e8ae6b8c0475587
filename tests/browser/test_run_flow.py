"""`sc-cancel run` end to end against one persistent sandbox: a dry run, `rules explain`, a run with
`--execute`, then the same again; what the sandbox recorded is the proof (`/__sandbox/state`).

One agent run costs seconds, so the runs happen once for the module (in order, as an operator would
make them) and each test checks one promise of `run` on what they left. They happen once per sandbox
layout: `spa` with the bundled selectors, and the server-rendered `classic` with only `--selectors
selectors/variants/classic` (threads without ids, read and answered on their own pages).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from run_support import (
    AUTO_CANCEL_OFFICIAL,
    AUTO_REPLY_INQUIRY,
    Agent,
    AgentRun,
    Sandbox,
    accepted_cancellations,
    inquiry,
    order,
    rules,
    start_sandbox,
    write_yaml,
)
from scenario_kit import order_id, scenario

from automation.settings import REPO_SELECTORS

OFFICIAL_MO = order_id(1)  # official request on Manage Orders (banner)
OFFICIAL_MSG = order_id(2)  # official request in Messages only (legacy template thread)
INQUIRY = order_id(3)  # the buyer's own message asking to cancel, order unshipped
INQUIRY_SHIPPED = order_id(4)  # the same on a shipped order
OFFICIAL_SHIPPED = order_id(5)  # official request, but the order has shipped
PLAIN = order_id(6)  # no request at all
BOTH = order_id(7)  # official request in both channels

INQUIRY_BODY = "Hello, I ordered the wrong size by mistake. Could you cancel this order please? Thanks"


@dataclass
class Flow:
    sandbox: Sandbox
    agent: Agent
    rules_file: Path
    initial: dict[str, Any]
    dry: AgentRun
    after_dry: dict[str, Any]
    explain: AgentRun
    first: AgentRun
    after_first: dict[str, Any]
    second: AgentRun
    after_second: dict[str, Any]


LAYOUTS = {"spa": (), "classic": ("--selectors", str(REPO_SELECTORS / "variants" / "classic"))}


@pytest.fixture(scope="module", params=list(LAYOUTS))
def flow(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    layout: str = request.param
    selectors = LAYOUTS[layout]
    workdir = tmp_path_factory.mktemp(f"run-flow-{layout}")
    data = scenario(
        [
            order(1, request="Order Created by Mistake"),
            order(2, request="Found Cheaper Somewhere Else", channel="messages"),
            order(3),
            order(4, status="shipped"),
            order(5, status="shipped", request="Delivery Date Too Long"),
            order(6),
            order(7, request="Need to Change Payment Method", channel="both"),
        ],
        messages=[inquiry(3, INQUIRY_BODY), inquiry(4, "pls cancle my order, I dont need it anymore")],
        **({} if layout == "spa" else {"format": 2, "layout": layout}),
    )
    sandbox = start_sandbox(write_yaml(workdir / "scenario.yaml", data))
    try:
        rules_file = write_yaml(workdir / "rules.yaml", rules(AUTO_CANCEL_OFFICIAL, AUTO_REPLY_INQUIRY))
        agent = Agent(workdir, sandbox)
        initial = sandbox.state()
        dry = agent.run(rules_file, *selectors)
        after_dry = sandbox.state()
        explain = agent("rules", "explain", str(rules_file))
        first = agent.run(rules_file, "--execute", *selectors)
        after_first = sandbox.state()
        second = agent.run(rules_file, "--execute", *selectors)
        after_second = sandbox.state()
        yield Flow(
            sandbox,
            agent,
            rules_file,
            initial,
            dry,
            after_dry,
            explain,
            first,
            after_first,
            second,
            after_second,
        )
    finally:
        sandbox.server.stop()


def test_dry_run_submits_nothing_and_plans_the_approved_actions(flow: Flow) -> None:
    assert flow.dry.returncode == 0, flow.dry.stderr
    assert flow.after_dry == flow.initial
    assert flow.after_dry["cancellations"] == []
    assert flow.after_dry["replies"] == []
    assert flow.after_dry["no_response_needed"] == []
    requests = flow.dry.by_order()
    for oid in (OFFICIAL_MO, OFFICIAL_MSG, BOTH, INQUIRY):
        assert requests[oid]["outcome"] == "planned", requests[oid]
        assert "dry run" in requests[oid]["outcome_reason"]


def test_rules_explain_names_the_deciding_rule_of_each_request(flow: Flow) -> None:
    assert flow.explain.returncode == 0, flow.explain.stderr
    blocks: dict[str, list[str]] = {}
    current = ""
    for line in flow.explain.stdout.splitlines():
        if line and not line.startswith(" "):
            current = line.split()[0]
            blocks[current] = [line]
        elif current:
            blocks[current].append(line)
    assert set(blocks) == {OFFICIAL_MO, OFFICIAL_MSG, INQUIRY, INQUIRY_SHIPPED, OFFICIAL_SHIPPED, BOTH}

    def deciding(oid: str) -> str:
        lines = [line for line in blocks[oid][1:] if line.strip().startswith("=>")]
        assert len(lines) == 1, blocks[oid]
        return lines[0]

    for oid in (OFFICIAL_MO, OFFICIAL_MSG, BOTH):
        assert AUTO_CANCEL_OFFICIAL["name"] in deciding(oid)
    assert AUTO_REPLY_INQUIRY["name"] in deciding(INQUIRY)
    for oid in (INQUIRY_SHIPPED, OFFICIAL_SHIPPED):
        assert "default hold" in deciding(oid)
    assert "(inquiry, messages, shipped)" in blocks[INQUIRY_SHIPPED][0]


def test_approved_official_requests_are_cancelled_once_with_buyer_canceled(flow: Flow) -> None:
    assert flow.first.returncode == 0, flow.first.stderr
    cancellations = flow.after_first["cancellations"]
    assert sorted(c["order_id"] for c in cancellations) == sorted([OFFICIAL_MO, OFFICIAL_MSG, BOTH])
    assert all(c["reason"] == "BuyerCanceled" and c["accepted"] for c in cancellations)
    statuses = {oid: o["status"] for oid, o in flow.after_first["orders"].items()}
    assert statuses == {
        OFFICIAL_MO: "canceled",
        OFFICIAL_MSG: "canceled",
        INQUIRY: "unshipped",
        INQUIRY_SHIPPED: "shipped",
        OFFICIAL_SHIPPED: "shipped",
        PLAIN: "unshipped",
        BOTH: "canceled",
    }


def test_inquiries_are_never_cancelled_but_answered_once_per_thread(flow: Flow) -> None:
    cancelled = accepted_cancellations(flow.after_second)
    assert INQUIRY not in cancelled
    assert INQUIRY_SHIPPED not in cancelled
    replies = flow.after_second["replies"]
    assert [r["order_id"] for r in replies] == [INQUIRY]
    assert "Request cancellation" in replies[0]["text"]
    assert "Your Orders" in replies[0]["text"]
    assert flow.after_second["replies"] == flow.after_first["replies"]


def test_requests_from_messages_get_their_thread_marked_no_response_needed(flow: Flow) -> None:
    marked = sorted(m["order_id"] for m in flow.after_first["no_response_needed"])
    assert marked == sorted([OFFICIAL_MSG, BOTH])
    assert flow.after_second["no_response_needed"] == flow.after_first["no_response_needed"]


def test_run_json_carries_decision_rule_approval_and_outcome(flow: Flow) -> None:
    requests = flow.first.by_order()
    for oid in (OFFICIAL_MO, OFFICIAL_MSG, BOTH):
        entry = requests[oid]
        assert entry["kind"] == "official"
        assert entry["decision"] == "cancel"
        assert entry["rule"] == AUTO_CANCEL_OFFICIAL["name"]
        assert entry["approval"] == "auto"
        assert entry["outcome"] == "done"
    entry = requests[INQUIRY]
    assert (entry["kind"], entry["decision"], entry["rule"], entry["approval"], entry["outcome"]) == (
        "inquiry",
        "reply",
        AUTO_REPLY_INQUIRY["name"],
        "auto",
        "done",
    )
    for oid in (INQUIRY_SHIPPED, OFFICIAL_SHIPPED):
        entry = requests[oid]
        assert (entry["decision"], entry["rule"], entry["approval"], entry["outcome"]) == (
            "hold",
            None,
            None,
            None,
        )
        assert "outcome_reason" not in entry
    assert PLAIN not in requests


def test_a_second_run_does_nothing_new(flow: Flow) -> None:
    assert flow.second.returncode == 0, flow.second.stderr
    assert flow.after_second == flow.after_first
    requests = flow.second.by_order()
    assert OFFICIAL_MO not in requests  # canceled orders are no longer pending requests
    assert requests[INQUIRY]["outcome"] == "done"  # the earlier reply, not a new one


def test_history_shows_decision_approval_and_actions_with_rule_and_rules_hash(flow: Flow) -> None:
    shown = flow.agent("history", "--order", OFFICIAL_MO)
    assert shown.returncode == 0, shown.stderr
    digest = hashlib.sha256(flow.rules_file.read_bytes()).hexdigest()
    lines = shown.stdout.splitlines()
    decision = [line for line in lines if " decision " in line]
    assert decision, shown.stdout
    assert f"rule={AUTO_CANCEL_OFFICIAL['name']}" in decision[0]
    assert f"rules={digest[:12]}" in decision[0]
    actions = [line for line in lines if "action=cancel" in line]
    states = [line.split("state=")[1].split()[0] for line in actions]
    assert states == ["done", "in_flight", "approved", "planned"], "newest first"
    approved = actions[2]
    assert f"by=rule:{AUTO_CANCEL_OFFICIAL['name']}" in approved
    assert all(f"rules={digest[:12]}" in line for line in actions)

    events = json.loads(flow.agent("history", "--order", OFFICIAL_MO, "--json").stdout)
    assert {e["order_id"] for e in events} == {OFFICIAL_MO}
    assert {e["rules_sha256"] for e in events if e["event"] in ("decision", "action")} == {digest}


def _in_flight_reason(flow: Flow, oid: str) -> str:
    events = json.loads(flow.agent("history", "--order", oid, "--json").stdout)
    submitted = [e for e in events if e["action"] == "cancel" and e["state"] == "in_flight"]
    assert len(submitted) == 1, events
    reason: str = submitted[0]["reason"] or ""
    return reason


def test_the_audit_trail_names_the_proof_each_cancellation_rested_on(flow: Flow) -> None:
    """A banner (Manage Orders) or, for a request that came only in Messages, the request thread in
    Amazon's template: the reason was then chosen by the agent, since the form preselects nothing."""
    assert "Manage Orders" in _in_flight_reason(flow, OFFICIAL_MO)
    assert "Manage Orders" in _in_flight_reason(flow, BOTH)
    # The thread the agent marked "No response needed" for that order: the site's id where it has
    # one (spa), the agent's own name for it on an inbox without ids (classic).
    events = json.loads(flow.agent("history", "--order", OFFICIAL_MSG, "--json").stdout)
    marked = {
        e["thread_id"] for e in events if e["action"] == "mark_no_response_needed" and e.get("thread_id")
    }
    assert len(marked) == 1, events
    if not next(iter(marked)).startswith("h-"):
        assert marked == {
            m["thread_id"] for m in flow.after_first["no_response_needed"] if m["order_id"] == OFFICIAL_MSG
        }
    by_thread = _in_flight_reason(flow, OFFICIAL_MSG)
    assert f"thread {next(iter(marked))}" in by_thread
    assert "template" in by_thread
    assert "Manage Orders" not in by_thread


def test_the_second_runs_report_counts_no_action_of_its_own(flow: Flow) -> None:
    """Its requests show the first run's results (nothing is redone): listed as earlier, not as done."""
    reports = [json.loads(p.read_text()) for p in flow.agent.workdir.rglob("report.json")]
    second = max((r for r in reports if r["command"] == "run"), key=lambda r: r["started_at"])
    assert "done" not in second["counts"]["outcomes"], second["counts"]
    assert second["counts"]["earlier_outcomes"] == {"done": 1}  # the reply; canceled orders are gone
    assert [r["order_id"] for r in second["requests"] if r["earlier"]] == [INQUIRY]
