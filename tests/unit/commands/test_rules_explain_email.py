"""`rules explain` shows the e-mails that named a request: kind and time received, never the subject."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from automation.commands.rules import email_lines
from automation.ledger.mailbox import EmailSighting
from automation.models import CancellationRequest, Channel, RequestKind

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
BUYER = "Ottoline Brackenbury-Sze"


def email(order_id: str, kind: str, minutes_ago: int, *, allowed: bool = True) -> EmailSighting:
    return EmailSighting(
        key=f"<{order_id}-{kind}-{minutes_ago}@amazon.com>",
        order_id=order_id,
        received_at=NOW - timedelta(minutes=minutes_ago),
        subject=f"Order cancellation request from Amazon customer {BUYER} (Order: {order_id})",
        kind=kind,
        sender_allowed=allowed,
    )


def request(order_id: str, kind: RequestKind) -> CancellationRequest:
    return CancellationRequest(order_id=order_id, kind=kind, sources=(Channel.EMAIL, Channel.MANAGE_ORDERS))


def test_the_emails_naming_a_request_oldest_first_without_subject() -> None:
    emails = [
        email("113-0000001-0000001", "inquiry", 5),
        email("113-0000001-0000001", "request", 30),
        email("113-0000001-0000001", "request", 1, allowed=False),  # a spoof names nothing
        email("113-0000002-0000002", "request", 2),
    ]
    lines = email_lines(request("113-0000001-0000001", RequestKind.OFFICIAL), emails)
    assert lines == [
        "e-mail: named by Amazon's notice received 2026-11-26T11:30:00Z",
        "e-mail: named by a forwarded buyer message received 2026-11-26T11:55:00Z",
    ]
    assert BUYER not in " ".join(lines)


def test_an_inquiry_is_named_only_by_a_forwarded_buyer_message() -> None:
    emails = [email("113-0000003-0000003", "request", 30), email("113-0000003-0000003", "inquiry", 5)]
    assert email_lines(request("113-0000003-0000003", RequestKind.INQUIRY), emails) == [
        "e-mail: named by a forwarded buyer message received 2026-11-26T11:55:00Z"
    ]
    assert email_lines(request("113-0000004-0000004", RequestKind.OFFICIAL), emails) == []
