"""Inspection for tests and tools: what was done, change an order mid-run, health. Never protected or
faulted, since a test must be able to read the truth however broken the pages are made."""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from automation.sandbox.context import context_of
from automation.sandbox.layout import NO_STORE
from automation.sandbox.scenario import OrderStatus


async def state(request: Request) -> Response:
    return JSONResponse(context_of(request).state.document(), headers=NO_STORE)


async def health(request: Request) -> Response:
    return JSONResponse({"ok": True}, headers=NO_STORE)


async def change_order(request: Request) -> Response:
    ctx = context_of(request)
    try:
        body = json.loads(await request.body() or b"{}")
        status = OrderStatus(body["status"])
    except (ValueError, KeyError, TypeError):
        allowed = ", ".join(s.value for s in OrderStatus)
        return JSONResponse({"error": f'send {{"status": ...}} with one of: {allowed}'}, status_code=400)
    entry = ctx.state.set_status(request.path_params["order_id"], status)
    if entry is None:
        return JSONResponse({"error": "no such order"}, status_code=404)
    return JSONResponse({"order_id": entry.id, "status": entry.status.value}, headers=NO_STORE)


ROUTES = [
    Route("/__sandbox/state", state, methods=["GET"]),
    Route("/__sandbox/health", health, methods=["GET"]),
    Route("/__sandbox/orders/{order_id}", change_order, methods=["POST"]),
]
