"""Orders that change between the run's scan and its action: the cancel flow re-reads each order right
before acting and never submits for a shipped or already canceled one.

The change is made at an exact moment by a hook in front of the sandbox (`run_support.HookMiddleware`):
the first time the agent asks for an order's details (what the cancel flow does after the scan), or the
moment its cancel form is posted. The scan's own JSON shows the order still unshipped, which proves the
change came after the scan. A submission the site refuses is reported failed with the site's words, also
when the refusal comes back with the cancel form shown again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from run_support import (
    AUTO_CANCEL_OFFICIAL,
    Agent,
    AgentRun,
    Sandbox,
    SandboxMaker,
    make_sandbox,
    order,
    rules,
    start_sandbox,
    write_yaml,
)
from scenario_kit import order_id, scenario

__all__ = ["make_sandbox"]  # the fixture, imported for pytest

SHIPPED_BEFORE_CHECK = order_id(1)  # ships when the agent re-reads it after the scan
CANCELED_BY_BUYER = order_id(2)  # the buyer withdraws/Amazon cancels when the agent re-reads it
SHIPPED_AT_SUBMIT = order_id(3)  # ships while the agent is on the cancel form, just before Submit
UNTOUCHED = order_id(4)  # nothing happens to it: cancelled as usual

DETAILS = re.compile(r"^/orders-api/order/(?P<id>[\d-]+)$")
CANCEL_FORM = re.compile(r"^/orders-v3/order/(?P<id>[\d-]+)/cancel(?:-order)?$")


@dataclass
class Meanwhile:
    run: AgentRun
    state: dict[str, Any]
    fired: list[str]


@pytest.fixture(scope="module")
def meanwhile(tmp_path_factory: pytest.TempPathFactory) -> Any:
    workdir = tmp_path_factory.mktemp("run-meanwhile")
    data = scenario(
        [
            order(1, request="Order Created by Mistake"),
            order(2, request="Found Cheaper Somewhere Else"),
            order(3, request="Order Created by Mistake"),
            order(4, request="Need to Change Shipping Address"),
        ]
    )
    fired: list[str] = []
    holder: dict[str, Sandbox] = {}

    def hook(method: str, path: str) -> None:
        details, form = DETAILS.match(path), CANCEL_FORM.match(path)
        changes = {
            ("GET", SHIPPED_BEFORE_CHECK): (details, "shipped"),
            ("GET", CANCELED_BY_BUYER): (details, "canceled"),
            ("POST", SHIPPED_AT_SUBMIT): (form, "shipped"),
        }
        for (want_method, oid), (match, status) in changes.items():
            key = f"{oid}:{status}"
            if method == want_method and match and match["id"] == oid and key not in fired:
                fired.append(key)
                holder["sandbox"].set_status(oid, status)

    sandbox = start_sandbox(write_yaml(workdir / "scenario.yaml", data), hook)
    holder["sandbox"] = sandbox
    try:
        rules_file = write_yaml(workdir / "rules.yaml", rules(AUTO_CANCEL_OFFICIAL))
        run = Agent(workdir, sandbox).run(rules_file, "--execute")
        yield Meanwhile(run, sandbox.state(), fired)
    finally:
        sandbox.server.stop()


def test_every_change_happened_after_the_scan(meanwhile: Meanwhile) -> None:
    assert sorted(meanwhile.fired) == sorted(
        [f"{SHIPPED_BEFORE_CHECK}:shipped", f"{CANCELED_BY_BUYER}:canceled", f"{SHIPPED_AT_SUBMIT}:shipped"]
    )
    requests = meanwhile.run.by_order()
    for oid in (SHIPPED_BEFORE_CHECK, CANCELED_BY_BUYER, SHIPPED_AT_SUBMIT, UNTOUCHED):
        assert requests[oid]["order_status"] == "unshipped", requests[oid]
        assert requests[oid]["decision"] == "cancel"
        assert requests[oid]["approval"] == "auto"


def test_an_order_shipped_after_the_scan_is_skipped_without_submitting(meanwhile: Meanwhile) -> None:
    entry = meanwhile.run.by_order()[SHIPPED_BEFORE_CHECK]
    assert entry["outcome"] == "skipped"
    assert "shipped" in entry["outcome_reason"]
    assert SHIPPED_BEFORE_CHECK not in [c["order_id"] for c in meanwhile.state["cancellations"]]
    assert meanwhile.state["orders"][SHIPPED_BEFORE_CHECK]["status"] == "shipped"


def test_an_order_the_buyer_cancelled_meanwhile_is_done_by_amazon_not_submitted(meanwhile: Meanwhile) -> None:
    entry = meanwhile.run.by_order()[CANCELED_BY_BUYER]
    assert entry["outcome"] == "done"
    assert "already canceled" in entry["outcome_reason"]
    assert "nothing submitted" in entry["outcome_reason"]
    assert CANCELED_BY_BUYER not in [c["order_id"] for c in meanwhile.state["cancellations"]]


def test_an_order_shipped_just_before_submit_is_refused_once_and_reported_failed(
    meanwhile: Meanwhile,
) -> None:
    submissions = [c for c in meanwhile.state["cancellations"] if c["order_id"] == SHIPPED_AT_SUBMIT]
    assert len(submissions) == 1
    assert submissions[0]["reason"] == "BuyerCanceled"
    assert submissions[0]["accepted"] is False
    entry = meanwhile.run.by_order()[SHIPPED_AT_SUBMIT]
    assert entry["outcome"] == "failed"
    assert "refused" in entry["outcome_reason"]
    assert meanwhile.run.returncode == 9, meanwhile.run.stderr
    assert meanwhile.run.json()["error"]["exit_code"] == 9


def test_the_unchanged_order_is_still_cancelled(meanwhile: Meanwhile) -> None:
    assert meanwhile.run.by_order()[UNTOUCHED]["outcome"] == "done"
    accepted = [c for c in meanwhile.state["cancellations"] if c["accepted"]]
    assert [(c["order_id"], c["reason"]) for c in accepted] == [(UNTOUCHED, "BuyerCanceled")]


def test_a_refusal_shown_above_the_form_again_is_reported_failed_and_never_resubmitted(
    tmp_path: Path, make_sandbox: SandboxMaker
) -> None:
    """Seller Central refuses the submission and answers with the cancel form again, its error message
    above it (the sandbox keeps the form for a refusal the seller could correct, here a reason it does
    not accept for the order). That page still shows the form: the answer is the refusal, not "the form
    again, result unknown"."""
    oid = order_id(1)
    sandbox = make_sandbox(scenario([order(1, request="Order Created by Mistake")]))
    sandbox.server.state.refuse_next_cancellation(oid, "bad_reason")
    refusal_text = sandbox.server.context.texts("cancel.error_bad_reason")
    rules_file = write_yaml(tmp_path / "rules.yaml", rules(AUTO_CANCEL_OFFICIAL))
    agent = Agent(tmp_path, sandbox)

    first = agent.run(rules_file, "--execute")

    entry = first.by_order()[oid]
    assert entry["outcome"] == "failed", entry
    assert refusal_text in entry["outcome_reason"]
    assert first.returncode == 9, first.stderr
    submissions = [(c["order_id"], c["accepted"]) for c in sandbox.state()["cancellations"]]
    assert submissions == [(oid, False)]

    second = agent.run(rules_file, "--execute")

    assert second.returncode == 0, second.stderr
    assert second.by_order()[oid]["outcome"] == "failed", "the refusal stands; the order is left to a person"
    assert [c["order_id"] for c in sandbox.state()["cancellations"]] == [oid], "submitted once, ever"
    assert sandbox.state()["orders"][oid] == {"status": "unshipped"}
