"""The orders a sandbox serves, with precomputed sort orders and cached filter results.

A browser scan of 2,000 orders pages through the same filter many times; each page must cost the
server O(page size), not a sort of everything. Sort orders never change (dates are fixed), so they are
computed once; a filter's result list is cached until an order's status changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from automation.sandbox.scenario import CancelRequest, Fulfillment, Order, OrderStatus, Rollout, Scenario

SORTS = ("order_date_desc", "order_date_asc", "ship_by_asc", "ship_by_desc")
SEARCH_TYPES = ("orderid", "sku", "asin")
DEFAULT_SHIP_DAYS = 2
_CACHE_LIMIT = 256


@dataclass
class OrderEntry:
    """One order as served: the scenario's record plus its current status (which the sandbox changes)."""

    order: Order
    status: OrderStatus
    channel: Rollout | None

    @property
    def id(self) -> str:
        return self.order.id

    @property
    def request(self) -> CancelRequest | None:
        return self.order.cancel_request

    @property
    def request_on_manage_orders(self) -> bool:
        return self.channel in (Rollout.MANAGE_ORDERS, Rollout.BOTH)

    @property
    def request_in_messages(self) -> bool:
        return self.channel in (Rollout.MESSAGES, Rollout.BOTH)

    @property
    def reason_locked(self) -> bool:
        """The cancel form preselects Buyer Canceled and locks it where Amazon shows the request on
        Manage Orders (ref §2.1); for a request that came only as a legacy template thread the seller
        picks the reason, as the older help pages describe."""
        return self.request is not None and self.request_on_manage_orders

    @property
    def shows_banner(self) -> bool:
        """The Manage Orders banner and filter: an official request there, on an order not canceled."""
        return self.request_on_manage_orders and self.status is not OrderStatus.CANCELED

    @property
    def ship_by(self) -> date:
        return self.order.ship_by or (self.order.purchased_at + timedelta(days=DEFAULT_SHIP_DAYS)).date()

    @property
    def is_mfn(self) -> bool:
        return self.order.fulfillment is Fulfillment.MFN

    @property
    def cancellable(self) -> bool:
        """Seller Central offers "Cancel order" on unshipped merchant-fulfilled orders only (ref §1.2)."""
        return self.is_mfn and self.status is OrderStatus.UNSHIPPED


@dataclass(frozen=True)
class OrderQuery:
    status: OrderStatus | None = None
    fulfillment: Fulfillment | None = None
    buyer_requested_cancel: bool = False
    q: str = ""
    qt: str | None = None
    sort: str = "order_date_desc"


def _ship_by_ts(entry: OrderEntry) -> float:
    return datetime.combine(entry.ship_by, time(), UTC).timestamp()


def _matches_text(entry: OrderEntry, needle: str, qt: str | None) -> bool:
    if not needle:
        return True
    if qt in (None, "orderid") and needle in entry.id:
        return True
    items = entry.order.items
    if qt in (None, "sku") and any(needle in item.sku.lower() for item in items):
        return True
    return qt in (None, "asin") and any(needle in (item.asin or "").lower() for item in items)


class OrderIndex:
    def __init__(self, scenario: Scenario) -> None:
        self.entries: dict[str, OrderEntry] = {
            o.id: OrderEntry(order=o, status=o.status, channel=scenario.channel_of(o))
            for o in scenario.orders
        }
        everything = list(self.entries.values())
        by_date = sorted(everything, key=lambda e: (e.order.purchased_at, e.id))
        by_ship = sorted(everything, key=lambda e: (_ship_by_ts(e), e.order.purchased_at, e.id))
        self._sorted: dict[str, list[OrderEntry]] = {
            "order_date_asc": by_date,
            "order_date_desc": by_date[::-1],
            "ship_by_asc": by_ship,
            "ship_by_desc": by_ship[::-1],
        }
        self._cache: dict[OrderQuery, list[OrderEntry]] = {}
        self._counts: dict[str, int] | None = None

    def changed(self) -> None:
        """An order's status changed: every cached filter result may be wrong now."""
        self._cache.clear()
        self._counts = None

    def _matching(self, query: OrderQuery) -> list[OrderEntry]:
        cached = self._cache.get(query)
        if cached is not None:
            return cached
        needle = query.q.strip().lower()
        result = [
            e
            for e in self._sorted[query.sort]
            if (query.status is None or e.status is query.status)
            and (query.fulfillment is None or e.order.fulfillment is query.fulfillment)
            and (not query.buyer_requested_cancel or e.shows_banner)
            and _matches_text(e, needle, query.qt)
        ]
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[query] = result
        return result

    def search(self, query: OrderQuery, offset: int, limit: int) -> tuple[list[OrderEntry], int]:
        matching = self._matching(query)
        return matching[offset : offset + limit], len(matching)

    def tab_counts(self) -> dict[str, int]:
        """Merchant-fulfilled orders per status, for the tab labels ("Unshipped (12)")."""
        if self._counts is None:
            counts = {status.value: 0 for status in OrderStatus}
            for entry in self.entries.values():
                if entry.is_mfn:
                    counts[entry.status.value] += 1
            self._counts = counts
        return self._counts
