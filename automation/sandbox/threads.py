"""Buyer-Seller Messages threads: Amazon's legacy request template and the scenario's own messages.

Official requests in the `messages` channel become threads in the legacy template of the scenario's
locale (the way they reached sellers before May 2022); the scenario's `messages` are served verbatim,
decoys and inquiries included. Thread ids `t-1`, `t-2`... follow that order, so they are stable for a
scenario. The list is sorted by last message and cached per folder until a thread changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from automation.sandbox.i18n import Texts
from automation.sandbox.localfmt import LocalFormat
from automation.sandbox.orders_index import OrderEntry

FOLDERS = ("all", "responseNeeded", "sent", "resolved", "search")
_CACHE_LIMIT = 128


class ThreadStatus(StrEnum):
    RESPONSE_NEEDED = "responseNeeded"
    REPLIED = "replied"
    NO_RESPONSE_NEEDED = "noResponseNeeded"


@dataclass(frozen=True)
class ThreadMessage:
    sender: str  # "buyer" or "seller"
    sender_name: str
    body: str
    at: datetime


@dataclass
class Thread:
    id: str
    number: int
    subject: str
    buyer_name: str
    order_id: str | None
    messages: list[ThreadMessage]
    status: ThreadStatus = ThreadStatus.RESPONSE_NEEDED
    search_text: str = field(default="", repr=False)

    def __post_init__(self) -> None:
        parts = [self.subject, self.buyer_name, self.order_id or "", *(m.body for m in self.messages)]
        self.search_text = "\n".join(parts).lower()

    @property
    def last_at(self) -> datetime:
        return max(m.at for m in self.messages)

    @property
    def latest_buyer_message(self) -> ThreadMessage | None:
        buyer = [m for m in self.messages if m.sender == "buyer"]
        return max(buyer, key=lambda m: m.at) if buyer else None

    @property
    def has_seller_message(self) -> bool:
        return any(m.sender == "seller" for m in self.messages)


def legacy_request(entry: OrderEntry, texts: Texts, fmt: LocalFormat) -> tuple[str, str]:
    """Subject and body of Amazon's old cancellation-request message for an order's request."""
    request = entry.request
    assert request is not None
    buyer, order_id = entry.order.buyer_name, entry.id
    subject = texts("template.subject", buyer=buyer, order_id=order_id)
    body = texts(
        "template.body",
        order_id=order_id,
        reason=request.reason,
        requested_at=fmt.date_time(request.requested_at),
        buyer=buyer,
    )
    return subject, body


def build_threads(
    entries: list[OrderEntry],
    messages: list[tuple[str | None, str, str, str, datetime]],
    texts: Texts,
    fmt: LocalFormat,
) -> list[Thread]:
    """Template threads for requests in the messages channel, then `messages` (order id, buyer,
    subject, body, received) as written."""
    threads: list[Thread] = []
    for entry in entries:
        if entry.request is None or not entry.request_in_messages:
            continue
        subject, body = legacy_request(entry, texts, fmt)
        message = ThreadMessage("buyer", entry.order.buyer_name, body, entry.request.requested_at)
        number = len(threads) + 1
        threads.append(Thread(f"t-{number}", number, subject, entry.order.buyer_name, entry.id, [message]))
    for order_id, buyer, subject, body, received in messages:
        number = len(threads) + 1
        message = ThreadMessage("buyer", buyer, body, received)
        threads.append(Thread(f"t-{number}", number, subject, buyer, order_id, [message]))
    return threads


def in_folder(thread: Thread, folder: str, needle: str) -> bool:
    if folder == "responseNeeded":
        return thread.status is ThreadStatus.RESPONSE_NEEDED
    if folder == "sent":
        return thread.has_seller_message
    if folder == "resolved":
        return thread.status is not ThreadStatus.RESPONSE_NEEDED
    if folder == "search":
        return bool(needle) and needle in thread.search_text
    return True


class ThreadIndex:
    def __init__(self, threads: list[Thread]) -> None:
        self.threads: dict[str, Thread] = {t.id: t for t in threads}
        self._newest_first: list[Thread] | None = None
        self._cache: dict[tuple[str, str], list[Thread]] = {}

    def changed(self) -> None:
        self._newest_first = None
        self._cache.clear()

    def _sorted(self) -> list[Thread]:
        if self._newest_first is None:
            self._newest_first = sorted(
                self.threads.values(), key=lambda t: (t.last_at, t.number), reverse=True
            )
        return self._newest_first

    def list(self, folder: str, q: str, offset: int, limit: int) -> tuple[list[Thread], int]:
        needle = q.strip().lower()
        key = (folder, needle)
        matching = self._cache.get(key)
        if matching is None:
            matching = [t for t in self._sorted() if in_folder(t, folder, needle)]
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
            self._cache[key] = matching
        return matching[offset : offset + limit], len(matching)

    def counts(self) -> dict[str, int]:
        return {
            folder: self.list(folder, "", 0, 0)[1] for folder in ("all", "responseNeeded", "sent", "resolved")
        }
