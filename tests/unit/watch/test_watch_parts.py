"""The parts of `watch` that need no mailbox or browser: which waiting mode, which e-mails start a run,
and how woken accounts are served between the scheduled runs."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from automation.errors import LockedError
from automation.scheduler.outcome import JobOutcome
from automation.sources.email import EmailNotice
from automation.watch.mail_wait import _has_new_mail, waiting_mode
from automation.watch.trigger_run import requested_orders
from automation.watch.triggers import Triggers

AT = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def notice(order_id: str | None, kind: str = "request", *, allowed: bool = True, uid: int = 1) -> EmailNotice:
    return EmailNotice(order_id, AT, "subject", kind, allowed, None, "INBOX", uid)  # type: ignore[arg-type]


def test_idle_where_the_server_lists_it_else_polling() -> None:
    assert waiting_mode(["IMAP4rev1", "LITERAL+", "IDLE"]) == "idle"
    assert waiting_mode(["IMAP4rev1", "idle"]) == "idle"
    assert waiting_mode(["IMAP4rev1", "LITERAL+"]) == "poll"
    assert waiting_mode(["IMAP4rev1", "IDLE"], poll=True) == "poll"


def test_new_mail_is_an_exists_or_recent_response() -> None:
    assert _has_new_mail([b"* 7 EXISTS"])
    assert _has_new_mail([b"* 1 RECENT\r\n"])
    assert not _has_new_mail([b"* 3 EXPUNGE", b"* 2 FETCH (FLAGS (\\Seen))"])
    assert not _has_new_mail([])


def test_only_allowed_request_notices_start_a_run_each_order_once() -> None:
    notices = [
        notice("111-0000000-0000002", uid=1),
        notice("111-0000000-0000001", uid=2),
        notice("111-0000000-0000002", uid=3),
        notice("111-0000000-0000003", "inquiry", uid=4),
        notice("111-0000000-0000004", allowed=False, uid=5),
        notice(None, uid=6),
    ]
    assert requested_orders(notices) == ["111-0000000-0000001", "111-0000000-0000002"]
    assert requested_orders([]) == []


def test_woken_accounts_are_served_once_each_in_order_and_a_failure_never_ends_the_loop() -> None:
    served: list[str] = []

    def handle(account: str) -> JobOutcome | None:
        served.append(account)
        if account == "b":
            raise LockedError("account b is busy")
        return None

    stop = threading.Event()
    triggers = Triggers(handle, stop)
    for account in ("a", "b", "a"):
        triggers.mail_arrived(account)
    triggers.serve(60)
    triggers.serve(60)
    assert served == ["a", "b"]
    stop.set()
    triggers.mail_arrived("c")
    triggers.serve(60)  # a stop ends the wait and serves nothing more
    assert served == ["a", "b"]


def test_a_wait_with_nothing_woken_ends_at_its_deadline() -> None:
    triggers = Triggers(lambda account: None, threading.Event())
    triggers.serve(0)
