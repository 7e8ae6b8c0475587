"""The parts of `watch` that need no mailbox or browser: which waiting mode, which e-mails start a run,
and how the e-mail runs go through the scheduler's pool beside the scheduled runs."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from automation.errors import LockedError
from automation.scheduler import ScheduledJob, Scheduler
from automation.scheduler.outcome import JobOutcome
from automation.sources.email import EmailNotice
from automation.watch.mail_wait import _has_new_mail, waiting_mode
from automation.watch.trigger_run import requested_orders

AT = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
EVERY = timedelta(minutes=10)


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


def email_run(account: str, ran: list[str], done: threading.Event | None = None) -> Callable[[], JobOutcome]:
    def run() -> JobOutcome:
        ran.append(f"{account} e-mail")
        if done is not None:
            done.set()
        return JobOutcome(account, 0)

    return run


def test_email_runs_go_beside_the_scheduled_runs_and_never_beside_their_own_accounts() -> None:
    """Concurrency 2: while account a's scheduled run hangs, b's e-mail run starts and ends (the other
    slot); a's own e-mail run waits, holding no slot, until a's scheduled run has ended."""
    release, a_running, b_done, a_mail, b_mail = (threading.Event() for _ in range(5))
    ran: list[str] = []

    def hangs() -> JobOutcome:
        ran.append("a scheduled")
        a_running.set()
        assert release.wait(60)
        ran.append("a scheduled ended")
        return JobOutcome("a", 0)

    def quick() -> JobOutcome:
        ran.append("b scheduled")
        b_done.set()
        return JobOutcome("b", 0)

    lines: list[str] = []
    loop = Scheduler(
        [ScheduledJob("a", EVERY, timedelta(0), hangs), ScheduledJob("b", EVERY, timedelta(0), quick)],
        log=lambda _level, message: lines.append(message),
        concurrency=2,
    )
    stop = threading.Event()
    thread = threading.Thread(target=loop.run_forever, args=(stop,))
    thread.start()
    try:
        assert a_running.wait(60)
        assert b_done.wait(60)
        loop.run_soon("a", email_run("a", ran, a_mail), kind="e-mail run")
        loop.run_soon("b", email_run("b", ran, b_mail), kind="e-mail run")
        assert b_mail.wait(60), "b's e-mail run waited for a's scheduled run"
        assert not a_mail.is_set(), "a's e-mail run started beside a's scheduled run"
        release.set()
        assert a_mail.wait(60)
    finally:
        release.set()
        stop.set()
        thread.join(60)
    assert ran.index("a e-mail") > ran.index("a scheduled ended")
    assert any(line.startswith("e-mail run b: ok | exit=0") for line in lines), lines


def test_with_concurrency_1_asked_runs_go_one_at_a_time_once_each_and_a_failure_never_ends_the_loop() -> None:
    ran: list[str] = []
    stop = threading.Event()

    def locked() -> JobOutcome:
        ran.append("b e-mail")
        raise LockedError("account b is busy")

    def last() -> JobOutcome:
        stop.set()
        return JobOutcome("b", 0)

    lines: list[str] = []
    loop = Scheduler(
        [ScheduledJob("b", EVERY, timedelta(0), last)], log=lambda _level, message: lines.append(message)
    )
    for account, run in (("a", email_run("a", ran)), ("b", locked), ("a", email_run("a", ran))):
        loop.run_soon(account, run, kind="e-mail run")
    loop.run_forever(stop)
    assert ran == ["a e-mail", "b e-mail"]
    assert [line.split(" |")[0] for line in lines if line.startswith(("e-mail", "scheduled"))] == [
        "e-mail run a: ok",
        "e-mail run b: skipped: still running",
        "scheduled run b: ok",
    ]
