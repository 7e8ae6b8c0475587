"""Reading one account's requests: both page channels of each marketplace, merged into one request per
order (the e-mail channel checks its e-mails against them: `automation.scan_email`).

`scan_market` reads Manage Orders and Messages through an account's browser and merges what they show;
`merge_markets` joins the marketplaces of an account. Recording in the ledger and the run's bookkeeping
belong to `automation.account_run`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from loguru import logger

from automation.browser.account import AccountBrowser
from automation.ledger import Ledger, ThreadMark
from automation.models import CancellationRequest, Order, ScanStats
from automation.redact import RunValues
from automation.scan_email import Unconfirmed
from automation.sources import manage_orders as mo_source
from automation.sources import messages as msg_source
from automation.sources.email import MailboxWarning
from automation.sources.merge import merge_requests
from automation.targets import Target


@dataclass
class ScanResult:
    """One account's scan: every pending request, which are new, and the figures of the scan."""

    target: Target
    run_id: str
    scanned_at: datetime
    requests: list[CancellationRequest]
    new: set[str]
    stats: ScanStats
    run_folder: Path
    unconfirmed: list[Unconfirmed] = field(default_factory=list)
    """E-mails naming a request no Seller Central page confirmed (never acted on)."""
    warnings: list[MailboxWarning] = field(default_factory=list)
    """Top-level `{channel, message}` warnings: a mailbox that could not be read, notices missing."""


@dataclass
class MarketScan:
    """One marketplace's share of a scan, with the browser that read it (and acts on it)."""

    browser: AccountBrowser
    requests: list[CancellationRequest]
    orders_seen: int
    threads_seen: int
    marks: list[ThreadMark]

    def share(self, result: ScanResult) -> ScanResult:
        """The part of an account's scan that belongs to this marketplace."""
        mine = {r.order_id for r in self.requests}
        return replace(result, requests=[r for r in result.requests if r.order_id in mine])


def scan_market(browser: AccountBrowser, ledger: Ledger, target: Target, hidden: RunValues) -> MarketScan:
    """Read both channels of one marketplace and merge them into one request per order.

    Buyer names are registered in `hidden`, the run's own redaction values, as soon as they are known."""
    ctx = browser.source_context()
    marks_key = browser.marks_key
    mo = mo_source.read_requests(ctx)
    msgs = msg_source.read_requests(
        ctx,
        ledger.thread_marks(marks_key),
        knows_details=lambda oid: (
            oid in mo.sightings
            and mo.sightings[oid].reason is not None
            and mo.sightings[oid].requested_at is not None
        ),
    )
    message_order_ids = {oid for oid, _ in msgs.sightings}
    cached: dict[str, Order] = {}
    for oid in message_order_ids - set(mo.orders):
        remembered = ledger.cached_order(target.key, oid, browser.rt.order_lookup_ttl)
        if remembered is not None:
            cached[oid] = remembered
    looked_up = mo_source.look_up_orders(ctx, mo, message_order_ids - set(cached))
    for order in looked_up.values():
        ledger.cache_order(target.key, order)
    orders = {**cached, **looked_up, **mo.orders}
    sightings = [*mo.sightings.items(), *msgs.sightings]
    requests = merge_requests(sightings, orders, marketplace=browser.market.marketplace)
    for request in requests:
        if request.buyer_name:
            hidden.add(request.buyer_name, "buyer")
    logger.debug(
        "{}: manage_orders {} requests (filter {}), messages {} sightings, {} lookups",
        browser.market.marketplace or browser.pages.base_url,
        len(mo.sightings),
        "used" if mo.filter_used else "absent",
        len(msgs.sightings),
        len(looked_up),
    )
    return MarketScan(browser, requests, len(mo.orders), msgs.threads_listed, msgs.marks)


def merge_markets(scans: list[MarketScan]) -> list[CancellationRequest]:
    """All marketplaces' requests; an order id belongs to one marketplace (the first that showed it)."""
    merged: dict[str, CancellationRequest] = {}
    for scan in scans:
        for request in scan.requests:
            if request.order_id in merged:
                logger.warning("order {} shows in two marketplaces; kept the first", request.order_id)
                continue
            merged[request.order_id] = request
    return [merged[oid] for oid in sorted(merged)]
