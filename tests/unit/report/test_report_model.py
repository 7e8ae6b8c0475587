"""Building a run report: buyer data left out, counts derived, errors and evidence found, JSON round trip."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pydantic import ValidationError

from automation.errors import PageChangedError, PersonNeededError
from automation.models import CancellationRequest, Channel, OrderStatus, RequestKind, ScanStats
from automation.redact import Redactor
from automation.report import (
    PhaseTimer,
    ReportTrigger,
    RunReport,
    RunSummaryRow,
    build_report,
    render_html,
)

STARTED = datetime(2026, 11, 26, 12, 0, 3, tzinfo=UTC)
FINISHED = datetime(2026, 11, 26, 12, 1, 15, tzinfo=UTC)
BUYER = "Jolene Marchetti"


@dataclass
class Outcome:
    decision: str
    rule: str | None
    approval: str | None
    outcome: str | None
    outcome_reason: str | None = None
    earlier: bool = False


def requests() -> list[CancellationRequest]:
    return [
        CancellationRequest(
            order_id="113-0000002-0000002",
            kind=RequestKind.INQUIRY,
            sources=(Channel.MESSAGES,),
            reason=f"Hi, this is {BUYER}, please cancel, I live at 12 Elm Street",
            buyer_name=BUYER,
            order_status=OrderStatus.UNSHIPPED,
            thread_ids=("t-1",),
        ),
        CancellationRequest(
            order_id="113-0000001-0000001",
            kind=RequestKind.OFFICIAL,
            sources=(Channel.MESSAGES, Channel.MANAGE_ORDERS),
            reason="Order created by mistake",
            requested_at=datetime(2026, 11, 25, 9, 30, tzinfo=UTC),
            order_status=OrderStatus.UNSHIPPED,
            ship_by=date(2026, 11, 27),
            buyer_name=BUYER,
            marketplace="ATVPDKIKX0DER",
        ),
    ]


def redactor() -> Redactor:
    r = Redactor()
    r.add(BUYER, "buyer")
    return r


def build(tmp_path: Path, **extra: object) -> RunReport:
    options: dict[str, object] = {
        "run_id": "20261126T120003Z-ab12",
        "command": "run",
        "account": "main",
        "account_key": "seller-0123456789ab",
        "folder": tmp_path,
        "started_at": STARTED,
        "finished_at": FINISHED,
        "requests": requests(),
        "new": {"113-0000002-0000002"},
        "outcomes": {
            "113-0000001-0000001": Outcome("cancel", "official-auto", "auto", "done"),
            "113-0000002-0000002": Outcome(
                "cancel", "inquiry-manual", "pending", "planned", f"waiting for {BUYER} to be approved"
            ),
        },
        "stats": ScanStats(orders_seen=12, threads_seen=7, pages_visited=9, seconds=70.5),
        "marketplaces": ["ATVPDKIKX0DER", ""],
        "base_url": "http://127.0.0.1:8765",
        "timings": {"sign_in": 3.14159, "manage_orders": 20.0},
        "rules_path": Path("/etc/sc-cancel/rules.yaml"),
        "rules_sha256": "a" * 64,
        "execute": True,
        "redactor": redactor(),
    }
    options.update(extra)
    return build_report(**options)  # type: ignore[arg-type]


def test_rows_are_sorted_and_carry_the_runs_decisions(tmp_path: Path) -> None:
    report = build(tmp_path)
    assert [r.order_id for r in report.requests] == ["113-0000001-0000001", "113-0000002-0000002"]
    official, inquiry = report.requests
    assert official.sources == ("manage_orders", "messages")
    assert official.reason == "Order created by mistake"
    assert official.ship_by == date(2026, 11, 27)
    assert (official.decision, official.rule, official.approval, official.outcome) == (
        "cancel",
        "official-auto",
        "auto",
        "done",
    )
    assert not official.new
    assert inquiry.new
    assert report.marketplaces == ("ATVPDKIKX0DER",)
    assert report.timings == {"sign_in": 3.142, "manage_orders": 20.0}
    assert report.rules is not None
    assert report.rules.sha256 == "a" * 64
    assert report.seconds == 72.0


def test_no_buyer_name_or_inquiry_wording_in_the_report(tmp_path: Path) -> None:
    report = build(tmp_path)
    text = report.model_dump_json()
    assert BUYER not in text
    assert "Elm Street" not in text
    assert report.requests[1].reason is None  # the buyer's own words
    assert report.requests[1].outcome_reason == "waiting for [buyer] to be approved"
    assert "buyer_name" not in text
    assert "thread_ids" not in text


def test_counts_are_derived_from_the_requests(tmp_path: Path) -> None:
    counts = build(tmp_path).counts
    assert (counts.requests, counts.new, counts.official, counts.inquiry) == (2, 1, 1, 1)
    assert counts.by_source == {"manage_orders": 1, "messages": 2}
    assert counts.both_sources == 1
    assert counts.decisions == {"cancel": 2}
    assert counts.approvals == {"auto": 1, "pending": 1}
    assert counts.outcomes == {"done": 1, "planned": 1}


def test_outcomes_count_this_runs_actions_and_earlier_results_apart(tmp_path: Path) -> None:
    """A second run lists the first run's cancellation as done: that is not an action of this run."""
    report = build(
        tmp_path,
        outcomes={
            "113-0000001-0000001": Outcome(
                "cancel", "official-auto", "auto", "done", "canceled", earlier=True
            ),
            "113-0000002-0000002": Outcome("cancel", "inquiry-manual", "pending", "planned", "waiting"),
        },
    )
    earlier, planned = report.requests
    assert (earlier.outcome, earlier.earlier) == ("done", True)
    assert planned.earlier is False
    assert report.counts.outcomes == {"planned": 1}
    assert report.counts.earlier_outcomes == {"done": 1}
    assert RunReport.model_validate_json(report.model_dump_json()) == report


def test_counts_given_by_a_caller_are_replaced(tmp_path: Path) -> None:
    data = build(tmp_path).model_dump(mode="json")
    data["counts"]["requests"] = 99
    assert RunReport.model_validate(data).counts.requests == 2


def test_json_round_trip(tmp_path: Path) -> None:
    report = build(tmp_path)
    assert RunReport.model_validate_json(report.model_dump_json()) == report


def test_a_failed_run_names_its_error_page_and_evidence(tmp_path: Path) -> None:
    (tmp_path / "error-manage_orders.png").write_bytes(b"png")
    (tmp_path / "error-manage_orders.html").write_text("<html></html>")
    (tmp_path / "action-113.png").write_bytes(b"png")
    (tmp_path / "trace.zip").write_bytes(b"zip")
    (tmp_path / "report.html").write_text("old")
    error = PageChangedError(f"no order table for {BUYER}", page_key="manage_orders")
    report = build(tmp_path, error=error, requests=[], outcomes=None)
    assert report.status == "failed"
    assert report.exit_code == 4
    assert report.error is not None
    assert report.error.kind == "PageChangedError"
    assert report.error.page_key == "manage_orders"
    assert report.error.message == "no order table for [buyer]"
    assert report.error.evidence == ("error-manage_orders.html", "error-manage_orders.png")
    assert report.evidence == ("action-113.png", "error-manage_orders.html", "error-manage_orders.png")
    assert report.trace == "trace.zip"


def test_exit_codes_of_errors(tmp_path: Path) -> None:
    assert build(tmp_path).exit_code == 0
    assert build(tmp_path, error=PersonNeededError("captcha")).exit_code == 3
    assert build(tmp_path, error=RuntimeError("boom")).exit_code == 1


def test_command_must_be_scan_or_run(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="command"):
        build(tmp_path, command="explode")


def test_a_targeted_run_says_what_started_it_and_a_full_run_nothing(tmp_path: Path) -> None:
    """`command` stays `run` (a fixed value tools read); `trigger` tells a `watch` e-mail run apart."""
    trigger = ReportTrigger(order_ids=("113-0000001-0000001",))
    report = build(tmp_path, trigger=trigger)
    document = report.model_dump(mode="json")
    assert (document["command"], document["trigger"]) == (
        "run",
        {"by": "watch", "event": "email", "order_ids": ["113-0000001-0000001"]},
    )
    assert RunReport.model_validate_json(report.model_dump_json()) == report
    assert "started by watch: an e-mail naming 113-0000001-0000001" in render_html(report, tmp_path)
    assert RunSummaryRow.of(report, tmp_path / "report.html").command == "run:watch"
    assert build(tmp_path).model_dump(mode="json")["trigger"] is None
    assert RunSummaryRow.of(build(tmp_path), tmp_path / "report.html").command == "run"


def test_phase_timer_adds_up_repeated_phases_and_times_failures() -> None:
    ticks = iter([0.0, 1.5, 10.0, 10.25, 20.0, 22.0])
    timer = PhaseTimer(clock=lambda: next(ticks))
    with timer.phase("sign_in"):
        pass
    with timer.phase("messages"):
        pass
    with pytest.raises(RuntimeError), timer.phase("sign_in"):
        raise RuntimeError("captcha")
    assert timer.as_dict() == {"sign_in": 3.5, "messages": 0.25}
