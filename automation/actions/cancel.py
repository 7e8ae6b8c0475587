"""Cancelling one order with the reason Buyer Canceled: check before, submit once, verify after.

The ledger is moved to `in_flight` *before* Submit is clicked, so an agent killed at any moment leaves
a trace the next run resolves by reading the order, never by submitting again; that step records which
proof of an official request the cancellation rests on (`automation/actions/proof.py`). Every check that
fails skips the order with the reason recorded; no other reason than Buyer Canceled is ever chosen, and
it is chosen by the agent only for a request proven by its template thread, where Amazon's form
preselects nothing. The cancel page is opened at Amazon's own URL where the selector file names it
(`/orders-v3/order/<id>/cancel-order`, seller-central.md §12.3), else from the order details page's
"Cancel order". Where the page asks "Cancel entire order" or "Cancel items" (JP, NL), the entire order
is selected and seen selected before Submit; a partial cancellation is never submitted.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from loguru import logger
from playwright.sync_api import Error as PlaywrightError

from automation.actions.proof import Proof, ProofKind
from automation.errors import ScCancelError
from automation.ledger import ActionRecord, ApprovalWithdrawnError, Ledger
from automation.models import Fulfillment, Order, OrderStatus, Outcome
from automation.pages.cancel_order import CancelOrderPage, ReasonControl, ScopeControl
from automation.pages.order_details import OrderDetailsPage
from automation.parsers.order_details import parse_order_details
from automation.sources.context import SourceContext

BUYER_CANCELED = "BuyerCanceled"
VERIFY_READS = 4
JUST_READ_FOR_S = 60.0
"""How long an order view read earlier in the same run stands in for the check-before's own read."""


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


@dataclass(frozen=True)
class OrderView:
    """An order as its details page showed it at `read_at` (`time.monotonic()`), earlier in this run.

    A targeted run reads the order to confirm the e-mail's request and then, with only pure decisions in
    between, cancels it: reading the same page again seconds later would learn nothing new. The view
    stands in for that read only while younger than `JUST_READ_FOR_S`; a full run's views come from a
    scan that may be minutes old, so it never passes one."""

    order: Order
    read_at: float

    def usable_for(self, order_id: str, now: float) -> bool:
        """The view is of `order_id` and was read less than `JUST_READ_FOR_S` before `now`. Pure."""
        return self.order.order_id == order_id and 0.0 <= now - self.read_at < JUST_READ_FOR_S


def read_order_view(ctx: SourceContext, order_id: str) -> OrderView | None:
    """`read_order`, stamped with when it was read; None when Seller Central does not know the order."""
    order = read_order(ctx, order_id)
    return None if order is None else OrderView(order, time.monotonic())


def check_before(order: Order | None, *, official: bool, banner_expected: bool) -> CancelResult | None:
    """Why the order must not be cancelled now, or None when every check passes. Pure.

    `banner_expected`: the request was seen on Manage Orders, so its banner must still be there. A
    request seen only in Messages (the legacy channel) has no banner; for it, the proof is its thread in
    Amazon's request template (`automation/actions/proof.py`).
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


SUBMIT = "submit"
CHOOSE = "choose"


def reason_step(control: ReasonControl, proof: Proof | None) -> str | CancelResult:
    """What to do with the cancel form's reason: `submit` as it is (Amazon preselected and locked Buyer
    Canceled), `choose` Buyer Canceled (a request proven by its template thread: the form preselects
    nothing for those), or why the order is skipped. Pure.

    Without proof (a buyer's own words only) nothing is ever chosen: Buyer Canceled for an inquiry counts
    against the seller. A request Manage Orders showed must find the reason preselected and locked;
    anything else means Amazon no longer sees an official request.
    """
    if proof is None:
        return CancelResult(
            Outcome.SKIPPED,
            "no proof of an official request (banner, filter or template thread): the buyer's own words "
            "are not one, and Buyer Canceled for them would count against the Cancellation Rate",
        )
    shown = f"'{control.label or control.value or 'nothing'}'"
    if control.locked:
        if control.value == BUYER_CANCELED:
            return SUBMIT
        return CancelResult(Outcome.SKIPPED, f"the reason is locked to {shown}, not Buyer Canceled")
    if proof.kind is ProofKind.MANAGE_ORDERS:
        return CancelResult(
            Outcome.SKIPPED,
            f"the reason is {shown} (not locked), not a preselected Buyer Canceled: "
            "Amazon does not show an official request",
        )
    if BUYER_CANCELED not in control.options:
        return CancelResult(Outcome.SKIPPED, "the cancel form offers no Buyer Canceled reason")
    return CHOOSE


def scope_step(control: ScopeControl) -> str | CancelResult:
    """What to do with the page's choice of what to cancel: `submit` (no choice offered, as on US pages,
    or "Cancel entire order" already the only one selected), `choose` the entire order, or why the order
    is skipped: a page offering only "Cancel items" would cancel part of the order, which leaves the
    buyer's request open and is not what the buyer asked for. Pure."""
    if control.entire_offered:
        return SUBMIT if control.entire_selected and not control.items_selected else CHOOSE
    if control.items_offered:
        return CancelResult(
            Outcome.SKIPPED,
            'the cancel page offers only "Cancel items" (a partial cancellation) and no "Cancel entire '
            'order": nothing submitted; cancel the whole order by hand',
        )
    return SUBMIT


def entire_order_selected(control: ScopeControl) -> CancelResult | None:
    """None when the page now shows "Cancel entire order" selected and "Cancel items" not; otherwise
    why nothing is submitted. Pure."""
    if control.entire_selected and not control.items_selected:
        return None
    return CancelResult(
        Outcome.SKIPPED,
        'selecting "Cancel entire order" did not leave it selected (alone): nothing submitted, since '
        "the page could cancel only some items",
    )


def _choose_entire_order(form: CancelOrderPage) -> CancelResult | None:
    """Select "Cancel entire order" where the page offers the choice and check it took; None to go on."""
    step = scope_step(form.scope())
    if isinstance(step, CancelResult):
        return step
    if step == CHOOSE:
        try:
            form.choose_entire_order()
        except PlaywrightError as exc:
            logger.warning("could not select the entire order: {}", exc)
        return entire_order_selected(form.scope())
    return None


def _open_form(ctx: SourceContext, form: CancelOrderPage, order_id: str) -> str:
    """Open the cancel page, at its own URL where the selectors name it (opened again on a retry), else
    by clicking the order details page's "Cancel order"; return what it shows (`form`, `error`...)."""
    direct = bool(form.sel.url_path)
    if not direct:
        OrderDetailsPage(ctx.page, ctx.pages).start_cancel()

    def step(_attempt: int) -> str:
        if direct:
            form.open(order_id)
        return form.wait()

    return ctx.retrying(f"cancel page {order_id}", step)


def _verify_canceled(ctx: SourceContext, order_id: str) -> bool:
    """Re-read the order until it shows canceled (the confirmation toast is not trusted)."""
    for _ in range(VERIFY_READS):
        order = read_order(ctx, order_id)
        if order is not None and order.status is OrderStatus.CANCELED:
            return True
    return False


def cancel_order(
    ctx: SourceContext,
    ledger: Ledger,
    action: ActionRecord,
    *,
    proof: Proof | None,
    just_read: OrderView | None = None,
) -> CancelResult:
    """Carry out one approved cancel action and leave the ledger in its final (or unknown) state.

    `proof`: what makes the request Amazon's own (`official_proof`); None refuses before Submit.
    `just_read`: the order as this run read it moments ago (`OrderView`); the checks before run on it
    instead of a fresh read when it is still young enough. The check after Submit always reads."""
    order_id = action.order_id
    if just_read is not None and just_read.usable_for(order_id, time.monotonic()):
        order: Order | None = just_read.order
    else:
        order = read_order(ctx, order_id)
    verdict = check_before(
        order,
        official=proof is not None,
        banner_expected=proof is not None and proof.kind is ProofKind.MANAGE_ORDERS,
    )
    if verdict is not None:
        _finish(ledger, action, verdict)
        return verdict

    form = CancelOrderPage(ctx.page, ctx.pages)
    shown = _open_form(ctx, form, order_id)
    if shown == "error":
        result = CancelResult(Outcome.SKIPPED, f"Seller Central refuses: {form.error_text()}")
        _finish(ledger, action, result)
        return result
    step = reason_step(form.reason(), proof)
    if step == CHOOSE:
        form.choose_reason(BUYER_CANCELED)
        chosen = form.reason()
        if chosen.value != BUYER_CANCELED:
            left = chosen.label or chosen.value or "nothing"
            step = CancelResult(Outcome.SKIPPED, f"choosing Buyer Canceled left the reason at '{left}'")
    if not isinstance(step, CancelResult):
        step = _choose_entire_order(form) or step
    if isinstance(step, CancelResult):
        _finish(ledger, action, step)
        return step
    assert proof is not None  # reason_step refuses without one

    withdrawn = _go_in_flight(ledger, action, proof)
    if withdrawn is not None:
        return withdrawn
    logger.info("cancelling {} with the reason Buyer Canceled", order_id)
    result = _submit(ctx, form, order_id)
    _finish(ledger, action, result)
    return result


def _submit(ctx: SourceContext, form: CancelOrderPage, order_id: str) -> CancelResult:
    """Submit the filled form (its action committed in flight) and read what came of it."""
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
    return result


def _go_in_flight(ledger: Ledger, action: ActionRecord, proof: Proof) -> CancelResult | None:
    """Commit `in_flight` before Submit; None when done, else the result when a person said no while
    this run was on its way (the ledger put the action back to planned: nothing is submitted)."""
    try:
        ledger.transition(action.action_id, Outcome.IN_FLIGHT, reason=proof.describe())
    except ApprovalWithdrawnError as withdrawn:
        logger.warning("{}", withdrawn)
        return CancelResult(Outcome.PLANNED, str(withdrawn))
    return None


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
    if current is None or current.state != result.outcome:
        ledger.transition(action.action_id, result.outcome, reason=result.reason)
