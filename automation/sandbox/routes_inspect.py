"""Inspection for tests and tools: what was done, change an order mid-run, health. Never protected or
faulted, since a test must be able to read the truth however broken the pages are made."""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from automation.sandbox.clock import iso_utc
from automation.sandbox.context import context_of
from automation.sandbox.layout import NO_STORE
from automation.sandbox.scenario import OrderStatus, Rollout


async def state(request: Request) -> Response:
    return JSONResponse(context_of(request).state.document(), headers=NO_STORE)


async def health(request: Request) -> Response:
    return JSONResponse({"ok": True}, headers=NO_STORE)


def _usage() -> str:
    statuses = ", ".join(s.value for s in OrderStatus)
    channels = ", ".join(c.value for c in Rollout)
    return (
        f'send {{"status": ...}} with one of: {statuses}; and/or {{"cancel_request": {{"reason": "...", '
        f'"channel": ...}}}} with channel one of: {channels} (default: the scenario\'s rollout)'
    )


def _order_change(raw: bytes) -> tuple[OrderStatus | None, tuple[str, Rollout | None] | None]:
    """The new status and the request to raise (reason, channel) of a change; `ValueError` if bad."""
    body = json.loads(raw or b"{}")
    if not isinstance(body, dict) or not body or set(body) - {"status", "cancel_request"}:
        raise ValueError("unknown or missing fields")
    status = OrderStatus(body["status"]) if "status" in body else None
    request = None
    if "cancel_request" in body:
        wanted = body["cancel_request"]
        if not isinstance(wanted, dict) or set(wanted) - {"reason", "channel"}:
            raise ValueError("cancel_request takes reason and channel")
        reason = wanted.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            raise ValueError("cancel_request.reason must be a text")
        channel = wanted.get("channel")
        request = (reason, Rollout(channel) if channel is not None else None)
    return status, request


async def change_order(request: Request) -> Response:
    """Ship or cancel an order, or have its buyer ask to cancel it now, while an agent runs."""
    ctx = context_of(request)
    order_id = request.path_params["order_id"]
    try:
        status, raise_request = _order_change(await request.body())
    except (ValueError, TypeError):
        return JSONResponse({"error": _usage()}, status_code=400)
    if ctx.state.order(order_id) is None:
        return JSONResponse({"error": "no such order"}, status_code=404)
    emails: list[str] = []
    if raise_request is not None:
        try:
            raised = ctx.state.raise_request(order_id, *raise_request)
        except ValueError as exc:
            return JSONResponse({"error": str(exc)}, status_code=409)
        if raised is not None and ctx.mail is not None:
            written = ctx.mail.request_raised(*raised)
            emails = [f"{p.parent.name}/{p.name}" for p in written]
    entry = ctx.state.set_status(order_id, status) if status is not None else ctx.state.order(order_id)
    if entry is None:
        return JSONResponse({"error": "no such order"}, status_code=404)
    answer: dict[str, object] = {"order_id": entry.id, "status": entry.status.value}
    if entry.request is not None:
        answer["cancel_request"] = {
            "reason": entry.request.reason,
            "requested_at": iso_utc(entry.request.requested_at),
            "channel": entry.channel.value if entry.channel else None,
        }
    if ctx.mail is not None:
        answer["emails"] = emails
    return JSONResponse(answer, headers=NO_STORE)


ROUTES = [
    Route("/__sandbox/state", state, methods=["GET"]),
    Route("/__sandbox/health", health, methods=["GET"]),
    Route("/__sandbox/orders/{order_id}", change_order, methods=["POST"]),
]
