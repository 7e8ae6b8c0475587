"""Cancelling one order with the reason Buyer Canceled: check before, submit once, verify after.

The ledger is moved to `in_flight` *before* Submit is clicked, so an agent killed at any moment leaves
a trace the next run resolves by reading the order, never by submitting again. Every check that fails
skips the order with the reason recorded; no other reason than Buyer Canceled is ever chosen.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from loguru import logger
from playwright.sync_api import Error as PlaywrightError

from automation.errors import ScCancelError
from automation.ledger import ActionRecord, Ledger
from automation.models import ActionState, Fulfillment, Order, OrderStatus
from automation.pages.cancel_order import CancelOrderPage
from automation.pages.order_details import OrderDetailsPage
from automation.parsers.order_details import parse_order_details
from automation.sources.context import SourceContext

BUYER_CANCELED = "BuyerCanceled"
VERIFY_READS = 4


class Outcome(StrEnum):
    DONE = "done"
    SKIPPED = "skipped"
    FAILED = "failed"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class CancelResult:
    outcome: Outcome
    reason: str
    submitted: bool = False


def read_order(ctx: SourceContext, order_id: str) -> Order | None:
    """The order as its details page shows it now; None when Seller Central does not know it."""
    details = OrderDetailsPage(ctx.page, ctx.pages)

    def step(_attempt: int) -> Order | None:
        if details.open(order_id) == "not_found":
            return None
        return ctx.parse(parse_order_details, details.read())

    return ctx.retrying(f"order {order_id}", step)


def check_before(order: Order | None, *, official: bool, banner_expected: bool) -> CancelResult | None:
    """Why the order must not be cancelled now, or None when every check passes. Pure.

    `banner_expected`: the request was seen on Manage Orders, so its banner must still be there. A
    request seen only in Messages (the legacy channel) has no banner; for it, Amazon's own proof is the
    cancel form's reason locked to Buyer Canceled, checked on the next page.
    """
    if order is None:
        return CancelResult(Outcome.SKIPPED, "the order is not found in Seller Central")
    if order.status is OrderStatus.CANCELED:
        return CancelResult(Outcome.DONE, "already canceled (by the buyer or Amazon); nothing submitted")
    checks = (
        (
            order.status is not OrderStatus.UNSHIPPED,
            f"the order is {order.status or 'in an unknown state'}, not unshipped",
        ),
        (order.fulfillment is not Fulfillment.MFN, "the order is not merchant-fulfilled"),
        (
            official and banner_expected and not order.has_request_banner,
            "the buyer's request is no longer shown on the order",
        ),
        (not order.cancellable, 'Seller Central does not offer "Cancel order" for this order'),
    )
    why = next((why for failed, why in checks if failed), None)
    return None if why is None else CancelResult(Outcome.SKIPPED, why)


def _verify_canceled(ctx: SourceContext, order_id: str) -> bool:
    """Re-read the order until it shows canceled (the confirmation toast is not trusted)."""
    for _ in range(VERIFY_READS):
        order = read_order(ctx, order_id)
        if order is not None and order.status is OrderStatus.CANCELED:
            return True
    return False


def cancel_order(
    ctx: SourceContext, ledger: Ledger, action: ActionRecord, *, official: bool, banner_expected: bool
) -> CancelResult:
    """Carry out one approved cancel action and leave the ledger in its final (or unknown) state."""
    order_id = action.order_id
    order = read_order(ctx, order_id)
    verdict = check_before(order, official=official, banner_expected=banner_expected)
    if verdict is not None:
        _finish(ledger, action, verdict)
        return verdict

    OrderDetailsPage(ctx.page, ctx.pages).start_cancel()
    form = CancelOrderPage(ctx.page, ctx.pages)
    shown = ctx.retrying(f"cancel page {order_id}", lambda _a: form.wait())
    if shown == "error":
        result = CancelResult(Outcome.SKIPPED, f"Seller Central refuses: {form.error_text()}")
        _finish(ledger, action, result)
        return result
    reason = form.reason()
    if reason.value != BUYER_CANCELED or (official and not reason.locked):
        what = f"'{reason.label or reason.value or 'nothing'}'" + (
            " (not locked)" if not reason.locked else ""
        )
        result = CancelResult(
            Outcome.SKIPPED,
            f"the reason is {what}, not a preselected Buyer Canceled: "
            "Amazon does not show an official request",
        )
        _finish(ledger, action, result)
        return result

    ledger.transition(action.action_id, ActionState.IN_FLIGHT)
    logger.info("cancelling {} with the reason Buyer Canceled", order_id)
    try:
        form.submit()
        answer = form.outcome()
    except (ScCancelError, PlaywrightError) as exc:
        logger.warning("lost sight of {} after Submit: {}", order_id, exc)
        answer = "unknown"
    if answer == "error":
        text = form.error_text()
        result = CancelResult(
            Outcome.FAILED, f"Seller Central refused the cancellation: {text}", submitted=True
        )
    else:
        try:
            canceled = _verify_canceled(ctx, order_id)
        except ScCancelError as exc:
            logger.warning("could not re-read {} after Submit: {}", order_id, exc)
            canceled = False
        result = (
            CancelResult(
                Outcome.DONE, "canceled with Buyer Canceled; the order shows canceled", submitted=True
            )
            if canceled
            else CancelResult(
                Outcome.UNKNOWN, "submitted, but the order does not show canceled yet", submitted=True
            )
        )
    _finish(ledger, action, result)
    return result


def reconcile(ctx: SourceContext, ledger: Ledger, action: ActionRecord) -> CancelResult:
    """Resolve an action left in flight or unknown by a previous run: read the order, never submit."""
    order = read_order(ctx, action.order_id)
    if order is not None and order.status is OrderStatus.CANCELED:
        result = CancelResult(Outcome.DONE, "confirmed canceled when re-read on a later run")
    elif order is None:
        result = CancelResult(
            Outcome.FAILED, "after Submit the order could no longer be found; check it by hand"
        )
    else:
        result = CancelResult(
            Outcome.FAILED,
            f"after Submit the order is still {order.status or 'not canceled'}; not submitted again, "
            "check it by hand",
        )
    _finish(ledger, action, result)
    return result


def _finish(ledger: Ledger, action: ActionRecord, result: CancelResult) -> None:
    current = ledger.action(action.action_id)
    state = ActionState(result.outcome.value)
    if current is None or current.state != state:
        ledger.transition(action.action_id, state, reason=result.reason)
