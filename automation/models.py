"""The records that flow through a run: orders, threads, cancellation requests, decisions, actions.

Everything here is frozen plain data with no browser access: page objects produce strings, parsers turn
them into these records, and the rules engine, ledger and reports consume them.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from pydantic import Field

from automation.strict_model import StrictModel


class Record(StrictModel):
    """Base for frozen records; unknown fields are a bug, so they are refused."""


class Channel(StrEnum):
    """Where a request was seen. `email`: an e-mail named it and a Seller Central page confirmed it."""

    MANAGE_ORDERS = "manage_orders"
    MESSAGES = "messages"
    EMAIL = "email"


class RequestKind(StrEnum):
    """`official`: Amazon's own buyer request (banner, filter, legacy template): cancelling it with
    Buyer Canceled spares the seller's Cancellation Rate. `inquiry`: the buyer's own words asking to
    cancel; never to be cancelled automatically with the reason Buyer Canceled."""

    OFFICIAL = "official"
    INQUIRY = "inquiry"


class OrderStatus(StrEnum):
    PENDING = "pending"
    UNSHIPPED = "unshipped"
    SHIPPED = "shipped"
    CANCELED = "canceled"


class Fulfillment(StrEnum):
    """`mfn`: merchant fulfilled (the seller ships; cancellable). `afn`: fulfilled by Amazon."""

    MFN = "mfn"
    AFN = "afn"


class OrderItem(Record):
    sku: str
    asin: str | None = None
    title: str | None = None
    quantity: int = 1
    price: Decimal | None = None
    """Unit price in the marketplace currency; the order's total is the sum of price times quantity."""

    @property
    def subtotal(self) -> Decimal | None:
        return None if self.price is None else self.price * self.quantity


def items_total(items: tuple[OrderItem, ...]) -> Decimal | None:
    """Sum of price times quantity; None when there are no items or a price is unknown (a rule on the
    total then never matches, rather than matching a made-up zero)."""
    subtotals = [item.subtotal for item in items]
    if not subtotals or any(s is None for s in subtotals):
        return None
    return sum((s for s in subtotals if s is not None), Decimal(0))


class Order(Record):
    """An order as read from Manage Orders or the order details page."""

    order_id: str
    status: OrderStatus | None = None
    fulfillment: Fulfillment | None = None
    purchased_at: datetime | None = None
    ship_by: date | None = None
    buyer_name: str | None = None
    items: tuple[OrderItem, ...] = ()
    request_reason: str | None = None
    """The buyer's reason when Manage Orders shows a buyer-request banner on the order."""
    requested_at: datetime | None = None
    has_request_banner: bool = False
    cancellable: bool | None = None
    """True when the page offers "Cancel order"; None when it was not looked at."""

    @property
    def total(self) -> Decimal | None:
        return items_total(self.items)


class MessageThread(Record):
    """A Buyer-Seller Messages thread as listed in the inbox (and, when opened, its text)."""

    thread_id: str
    subject: str
    buyer_name: str | None = None
    order_id: str | None = None
    received_at: datetime | None = None
    snippet: str = ""
    body: str | None = None
    """The whole buyer message; None unless the thread was opened."""


class Sighting(Record):
    """One place a request was seen: the provenance that the seller's metrics depend on."""

    channel: Channel
    kind: RequestKind
    detail: str
    """What exactly was seen: `banner`, `filter`, `template`, `buyer_message`."""
    thread_id: str | None = None
    reason: str | None = None
    requested_at: datetime | None = None


class CancellationRequest(Record):
    """One pending request per order, merged over every channel it was seen in."""

    order_id: str
    kind: RequestKind
    sources: tuple[Channel, ...]
    reason: str | None = None
    requested_at: datetime | None = None
    order_status: OrderStatus | None = None
    fulfillment: Fulfillment | None = None
    marketplace: str | None = None
    buyer_name: str | None = None
    items: tuple[OrderItem, ...] = ()
    ship_by: date | None = None
    """The order's ship-by date where seen: Amazon cancels unshipped orders 7 days after it."""
    thread_ids: tuple[str, ...] = ()
    sightings: tuple[Sighting, ...] = Field(default=(), repr=False)

    @property
    def total(self) -> Decimal | None:
        return items_total(self.items)


class ScanStats(Record):
    orders_seen: int = 0
    threads_seen: int = 0
    pages_visited: int = 0
    seconds: float = 0.0
    emails_seen: int | None = None
    """E-mails read from the mailbox in this scan; None without a mailbox or when it could not be read."""


class DecisionKind(StrEnum):
    CANCEL = "cancel"
    HOLD = "hold"
    IGNORE = "ignore"
    REPLY = "reply"


class Approval(StrEnum):
    """`auto`: a rule approves; `manual`: a person approved; `pending`: waits for a person;
    `rejected`: a person said no."""

    AUTO = "auto"
    MANUAL = "manual"
    PENDING = "pending"
    REJECTED = "rejected"


class Decision(Record):
    """What the rules say should happen to one request."""

    order_id: str
    decision: DecisionKind
    rule: str | None
    """The matching rule's name; None when the file's default applied."""
    approve: str | None = None
    """`auto` or `manual` as the rule says; None for hold and ignore."""
    explanation: str = ""


class Outcome(StrEnum):
    """The one vocabulary of what became of an action, and of a request in a run.

    An action in the ledger lives planned -> approved -> in_flight -> done | skipped | failed, with
    `unknown` when the agent lost sight of it after Submit (settled on a later run by reading, never by
    acting again). A request's outcome in `run` is its action's state, or `planned` while it waits (for
    approval, `--execute`, a limit or the STOP switch). The values are what the ledger stores and
    `run --json` prints.
    """

    PLANNED = "planned"
    APPROVED = "approved"
    IN_FLIGHT = "in_flight"
    DONE = "done"
    SKIPPED = "skipped"
    FAILED = "failed"
    UNKNOWN = "unknown"

    @property
    def settled(self) -> bool:
        """Final in the ledger: no state follows, and nothing is ever tried again on its strength."""
        return self in (Outcome.DONE, Outcome.SKIPPED, Outcome.FAILED)

    @property
    def ended(self) -> bool:
        """An attempt's result (settled, or lost sight of): what reports count as done or failed."""
        return self.settled or self is Outcome.UNKNOWN
