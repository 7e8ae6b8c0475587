"""The Manage Orders channel: official requests shown by the banner and the "Buyer Requested Cancel" filter.

Reads the Unshipped and Pending tabs with the filter where the page offers it (and the banner on every
row in any case), at the largest page size, every page. It also looks orders up for the Messages channel,
whose requests need the order's status: by opening each order when few, by reading whole tabs when many.
Each page is its own retry step: after an error or a new sign-in the view is reloaded (it keeps its
state in the URL) and checked to be the expected page before reading on.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from loguru import logger

from automation.errors import SiteFailingError
from automation.models import Channel, Order, RequestKind, Sighting
from automation.pages.manage_orders import ManageOrdersPage
from automation.pages.order_details import OrderDetailsPage
from automation.parsers.manage_orders import parse_manage_orders_row
from automation.parsers.order_details import parse_order_details
from automation.sources.context import SourceContext

LOOKUPS_PER_PAGE = 2
"""Opening one order costs about half as much as reading a page of 100 rows; past this many lookups per
page of the tab, reading the whole tab is cheaper."""


@dataclass
class ManageOrdersReading:
    orders: dict[str, Order] = field(default_factory=dict)
    sightings: dict[str, Sighting] = field(default_factory=dict)
    filter_used: bool = False
    fully_read_tabs: set[str] = field(default_factory=set)
    tab_totals: dict[str, int] = field(default_factory=dict)

    def add(self, order: Order, *, filtered: bool) -> None:
        self.orders[order.order_id] = order
        if order.has_request_banner or filtered:
            self.sightings[order.order_id] = Sighting(
                channel=Channel.MANAGE_ORDERS,
                kind=RequestKind.OFFICIAL,
                detail="banner" if order.has_request_banner else "filter",
                reason=order.request_reason,
                requested_at=order.requested_at,
            )


class _ViewLost(Exception):  # noqa: N818 - a signal, not an error for the user
    """The reloaded view is not the page we were on (its state was not kept): read the tab again."""


def _open_view(
    ctx: SourceContext, mo: ManageOrdersPage, reading: ManageOrdersReading, tab: str, use_filter: bool
) -> bool:
    """Open a tab, tick the filter if asked and offered, choose the largest page size.

    Each of the three is its own retry step, because each reloads the table: with one step for all
    three, a site failing one request in three failed most tries and gave up on a healthy view (seen
    with the sandbox's `error_share: 0.3`, 2026-11-26). A retried step goes back to the view (which
    keeps its state in the URL) and does only what is still missing.
    """
    label = f"manage_orders {tab}"
    ctx.retrying(label, lambda _a: mo.open(tab))
    total = mo.total()
    if total is not None:
        reading.tab_totals[tab] = total

    def back_to_view(attempt: int) -> None:
        # Its own retry step: a try of the action then costs the action's one request, not two.
        if attempt:
            ctx.retrying(f"{label} reload", lambda _a: mo.reload_view(tab))

    def tick_filter(attempt: int) -> bool:
        back_to_view(attempt)
        if mo.filter_is_applied():
            return True
        if not mo.has_filter():
            return False
        mo.apply_buyer_requested_cancel_filter()
        return True

    def largest_page_size(attempt: int) -> None:
        back_to_view(attempt)
        mo.set_largest_page_size()

    filtered = use_filter and ctx.retrying(f"{label} filter", tick_filter)
    ctx.retrying(f"{label} page size", largest_page_size)
    if filtered and not mo.filter_is_applied():
        raise _ViewLost("the filter was lost while choosing the page size")
    return filtered


def _resume(ctx: SourceContext, mo: ManageOrdersPage, tab: str, page_no: int, filtered: bool) -> None:
    """After a failure on page `page_no`: reload and make sure the view is that page of the same list."""
    ctx.retrying(f"manage_orders {tab} reload", lambda _a: mo.reload_view(tab))
    if filtered and not mo.filter_is_applied():
        raise _ViewLost("the filter was lost")
    current = mo.current_page_number() or 1
    if current == page_no - 1:
        mo.next_page()
    elif current != page_no:
        raise _ViewLost(f"expected page {page_no}, the site shows page {current}")


def _read_tab(
    ctx: SourceContext,
    mo: ManageOrdersPage,
    reading: ManageOrdersReading,
    tab: str,
    use_filter: bool,
    *,
    filter_only: bool = False,
) -> None:
    label = f"manage_orders {tab}{'' if use_filter else ' (all rows)'}"
    for _restart in range(3):
        try:
            filtered = _open_view(ctx, mo, reading, tab, use_filter)
        except _ViewLost as exc:
            logger.warning("{}: {}; opening the tab again", label, exc)
            continue
        reading.filter_used |= filtered
        if filter_only and not filtered:
            logger.debug("{}: no Buyer Requested Cancel filter here; tab skipped", label)
            return
        page_no = 1
        try:
            while True:
                rows = mo.read_rows()
                for raw in rows:
                    reading.add(ctx.parse(parse_manage_orders_row, raw), filtered=filtered)
                logger.debug("{} page {}: {} rows", label, page_no, len(rows))
                ctx.list_step()

                def step(attempt: int, page_no: int = page_no, filtered: bool = filtered) -> bool:
                    if attempt == 0:
                        return mo.next_page()
                    _resume(ctx, mo, tab, page_no + 1, filtered)
                    return True

                if not ctx.retrying(f"{label} page {page_no + 1}", step):
                    break
                page_no += 1
        except _ViewLost as exc:
            logger.warning("{}: {}; reading the tab again", label, exc)
            continue
        if not filtered:
            reading.fully_read_tabs.add(tab)
        return
    raise SiteFailingError(f"{label}: could not read the tab to the end")


def read_requests(
    ctx: SourceContext,
    tabs: Iterable[str] = ("unshipped", "pending"),
    filter_only_tabs: Iterable[str] = ("shipped",),
) -> ManageOrdersReading:
    """Every official request Manage Orders shows, with the orders it was read from.

    The Shipped tab is read only through the filter: a request on a shipped order is too late to act
    on but worth listing, and a store's whole shipping history is far too long to read row by row.
    """
    reading = ManageOrdersReading()
    mo = ManageOrdersPage(ctx.page, ctx.pages)
    for tab in tabs:
        _read_tab(ctx, mo, reading, tab, use_filter=True)
    for tab in filter_only_tabs:
        _read_tab(ctx, mo, reading, tab, use_filter=True, filter_only=True)
    return reading


def _lookup_one(ctx: SourceContext, order_id: str) -> Order | None:
    details = OrderDetailsPage(ctx.page, ctx.pages)
    if details.open(order_id) == "not_found":
        return None
    return ctx.parse(parse_order_details, details.read())


def look_up_orders(
    ctx: SourceContext, reading: ManageOrdersReading, order_ids: Iterable[str]
) -> dict[str, Order]:
    """The orders the Messages channel's requests need, by the cheaper of lookups and a full read."""
    wanted = sorted(set(order_ids) - set(reading.orders))
    found: dict[str, Order] = {}
    if not wanted:
        return found
    pages_needed = math.ceil(reading.tab_totals.get("unshipped", 0) / 100) + 1
    if "unshipped" not in reading.fully_read_tabs and len(wanted) > LOOKUPS_PER_PAGE * pages_needed:
        logger.debug("reading whole tabs ({} pages) rather than opening {} orders", pages_needed, len(wanted))
        mo = ManageOrdersPage(ctx.page, ctx.pages)
        for tab in ("unshipped", "pending"):
            _read_tab(ctx, mo, reading, tab, use_filter=False)
        found.update({oid: reading.orders[oid] for oid in wanted if oid in reading.orders})
        wanted = [oid for oid in wanted if oid not in reading.orders]
    for order_id in wanted:

        def lookup(_attempt: int, order_id: str = order_id) -> Order | None:
            return _lookup_one(ctx, order_id)

        order = ctx.retrying(f"order {order_id}", lookup)
        if order is not None:
            found[order_id] = order
    return found
