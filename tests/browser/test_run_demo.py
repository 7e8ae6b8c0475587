"""The demo, end to end: with the bundled demo scenario and `rules.example.yaml`, `run --execute`
cancels exactly the requests the rules approve, answers the inquiries the rules say to answer, and a
second run does nothing new; all against one persistent sandbox.

What the rules approve is computed here without the agent's eyes: the requests come from the scenario's
own data (`generator.expected_requests`, with the inquiry orders listed by hand, since telling a buyer's
words from an ordinary question is the classifier's job) and go through the pure rules engine at the
scenario's `now`: the site's clock, which the agent measures request ages with (the sandbox sends it in
its Date headers), whatever day the tests run on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest
from run_support import Agent, AgentRun, accepted_cancellations, start_sandbox
from scenario_kit import DEMO_INQUIRY_ORDER_IDS as INQUIRY_ORDER_IDS

from automation.models import CancellationRequest, Decision, DecisionKind, OrderItem
from automation.parsers.locale_texts import load_all_locale_texts
from automation.parsers.reasons import ReasonTable
from automation.rules.engine import evaluate
from automation.rules.loader import load_rules
from automation.sandbox.generator import expected_requests
from automation.sandbox.scenario import Scenario, load_scenario
from automation.targets import DEMO_SCENARIO

EXAMPLE_RULES = DEMO_SCENARIO.parents[3] / "rules.example.yaml"
REASONS = ReasonTable.of(load_all_locale_texts(DEMO_SCENARIO.parents[3] / "selectors"))
"""The buyer reasons the agent reads with (`reason_in`), from the shipped locale files."""
EASY_AUTO_CANCEL = "112-3941857-2203618"  # the demo header's "easy auto-cancel"
YOUNG_MUG_ORDER = "113-5502941-0837765"  # the same, but 12 minutes old: younger than the rule's 30


def site_now(demo: Scenario) -> datetime:
    """The sandbox's clock during the runs: the scenario's `now` (a run's few seconds change no rule)."""
    assert demo.now is not None, "the demo scenario sets its own clock"
    return demo.now


def true_requests(demo: Scenario) -> list[CancellationRequest]:
    """The requests a correct scan finds, as records the rules engine takes, from the scenario's data."""
    orders = {o.id: o for o in demo.orders}
    records = []
    for entry in expected_requests(demo, INQUIRY_ORDER_IDS):
        order = orders[entry["order_id"]]
        records.append(
            CancellationRequest(
                order_id=entry["order_id"],
                kind=entry["kind"],
                sources=tuple(entry["sources"]),
                reason=entry["reason"],
                requested_at=entry["requested_at"],
                order_status=entry["order_status"],
                fulfillment=order.fulfillment.value,
                marketplace=demo.marketplace_id,
                items=tuple(
                    OrderItem(sku=i.sku, asin=i.asin, quantity=i.quantity, price=Decimal(str(i.price)))
                    for i in order.items
                ),
            )
        )
    return records


@dataclass
class DemoRuns:
    expected: dict[str, Decision]
    first: AgentRun
    after_first: dict[str, Any]
    second: AgentRun
    after_second: dict[str, Any]

    def expected_ids(self, decision: DecisionKind) -> list[str]:
        return sorted(
            oid for oid, d in self.expected.items() if d.decision is decision and d.approve == "auto"
        )


@pytest.fixture(scope="module")
def demo_runs(tmp_path_factory: pytest.TempPathFactory) -> Any:
    workdir = tmp_path_factory.mktemp("run-demo")
    demo = load_scenario(DEMO_SCENARIO)
    rules = load_rules(EXAMPLE_RULES)
    sandbox = start_sandbox(DEMO_SCENARIO)
    try:
        agent = Agent(workdir, sandbox)
        expected = {
            d.order_id: d
            for d in evaluate(rules.ruleset, true_requests(demo), now=site_now(demo), reasons=REASONS)
        }
        first = agent.run(EXAMPLE_RULES, "--execute")
        after_first = sandbox.state()
        second = agent.run(EXAMPLE_RULES, "--execute")
        yield DemoRuns(expected, first, after_first, second, sandbox.state())
    finally:
        sandbox.server.stop()


def test_the_oracle_is_not_empty(demo_runs: DemoRuns) -> None:
    easy = next(r for r in true_requests(load_scenario(DEMO_SCENARIO)) if r.order_id == EASY_AUTO_CANCEL)
    assert easy.requested_at is not None
    assert (site_now(load_scenario(DEMO_SCENARIO)) - easy.requested_at).total_seconds() > 30 * 60
    assert EASY_AUTO_CANCEL in demo_runs.expected_ids(DecisionKind.CANCEL)
    assert YOUNG_MUG_ORDER not in demo_runs.expected_ids(DecisionKind.CANCEL)
    assert demo_runs.expected_ids(DecisionKind.REPLY)


def test_every_request_gets_the_decision_of_the_rules(demo_runs: DemoRuns) -> None:
    assert demo_runs.first.returncode == 0, demo_runs.first.stderr
    requests = demo_runs.first.by_order()
    assert set(requests) == set(demo_runs.expected)
    for oid, decision in demo_runs.expected.items():
        entry = requests[oid]
        approval = None
        if decision.decision in (DecisionKind.CANCEL, DecisionKind.REPLY):
            approval = "auto" if decision.approve == "auto" else "pending"
        assert (entry["decision"], entry["rule"], entry["approval"]) == (
            str(decision.decision),
            decision.rule,
            approval,
        ), oid


def test_execute_cancels_exactly_the_requests_the_rules_approve(demo_runs: DemoRuns) -> None:
    state = demo_runs.after_first
    assert accepted_cancellations(state), "nothing cancelled"
    assert sorted(accepted_cancellations(state)) == demo_runs.expected_ids(DecisionKind.CANCEL)
    assert all(c["accepted"] and c["reason"] == "BuyerCanceled" for c in state["cancellations"])
    requests = demo_runs.first.by_order()
    assert sorted(
        oid for oid, e in requests.items() if e["outcome"] == "done" and e["decision"] == "cancel"
    ) == (demo_runs.expected_ids(DecisionKind.CANCEL))


def test_execute_answers_exactly_the_inquiries_the_rules_approve(demo_runs: DemoRuns) -> None:
    replied = sorted(r["order_id"] for r in demo_runs.after_first["replies"])
    assert replied == demo_runs.expected_ids(DecisionKind.REPLY)
    assert not set(replied) & set(accepted_cancellations(demo_runs.after_first))


def test_a_second_run_does_nothing_new(demo_runs: DemoRuns) -> None:
    assert demo_runs.second.returncode == 0, demo_runs.second.stderr
    assert demo_runs.after_second == demo_runs.after_first
    requests = demo_runs.second.by_order()
    for oid in demo_runs.expected_ids(DecisionKind.REPLY):
        assert requests[oid]["outcome"] == "done", requests[oid]
