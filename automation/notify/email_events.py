"""Which notifications the e-mail channel of a finished run calls for. Pure, like `run_events`: a
report in, events out.

E-mail subjects carry buyer names, so no event ever quotes one: order ids, counts and why are enough to
look the e-mail up. Unconfirmed e-mails are re-listed by every scan while within `since_days`; only the
ones read for the first time in this run are announced.
"""

from __future__ import annotations

from automation.notify.event import Event, EventKind, Level, id_list, plural
from automation.report.model import RunReport

WHY = {
    "no_request_on_page": "no request on the order's page",
    "order_not_found": "order not found in Seller Central",
    "sender_not_allowed": "from a sender outside mailbox.senders, a likely spoof",
}


def _hint(report: RunReport) -> str:
    return f"Details: `sc-cancel report {report.run_id} --open`."


def email_unconfirmed(report: RunReport) -> Event | None:
    """New e-mails naming a request that no Seller Central page confirmed: never acted on, so a person
    looks at those orders (or at the spoof)."""
    new = [u for u in report.unconfirmed if u.new]
    if not new:
        return None
    parts = []
    for why, words in WHY.items():
        ids = sorted(u.order_id or "no order id" for u in new if u.why == why)
        if ids:
            parts.append(f"{len(ids)} {words}: {id_list(ids)}")
    others = [u for u in new if u.why not in WHY]
    if others:
        parts.append(f"{len(others)} other: {id_list(sorted(u.order_id or '?' for u in others))}")
    account = report.account
    body = (
        f"Account {account}: {plural(len(new), 'new e-mail')} named a cancellation request that no Seller "
        f"Central page confirms ({'; '.join(parts)}). Nothing is cancelled for them; look at these orders "
        f"in Seller Central, and at the e-mails in the mailbox. {_hint(report)}"
    )
    return Event(
        kind=EventKind.EMAIL_UNCONFIRMED,
        account=account,
        title=f"sc-cancel {account}: {plural(len(new), 'unconfirmed e-mail')}",
        body=body,
        level=Level.WARNING,
        order_ids=tuple(sorted({u.order_id for u in new if u.order_id})),
        # New-ness is the de-duplication here; e-mails naming no order are told once, by their run.
        topic=None if any(u.order_id for u in new) else report.run_id,
    )


def email_missing(report: RunReport) -> Event | None:
    """Requests the pages show with no e-mail from Amazon after `notice_grace`: a mail filter may be
    moving or deleting Amazon's notices."""
    ids = sorted({oid for w in report.warnings if w.kind == "notices_missing" for oid in w.order_ids})
    if not ids:
        return None
    account = report.account
    return Event(
        kind=EventKind.EMAIL_MISSING,
        account=account,
        title=f"sc-cancel {account}: {plural(len(ids), 'request')} with no e-mail from Amazon",
        body=(
            f"Account {account}: Seller Central shows {plural(len(ids), 'request')} with no e-mail from "
            f"Amazon after mailbox.notice_grace: {id_list(ids)}. Check that no mail filter moves or deletes "
            f"Amazon's notices, and the mailbox's folders and senders settings. {_hint(report)}"
        ),
        level=Level.WARNING,
        order_ids=tuple(ids),
    )


def mailbox_failing(report: RunReport) -> Event | None:
    """The mailbox could not be read (down, login refused, a folder missing): the e-mail channel is
    blind until it is fixed. De-duplicated per account, whatever the message says."""
    problems = [w.message for w in report.warnings if w.kind == "mailbox_failing"]
    if not problems:
        return None
    account = report.account
    return Event(
        kind=EventKind.MAILBOX_FAILING,
        account=account,
        title=f"sc-cancel {account}: the mailbox could not be read",
        body=f"Account {account}: " + " ".join(problems) + f" {_hint(report)}",
        level=Level.FAILURE,
    )


def email_events(report: RunReport) -> list[Event]:
    events = [mailbox_failing(report), email_unconfirmed(report), email_missing(report)]
    return [event for event in events if event is not None]
