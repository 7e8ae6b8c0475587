"""Which requests shown by Seller Central count as missing Amazon's e-mail (a mail filter eating notices)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from ledger_kit import START, FakeClock, request
from pydantic import SecretStr

from automation.ledger import Ledger
from automation.models import Channel
from automation.scan_email import missing_notices
from automation.targets import MailboxTarget, MarketplaceTarget, Target

MAILBOX = MailboxTarget(
    host="127.0.0.1",
    port=143,
    security="none",
    username="orders",
    password=lambda: SecretStr("x"),
    folders=("INBOX",),
    since_days=14,
    senders=("*@amazon.*",),
    notice_grace=timedelta(hours=2),
)
TARGET = Target(
    name="shop",
    key="seller-x",
    email="seller@example.com",
    password=lambda: SecretStr("x"),
    totp_secret=lambda: None,
    marketplaces=(
        MarketplaceTarget(
            base_url="https://sellercentral.amazon.com/", marketplace=None, store=None, locale="en_US"
        ),
    ),
    mailbox=MAILBOX,
)


def test_only_requests_past_the_grace_and_within_the_mailbox_window_are_missing(tmp_path: Path) -> None:
    site_now = START
    asked = {
        "fresh": site_now - timedelta(minutes=30),
        "late": site_now - timedelta(hours=3),
        "before-the-window": site_now - timedelta(days=20),  # its notice was never read: no claim
    }
    requests = [request(oid, requested_at=at) for oid, at in asked.items()]
    requests.append(request("notified", requested_at=site_now - timedelta(days=1), sources=(Channel.EMAIL,)))
    with Ledger.open(tmp_path / "ledger.sqlite3", clock=FakeClock(START)) as ledger:
        late = missing_notices(requests, ledger, TARGET, now=START, site_now=site_now)
    assert late == ["late"]
