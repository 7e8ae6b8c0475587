"""Which notifications a finished run calls for. Pure: a report, the account's earlier run statuses and
the time in, events out, so every rule here is tested without a network or a ledger. Deadlines read from
the site (ship-by) are measured on the site's clock (`site_now`); the rest on the machine's.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta

from automation.durations import human_duration
from automation.errors import ExitCode
from automation.notify.email_events import email_events
from automation.notify.event import Event, EventKind, Level, day, id_list, plural
from automation.report.advice import meaning, what_to_do
from automation.report.model import ReportRequest, RunReport

AUTO_CANCEL_DAYS = 7
"""Amazon cancels an unshipped order this many days after its ship-by date (field-notes §0)."""
FAILURES_IN_A_ROW = 3
CLOSED_STATUSES = ("shipped", "canceled")
ERROR_SNIPPET = 300
HALTED = "halted"
"""A run halted by the STOP switch, as the history handed to `failures_in_a_row` names it."""


def _report_hint(report: RunReport) -> str:
    return f"Details: `sc-cancel report {report.run_id} --open`."


def new_requests(report: RunReport) -> Event | None:
    rows = [r for r in report.requests if r.new]
    if not rows:
        return None
    official = sum(r.kind == "official" for r in rows)
    ids = [r.order_id for r in rows]
    body = (
        f"Account {report.account}: {plural(len(rows), 'new buyer cancellation request')} "
        f"({official} official, {len(rows) - official} inquiry): {id_list(ids)}. "
        f"{_report_hint(report)}"
    )
    return Event(
        kind=EventKind.NEW_REQUESTS,
        account=report.account,
        title=f"sc-cancel {report.account}: {plural(len(rows), 'new cancellation request')}",
        body=body,
        order_ids=tuple(ids),
    )


def approval_waiting(report: RunReport) -> Event | None:
    """Requests that wait for a person: a cancel or reply to approve, or a request the rules hold (to
    approve, or to dismiss when it was handled by hand)."""
    ids = [r.order_id for r in report.requests if r.approval == "pending"]
    held = [r.order_id for r in report.requests if r.decision == "hold" and r.approval is None]
    if not ids and not held:
        return None
    account = report.account
    parts = []
    if ids:
        parts.append(
            f"{plural(len(ids), 'request')} wait for a person's approval: {id_list(ids)}. Approve with "
            f"`sc-cancel approve --account {account} ORDER_ID` (or `sc-cancel reject`); "
            f"`sc-cancel plan --account {account}` lists them."
        )
    if held:
        parts.append(
            f"{plural(len(held), 'request')} held for a person: {id_list(held)}. "
            f"`sc-cancel plan --all --account {account}` lists them; `sc-cancel approve --account {account} "
            f"ORDER_ID` lets one go ahead, `sc-cancel dismiss --account {account} ORDER_ID --note TEXT` "
            "records that it was handled by hand."
        )
    waiting = len(ids) + len(held)
    return Event(
        kind=EventKind.APPROVAL_WAITING,
        account=account,
        title=f"sc-cancel {account}: {plural(waiting, 'request')} waiting for a person",
        body=f"Account {account}: " + " ".join(parts),
        level=Level.WARNING,
        order_ids=tuple(ids + held),
    )


def _ship_by_line(row: ReportRequest, now: datetime, warning: timedelta) -> str | None:
    """A line for a still-pending order close to (or past) its ship-by date or Amazon's automatic
    cancellation; None when there is time. The ship-by day is taken to end at midnight UTC."""
    if row.ship_by is None or row.outcome == "done" or row.order_status in CLOSED_STATUSES:
        return None
    ship_deadline = datetime.combine(row.ship_by + timedelta(days=1), time(0), UTC)
    auto_cancel = ship_deadline + timedelta(days=AUTO_CANCEL_DAYS)
    auto_day = day(row.ship_by + timedelta(days=AUTO_CANCEL_DAYS))
    if now >= auto_cancel - warning:
        state = "is due" if now < auto_cancel else "was due"
        return f"{row.order_id}: Amazon's automatic cancellation {state} on {auto_day}"
    if now >= ship_deadline - warning:
        past = "past its" if now >= ship_deadline else "near its"
        return f"{row.order_id}: {past} ship-by date {day(row.ship_by)} (Amazon cancels it on {auto_day})"
    return None


def site_now(report: RunReport, now: datetime) -> datetime:
    """The site's time at the machine's `now`. Ship-by dates are the site's, so their deadlines are
    measured on its clock: the report's `site_time`, moved on by what passed since the run finished.
    A run that saw no Date header leaves the machine's clock."""
    if report.site_time is None or report.finished_at is None:
        return now
    return now + (report.site_time - report.finished_at)


def ship_by_near(report: RunReport, now: datetime, warning: timedelta) -> Event | None:
    lines = {r.order_id: line for r in report.requests if (line := _ship_by_line(r, now, warning))}
    if not lines:
        return None
    body = (
        f"Account {report.account}: {plural(len(lines), 'pending request')} running out of time. "
        + "; ".join(lines.values())
        + ". Decide now: approve, cancel or reply before Amazon's deadline."
    )
    return Event(
        kind=EventKind.SHIP_BY_NEAR,
        account=report.account,
        title=f"sc-cancel {report.account}: {plural(len(lines), 'request')} near ship-by",
        body=body,
        level=Level.WARNING,
        order_ids=tuple(lines),
    )


def _failure(report: RunReport, kind: EventKind, title: str) -> Event:
    error = report.error
    page_key = None if error is None else error.page_key
    message = "" if error is None else f" Error: {error.message[:ERROR_SNIPPET]}"
    body = (
        f"Account {report.account}, run {report.run_id}: {meaning(report.exit_code)}.{message} "
        f"{what_to_do(report.exit_code, report.account, page_key)} {_report_hint(report)}"
    )
    return Event(
        kind=kind,
        account=report.account,
        title=f"sc-cancel {report.account}: {title}",
        body=body,
        level=Level.FAILURE,
        topic=page_key if kind is EventKind.PAGE_CHANGED else None,
    )


def failures_in_a_row(report: RunReport, history: Sequence[str]) -> int:
    """Failed runs in a row ending with this one. `history`: the account's earlier run statuses, newest
    first; a run killed on the way (still `running`) counts as failed. A run halted by the STOP switch
    (exit code 10; `halted` in the history) is the operator's choice, not a failure: it counts for
    nothing and breaks no row."""
    if report.status == "ok" or report.exit_code == ExitCode.STOPPED:
        return 0
    count = 1
    for status in history:
        if status == "ok":
            break
        count += status != HALTED
    return count


def events_for_run(
    report: RunReport,
    history: Sequence[str],
    now: datetime,
    *,
    ship_by_warning: timedelta = timedelta(hours=24),
    failure_threshold: int = FAILURES_IN_A_ROW,
) -> list[Event]:
    """Every event a finished run calls for, most urgent first."""
    events: list[Event | None] = []
    if report.exit_code == ExitCode.PERSON_NEEDED:
        events.append(_failure(report, EventKind.PERSON_NEEDED, "a person is needed"))
    if report.exit_code == ExitCode.PAGE_CHANGED:
        events.append(_failure(report, EventKind.PAGE_CHANGED, "a Seller Central page changed"))
    failed = failures_in_a_row(report, history)
    if failed >= failure_threshold:
        event = _failure(report, EventKind.REPEATED_FAILURES, f"{failed} failed runs in a row")
        events.append(event.model_copy(update={"body": f"The last {failed} runs failed. {event.body}"}))
    events += [
        ship_by_near(report, site_now(report, now), ship_by_warning),
        approval_waiting(report),
        new_requests(report),
        *email_events(report),
    ]
    return [event for event in events if event is not None]


def check_stale(
    last_finished_at: datetime | None,
    now: datetime,
    *,
    stale_after: timedelta = timedelta(hours=1),
    account: str = "",
) -> Event | None:
    """`runs_stopped` when no scheduled run finished for longer than `stale_after`. With no finished run
    at all, the caller passes the time the schedule started instead (None: nothing to say yet)."""
    if last_finished_at is None or now - last_finished_at <= stale_after:
        return None
    # Whole minutes: an alert read by a person, not a measurement.
    gone = human_duration(timedelta(minutes=int((now - last_finished_at).total_seconds() // 60)))
    who = f"Account {account}" if account else "sc-cancel"
    return Event(
        kind=EventKind.RUNS_STOPPED,
        account=account,
        title=f"sc-cancel {account}: no run for {gone}" if account else f"sc-cancel: no run for {gone}",
        body=(
            f"{who}: no scheduled run finished since "
            f"{last_finished_at.astimezone(UTC).strftime('%d %b %H:%M UTC').lstrip('0')} "
            f"({gone} ago). Check that `sc-cancel schedule` is running (service or CronJob) and look at "
            "its log; `sc-cancel report` lists the last runs."
        ),
        level=Level.FAILURE,
    )
