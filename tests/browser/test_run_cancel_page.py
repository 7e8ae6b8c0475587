"""`sc-cancel run --execute` on Amazon's cancel page (ref §12.3): opened at
`/orders-v3/order/<id>/cancel-order`, and on a marketplace whose page asks "Cancel entire order" or
"Cancel items" (JP), the entire order is chosen before Submit; a page offering only "Cancel items" is
refused; on a US store the page has no such choice and the flow is as before.

What reached the sandbox (a hook counting requests) and what it recorded (`/__sandbox/state`) are the
proof: the submission's `scope`, and the order canceled.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from run_support import AUTO_CANCEL_OFFICIAL, Agent, SandboxMaker, make_sandbox, order, rules, write_yaml
from scenario_kit import order_id, scenario

from automation.settings import REPO_SELECTORS

__all__ = ["make_sandbox"]  # the fixture, imported for pytest

BANNER = order_id(1)  # official request on Manage Orders: the reason is preselected and locked
THREAD = order_id(2)  # official request only as a template thread: the agent chooses the reason
TWO_ITEMS = [
    {"sku": "MUG-1", "asin": "B0MUG00001", "title": "Mug", "quantity": 2, "price": 1200},
    {"sku": "CUP-1", "asin": "B0CUP00001", "title": "Cup", "quantity": 1, "price": 800},
]


def _run(tmp_path: Path, make_sandbox: SandboxMaker, locale: str) -> tuple[dict, dict, list[tuple[str, str]]]:
    """One `run --execute` of a store in `locale`; its per-order results, the state, and the cancel-page
    requests the sandbox received."""
    seen: list[tuple[str, str]] = []

    def hook(method: str, path: str) -> None:
        if "/cancel" in path and path.startswith("/orders-v3/order/"):
            seen.append((method, path))

    orders = [
        {**order(1, request="Order Created by Mistake"), "items": TWO_ITEMS},
        order(2, request="Found Cheaper Somewhere Else", channel="messages"),
    ]
    sandbox = make_sandbox(scenario(orders, locale=locale), hook=hook)
    rules_file = write_yaml(tmp_path / "rules.yaml", rules(AUTO_CANCEL_OFFICIAL))
    run = Agent(tmp_path, sandbox).run(rules_file, "--execute")
    assert run.returncode == 0, run.stderr
    return run.by_order(), sandbox.state(), seen


@pytest.mark.parametrize("locale", ["ja_JP", "en_US"])
def test_the_whole_order_is_cancelled_on_amazons_cancel_page(
    tmp_path: Path, make_sandbox: SandboxMaker, locale: str
) -> None:
    """ja_JP (the JP marketplace) offers "Cancel items" too: the agent picks "Cancel entire order"; en_US
    offers no choice. Either way one entire-order submission per order, with Buyer Canceled, at Amazon's
    URL; the reason locked (banner) or chosen (template thread) as before."""
    requests, state, seen = _run(tmp_path, make_sandbox, locale)
    for oid in (BANNER, THREAD):
        assert requests[oid]["outcome"] == "done", requests[oid]
        assert state["orders"][oid] == {"status": "canceled"}
        assert ("GET", f"/orders-v3/order/{oid}/cancel-order") in seen
        assert ("POST", f"/orders-v3/order/{oid}/cancel-order") in seen
    assert not [path for _, path in seen if path.endswith("/cancel")], "the older sandbox URL is not used"
    submitted = [(c["order_id"], c["reason"], c["accepted"], c["scope"]) for c in state["cancellations"]]
    assert sorted(submitted) == [
        (BANNER, "BuyerCanceled", True, "entire_order"),
        (THREAD, "BuyerCanceled", True, "entire_order"),
    ]


def _selectors_without_the_entire_order_option(folder: Path) -> Path:
    """A copy of selectors/ under which "Cancel entire order" is nowhere to be found, so the JP page reads
    as one offering only "Cancel items"."""
    copy = folder / "selectors"
    shutil.copytree(REPO_SELECTORS, copy)
    path = copy / "cancel_order.yaml"
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["elements"]["scope_entire_order"] = [{"css": "input#no-such-entire-order-radio"}]
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return copy


def test_a_page_offering_only_cancel_items_is_refused_and_nothing_submitted(
    tmp_path: Path, make_sandbox: SandboxMaker
) -> None:
    sandbox = make_sandbox(scenario([order(1, request="Order Created by Mistake")], locale="ja_JP"))
    rules_file = write_yaml(tmp_path / "rules.yaml", rules(AUTO_CANCEL_OFFICIAL))
    selectors = _selectors_without_the_entire_order_option(tmp_path)
    run = Agent(tmp_path, sandbox).run(rules_file, "--execute", "--selectors", str(selectors))
    assert run.returncode == 0, run.stderr
    result = run.by_order()[BANNER]
    assert result["outcome"] == "skipped", result
    assert 'only "Cancel items"' in result["outcome_reason"]
    state = sandbox.state()
    assert state["cancellations"] == [], "no partial (or any) cancellation submitted"
    assert state["orders"][BANNER] == {"status": "unshipped"}
