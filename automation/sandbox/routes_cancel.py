"""The cancel page (ref §2, §12.3): six reasons, Submit. Locked to Buyer Canceled for a request Manage
Orders shows; a request that came only as a legacy template thread leaves the reason to the seller. Where
the marketplace offers it (JP, NL), the seller first chooses "Cancel entire order" or "Cancel items" (then
which items and how many).

Served at Amazon's own URL `/orders-v3/order/<id>/cancel-order` (the link in its e-mails), where the
order details page and classic's Manage Orders go, and at the sandbox's older `/cancel`; the form posts
back to the URL it was opened at.

Every POST is recorded in the state, accepted or refused. An accepted one cancels the order at once and
only then waits `cancel_confirm_delay_s` before answering: the order is already canceled while the
browser still waits, which is exactly the case an agent must not answer with a second submission.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from automation.sandbox.context import SandboxContext
from automation.sandbox.guard import protected_page, read_form
from automation.sandbox.layout import screen
from automation.sandbox.orders_index import OrderEntry
from automation.sandbox.sessions import Session
from automation.sandbox.state import BUYER_CANCELED, CANCEL_REASONS, CancelScope, cancel_refusal

CSRF_FIELD = "anti-csrftoken-a2z"
SCOPE_FIELD = "cancelScope"
# The form's values for the two choices, and the prefixes of an item's checkbox and quantity fields.
SCOPE_VALUES = {"entireOrder": CancelScope.ENTIRE_ORDER, "items": CancelScope.ITEMS}
ITEM_FIELD = "cancelItem."
QUANTITY_FIELD = "cancelQuantity."
# Refusals that leave the form usable (the person can correct the choice and submit again).
_FORM_STAYS = {"no_reason", "bad_reason", "locked_reason", "token", "no_scope", "no_items"}


@dataclass(frozen=True)
class _Item:
    """One line of the "Cancel items" choice: named by its ASIN (its SKU when it has none)."""

    key: str
    title: str
    asin: str
    quantity: int


@dataclass(frozen=True)
class _Form:
    """The cancel form as `cancel.html` shows it: locked to Buyer Canceled for a request Manage Orders
    shows, open otherwise."""

    order_id: str
    csrf_token: str
    locked: bool
    path_tail: str = "cancel"
    """The last part of the page's URL, where the form posts back: `cancel`, or Amazon's `cancel-order`."""
    csrf_field: str = CSRF_FIELD
    reasons: tuple[str, ...] = tuple(CANCEL_REASONS)
    locked_to: str = BUYER_CANCELED
    items: tuple[_Item, ...] | None = None
    """The order's items when the page offers "Cancel entire order" or "Cancel items"; None: no choice."""
    scope_field: str = SCOPE_FIELD
    item_field: str = ITEM_FIELD
    quantity_field: str = QUANTITY_FIELD


def _form(ctx: SandboxContext, session: Session, entry: OrderEntry, request: Request) -> _Form:
    tail = request.url.path.rsplit("/", 1)[-1]
    items = None
    if ctx.marketplace.partial_cancel:
        items = tuple(
            _Item(item.asin or item.sku, item.title, item.asin or "", item.quantity)
            for item in entry.order.items
        )
    return _Form(entry.id, ctx.sessions.csrf_token(session), entry.reason_locked, path_tail=tail, items=items)


def _scope(ctx: SandboxContext, form: dict[str, str]) -> tuple[CancelScope | None, tuple[str, ...]]:
    """What the submission asks to cancel, and the items ticked for "Cancel items". A page without the
    choice always cancels the entire order; with it, a submission that chose nothing has no scope."""
    if not ctx.marketplace.partial_cancel:
        return CancelScope.ENTIRE_ORDER, ()
    scope = SCOPE_VALUES.get(form.get(SCOPE_FIELD, ""))
    items = tuple(name.removeprefix(ITEM_FIELD) for name in form if name.startswith(ITEM_FIELD))
    return scope, items


def _page(
    ctx: SandboxContext,
    session: Session,
    order_id: str,
    *,
    refusal: str | None = None,
    form: _Form | None = None,
    confirmed: bool = False,
) -> Response:
    error = ctx.texts(f"cancel.error_{refusal}") if refusal else None
    title = ctx.texts("cancel.title")
    return screen(
        ctx,
        session,
        "cancel.html",
        title=title,
        order_id=order_id,
        error=error,
        form=form,
        confirmed=confirmed,
    )


@protected_page
async def cancel_get(request: Request, ctx: SandboxContext, session: Session) -> Response:
    order_id = request.path_params["order_id"]
    entry = ctx.state.order(order_id)
    refusal = cancel_refusal(entry, BUYER_CANCELED)
    if entry is None or refusal is not None:
        return _page(ctx, session, order_id, refusal=refusal or "not_found")
    return _page(ctx, session, order_id, form=_form(ctx, session, entry, request))


@protected_page
async def cancel_post(request: Request, ctx: SandboxContext, session: Session) -> Response:
    order_id = request.path_params["order_id"]
    form = await read_form(request)
    token_ok = ctx.sessions.csrf_ok(session, form.get(CSRF_FIELD))
    scope, items = _scope(ctx, form)
    refusal = None if token_ok else "token"
    reason = form.get("cancelReason", "")
    record = ctx.state.submit_cancellation(order_id, reason, refusal=refusal, scope=scope, items=items)
    if not record.accepted:
        entry = ctx.state.order(order_id)
        refusal = record.refusal or "not_found"
        again = _form(ctx, session, entry, request) if entry is not None and refusal in _FORM_STAYS else None
        return _page(ctx, session, order_id, refusal=refusal, form=again)
    delay = ctx.scenario.faults.cancel_confirm_delay_s
    if delay:
        await asyncio.sleep(delay)
    return _page(ctx, session, order_id, confirmed=True)


# Amazon's own URL (ref §12.3) first; the sandbox's older one still answers, for links and tools made
# before Amazon's was known.
ROUTES = [
    Route("/orders-v3/order/{order_id}/cancel-order", cancel_get, methods=["GET"]),
    Route("/orders-v3/order/{order_id}/cancel-order", cancel_post, methods=["POST"]),
    Route("/orders-v3/order/{order_id}/cancel", cancel_get, methods=["GET"]),
    Route("/orders-v3/order/{order_id}/cancel", cancel_post, methods=["POST"]),
]
