"""The sandbox's state: order filters and sorts, cancellation rules and records, threads and folders."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sandbox_scenarios import (
    build,
    message,
    order,
)
from scenario_kit import NOW, order_id

from automation.sandbox.clock import SandboxClock
from automation.sandbox.i18n import Texts
from automation.sandbox.localfmt import LocalFormat
from automation.sandbox.marketplaces import marketplace_for
from automation.sandbox.orders_index import OrderQuery
from automation.sandbox.routes_messages import snippet
from automation.sandbox.scenario import Fulfillment, OrderStatus, Scenario
from automation.sandbox.state import CancelScope, SandboxState
from automation.sandbox.threads import ThreadMessage, ThreadStatus


def _state(scenario: Scenario) -> SandboxState:
    texts = Texts(scenario.locale)
    fmt = LocalFormat(texts, marketplace_for(scenario.marketplace_id))
    return SandboxState(
        scenario, texts, fmt, SandboxClock(scenario.now), real_clock=lambda: NOW + timedelta(hours=6)
    )


@pytest.fixture
def state() -> SandboxState:
    orders = [
        order(1, request="Order Created by Mistake"),  # rollout default: manage_orders
        order(2, request="Other", channel="messages"),
        order(3, request="Other", channel="both", ship_by="2026-11-30"),
        order(4, status="canceled", request="Other"),
        order(5, status="shipped", request="Other"),
        order(6, fulfillment="afn"),
        order(7, status="pending"),
        order(8, ship_by="2026-11-26", sku="MUG-RED-01"),
    ]
    messages = [
        message(20, minutes_ago=5, body="Please cancel\nthanks", order_n=8),
        message(21, minutes_ago=500),
    ]
    return _state(build(orders, messages=messages))


def _ids(entries: list) -> list[str]:
    return [e.id for e in entries]


def test_tabs_filters_and_sorts(state: SandboxState) -> None:
    index = state.orders
    unshipped, total = index.search(
        OrderQuery(status=OrderStatus.UNSHIPPED, fulfillment=Fulfillment.MFN), 0, 15
    )
    assert total == 4
    assert _ids(unshipped) == [order_id(1), order_id(2), order_id(3), order_id(8)]  # newest first
    assert _ids(index.search(OrderQuery(status=OrderStatus.UNSHIPPED, sort="order_date_asc"), 0, 2)[0]) == [
        order_id(8),
        order_id(6),
    ]
    assert _ids(
        index.search(
            OrderQuery(status=OrderStatus.UNSHIPPED, fulfillment=Fulfillment.MFN, sort="ship_by_asc"), 0, 15
        )[0]
    ) == [order_id(8), order_id(2), order_id(1), order_id(3)]
    brc = index.search(OrderQuery(buyer_requested_cancel=True), 0, 50)[0]
    assert _ids(brc) == [order_id(1), order_id(3), order_id(5)]  # Manage Orders channel, not canceled
    assert index.tab_counts() == {"pending": 1, "unshipped": 4, "shipped": 1, "canceled": 1}


def test_paging_and_text_search(state: SandboxState) -> None:
    index = state.orders
    page, total = index.search(OrderQuery(), 2, 3)
    assert total == 8
    assert _ids(page) == [order_id(3), order_id(4), order_id(5)]
    assert _ids(index.search(OrderQuery(q="mug-red", qt="sku"), 0, 10)[0]) == [order_id(8)]
    assert _ids(index.search(OrderQuery(q=order_id(6), qt="orderid"), 0, 10)[0]) == [order_id(6)]
    assert _ids(index.search(OrderQuery(q="B000000002", qt="asin"), 0, 10)[0]) == [order_id(2)]
    assert index.search(OrderQuery(q=order_id(6), qt="sku"), 0, 10)[1] == 0


def test_cancel_rules_and_every_submission_recorded(state: SandboxState) -> None:
    outcomes = [
        (order_id(1), "NoInventory"),  # locked to Buyer Canceled
        (order_id(1), "BuyerCanceled"),
        (order_id(1), "BuyerCanceled"),  # second time
        (order_id(5), "BuyerCanceled"),  # shipped
        (order_id(6), "NoInventory"),  # Amazon-fulfilled
        (order_id(7), "NoInventory"),  # pending
        (order_id(8), ""),
        (order_id(8), "Whatever"),
        ("999-9999999-9999999", "BuyerCanceled"),
        (order_id(8), "PricingError"),
        (order_id(3), "NoInventory"),  # both channels: locked to Buyer Canceled like Manage Orders
        (order_id(2), "NoInventory"),  # Messages only: nothing locked, the seller's choice stands
    ]
    records = [state.submit_cancellation(order_id, reason) for order_id, reason in outcomes]
    assert [(r.accepted, r.refusal) for r in records] == [
        (False, "locked_reason"),
        (True, None),
        (False, "canceled"),
        (False, "shipped"),
        (False, "not_cancellable"),
        (False, "not_cancellable"),
        (False, "no_reason"),
        (False, "bad_reason"),
        (False, "not_found"),
        (True, None),
        (False, "locked_reason"),
        (True, None),
    ]
    assert state.submit_cancellation(order_id(3), "BuyerCanceled", refusal="token").accepted is False
    document = state.document()
    assert document["orders"][order_id(1)] == {"status": "canceled"}
    assert document["orders"][order_id(8)] == {"status": "canceled"}
    assert document["orders"][order_id(3)] == {"status": "unshipped"}
    assert document["orders"][order_id(2)] == {"status": "canceled"}
    assert document["cancellations"][-2]["reason"] == "NoInventory"
    assert len(document["cancellations"]) == 13
    assert document["cancellations"][1] == {
        "order_id": order_id(1),
        "reason": "BuyerCanceled",
        "accepted": True,
        "at": "2026-11-26T18:00:00Z",
        "scope": "entire_order",
    }
    # The tab counts and filters follow the new statuses.
    assert state.orders.tab_counts()["canceled"] == 4
    assert order_id(1) not in _ids(state.orders.search(OrderQuery(buyer_requested_cancel=True), 0, 50)[0])


def test_a_refusal_asked_for_refuses_the_next_submission_only(state: SandboxState) -> None:
    state.refuse_next_cancellation(order_id(3), "bad_reason")
    refused = state.submit_cancellation(order_id(3), "BuyerCanceled")
    again = state.submit_cancellation(order_id(3), "BuyerCanceled")
    assert [(r.accepted, r.refusal) for r in (refused, again)] == [(False, "bad_reason"), (True, None)]


def test_set_status_changes_what_the_lists_show(state: SandboxState) -> None:
    query = OrderQuery(status=OrderStatus.UNSHIPPED, fulfillment=Fulfillment.MFN)
    assert state.orders.search(query, 0, 50)[1] == 4
    assert state.set_status(order_id(2), OrderStatus.SHIPPED) is not None
    assert state.orders.search(query, 0, 50)[1] == 3
    assert state.set_status("999-9999999-9999999", OrderStatus.SHIPPED) is None


def test_threads_template_ids_order_and_folders(state: SandboxState) -> None:
    threads = state.threads
    # Template threads first (orders 2 and 3: channels messages and both), then the scenario's messages.
    assert [(t.id, t.order_id) for t in threads.threads.values()] == [
        ("t-1", order_id(2)),
        ("t-2", order_id(3)),
        ("t-3", order_id(8)),
        ("t-4", None),
    ]
    legacy = threads.threads["t-1"]
    assert legacy.subject == f"Order cancellation request from Amazon customer Buyer 2 (Order: {order_id(2)})"
    assert legacy.messages[0].body.startswith("The buyer has requested to cancel this order.\n")
    assert "Reason: Other" in legacy.messages[0].body
    newest = [t.id for t in threads.list("all", "", 0, 10)[0]]
    assert newest == ["t-3", "t-1", "t-2", "t-4"]
    assert threads.counts() == {"all": 4, "responseNeeded": 4, "sent": 0, "resolved": 0}
    state.reply(threads.threads["t-2"], "Done, canceled.", "My store")
    state.mark_no_response_needed(threads.threads["t-4"])
    assert threads.threads["t-2"].status is ThreadStatus.REPLIED
    assert next(t.id for t in threads.list("all", "", 0, 10)[0]) == "t-2"  # the reply is the newest message
    assert [t.id for t in threads.list("responseNeeded", "", 0, 10)[0]] == ["t-3", "t-1"]
    assert [t.id for t in threads.list("sent", "", 0, 10)[0]] == ["t-2"]
    assert {t.id for t in threads.list("resolved", "", 0, 10)[0]} == {"t-2", "t-4"}
    assert [t.id for t in threads.list("search", order_id(8), 0, 10)[0]] == ["t-3"]
    assert [t.id for t in threads.list("search", "done, CANCELED", 0, 10)[0]] == ["t-2"]
    assert threads.list("search", "", 0, 10)[1] == 0
    document = state.document()
    assert document["replies"] == [
        {"order_id": order_id(3), "thread_id": "t-2", "text": "Done, canceled.", "at": "2026-11-26T18:00:00Z"}
    ]
    assert document["no_response_needed"] == [
        {"order_id": None, "thread_id": "t-4", "at": "2026-11-26T18:00:00Z"}
    ]


def test_the_legacy_template_follows_the_locale() -> None:
    scenario = build([order(1, request="Versehentlich bestellt", channel="messages")], locale="de_DE")
    thread = _state(scenario).threads.threads["t-1"]
    assert thread.subject == f"Stornierungsanfrage vom Amazon-Kunden Buyer 1 (Bestellung: {order_id(1)})"
    assert "Grund: Versehentlich bestellt" in thread.messages[0].body
    assert "Datum der Anfrage: 26.11.2026 12:30 MEZ" in thread.messages[0].body


def test_snippet_is_the_first_line_cut_at_120_with_an_ellipsis_when_it_goes_on() -> None:
    def make(body: str) -> ThreadMessage:
        return ThreadMessage("buyer", "B", body, NOW)

    assert snippet(make("Short and sweet")) == "Short and sweet"
    assert snippet(make("First line\nsecond line")) == "First line…"
    assert snippet(make("x" * 121)) == "x" * 120 + "…"
    assert snippet(make("x" * 120)) == "x" * 120
    assert snippet(make("\n\n  Hello\n\n")) == "Hello"
    assert snippet(None) == ""


def test_a_partial_cancellation_is_recorded_as_such_and_leaves_the_order_open(state: SandboxState) -> None:
    """Where the cancel page offers "Cancel entire order" or "Cancel items" (ref §12.3), the state says
    which was submitted; cancelling items never makes the whole order canceled."""
    partial = state.submit_cancellation(
        order_id(1), "BuyerCanceled", scope=CancelScope.ITEMS, items=(f"B0{1:08d}",)
    )
    assert (partial.accepted, partial.scope) == (True, CancelScope.ITEMS)
    assert state.order(order_id(1)).status is OrderStatus.UNSHIPPED
    no_items = state.submit_cancellation(order_id(1), "BuyerCanceled", scope=CancelScope.ITEMS)
    not_its_item = state.submit_cancellation(
        order_id(1), "BuyerCanceled", scope=CancelScope.ITEMS, items=("B0NOTITSOWN",)
    )
    no_scope = state.submit_cancellation(order_id(1), "BuyerCanceled", scope=None)
    assert [(r.accepted, r.refusal) for r in (no_items, not_its_item, no_scope)] == [
        (False, "no_items"),
        (False, "no_items"),
        (False, "no_scope"),
    ]
    whole = state.submit_cancellation(order_id(1), "BuyerCanceled", scope=CancelScope.ENTIRE_ORDER)
    assert whole.accepted
    assert state.order(order_id(1)).status is OrderStatus.CANCELED
    plain = state.submit_cancellation(order_id(8), "NoInventory")  # a page without the choice
    assert plain.accepted
    document = state.document()
    assert [c["scope"] for c in document["cancellations"]] == [
        "items",
        "items",
        "items",
        None,
        "entire_order",
        "entire_order",
    ]
    assert document["orders"][order_id(1)] == {"status": "canceled"}
