"""What the sandbox serves and what was done to it: orders, threads and the records tests read.

Everything the agent does through the pages lands here and is reported by `GET /__sandbox/state`
(docs/interfaces.md): every submission of the cancel form, accepted or refused, every reply and every
"No response needed" mark, with real-clock UTC times. Mutations hold a lock, because tests may read
`SandboxServer.state` from their own thread while the server's thread serves the browser.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from automation.sandbox.clock import SandboxClock, iso_utc, real_utc_now
from automation.sandbox.i18n import Texts
from automation.sandbox.localfmt import LocalFormat
from automation.sandbox.orders_index import OrderEntry, OrderIndex
from automation.sandbox.scenario import CancelRequest, OrderStatus, Rollout, Scenario
from automation.sandbox.threads import (
    Thread,
    ThreadIndex,
    ThreadMessage,
    ThreadStatus,
    build_threads,
    legacy_request,
)

# The API codes in the order the internal order JSON lists them (ref §2.2).
CANCEL_REASONS = (
    "NoInventory",
    "BuyerCanceled",
    "GeneralAdjustment",
    "ShippingAddressUndeliverable",
    "CustomerExchange",
    "PricingError",
)
BUYER_CANCELED = "BuyerCanceled"


class CancelScope(StrEnum):
    """What a cancel form submission covers. Pages without the choice cancel the entire order; where the
    marketplace's page offers "Cancel entire order" or "Cancel items" (ref §12.3), the form says."""

    ENTIRE_ORDER = "entire_order"
    ITEMS = "items"


@dataclass(frozen=True)
class CancellationRecord:
    order_id: str
    reason: str
    accepted: bool
    at: datetime
    refusal: str | None = None
    scope: CancelScope | None = CancelScope.ENTIRE_ORDER
    """None: the page offered the choice and the submission made none."""


@dataclass(frozen=True)
class ReplyRecord:
    order_id: str | None
    thread_id: str
    text: str
    at: datetime


@dataclass(frozen=True)
class NoResponseRecord:
    order_id: str | None
    thread_id: str
    at: datetime


def cancel_refusal(entry: OrderEntry | None, reason: str) -> str | None:
    """Why Seller Central would refuse this submission (a `cancel.error_*` text key), or None.

    The checks run in the order a person would meet them: the order first, then the chosen reason.
    """
    if entry is None:
        return "not_found"
    checks = (
        (entry.status is OrderStatus.CANCELED, "canceled"),
        (entry.status is OrderStatus.SHIPPED, "shipped"),
        (not entry.cancellable, "not_cancellable"),
        (not reason, "no_reason"),
        (reason not in CANCEL_REASONS, "bad_reason"),
        (entry.reason_locked and reason != BUYER_CANCELED, "locked_reason"),
    )
    return next((key for failed, key in checks if failed), None)


def scope_refusal(entry: OrderEntry, scope: CancelScope | None, items: Sequence[str]) -> str | None:
    """Why a submission's choice of what to cancel is refused: none made, or items that are not the
    order's (an item is named by its ASIN, or its SKU when it has none)."""
    if scope is None:
        return "no_scope"
    if scope is CancelScope.ITEMS:
        own = {item.asin or item.sku for item in entry.order.items}
        if not items or not set(items) <= own:
            return "no_items"
    return None


class SandboxState:
    def __init__(
        self,
        scenario: Scenario,
        texts: Texts,
        fmt: LocalFormat,
        clock: SandboxClock,
        real_clock: Callable[[], datetime] = real_utc_now,
    ) -> None:
        self.scenario = scenario
        self.clock = clock
        self._texts = texts
        self._fmt = fmt
        self._real_clock = real_clock
        self._lock = threading.RLock()
        self.orders = OrderIndex(scenario)
        extra = [(m.order_id, m.buyer_name, m.subject, m.body, m.received_at) for m in scenario.messages]
        entries = [self.orders.entries[o.id] for o in scenario.orders]
        self.threads = ThreadIndex(build_threads(entries, extra, texts, fmt))
        self.cancellations: list[CancellationRecord] = []
        self.replies: list[ReplyRecord] = []
        self.no_response_needed: list[NoResponseRecord] = []
        self._refusals: dict[str, str] = {}

    def order(self, order_id: str) -> OrderEntry | None:
        return self.orders.entries.get(order_id)

    def thread(self, thread_id: str) -> Thread | None:
        return self.threads.threads.get(thread_id)

    def submit_cancellation(
        self,
        order_id: str,
        reason: str,
        *,
        refusal: str | None = None,
        scope: CancelScope | None = CancelScope.ENTIRE_ORDER,
        items: Sequence[str] = (),
    ) -> CancellationRecord:
        """Record one submission of the cancel form; accept it unless the order, reason or choice of
        what to cancel forbids it, or the caller already refused it (`refusal`, e.g. a bad token).

        An accepted entire-order submission cancels the order at once. An accepted partial one (`scope`
        items: the ASINs or SKUs in `items`) is recorded and leaves the order as it was: the sandbox does
        not model cancelled items, and an order with items cancelled is not a canceled order."""
        with self._lock:
            entry = self.order(order_id)
            why = refusal or self._refusals.pop(order_id, None) or cancel_refusal(entry, reason)
            if why is None and entry is not None:
                why = scope_refusal(entry, scope, items)
            if why is None and entry is not None and scope is CancelScope.ENTIRE_ORDER:
                entry.status = OrderStatus.CANCELED
                self.orders.changed()
            record = CancellationRecord(order_id, reason, why is None, self._real_clock(), why, scope)
            self.cancellations.append(record)
            return record

    def refuse_next_cancellation(self, order_id: str, refusal: str) -> None:
        """Refuse the next submission for this order with `refusal` (a `cancel.error_*` text key), once.

        Seller Central refuses for reasons the sandbox does not model (a reason it no longer allows for
        the order, a form it considers expired); a test uses this to have a submission the sandbox would
        accept refused the way the site answers one, the form shown again where the refusal allows it."""
        with self._lock:
            self._refusals[order_id] = refusal

    def set_status(self, order_id: str, status: OrderStatus) -> OrderEntry | None:
        with self._lock:
            entry = self.order(order_id)
            if entry is not None:
                entry.status = status
                self.orders.changed()
            return entry

    def raise_request(
        self, order_id: str, reason: str, channel: Rollout | None
    ) -> tuple[OrderEntry, Thread | None] | None:
        """A buyer asks to cancel now (scenario clock): the order gets the request a scenario would
        have given it, shown where `channel` (default: the scenario's rollout) says; in the messages
        channel it also gets its legacy template thread. None for an unknown order; `ValueError` when
        the order already has a request."""
        with self._lock:
            entry = self.order(order_id)
            if entry is None:
                return None
            if entry.request is not None:
                raise ValueError(f"order {order_id} already has a cancellation request")
            request = CancelRequest(reason=reason, requested_at=self.clock.now(), channel=channel)
            entry.order = entry.order.model_copy(update={"cancel_request": request})
            entry.channel = channel or self.scenario.rollout
            self.orders.changed()
            thread = None
            if entry.request_in_messages:
                subject, body = legacy_request(entry, self._texts, self._fmt)
                number = len(self.threads.threads) + 1
                message = ThreadMessage("buyer", entry.order.buyer_name, body, request.requested_at)
                thread = Thread(f"t-{number}", number, subject, entry.order.buyer_name, entry.id, [message])
                self.threads.threads[thread.id] = thread
                self.threads.changed()
            return entry, thread

    def reply(self, thread: Thread, text: str, seller_name: str) -> ReplyRecord:
        """The seller's reply joins the thread (at the sandbox clock's time) and leaves "Response needed"."""
        with self._lock:
            thread.messages.append(ThreadMessage("seller", seller_name, text, self.clock.now()))
            thread.status = ThreadStatus.REPLIED
            thread.search_text += "\n" + text.lower()
            self.threads.changed()
            record = ReplyRecord(thread.order_id, thread.id, text, self._real_clock())
            self.replies.append(record)
            return record

    def mark_no_response_needed(self, thread: Thread) -> NoResponseRecord:
        with self._lock:
            thread.status = ThreadStatus.NO_RESPONSE_NEEDED
            self.threads.changed()
            record = NoResponseRecord(thread.order_id, thread.id, self._real_clock())
            self.no_response_needed.append(record)
            return record

    def document(self) -> dict[str, Any]:
        """The `/__sandbox/state` document, exactly as docs/interfaces.md defines it."""
        with self._lock:
            return {
                "orders": {e.id: {"status": e.status.value} for e in self.orders.entries.values()},
                "cancellations": [
                    {
                        "order_id": c.order_id,
                        "reason": c.reason,
                        "accepted": c.accepted,
                        "at": iso_utc(c.at),
                        "scope": c.scope.value if c.scope is not None else None,
                    }
                    for c in self.cancellations
                ],
                "replies": [
                    {"order_id": r.order_id, "thread_id": r.thread_id, "text": r.text, "at": iso_utc(r.at)}
                    for r in self.replies
                ],
                "no_response_needed": [
                    {"order_id": n.order_id, "thread_id": n.thread_id, "at": iso_utc(n.at)}
                    for n in self.no_response_needed
                ],
            }
