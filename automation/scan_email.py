"""The e-mail channel in a scan: every e-mail that names a request is checked against Seller Central.

Anyone can send an e-mail, so an e-mail alone never makes a request actionable. For each order an
allowed e-mail names that the pages did not show as requested, the scan opens the order's details page
(at most `LOOKUPS_PER_SCAN` a scan; the rest wait, with a warning): Amazon's banner there confirms the
request, listed with `email` among its sources (Seller Central's reason and time, never the e-mail's);
otherwise the e-mail is `unconfirmed` and nothing is ever done for it. An e-mail from a sender that is
not allowed is a spoof: listed, never looked up, never a source. Requests the pages showed get `email`
when an allowed e-mail names them, now or in an earlier scan (the ledger remembers every e-mail read).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from loguru import logger

from automation.ledger.mailbox import EmailSighting
from automation.models import CancellationRequest, Channel, Order, RequestKind, Sighting
from automation.parsers.email_texts import load_email_texts
from automation.sources.email import EmailNotice, MailboxRead, MailboxWarning, read_mailbox
from automation.sources.merge import is_pending, merge_requests
from automation.targets import Target

if TYPE_CHECKING:
    from automation.ledger import Ledger
    from automation.parsers.locale_texts import LocaleTexts

LOOKUPS_PER_SCAN = 50
"""Order details pages opened per scan for e-mails; the rest wait for the next scan."""

Lookup = Callable[[str], "tuple[int, Order] | None"]
"""An order's details page read in one of the account's marketplaces: (its index, the order), or None
when no marketplace knows the order."""


@dataclass(frozen=True)
class Unconfirmed:
    """An e-mail that named a request no Seller Central page confirmed in this scan."""

    order_id: str | None
    received_at: datetime
    subject: str
    why: str
    """`no_request_on_page`, `order_not_found` or `sender_not_allowed`."""
    new: bool = False
    """Read for the first time in this scan: what a notification announces (a later scan re-lists it)."""

    def as_json(self) -> dict[str, Any]:
        from automation.output import iso

        return {
            "order_id": self.order_id,
            "received_at": iso(self.received_at),
            "subject": self.subject,
            "why": self.why,
        }

    def as_report(self) -> dict[str, Any]:
        """The run report's entry: no subject (it carries the buyer's name, and the report outlives
        the buyer data retention), whether it is new."""
        return {"order_id": self.order_id, "received_at": self.received_at, "why": self.why, "new": self.new}


@dataclass
class EmailCheck:
    """What the e-mail channel added to a scan."""

    read: MailboxRead | None
    unconfirmed: list[Unconfirmed] = field(default_factory=list)
    warnings: list[MailboxWarning] = field(default_factory=list)
    first_seen: set[str] = field(default_factory=set)
    """Keys of the e-mails read for the first time in this scan (what notifications announce)."""

    @property
    def emails_seen(self) -> int | None:
        return None if self.read is None else self.read.emails_seen


def read_emails(
    target: Target, ledger: Ledger, selectors_dir: Path, texts: Mapping[str, LocaleTexts], now: datetime
) -> MailboxRead | None:
    """The account's new e-mails, or None when it has no mailbox; a mailbox problem is a warning."""
    if target.mailbox is None:
        return None
    emails = load_email_texts(selectors_dir)
    return read_mailbox(target.mailbox, ledger, target.key, emails=emails, texts=texts, now=now)


def sighting_of(notice: EmailNotice) -> EmailSighting:
    key = notice.message_id or f"{notice.folder}/{notice.uid}/{notice.received_at.isoformat()}"
    return EmailSighting(
        key=key,
        order_id=notice.order_id,
        received_at=notice.received_at,
        subject=notice.subject,
        kind=notice.kind,
        sender_allowed=notice.sender_allowed,
    )


def _names(request: CancellationRequest, email: EmailSighting) -> bool:
    """Whether an allowed e-mail names this request: an official one by any e-mail, a buyer's inquiry
    only by a forwarded buyer message (Amazon's notice does not make an inquiry official)."""
    return (
        email.sender_allowed
        and email.order_id == request.order_id
        and (request.kind is RequestKind.OFFICIAL or email.kind == "inquiry")
    )


def _with_email(request: CancellationRequest) -> CancellationRequest:
    if Channel.EMAIL in request.sources:
        return request
    seen = Sighting(channel=Channel.EMAIL, kind=request.kind, detail="notice")
    return request.model_copy(
        update={
            "sources": tuple(sorted({*request.sources, Channel.EMAIL}, key=str)),
            "sightings": (*request.sightings, seen),
        }
    )


def confirmed_request(order: Order, marketplace: str | None) -> CancellationRequest | None:
    """The request Amazon's banner on the order's details page confirms, with `email` as a source."""
    if not order.has_request_banner or not is_pending(order):
        return None
    banner = Sighting(
        channel=Channel.MANAGE_ORDERS,
        kind=RequestKind.OFFICIAL,
        detail="banner",
        reason=order.request_reason,
        requested_at=order.requested_at,
    )
    email = Sighting(channel=Channel.EMAIL, kind=RequestKind.OFFICIAL, detail="notice")
    merged = merge_requests(
        [(order.order_id, banner), (order.order_id, email)], {order.order_id: order}, marketplace=marketplace
    )
    return merged[0] if merged else None


def check_emails(
    markets: Sequence[list[CancellationRequest]],
    marketplaces: Sequence[str | None],
    *,
    ledger: Ledger,
    target: Target,
    read: MailboxRead | None,
    lookup: Lookup,
    now: datetime,
    run_id: str | None,
    only: Collection[str] | None = None,
) -> EmailCheck:
    """Check the e-mails against the pages' requests of each marketplace (`markets`, changed in place:
    `email` added, e-mail-confirmed requests appended), and say which stay unconfirmed. With `only` (a
    targeted run), just the e-mails naming those orders are checked; the rest wait for a full scan."""
    check = EmailCheck(read)
    if target.mailbox is None:
        return check
    if read is not None:
        check.warnings.extend(read.warnings)
        fresh = [sighting_of(n) for n in read.notices]
        check.first_seen = ledger.remember_emails(target.key, fresh, run_id=run_id)
    shown = {r.order_id: r for requests in markets for r in requests}
    since = now - timedelta(days=target.mailbox.since_days)
    pending = [e for e in ledger.open_emails(target.key, since=since) if only is None or e.order_id in only]
    settled: list[EmailSighting] = []
    wanted: list[str] = []
    for email in pending:
        if not email.sender_allowed:
            check.unconfirmed.append(_unconfirmed(email, "sender_not_allowed", check.first_seen))
        elif email.order_id is None:
            continue
        elif email.order_id in shown and _names(shown[email.order_id], email):
            settled.append(replace(email, state="confirmed", why=None))
        elif email.order_id not in wanted:
            wanted.append(email.order_id)
    if len(wanted) > LOOKUPS_PER_SCAN:
        check.warnings.append(
            MailboxWarning(
                f"{len(wanted)} orders named by e-mails need a look at their page; {LOOKUPS_PER_SCAN} were "
                f"looked up in this scan, the other {len(wanted) - LOOKUPS_PER_SCAN} wait for the next scan",
                kind="lookups_deferred",
                order_ids=tuple(wanted[LOOKUPS_PER_SCAN:]),
            )
        )
    verdicts = {oid: _look_up(oid, lookup, markets, marketplaces) for oid in wanted[:LOOKUPS_PER_SCAN]}
    for email in pending:
        if not email.sender_allowed or email.order_id not in verdicts:
            continue
        state, why = verdicts[email.order_id]
        if state == "confirmed" and email.order_id in shown and not _names(shown[email.order_id], email):
            state, why = "pending", "no_request_on_page"
        settled.append(replace(email, state=state, why=why))  # type: ignore[arg-type]
        if why is not None:
            check.unconfirmed.append(_unconfirmed(email, why, check.first_seen))
    ledger.settle_emails(target.key, settled)
    _add_email_source(markets, ledger, target)
    check.unconfirmed.sort(key=lambda u: (u.order_id or "", u.received_at))
    return check


def _look_up(
    order_id: str,
    lookup: Lookup,
    markets: Sequence[list[CancellationRequest]],
    marketplaces: Sequence[str | None],
) -> tuple[str, str | None]:
    """(state, why) of the e-mails naming `order_id`, from its details page."""
    found = lookup(order_id)
    if found is None:
        return "pending", "order_not_found"
    index, order = found
    if not is_pending(order):
        return "closed", None  # canceled or fulfilled by Amazon: not listed, not checked again
    request = confirmed_request(order, marketplaces[index])
    if request is None:
        return "pending", "no_request_on_page"
    requests = markets[index]
    if all(r.order_id != order_id for r in requests):
        requests.append(request)
        requests.sort(key=lambda r: r.order_id)
    logger.info("order {}: an e-mail named a request its details page confirms", order_id)
    return "confirmed", None


def _add_email_source(markets: Sequence[list[CancellationRequest]], ledger: Ledger, target: Target) -> None:
    ids = {r.order_id for requests in markets for r in requests}
    emails = ledger.emails_naming(target.key, ids)
    for requests in markets:
        for i, request in enumerate(requests):
            if any(_names(request, e) for e in emails):
                requests[i] = _with_email(request)


def _unconfirmed(email: EmailSighting, why: str, first_seen: set[str]) -> Unconfirmed:
    return Unconfirmed(email.order_id, email.received_at, email.subject, why, new=email.key in first_seen)


def missing_notices(
    requests: Sequence[CancellationRequest],
    ledger: Ledger,
    target: Target,
    *,
    now: datetime,
    site_now: datetime,
) -> list[str]:
    """Official requests raised longer than `notice_grace` ago with no e-mail naming them. Amazon e-mails
    the notice when the buyer asks, so the age is Seller Central's request time by the site's clock
    (`site_now`), and a request already that old warns in the first scan that shows it; with no request
    time on the pages, it is how long the ledger has known the request, by this machine's clock (`now`).
    A request older than `since_days` is left out: its notice predates what the mailbox is read for."""
    if target.mailbox is None:
        return []
    late = []
    for request in requests:
        if request.kind is not RequestKind.OFFICIAL or Channel.EMAIL in request.sources:
            continue
        if request.requested_at is not None:
            age = site_now - request.requested_at
            if age > timedelta(days=target.mailbox.since_days):
                continue  # its notice came before the window the mailbox is read from
        elif (seen := ledger.seen_request(target.key, request.order_id)) is not None:
            age = now - seen.first_seen
        else:
            continue
        if age >= target.mailbox.notice_grace:
            late.append(request.order_id)
    return late


def missing_warning(order_ids: Sequence[str], target: Target) -> MailboxWarning | None:
    if not order_ids or target.mailbox is None:
        return None
    shown = ", ".join(order_ids[:10]) + (f" and {len(order_ids) - 10} more" if len(order_ids) > 10 else "")
    return MailboxWarning(
        f"{len(order_ids)} requests shown by Seller Central have had no e-mail from Amazon for longer than "
        f"{target.mailbox.setting}.notice_grace: {shown}; check that no mail filter moves or deletes "
        f"Amazon's notices, and {target.mailbox.setting}.folders and .senders",
        kind="notices_missing",
        order_ids=tuple(order_ids),
    )
