"""The cancel page (ref §2): six reasons, Submit. Locked to Buyer Canceled for a request Manage Orders
shows; a request that came only as a legacy template thread leaves the reason to the seller.

Every POST is recorded in the state, accepted or refused. An accepted one cancels the order at once and
only then waits `cancel_confirm_delay_s` before answering: the order is already canceled while the
browser still waits, which is exactly the case an agent must not answer with a second submission.
"""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from automation.sandbox.context import SandboxContext
from automation.sandbox.guard import protected_page, read_form
from automation.sandbox.layout import document, esc, html, top_nav
from automation.sandbox.orders_index import OrderEntry
from automation.sandbox.sessions import Session
from automation.sandbox.state import BUYER_CANCELED, CANCEL_REASONS, cancel_refusal

CSRF_FIELD = "anti-csrftoken-a2z"
# Refusals that leave the form usable (the person can correct the choice and submit again).
_FORM_STAYS = {"no_reason", "bad_reason", "locked_reason", "token"}


def _form(ctx: SandboxContext, session: Session, entry: OrderEntry) -> str:
    t = ctx.texts
    locked = entry.reason_locked
    options = [
        f'<option value=""{"" if locked else " selected"}>{esc(t("cancel.reason_placeholder"))}</option>'
    ]
    for code in CANCEL_REASONS:
        selected = " selected" if locked and code == BUYER_CANCELED else ""
        options.append(f'<option value="{code}"{selected}>{esc(t(f"reasons.{code}"))}</option>')
    lock = (
        f'<input type="hidden" name="cancelReason" value="{BUYER_CANCELED}">'
        f'<div id="cancel-reason-locked" class="a-alert a-alert-info">{esc(t("cancel.locked_note"))}</div>'
        if locked
        else ""
    )
    return (
        f'<form id="cancel-order-form" method="post" action="/orders-v3/order/{esc(entry.id)}/cancel">'
        f'<input type="hidden" name="{CSRF_FIELD}" value="{esc(ctx.sessions.csrf_token(session))}">'
        f'<label for="cancel-reason">{esc(t("cancel.reason_label"))}</label>'
        f'<select id="cancel-reason" name="cancelReason"{" disabled" if locked else ""}>'
        f"{''.join(options)}</select>"
        f'{lock}<div class="cancel-actions"><button id="cancel-order-submit" class="a-button-primary" '
        f'type="submit">{esc(t("cancel.submit"))}</button></div></form>'
    )


def _page(ctx: SandboxContext, session: Session, order_id: str, inner: str) -> Response:
    t = ctx.texts
    body = (
        f'{top_nav(ctx, session)}<main id="cancel-order-page" class="sc-main">'
        f"<h1>{esc(t('cancel.heading'))}</h1>"
        f'<div class="cancel-order-id">{esc(t("cancel.order_id"))}: '
        f'<span data-test-id="cancel-order-id">{esc(order_id)}</span></div>{inner}'
        f'<p class="cancel-links"><a href="/orders-v3/order/{esc(order_id)}">'
        f"{esc(t('cancel.back_to_order'))}</a>"
        f' · <a href="/orders-v3">{esc(t("cancel.back_to_orders"))}</a></p></main>'
    )
    return html(document(ctx, t("cancel.title"), body, scripts=("sc.js",)))


def _error(ctx: SandboxContext, refusal: str) -> str:
    message = ctx.texts(f"cancel.error_{refusal}")
    return f'<div id="cancel-error" class="a-alert a-alert-error" role="alert">{esc(message)}</div>'


@protected_page
async def cancel_get(request: Request, ctx: SandboxContext, session: Session) -> Response:
    order_id = request.path_params["order_id"]
    entry = ctx.state.order(order_id)
    refusal = cancel_refusal(entry, BUYER_CANCELED)
    if entry is None or refusal is not None:
        return _page(ctx, session, order_id, _error(ctx, refusal or "not_found"))
    return _page(ctx, session, order_id, _form(ctx, session, entry))


@protected_page
async def cancel_post(request: Request, ctx: SandboxContext, session: Session) -> Response:
    order_id = request.path_params["order_id"]
    form = await read_form(request)
    token_ok = ctx.sessions.csrf_ok(session, form.get(CSRF_FIELD))
    record = ctx.state.submit_cancellation(
        order_id, form.get("cancelReason", ""), refusal=None if token_ok else "token"
    )
    if not record.accepted:
        entry = ctx.state.order(order_id)
        refusal = record.refusal or "not_found"
        form_html = _form(ctx, session, entry) if entry is not None and refusal in _FORM_STAYS else ""
        return _page(ctx, session, order_id, _error(ctx, refusal) + form_html)
    delay = ctx.scenario.faults.cancel_confirm_delay_s
    if delay:
        await asyncio.sleep(delay)
    confirmation = (
        '<div data-test-id="cancel-confirmation" class="a-alert a-alert-success" role="status">'
        f"{esc(ctx.texts('cancel.confirmation'))}</div>"
    )
    return _page(ctx, session, order_id, confirmation)


ROUTES = [
    Route("/orders-v3/order/{order_id}/cancel", cancel_get, methods=["GET"]),
    Route("/orders-v3/order/{order_id}/cancel", cancel_post, methods=["POST"]),
]
