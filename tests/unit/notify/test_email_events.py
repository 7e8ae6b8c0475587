"""The e-mail channel's notifications: new unconfirmed e-mails, requests with no e-mail after
`notice_grace`, a mailbox that could not be read. Built from a report the way a run builds it (the scan's
`Unconfirmed` and `MailboxWarning` records through `build_report`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from automation.notify import ALL_EVENTS, EventKind, Level, events_for_run
from automation.report import RunReport, build_report
from automation.scan_email import Unconfirmed
from automation.settings import Notifications
from automation.sources.email import MailboxWarning

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
BUYER = "Philippa Wrenfield-Oduya"


def subject(order_id: str) -> str:
    return f"Order cancellation request from Amazon customer {BUYER} (Order: {order_id})"


def unconfirmed(order_id: str | None, why: str, *, new: bool) -> Unconfirmed:
    return Unconfirmed(order_id, NOW - timedelta(minutes=5), subject(order_id or "?"), why, new=new)


def report(
    tmp_path: Path, *, emails: Sequence[Unconfirmed] = (), warnings: Sequence[MailboxWarning] = ()
) -> RunReport:
    return build_report(
        run_id="20261126T120000Z-ab12",
        command="scan",
        account="main",
        account_key="seller-0123456789ab",
        folder=tmp_path,
        started_at=NOW - timedelta(minutes=1),
        finished_at=NOW,
        unconfirmed=[u.as_report() for u in emails],
        warnings=[w.as_report() for w in warnings],
    )


def test_new_unconfirmed_emails_are_announced_by_order_id_and_why_never_by_subject(tmp_path: Path) -> None:
    run = report(
        tmp_path,
        emails=[
            unconfirmed("113-0000002-0000002", "no_request_on_page", new=True),
            unconfirmed("113-0000003-0000003", "sender_not_allowed", new=True),
            unconfirmed("999-0000000-0000001", "order_not_found", new=True),
            unconfirmed("113-0000004-0000004", "no_request_on_page", new=False),  # listed by an earlier run
        ],
    )
    [event] = events_for_run(run, [], NOW)
    assert event.kind is EventKind.EMAIL_UNCONFIRMED
    assert event.level is Level.WARNING
    assert event.order_ids == ("113-0000002-0000002", "113-0000003-0000003", "999-0000000-0000001")
    assert "3 new e-mails" in event.body
    assert "1 no request on the order's page: 113-0000002-0000002" in event.body
    assert "1 order not found in Seller Central: 999-0000000-0000001" in event.body
    assert "1 from a sender outside mailbox.senders, a likely spoof: 113-0000003-0000003" in event.body
    assert "Nothing is cancelled" in event.body
    assert "113-0000004-0000004" not in event.body
    for text in (event.title, event.body):
        assert BUYER not in text
        assert "Order cancellation request" not in text


def test_unconfirmed_emails_listed_again_are_not_announced_again(tmp_path: Path) -> None:
    run = report(tmp_path, emails=[unconfirmed("113-0000002-0000002", "no_request_on_page", new=False)])
    assert events_for_run(run, [], NOW) == []


def test_a_spoof_naming_no_order_is_announced_once_by_its_run(tmp_path: Path) -> None:
    run = report(tmp_path, emails=[unconfirmed(None, "sender_not_allowed", new=True)])
    [event] = events_for_run(run, [], NOW)
    assert event.order_ids == ()
    assert "no order id" in event.body
    assert event.subject == "email_unconfirmed|main|20261126T120000Z-ab12"


def test_requests_with_no_email_after_the_grace(tmp_path: Path) -> None:
    late = MailboxWarning(
        "2 requests shown by Seller Central have had no e-mail ...",
        kind="notices_missing",
        order_ids=("113-0000001-0000001", "113-0000005-0000005"),
    )
    [event] = events_for_run(report(tmp_path, warnings=[late]), [], NOW)
    assert event.kind is EventKind.EMAIL_MISSING
    assert event.order_ids == ("113-0000001-0000001", "113-0000005-0000005")
    assert "113-0000001-0000001, 113-0000005-0000005" in event.body
    assert "mail filter" in event.body
    assert event.subject == "email_missing|main|113-0000001-0000001,113-0000005-0000005"


def test_a_mailbox_that_could_not_be_read_is_one_event_per_account(tmp_path: Path) -> None:
    down = MailboxWarning("accounts[0].mailbox.password: the mailbox refused the login; check it")
    missing_folder = MailboxWarning("accounts[0].mailbox.folders: no folder Amazon")
    deferred = MailboxWarning("60 orders named by e-mails need a look", kind="lookups_deferred")
    [event] = events_for_run(report(tmp_path, warnings=[down, missing_folder, deferred]), [], NOW)
    assert event.kind is EventKind.MAILBOX_FAILING
    assert event.level is Level.FAILURE
    assert "accounts[0].mailbox.password" in event.body
    assert "accounts[0].mailbox.folders" in event.body
    assert "60 orders" not in event.body
    # De-duplicated like the other events: the same news about the same account, whatever it says.
    assert event.subject == "mailbox_failing|main"


def test_a_scan_without_mailbox_news_calls_for_no_email_event(tmp_path: Path) -> None:
    deferred = MailboxWarning("60 orders named by e-mails need a look", kind="lookups_deferred")
    assert events_for_run(report(tmp_path, warnings=[deferred]), [], NOW) == []


@pytest.mark.parametrize("name", ["email_unconfirmed", "email_missing", "mailbox_failing"])
def test_the_new_events_can_be_chosen_in_the_settings(name: str) -> None:
    assert name in ALL_EVENTS
    assert Notifications(events=[name]).events == [name]
