"""E-mails written for the tests, shaped like Amazon's (seller-central.md §3, §12): the request notice,
a forwarded buyer message, and other Amazon mail. None of them comes from the sandbox: the sandbox and
the agent share no texts, so a wrong text could not agree with itself. And the mailbox settings that
point the agent at a test Dovecot (`mailbox_for`).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

from pydantic import SecretStr

from automation.sandbox.mail_server import MailServer
from automation.targets import MailboxTarget

NOTICE_SENDER = '"Seller Central Notifications (do not reply)" <donotreply@amazon.com>'
BUYER_SENDER = '"Amazon buyer" <0a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6q@marketplace.amazon.com>'
SENT_AT = datetime(2026, 12, 3, 9, 30, tzinfo=UTC)


def email(
    subject: str,
    *,
    sender: str = NOTICE_SENDER,
    text: str | None = None,
    html: str | None = None,
    notification_type: str | None = None,
    sent_at: datetime = SENT_AT,
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "orders@seller.example"
    message["Subject"] = subject
    message["Date"] = format_datetime(sent_at)
    message["Message-ID"] = make_msgid(domain="eu-west-1.amazonses.example")
    if notification_type:
        message["X-Space-Notification-Type"] = notification_type
    if text is not None:
        message.set_content(text)
        if html is not None:
            message.add_alternative(html, subtype="html")
    else:
        message.set_content(html or "", subtype="html")
    return message


def request_notice(
    subject: str, order_id: str, *, sender: str = NOTICE_SENDER, header: bool = True, tld: str = "com"
) -> EmailMessage:
    """Amazon's 2026 notice: HTML only, the order id linked to the cancel page."""
    link = f"https://sellercentral.amazon.{tld}/orders-v3/order/{order_id}/cancel-order"
    html = (
        "<html><body><p>Hello,</p><p>A buyer has asked to cancel an order. Orders cancelled before you "
        "confirm shipment do not affect your cancellation rate.</p>"
        f'<p>Order: <a href="{link}">{order_id}</a></p>'
        "<p>The link stops working once the order has shipped.</p><p>The Amazon Marketplace team</p>"
        "</body></html>"
    )
    return email(
        subject, sender=sender, html=html, notification_type="BRC_SELLER_NOTIFICATION" if header else None
    )


def buyer_message(
    subject: str, words: str, *, header: bool = True, sender: str = BUYER_SENDER
) -> EmailMessage:
    """A buyer's message forwarded by Buyer-Seller Messaging, the words between Amazon's markers."""
    text = (
        "You have received a message.\n\n"
        "------------- Begin message -------------\n\n"
        f"{words}\n\n"
        "------------- End message -------------\n\n"
        "Was this email helpful?\n[commMgrTok:A1B2C3D4E5F6G7]"
    )
    return email(
        subject,
        sender=sender,
        text=text,
        notification_type="BBC_MESSAGE_SENT_TO_MERCHANT" if header else None,
    )


def mailbox_for(server: MailServer, *, password: str | None = None, **changes: Any) -> MailboxTarget:
    """An account's mailbox on a test Dovecot, as the settings file's first account would give it
    (`accounts[0].mailbox`, the last 14 days): the sandbox's own mailbox target for that server
    (browser/sandbox_mailbox.py), with `password` (a wrong one, say) and other fields changed."""
    from automation.browser.sandbox_mailbox import mailbox_target  # brings Playwright: only when used

    if password is not None:
        secret = SecretStr(password)
        changes["password"] = lambda: secret
    return replace(mailbox_target(server), since_days=14, setting="accounts[0].mailbox", **changes)
