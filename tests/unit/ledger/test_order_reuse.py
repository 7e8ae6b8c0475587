"""When a cached order look-up may stand in for reading the order again (`reusable`): only a complete
one (status and fulfillment, what the merge reads), for good when its status is final, else only within
`order_lookup_ttl`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from automation.ledger.inbox import reusable
from automation.models import Fulfillment, Order, OrderStatus

READ_AT = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
TTL = timedelta(minutes=15)


def _order(status: OrderStatus | None, fulfillment: Fulfillment | None = Fulfillment.MFN) -> Order:
    return Order(order_id="111-0000000-0000001", status=status, fulfillment=fulfillment)


@pytest.mark.parametrize("status", [OrderStatus.UNSHIPPED, OrderStatus.PENDING])
def test_an_order_that_can_change_is_reused_only_while_younger_than_the_ttl(status: OrderStatus) -> None:
    order = _order(status)
    assert reusable(order, READ_AT, READ_AT + timedelta(minutes=14), TTL)
    assert not reusable(order, READ_AT, READ_AT + TTL, TTL)
    assert not reusable(order, READ_AT, READ_AT + timedelta(minutes=14), None)  # the current run only


def test_a_look_up_dated_in_the_future_is_read_again() -> None:
    assert not reusable(_order(OrderStatus.UNSHIPPED), READ_AT, READ_AT - timedelta(seconds=1), TTL)


@pytest.mark.parametrize("status", [OrderStatus.SHIPPED, OrderStatus.CANCELED])
def test_a_final_status_is_reused_whatever_its_age(status: OrderStatus) -> None:
    assert reusable(_order(status), READ_AT, READ_AT + timedelta(days=90), None)
    assert reusable(_order(status), READ_AT, READ_AT + timedelta(days=90), TTL)


@pytest.mark.parametrize(
    "order",
    [
        _order(OrderStatus.SHIPPED, fulfillment=None),  # an AFN order could pass for an MFN one
        _order(OrderStatus.UNSHIPPED, fulfillment=None),
        _order(None),
    ],
)
def test_a_look_up_missing_what_the_merge_reads_is_never_reused(order: Order) -> None:
    assert not reusable(order, READ_AT, READ_AT + timedelta(minutes=1), TTL)
