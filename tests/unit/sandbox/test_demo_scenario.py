"""The bundled demo scenario: loads, covers every case it promises, and its header tells the truth.

The inquiry orders are listed here by hand: telling a buyer's words from an ordinary question is the
classifier's job, and this test must not borrow one. Everything else is computed from the data.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from scenario_kit import DEMO_INQUIRY_ORDER_IDS as INQUIRY_ORDER_IDS

from automation.sandbox.generator import expected_requests
from automation.sandbox.scenario import (
    Faults,
    Fulfillment,
    Locale,
    Order,
    OrderStatus,
    Rollout,
    Scenario,
    load_scenario,
)
from automation.targets import DEMO_SCENARIO

ORDER_ID = re.compile(r"\d{3}-\d{7}-\d{7}")


@pytest.fixture(scope="module")
def demo() -> Scenario:
    return load_scenario(DEMO_SCENARIO)


@pytest.fixture(scope="module")
def header() -> str:
    text = DEMO_SCENARIO.read_text(encoding="utf-8")
    return text[: text.index("\nformat:")]


def _requested(demo: Scenario) -> list[Order]:
    return [o for o in demo.orders if o.cancel_request is not None]


def test_it_loads_with_the_promised_settings(demo: Scenario) -> None:
    assert len(demo.orders) >= 60
    assert demo.locale is Locale.EN_US
    assert demo.now is not None
    assert demo.now.isoformat() == "2026-11-26T12:00:00+00:00"
    assert demo.rollout is Rollout.BOTH
    assert demo.account.email == "seller@example.com"
    assert demo.account.password == "sandbox-password"
    assert demo.account.totp_secret is not None
    assert len(demo.account.totp_secret) >= 32
    assert demo.account.stores == ["Example Store - United States", "Example Store - Canada"]
    assert demo.faults == Faults()


def test_official_requests_in_every_channel(demo: Scenario) -> None:
    explicit = {o.cancel_request.channel for o in _requested(demo) if o.cancel_request}
    assert {Rollout.MANAGE_ORDERS, Rollout.MESSAGES, Rollout.BOTH} <= explicit
    # One request leaves the channel out, so the rollout decides.
    assert any(o.cancel_request and o.cancel_request.channel is None for o in demo.orders)


def test_requests_on_every_kind_of_order(demo: Scenario) -> None:
    requested = _requested(demo)
    assert any(o.status is OrderStatus.CANCELED for o in requested)
    assert any(o.status is OrderStatus.SHIPPED for o in requested)
    assert any(o.status is OrderStatus.PENDING for o in requested)
    assert any(o.fulfillment is Fulfillment.AFN for o in requested)
    assert sum(o.status is OrderStatus.UNSHIPPED and o.fulfillment is Fulfillment.MFN for o in requested) >= 6


def test_request_ages_on_both_sides_of_30_minutes(demo: Scenario) -> None:
    assert demo.now is not None
    ages = [demo.now - o.cancel_request.requested_at for o in _requested(demo) if o.cancel_request]
    assert any(age < timedelta(minutes=30) for age in ages)
    assert any(age > timedelta(minutes=30) for age in ages)
    assert all(age >= timedelta(0) for age in ages)


def test_times_are_consistent(demo: Scenario) -> None:
    assert demo.now is not None
    by_id = {o.id: o for o in demo.orders}
    for order in demo.orders:
        assert order.purchased_at <= demo.now
        if order.cancel_request:
            assert order.purchased_at < order.cancel_request.requested_at <= demo.now
    for message in demo.messages:
        assert message.received_at <= demo.now
        if message.order_id:
            assert message.order_id in by_id, message.order_id
            assert message.received_at >= by_id[message.order_id].purchased_at
            assert message.buyer_name == by_id[message.order_id].buyer_name


def test_inquiries_are_buyer_messages_on_the_right_orders(demo: Scenario) -> None:
    by_id = {o.id: o for o in demo.orders}
    threads = {m.order_id: m for m in demo.messages if m.order_id in INQUIRY_ORDER_IDS}
    assert set(threads) == INQUIRY_ORDER_IDS
    assert all(m.subject.startswith("Inquiry from Amazon customer ") for m in threads.values())
    statuses = {by_id[i].status for i in INQUIRY_ORDER_IDS}
    assert {OrderStatus.UNSHIPPED, OrderStatus.SHIPPED, OrderStatus.CANCELED, OrderStatus.PENDING} <= statuses
    assert any(m.order_id and m.order_id in m.body for m in threads.values())  # one names its order
    assert any("\n" in m.body for m in threads.values())
    assert any(by_id[i].cancel_request is not None for i in INQUIRY_ORDER_IDS)  # both kinds on one order


def test_decoys_are_present(demo: Scenario) -> None:
    by_id = {o.id: o for o in demo.orders}
    others = [m for m in demo.messages if m.order_id not in INQUIRY_ORDER_IDS]
    assert any("do not cancel" in m.body.lower() for m in others)
    assert any(
        m.order_id
        and by_id[m.order_id].status is OrderStatus.CANCELED
        and by_id[m.order_id].cancel_request is None
        and "cancel" in m.body.lower()
        for m in others
    )
    assert any(m.subject.startswith("Return policy inquiry") for m in others)
    assert any(m.subject.startswith("Order delivery inquiry") for m in others)
    assert any(m.subject.startswith("Product details inquiry") and m.order_id is None for m in others)
    about_another = [m for m in others if any(i != m.order_id for i in ORDER_ID.findall(m.body))]
    assert about_another, "a message about another order"
    # The decoys sit on orders without a request, so they cannot hide behind one.
    assert all(m.order_id is None or by_id[m.order_id].cancel_request is None for m in others)


def test_orders_vary(demo: Scenario) -> None:
    items = [i for o in demo.orders for i in o.items]
    assert any(len(o.items) >= 2 for o in demo.orders)
    assert any(len(o.items) >= 3 for o in demo.orders)
    assert any(sum(i.price * i.quantity for i in o.items) > 200 for o in demo.orders)
    assert any(i.sku.startswith("MUG-") for i in items)
    assert any(not i.sku.startswith("MUG-") for i in items)
    assert (
        sum(o.status is OrderStatus.UNSHIPPED and o.fulfillment is Fulfillment.MFN for o in demo.orders) > 15
    )
    assert {o.status for o in demo.orders} == set(OrderStatus)
    assert len({i.sku: i.asin for i in items}) == len({i.asin for i in items})  # one ASIN per SKU


def _header_expectation(header: str) -> list[tuple[str, str, list[str], str]]:
    block = header[
        header.index("# Expected `scan --json` requests") : header.index("# (end of expected requests)")
    ]
    rows = re.findall(
        r"^#\s+(\d{3}-\d{7}-\d{7})\s+(official|inquiry)\s+(\S+)\s+(\w+)\s*$", block, re.MULTILINE
    )
    return [(order_id, kind, sources.split(","), status) for order_id, kind, sources, status in rows]


def test_the_header_states_the_correct_scan_result(demo: Scenario, header: str) -> None:
    expected = expected_requests(demo, INQUIRY_ORDER_IDS)
    computed = [(r["order_id"], r["kind"], r["sources"], r["order_status"]) for r in expected]
    assert _header_expectation(header) == computed
    assert len(computed) == 14
    by_id = {r["order_id"]: r for r in expected}
    # Never listed: canceled orders and Amazon-fulfilled ones.
    for order in demo.orders:
        if order.status is OrderStatus.CANCELED or order.fulfillment is Fulfillment.AFN:
            assert order.id not in by_id
    assert by_id["112-4407718-9935216"]["kind"] == "official"


def test_every_order_the_header_describes_exists(demo: Scenario, header: str) -> None:
    ids = {o.id for o in demo.orders}
    described = set(ORDER_ID.findall(header)) - {"113-6048815-2297034"}  # the "other order", not in the store
    assert described <= ids
    assert "113-6048815-2297034" not in ids


def test_the_header_counts_the_inbox(demo: Scenario, header: str) -> None:
    templates = sum(demo.channel_of(o) in (Rollout.MESSAGES, Rollout.BOTH) for o in demo.orders)
    match = re.search(
        r"Inbox: (\d+) legacy-template threads .*? \+ (\d+) messages below = (\d+) threads", header, re.DOTALL
    )
    assert match is not None
    assert (int(match[1]), int(match[2]), int(match[3])) == (
        templates,
        len(demo.messages),
        templates + len(demo.messages),
    )
