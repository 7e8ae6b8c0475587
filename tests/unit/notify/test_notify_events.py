"""Which notifications a run calls for, the stale-schedule check and the daily summary."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from automation.ledger import Ledger
from automation.models import (
    CancellationRequest,
    Channel,
    Decision,
    DecisionKind,
    RequestKind,
)
from automation.notify import EventKind, Level, check_stale, daily_summary, events_for_run, failures_in_a_row
from automation.report import ReportError, ReportRequest, RunReport

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def row(order_id: str, **fields: object) -> ReportRequest:
    base: dict[str, object] = {"kind": "official", "sources": ("manage_orders",), "order_status": "unshipped"}
    base.update(fields)
    return ReportRequest(order_id=order_id, **base)  # type: ignore[arg-type]


def report(*rows: ReportRequest, exit_code: int = 0, error: ReportError | None = None) -> RunReport:
    return RunReport(
        run_id="20261126T120000Z-ab12",
        command="run",
        account="main",
        account_key="seller-0123456789ab",
        started_at=NOW - timedelta(minutes=2),
        finished_at=NOW,
        status="ok" if exit_code == 0 else "failed",
        exit_code=exit_code,
        error=error,
        requests=rows,
    )


def kinds(events: list) -> list[EventKind]:
    return [e.kind for e in events]


def test_a_quiet_run_calls_for_nothing() -> None:
    assert events_for_run(report(row("113-0000001-0000001")), ["ok"], NOW) == []


def test_new_requests_name_ids_and_kinds() -> None:
    run = report(
        row("113-0000001-0000001", new=True),
        row("113-0000002-0000002", new=True, kind="inquiry", sources=("messages",)),
        row("113-0000003-0000003"),
    )
    [event] = events_for_run(run, [], NOW)
    assert event.kind is EventKind.NEW_REQUESTS
    assert event.order_ids == ("113-0000001-0000001", "113-0000002-0000002")
    assert "2 new buyer cancellation requests (1 official, 1 inquiry)" in event.body
    assert "113-0000001-0000001, 113-0000002-0000002" in event.body
    assert "113-0000003-0000003" not in event.body
    assert "sc-cancel report 20261126T120000Z-ab12 --open" in event.body
    assert event.subject == "new_requests|main|113-0000001-0000001,113-0000002-0000002"


def test_approval_waiting_says_how_to_approve() -> None:
    run = report(row("113-0000001-0000001", approval="pending"), row("113-0000002-0000002", approval="auto"))
    [event] = events_for_run(run, [], NOW)
    assert event.kind is EventKind.APPROVAL_WAITING
    assert event.order_ids == ("113-0000001-0000001",)
    assert "sc-cancel approve --account main ORDER_ID" in event.body
    assert event.level is Level.WARNING


def test_held_requests_are_told_too_with_how_to_settle_them() -> None:
    run = report(
        row("113-0000001-0000001", decision="hold"),
        row("113-0000002-0000002", decision="hold", approval="manual"),  # a person approved it already
        row("113-0000003-0000003", decision="ignore"),
    )
    [event] = events_for_run(run, [], NOW)
    assert event.kind is EventKind.APPROVAL_WAITING
    assert event.order_ids == ("113-0000001-0000001",)
    assert "1 request held for a person: 113-0000001-0000001" in event.body
    assert "sc-cancel plan --all --account main" in event.body
    assert "sc-cancel dismiss --account main ORDER_ID --note TEXT" in event.body


@pytest.mark.parametrize(
    ("ship_by", "expected"),
    [
        (date(2026, 11, 27), None),  # the day ends 28 Nov 00:00 UTC, 36 h away
        (date(2026, 11, 26), "near its ship-by date 26 Nov 2026 (Amazon cancels it on 3 Dec 2026)"),
        (date(2026, 11, 20), "past its ship-by date 20 Nov 2026 (Amazon cancels it on 27 Nov 2026)"),
        (date(2026, 11, 19), "Amazon's automatic cancellation is due on 26 Nov 2026"),
        (date(2026, 11, 10), "Amazon's automatic cancellation was due on 17 Nov 2026"),
    ],
)
def test_ship_by_and_automatic_cancellation(ship_by: date, expected: str | None) -> None:
    events = events_for_run(report(row("113-0000001-0000001", ship_by=ship_by)), [], NOW)
    if expected is None:
        assert events == []
        return
    [event] = events
    assert event.kind is EventKind.SHIP_BY_NEAR
    assert f"113-0000001-0000001: {expected}" in event.body
    assert "2026-11" not in event.body


def test_ship_by_warning_window_is_a_setting() -> None:
    run = report(row("113-0000001-0000001", ship_by=date(2026, 11, 27)))
    assert kinds(events_for_run(run, [], NOW, ship_by_warning=timedelta(hours=48))) == [
        EventKind.SHIP_BY_NEAR
    ]


@pytest.mark.parametrize(
    ("site_time", "expected"),
    [
        (NOW - timedelta(days=400), None),  # the site is a year behind: 26 Nov 2026 is far ahead
        (NOW, "near its ship-by date 26 Nov 2026"),
        (NOW + timedelta(days=30), "Amazon's automatic cancellation was due on 3 Dec 2026"),
    ],
)
def test_ship_by_deadlines_are_measured_on_the_sites_clock(site_time: datetime, expected: str | None) -> None:
    """The report's `site_time` (its last document's Date header) says what day it is on the site; the
    machine's clock, ten years off here, does not count."""
    machine_finished = NOW + timedelta(days=3650)
    run = report(row("113-0000001-0000001", ship_by=date(2026, 11, 26))).model_copy(
        update={"finished_at": machine_finished, "site_time": site_time}
    )
    events = events_for_run(run, [], machine_finished + timedelta(seconds=2))
    if expected is None:
        assert events == []
        return
    [event] = events
    assert expected in event.body


@pytest.mark.parametrize(
    "fields",
    [{"outcome": "done"}, {"order_status": "shipped"}, {"order_status": "canceled"}, {"ship_by": None}],
)
def test_no_ship_by_alert_for_orders_that_are_settled(fields: dict[str, object]) -> None:
    run = report(row("113-0000001-0000001", **{"ship_by": date(2026, 11, 20), **fields}))
    assert events_for_run(run, [], NOW) == []


def test_person_needed_says_to_log_in_headed() -> None:
    error = ReportError(kind="PersonNeededError", message="captcha on the sign-in page")
    [event] = events_for_run(report(exit_code=3, error=error), ["ok"], NOW)
    assert event.kind is EventKind.PERSON_NEEDED
    assert event.level is Level.FAILURE
    assert "sc-cancel login --headed --account main" in event.body
    assert "captcha on the sign-in page" in event.body


def test_page_changed_names_the_page() -> None:
    error = ReportError(kind="PageChangedError", message="no table", page_key="manage_orders")
    [event] = events_for_run(report(exit_code=4, error=error), [], NOW)
    assert event.kind is EventKind.PAGE_CHANGED
    assert "selectors/manage_orders.yaml" in event.body
    assert event.subject == "page_changed|main|manage_orders"


@pytest.mark.parametrize(
    ("history", "in_a_row"),
    [
        ([], 1),
        (["failed"], 2),
        (["failed", "failed"], 3),
        (["failed", "ok", "failed"], 2),
        (["running", "failed"], 3),
    ],
)
def test_failures_in_a_row(history: list[str], in_a_row: int) -> None:
    failed = report(exit_code=5, error=ReportError(kind="SiteFailingError", message="503"))
    assert failures_in_a_row(failed, history) == in_a_row
    assert failures_in_a_row(report(), history) == 0
    expected = [EventKind.REPEATED_FAILURES] if in_a_row >= 3 else []
    assert kinds(events_for_run(failed, history, NOW)) == expected


def test_a_run_halted_by_the_stop_switch_is_no_failure_in_a_row() -> None:
    """A halt is the operator's own choice: its runs (exit 10, reported failed) neither raise the alarm
    for failures in a row nor break a row of real failures (the hook passes them as `halted`)."""
    halted = report(exit_code=10, error=ReportError(kind="StoppedError", message="halted by the file"))
    assert failures_in_a_row(halted, ["failed", "failed", "failed"]) == 0
    assert kinds(events_for_run(halted, ["failed", "failed", "failed"], NOW)) == []
    failed = report(exit_code=5, error=ReportError(kind="SiteFailingError", message="503"))
    assert failures_in_a_row(failed, ["halted", "failed", "halted", "failed", "ok", "failed"]) == 3


def test_repeated_failures_body() -> None:
    failed = report(exit_code=5, error=ReportError(kind="SiteFailingError", message="503"))
    [event] = events_for_run(failed, ["failed", "failed", "failed"], NOW)
    assert event.body.startswith("The last 4 runs failed.")
    assert "Seller Central kept failing" in event.body


def test_urgent_events_come_first() -> None:
    error = ReportError(kind="PageChangedError", message="x", page_key="messages")
    run = report(row("113-0000001-0000001", new=True), exit_code=4, error=error)
    assert kinds(events_for_run(run, ["failed", "failed"], NOW)) == [
        EventKind.PAGE_CHANGED,
        EventKind.REPEATED_FAILURES,
        EventKind.NEW_REQUESTS,
    ]


def test_check_stale() -> None:
    stale_after = timedelta(hours=1)
    assert check_stale(None, NOW, stale_after=stale_after) is None
    assert check_stale(NOW - timedelta(minutes=59), NOW, stale_after=stale_after) is None
    event = check_stale(NOW - timedelta(hours=3, minutes=12), NOW, stale_after=stale_after, account="main")
    assert event is not None
    assert event.kind is EventKind.RUNS_STOPPED
    assert "no scheduled run finished since 26 Nov 08:48 UTC (3 h 12 min ago)" in event.body
    assert "sc-cancel schedule" in event.body
    assert event.title == "sc-cancel main: no run for 3 h 12 min"


def _request(order_id: str, kind: RequestKind) -> CancellationRequest:
    return CancellationRequest(order_id=order_id, kind=kind, sources=(Channel.MANAGE_ORDERS,))


def test_daily_summary_counts_only_cancellations_that_were_done(tmp_path: Path) -> None:
    """A submission Seller Central refused, or one not confirmed, is no cancellation."""
    with Ledger.open(tmp_path / "ledger.sqlite3", clock=lambda: NOW - timedelta(hours=1)) as ledger:
        run_id = ledger.start_run("k-main", "run")
        ledger.finish_run(run_id, status="ok", exit_code=0, stats={})
        for order_id, end in (
            ("113-0000001-0000001", "done"),
            ("113-0000002-0000002", "failed"),
            ("113-0000003-0000003", "unknown"),
        ):
            action = ledger.plan_action("k-main", order_id, "cancel", run_id=run_id)
            for state in ("approved", "in_flight", end):
                ledger.transition(action.action_id, state, reason="as the test says")
        event = daily_summary(ledger, {"main": "k-main"}, NOW)
    assert "1 cancelled." in event.body


def test_daily_summary_from_the_ledger(tmp_path: Path) -> None:
    clock = {"now": NOW - timedelta(hours=30)}
    with Ledger.open(tmp_path / "ledger.sqlite3", clock=lambda: clock["now"]) as ledger:
        old = ledger.start_run("k-main", "run")  # before the 24 hours: not counted
        ledger.finish_run(old, status="failed", exit_code=5, stats={})
        clock["now"] = NOW - timedelta(hours=2)
        for status in ("ok", "failed"):
            run_id = ledger.start_run("k-main", "run")
            ledger.record_scan(
                "k-main",
                run_id,
                [
                    _request("113-0000001-0000001", RequestKind.OFFICIAL),
                    _request("113-0000002-0000002", RequestKind.INQUIRY),
                ],
                marketplace=None,
            )
            ledger.finish_run(run_id, status=status, exit_code=0 if status == "ok" else 5, stats={})
        ledger.record_decision(
            "k-main",
            run_id,
            Decision(
                order_id="113-0000002-0000002", decision=DecisionKind.CANCEL, rule="r", approve="manual"
            ),
            rules_sha256="a" * 64,
            request_kind=RequestKind.INQUIRY,
        )
        ledger.record_decision(
            "k-main",
            run_id,
            Decision(order_id="113-0000001-0000001", decision=DecisionKind.HOLD, rule=None),
            rules_sha256="a" * 64,
            request_kind=RequestKind.OFFICIAL,
        )
        event = daily_summary(ledger, {"main": "k-main", "second": "k-second"}, NOW)
    assert event.kind is EventKind.DAILY_SUMMARY
    assert event.title == "sc-cancel daily summary, 26 Nov 2026"
    assert (
        "main: 2 runs (1 ok, 1 failed); 2 open requests (1 official, 1 inquiry); "
        "1 waiting for approval; 1 held; 0 cancelled." in event.body
    )
    assert "second: 0 runs (0 ok, 0 failed); 0 open requests" in event.body
    assert "`sc-cancel plan` lists them" in event.body
    assert event.level is Level.WARNING
    assert event.subject == "daily_summary|all|2026-11-26"
