"""`check_before`: the last look at an order before its cancel form is opened. Every way an order can be
unfit for a Buyer Canceled cancellation must stop it with a reason; only a fit one passes."""

from __future__ import annotations

import pytest

from automation.actions.cancel import JUST_READ_FOR_S, CancelResult, OrderView, check_before
from automation.models import Fulfillment, Order, OrderStatus, Outcome

ORDER_ID = "111-0000001-0000007"


def fit(**changes: object) -> Order:
    """An order that may be cancelled for an official request seen on Manage Orders, with `changes`."""
    fields: dict[str, object] = {
        "order_id": ORDER_ID,
        "status": OrderStatus.UNSHIPPED,
        "fulfillment": Fulfillment.MFN,
        "has_request_banner": True,
        "cancellable": True,
    }
    return Order.model_validate(fields | changes)


def check(order: Order | None, *, official: bool = True, banner_expected: bool = True) -> CancelResult | None:
    return check_before(order, official=official, banner_expected=banner_expected)


def test_a_fit_order_passes() -> None:
    assert check(fit()) is None


def test_an_order_seller_central_does_not_know_is_skipped() -> None:
    result = check(None)
    assert result is not None
    assert result.outcome is Outcome.SKIPPED
    assert "not found" in result.reason
    assert result.submitted is False


@pytest.mark.parametrize(
    "changes",
    [{}, {"fulfillment": Fulfillment.AFN}, {"has_request_banner": False}, {"cancellable": False}],
    ids=["plain", "afn", "no-banner", "no-cancel-offer"],
)
def test_an_order_already_canceled_is_done_by_amazon_and_nothing_is_submitted(
    changes: dict[str, object],
) -> None:
    result = check(fit(status=OrderStatus.CANCELED, **changes))
    assert result == CancelResult(
        Outcome.DONE, "already canceled (by the buyer or Amazon); nothing submitted", submitted=False
    )


@pytest.mark.parametrize(
    ("status", "named"),
    [(OrderStatus.SHIPPED, "shipped"), (OrderStatus.PENDING, "pending"), (None, "unknown state")],
)
def test_an_order_not_unshipped_is_skipped_naming_its_status(status: OrderStatus | None, named: str) -> None:
    result = check(fit(status=status))
    assert result is not None
    assert result.outcome is Outcome.SKIPPED
    assert named in result.reason
    assert "not unshipped" in result.reason


def test_status_is_checked_before_anything_else_about_a_shipped_order() -> None:
    result = check(fit(status=OrderStatus.SHIPPED, fulfillment=Fulfillment.AFN, cancellable=False))
    assert result is not None
    assert "shipped" in result.reason


@pytest.mark.parametrize("fulfillment", [Fulfillment.AFN, None])
def test_an_order_not_fulfilled_by_the_seller_is_skipped(fulfillment: Fulfillment | None) -> None:
    result = check(fit(fulfillment=fulfillment))
    assert result is not None
    assert result.outcome is Outcome.SKIPPED
    assert "merchant-fulfilled" in result.reason


def test_a_request_seen_on_manage_orders_whose_banner_is_gone_is_skipped() -> None:
    result = check(fit(has_request_banner=False), banner_expected=True)
    assert result is not None
    assert result.outcome is Outcome.SKIPPED
    assert "no longer shown" in result.reason


def test_a_request_seen_only_in_messages_needs_no_banner() -> None:
    """The legacy channel has no banner; its thread in Amazon's template is the proof there."""
    assert check(fit(has_request_banner=False), banner_expected=False) is None


@pytest.mark.parametrize("cancellable", [False, None], ids=["not-offered", "not-looked-at"])
def test_an_order_without_the_cancel_offer_is_skipped(cancellable: bool | None) -> None:
    result = check(fit(cancellable=cancellable))
    assert result is not None
    assert result.outcome is Outcome.SKIPPED
    assert "Cancel order" in result.reason


@pytest.mark.parametrize(
    ("order_id", "age", "usable"),
    [
        (ORDER_ID, 0.0, True),
        (ORDER_ID, JUST_READ_FOR_S - 0.5, True),
        (ORDER_ID, JUST_READ_FOR_S, False),  # too old: the order is read again
        (ORDER_ID, -1.0, False),  # stamped later than now: not trusted
        ("111-0000001-0000008", 0.0, False),  # another order's view
    ],
)
def test_a_view_read_moments_ago_stands_in_only_for_its_own_order_while_young(
    order_id: str, age: float, usable: bool
) -> None:
    view = OrderView(fit(), read_at=1000.0)
    assert view.usable_for(order_id, now=1000.0 + age) is usable
