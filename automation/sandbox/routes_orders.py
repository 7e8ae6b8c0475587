"""Manage Orders (ref §1): the tab and search shells, the order details shell and their JSON.

The pages are shells; `myo.js` and `order.js` render them from `/orders-api/*`, as the real single-page
app does. Each JSON request costs O(page size): the index keeps sort orders and filter results.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from automation.sandbox import order_json
from automation.sandbox.context import SandboxContext
from automation.sandbox.guard import protected_json, protected_page
from automation.sandbox.layout import NO_STORE, esc, shell
from automation.sandbox.orders_index import SEARCH_TYPES, SORTS, OrderQuery
from automation.sandbox.scenario import Fulfillment, OrderStatus
from automation.sandbox.sessions import Session

TABS = ("pending", "unshipped", "canceled", "shipped")
PAGE_SIZES = (15, 25, 50, 100)
MAX_LIMIT = 250
_MYO_TEXTS = ("orders", "banner", "statuses", "common")


class BadQueryError(ValueError):
    """A JSON query parameter the endpoint does not understand: answered 400, never guessed."""


def _myo_shell(ctx: SandboxContext, session: Session, view: dict[str, str]) -> Response:
    data = {
        "texts": ctx.texts.sections(*_MYO_TEXTS),
        "view": view,
        "changedLayout": ctx.scenario.faults.changed_layout,
        "pageSizes": list(PAGE_SIZES),
        "sorts": list(SORTS),
    }
    root = '<div id="myo-layout"><div id="MYO-app">{spinner}</div></div>'
    return shell(ctx, session, title=ctx.texts("orders.title"), root=root, script="myo.js", data=data)


@protected_page
async def orders_root(request: Request, ctx: SandboxContext, session: Session) -> Response:
    return _myo_shell(ctx, session, {"kind": "tab", "tab": "unshipped"})


@protected_page
async def orders_tab(request: Request, ctx: SandboxContext, session: Session) -> Response:
    tab = request.path_params["tab"]
    if tab not in TABS:
        return Response("Not found", status_code=404, media_type="text/plain")
    return _myo_shell(ctx, session, {"kind": "tab", "tab": tab})


@protected_page
async def orders_search_page(request: Request, ctx: SandboxContext, session: Session) -> Response:
    params = request.query_params
    qt = params.get("qt", "orderid")
    view = {"kind": "search", "q": params.get("q", ""), "qt": qt if qt in SEARCH_TYPES else "orderid"}
    return _myo_shell(ctx, session, view)


@protected_page
async def order_details_page(request: Request, ctx: SandboxContext, session: Session) -> Response:
    order_id = request.path_params["order_id"]
    data = {"texts": ctx.texts.sections("details", "banner", "statuses", "common"), "orderId": order_id}
    root = f'<div id="myo-layout"><div id="MYO-app" data-order-id="{esc(order_id)}">{{spinner}}</div></div>'
    return shell(ctx, session, title=ctx.texts("details.title"), root=root, script="order.js", data=data)


def _int(params: dict[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = params.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadQueryError(f"{name} must be a whole number") from None
    if not low <= value <= high:
        raise BadQueryError(f"{name} must be between {low} and {high}")
    return value


def parse_search(params: dict[str, str]) -> tuple[OrderQuery, int, int]:
    """The query, offset and limit of `/orders-api/search`; anything unknown raises `BadQueryError`."""
    limit = _int(params, "limit", PAGE_SIZES[0], 1, MAX_LIMIT)
    offset = _int(params, "offset", 0, 0, 10**9)
    sort = params.get("sort") or "order_date_desc"
    if sort not in SORTS:
        raise BadQueryError(f"sort must be one of {', '.join(SORTS)}")
    status_raw = (params.get("orderStatus") or "all").lower()
    if status_raw not in (*TABS, "all"):
        raise BadQueryError("orderStatus must be pending, unshipped, shipped, canceled or all")
    fulfillment_raw = (params.get("fulfillmentType") or "all").lower().replace("fba", "afn")
    if fulfillment_raw not in ("mfn", "afn", "all"):
        raise BadQueryError("fulfillmentType must be mfn, afn or all")
    qt = params.get("qt") or None
    if qt is not None and qt not in SEARCH_TYPES:
        raise BadQueryError(f"qt must be one of {', '.join(SEARCH_TYPES)}")
    query = OrderQuery(
        status=None if status_raw == "all" else OrderStatus(status_raw),
        fulfillment=None if fulfillment_raw == "all" else Fulfillment(fulfillment_raw),
        buyer_requested_cancel=params.get("buyerRequestedCancel", "").lower() == "true",
        q=params.get("q", ""),
        qt=qt,
        sort=sort,
    )
    return query, offset, limit


@protected_json
async def search_api(request: Request, ctx: SandboxContext, session: Session) -> Response:
    try:
        query, offset, limit = parse_search(dict(request.query_params))
    except BadQueryError as exc:
        return JSONResponse({"error": str(exc)}, status_code=400, headers=NO_STORE)
    page, total = ctx.state.orders.search(query, offset, limit)
    now = ctx.clock.now()
    body = {
        "orders": [order_json.summary(e, ctx.fmt, now) for e in page],
        "total": total,
        "counts": ctx.state.orders.tab_counts(),
    }
    return JSONResponse(body, headers=NO_STORE)


@protected_json
async def order_api(request: Request, ctx: SandboxContext, session: Session) -> Response:
    entry = ctx.state.order(request.path_params["order_id"])
    if entry is None:
        return JSONResponse({"order": None, "reason": "not_found"}, status_code=404, headers=NO_STORE)
    return JSONResponse({"order": order_json.detail(entry, ctx.fmt, ctx.clock.now())}, headers=NO_STORE)


ROUTES = [
    Route("/orders-v3", orders_root, methods=["GET"]),
    Route("/orders-v3/search", orders_search_page, methods=["GET"]),
    Route("/orders-v3/mfn/{tab}", orders_tab, methods=["GET"]),
    Route("/orders-v3/order/{order_id}", order_details_page, methods=["GET"]),
    Route("/orders-api/search", search_api, methods=["GET"]),
    Route("/orders-api/order/{order_id}", order_api, methods=["GET"]),
]
