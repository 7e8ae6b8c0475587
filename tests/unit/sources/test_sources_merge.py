"""Merging what every channel saw into one request per order: Amazon's own request wins over the buyer's
words, every channel is listed, the most authoritative sighting gives the reason and time, and orders
that are no longer pending are left out (a shipped one stays, marked shipped)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from automation.models import (
    Channel,
    Fulfillment,
    Order,
    OrderItem,
    OrderStatus,
    RequestKind,
    Sighting,
)
from automation.sources.merge import is_pending, merge_requests

A = "111-0000001-0000001"
B = "111-0000002-0000002"
C = "111-0000003-0000003"
EARLY = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
LATER = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
LATEST = datetime(2026, 11, 25, 11, 15, tzinfo=UTC)

BANNER = Sighting(
    channel=Channel.MANAGE_ORDERS,
    kind=RequestKind.OFFICIAL,
    detail="banner",
    reason="Item(s) Would Not Arrive on Time",
    requested_at=LATER,
)
TEMPLATE = Sighting(
    channel=Channel.MESSAGES,
    kind=RequestKind.OFFICIAL,
    detail="template",
    thread_id="t-2",
    reason="Other",
    requested_at=LATEST,
)
BUYER_MESSAGE = Sighting(
    channel=Channel.MESSAGES,
    kind=RequestKind.INQUIRY,
    detail="buyer_message",
    thread_id="t-1",
    reason="found it cheaper",
    requested_at=EARLY,
)


def unshipped(order_id: str, **fields: object) -> Order:
    return Order(order_id=order_id, status=OrderStatus.UNSHIPPED, fulfillment=Fulfillment.MFN, **fields)


def test_amazons_request_wins_over_the_buyers_words_and_every_channel_is_listed() -> None:
    (request,) = merge_requests([(A, BUYER_MESSAGE), (A, TEMPLATE)], {A: unshipped(A)})
    assert request.kind is RequestKind.OFFICIAL
    assert request.sources == (Channel.MESSAGES,)
    # The reason and time are the official request's, not the earlier inquiry's.
    assert (request.reason, request.requested_at) == ("Other", LATEST)
    assert request.thread_ids == ("t-1", "t-2")
    assert request.sightings == (TEMPLATE, BUYER_MESSAGE)


def test_manage_orders_is_more_authoritative_than_a_request_thread() -> None:
    (request,) = merge_requests([(A, TEMPLATE), (A, BUYER_MESSAGE), (A, BANNER)], {A: unshipped(A)})
    assert request.kind is RequestKind.OFFICIAL
    assert request.sources == (Channel.MANAGE_ORDERS, Channel.MESSAGES)
    assert (request.reason, request.requested_at) == ("Item(s) Would Not Arrive on Time", LATER)
    assert request.sightings == (BANNER, TEMPLATE, BUYER_MESSAGE)


def test_what_the_best_sighting_does_not_show_comes_from_the_next() -> None:
    filtered = Sighting(channel=Channel.MANAGE_ORDERS, kind=RequestKind.OFFICIAL, detail="filter")
    (request,) = merge_requests([(A, filtered), (A, TEMPLATE)], {A: unshipped(A)})
    assert (request.reason, request.requested_at) == ("Other", LATEST)
    assert request.sources == (Channel.MANAGE_ORDERS, Channel.MESSAGES)


def test_the_buyers_words_never_become_the_reason_of_amazons_request() -> None:
    filtered = Sighting(channel=Channel.MANAGE_ORDERS, kind=RequestKind.OFFICIAL, detail="filter")
    (request,) = merge_requests([(A, filtered), (A, BUYER_MESSAGE)], {A: unshipped(A)})
    assert request.kind is RequestKind.OFFICIAL
    assert (request.reason, request.requested_at) == (None, None)
    assert request.sources == (Channel.MANAGE_ORDERS, Channel.MESSAGES)


def test_a_buyers_message_alone_is_an_inquiry_with_its_own_reason_and_time() -> None:
    (request,) = merge_requests([(A, BUYER_MESSAGE)], {A: unshipped(A)})
    assert request.kind is RequestKind.INQUIRY
    assert (request.reason, request.requested_at) == ("found it cheaper", EARLY)
    assert request.sources == (Channel.MESSAGES,)


def test_a_sighting_seen_twice_counts_once() -> None:
    (request,) = merge_requests([(A, BANNER), (A, BANNER)], {A: unshipped(A)})
    assert request.sightings == (BANNER,)


def test_canceled_and_amazon_fulfilled_orders_are_not_pending() -> None:
    orders = {
        A: Order(order_id=A, status=OrderStatus.CANCELED, fulfillment=Fulfillment.MFN),
        B: Order(order_id=B, status=OrderStatus.UNSHIPPED, fulfillment=Fulfillment.AFN),
        C: unshipped(C),
    }
    requests = merge_requests([(A, BANNER), (B, BANNER), (C, BANNER)], orders)
    assert [r.order_id for r in requests] == [C]
    assert not is_pending(orders[A])
    assert not is_pending(orders[B])
    assert is_pending(orders[C])


def test_a_request_on_a_shipped_order_stays_marked_shipped() -> None:
    shipped = Order(order_id=A, status=OrderStatus.SHIPPED, fulfillment=Fulfillment.MFN)
    (request,) = merge_requests([(A, TEMPLATE)], {A: shipped})
    assert request.order_status is OrderStatus.SHIPPED


def test_a_request_whose_order_was_not_read_stays_without_order_facts() -> None:
    (request,) = merge_requests([(A, TEMPLATE)], {}, marketplace="ATVPDKIKX0DER")
    assert is_pending(None)
    assert (request.order_status, request.fulfillment, request.buyer_name, request.items) == (
        None,
        None,
        None,
        (),
    )
    assert request.marketplace == "ATVPDKIKX0DER"


def test_the_orders_facts_are_carried_and_requests_come_sorted_by_order_id() -> None:
    item = OrderItem(sku="MUG-1", quantity=2, price=Decimal("9.50"))
    orders = {
        A: unshipped(A, buyer_name="Jane Doe", items=(item,), ship_by=date(2026, 11, 28)),
        B: unshipped(B),
    }
    requests = merge_requests([(B, BANNER), (A, TEMPLATE)], orders, marketplace="ATVPDKIKX0DER")
    assert [r.order_id for r in requests] == [A, B]
    first = requests[0]
    assert (first.buyer_name, first.items, first.ship_by) == ("Jane Doe", (item,), date(2026, 11, 28))
    assert (first.order_status, first.fulfillment) == (OrderStatus.UNSHIPPED, Fulfillment.MFN)
    assert first.total == Decimal("19.00")
    assert first.marketplace == "ATVPDKIKX0DER"


def test_nothing_seen_is_nothing_pending() -> None:
    assert merge_requests([], {A: unshipped(A)}) == []
