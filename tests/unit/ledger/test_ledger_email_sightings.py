"""Remembered e-mails: their subjects carry buyer names, so the retention purge clears them like the
buyer names of requests; what the scan needs to re-check an e-mail (order, time, state) stays."""

from __future__ import annotations

from datetime import timedelta

from ledger_kit import ACCOUNT, START, FakeClock

from automation.ledger import Ledger, LedgerLocation
from automation.ledger.mailbox import EmailSighting


def sighting(key: str, days_after_start: float, subject: str) -> EmailSighting:
    return EmailSighting(
        key=key,
        order_id=f"111-0000000-000000{key[-1]}",
        received_at=START + timedelta(days=days_after_start),
        subject=subject,
        kind="request",
        sender_allowed=True,
    )


def test_the_purge_clears_old_subjects_and_keeps_what_rechecking_needs(
    ledger_location: LedgerLocation,
) -> None:
    clock = FakeClock(START)
    with Ledger.open(ledger_location, clock=clock) as ledger:
        old = sighting("m-1", 0, "Inquiry from Amazon customer Jane Roe (Order: 111-0000000-0000001)")
        new = sighting("m-2", 40, "Inquiry from Amazon customer Max Muster (Order: 111-0000000-0000002)")
        ledger.remember_emails(ACCOUNT, [old, new], run_id=None)
        clock.advance(days=45)

        scrubbed = ledger.purge_personal_data(older_than=clock.now - timedelta(days=30))

        kept = {s.key: s for s in ledger.open_emails(ACCOUNT, since=START - timedelta(days=1))}
        assert kept["m-1"].subject == ""
        assert (kept["m-1"].order_id, kept["m-1"].received_at) == (old.order_id, old.received_at)
        assert kept["m-2"].subject == new.subject
        assert scrubbed == 1
        assert ledger.purge_personal_data(older_than=clock.now - timedelta(days=30)) == 0


def test_emails_are_found_by_time_whatever_the_time_zone_they_came_in(
    ledger_location: LedgerLocation,
) -> None:
    with Ledger.open(ledger_location, clock=FakeClock(START)) as ledger:
        ledger.remember_emails(ACCOUNT, [sighting("m-1", 0, "s")], run_id=None)
        assert [s.key for s in ledger.open_emails(ACCOUNT, since=START)] == ["m-1"]
        assert ledger.open_emails(ACCOUNT, since=START + timedelta(microseconds=1)) == []
