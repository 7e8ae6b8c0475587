"""Manage Orders in the `classic` layout: the same orders and filters as the single-page screen, rendered
on the server. Tabs, filter, page size and pages are links or GET forms, so every change loads a new
document. Only the order JSON stays, for the order details page both layouts share; the list pages
fetch nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from automation.sandbox import order_json
from automation.sandbox.context import SandboxContext
from automation.sandbox.guard import protected_page
from automation.sandbox.layout import screen
from automation.sandbox.orders_index import SEARCH_TYPES, SORTS, OrderQuery
from automation.sandbox.routes_orders import PAGE_SIZES, TABS, order_api, order_details_page
from automation.sandbox.scenario import Fulfillment, OrderStatus
from automation.sandbox.sessions import Session


@dataclass(frozen=True)
class View:
    """What one classic Manage Orders document shows; `href` makes the link to a variant of it."""

    path: str
    tab: str | None
    q: str
    qt: str
    page: int
    page_size: int
    sort: str
    brc: bool

    def params(self, **changes: object) -> list[tuple[str, str]]:
        values = {"page": self.page, "pageSize": self.page_size, "sort": self.sort, "brc": self.brc}
        values.update(changes)
        pairs: list[tuple[str, str]] = []
        if self.tab is None:
            pairs += [("q", self.q), ("qt", self.qt)]
        pairs.append(("page", str(values["page"])))
        if values["pageSize"] != PAGE_SIZES[0]:
            pairs.append(("pageSize", str(values["pageSize"])))
        if values["sort"] != "order_date_desc":
            pairs.append(("sort", str(values["sort"])))
        if values["brc"]:
            pairs.append(("brc", "1"))
        return pairs

    def href(self, **changes: object) -> str:
        return f"{self.path}?{urlencode(self.params(**changes))}"


def _number(raw: str | None, default: int) -> int:
    try:
        return int(raw) if raw else default
    except ValueError:
        return default


def _view(request: Request, tab: str | None) -> View:
    """Unknown or malformed parameters fall back to the defaults, as the single-page screen does."""
    params = request.query_params
    size = _number(params.get("pageSize"), PAGE_SIZES[0])
    sort = params.get("sort") or "order_date_desc"
    qt = params.get("qt") or "orderid"
    return View(
        path=request.url.path,
        tab=tab,
        q=params.get("q", "") if tab is None else "",
        qt=qt if qt in SEARCH_TYPES else "orderid",
        page=max(1, _number(params.get("page"), 1)),
        page_size=size if size in PAGE_SIZES else PAGE_SIZES[0],
        sort=sort if sort in SORTS else "order_date_desc",
        brc=params.get("brc") == "1",
    )


def _query(view: View) -> OrderQuery:
    if view.tab is not None:
        status = OrderStatus(view.tab)
        return OrderQuery(status, Fulfillment.MFN, buyer_requested_cancel=view.brc, sort=view.sort)
    return OrderQuery(buyer_requested_cancel=view.brc, q=view.q, qt=view.qt, sort=view.sort)


@dataclass(frozen=True)
class Pager:
    previous: str | None
    next: str | None
    numbers: list[tuple[int | None, str | None]]
    """(page, link) pairs; the current page has no link, a gap is (None, None)."""


def _pager(view: View, pages: int) -> Pager:
    current = view.page
    shown = sorted({1, pages, *(p for p in range(current - 2, current + 3) if 1 <= p <= pages)})
    numbers: list[tuple[int | None, str | None]] = []
    previous = 0
    for page in shown:
        if page - previous > 1:
            numbers.append((None, None))
        numbers.append((page, None if page == current else view.href(page=page)))
        previous = page
    return Pager(
        previous=view.href(page=current - 1) if current > 1 else None,
        next=view.href(page=current + 1) if current < pages else None,
        numbers=numbers,
    )


def _page(request: Request, ctx: SandboxContext, session: Session, tab: str | None) -> Response:
    view = _view(request, tab)
    query = _query(view)
    total = ctx.state.orders.search(query, 0, 0)[1]
    pages = max(1, -(-total // view.page_size))
    if view.page > pages:
        view = View(**{**view.__dict__, "page": pages})
    entries, _ = ctx.state.orders.search(query, (view.page - 1) * view.page_size, view.page_size)
    now = ctx.clock.now()
    counts = ctx.state.orders.tab_counts()
    labels = {
        "pending": ctx.texts("orders.tab_pending", n=counts["pending"]),
        "unshipped": ctx.texts("orders.tab_unshipped", n=counts["unshipped"]),
        "canceled": ctx.texts("orders.tab_canceled"),
        "shipped": ctx.texts("orders.tab_shipped"),
    }
    tabs = [{"label": labels[t], "href": f"/orders-v3/mfn/{t}", "current": t == tab} for t in TABS]
    sizes = [
        {"value": size, "current": size == view.page_size, "href": view.href(pageSize=size, page=1)}
        for size in PAGE_SIZES
    ]
    keep = [(k, v) for k, v in view.params(page=1, brc=False) if k != "page"]
    heading = ctx.texts("orders.heading" if tab is not None else "orders.search_heading")
    return screen(
        ctx,
        session,
        "classic/orders.html",
        title=ctx.texts("orders.title"),
        scripts=("classic.js",),
        heading=heading,
        tabs=tabs,
        q=view.q,
        qt=view.qt,
        brc=view.brc,
        filter_action=view.path,
        filter_keep=keep,
        count=ctx.texts.count("orders.count", total),
        sizes=sizes,
        orders=[order_json.summary(e, ctx.fmt, now) for e in entries],
        changed_layout=ctx.scenario.faults.changed_layout,
        pager=_pager(view, pages),
    )


@protected_page
async def orders_root(request: Request, ctx: SandboxContext, session: Session) -> Response:
    return _page(request, ctx, session, "unshipped")


@protected_page
async def orders_tab(request: Request, ctx: SandboxContext, session: Session) -> Response:
    tab = request.path_params["tab"]
    if tab not in TABS:
        return Response("Not found", status_code=404, media_type="text/plain")
    return _page(request, ctx, session, tab)


@protected_page
async def orders_search(request: Request, ctx: SandboxContext, session: Session) -> Response:
    return _page(request, ctx, session, None)


ROUTES = [
    Route("/orders-v3", orders_root, methods=["GET"]),
    Route("/orders-v3/search", orders_search, methods=["GET"]),
    Route("/orders-v3/mfn/{tab}", orders_tab, methods=["GET"]),
    Route("/orders-v3/order/{order_id}", order_details_page, methods=["GET"]),
    Route("/orders-api/order/{order_id}", order_api, methods=["GET"]),
]
