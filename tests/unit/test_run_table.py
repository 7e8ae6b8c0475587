"""The table `scan` and `run` print for people: order ids whole on one line (people copy them), rows
that fit the terminal, short outcome words, the next command said once under the table, and a summary.

A terminal is a stream whose isatty() is true; rich takes its width from COLUMNS.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import pytest
from rich.cells import cell_len

from automation.actions.outcome import RequestOutcome
from automation.models import CancellationRequest
from automation.output import print_requests_table
from automation.run_summary import outcome_word, run_notes, summary_line

WAITING = "waiting for approval (sc-cancel approve ORDER_ID)"


class TtyBuffer(io.StringIO):
    def isatty(self) -> bool:
        return True


def request(n: int, kind: str = "official") -> CancellationRequest:
    return CancellationRequest(
        order_id=f"11{n % 5}-{3941857 + n:07d}-{2203618 + n:07d}",
        kind=kind,
        sources=("manage_orders", "messages"),
        reason="Item(s) Would Not Arrive on Time",
        requested_at=datetime(2026, 11, 26, 7, 5, tzinfo=UTC),
        order_status="unshipped",
    )


REQUESTS = [request(n, "official" if n % 3 else "inquiry") for n in range(1, 10)]
OUTCOMES = {
    r.order_id: outcome
    for r, outcome in zip(
        REQUESTS,
        [
            RequestOutcome("cancel", "official requests on unshipped orders", "pending", "planned", WAITING),
            RequestOutcome("cancel", "official requests on unshipped orders", "pending", "planned", WAITING),
            RequestOutcome("reply", "inquiries get the official instructions", "auto", "done", "reply sent"),
            RequestOutcome(
                "cancel",
                "small mistaken mug orders cancel on their own",
                "auto",
                "done",
                "canceled with Buyer Canceled; the order shows canceled",
            ),
            RequestOutcome("hold", "other inquiries go to a person", None, None),
            RequestOutcome("hold", None, None, None),
            RequestOutcome(
                "cancel",
                "small mistaken mug orders cancel on their own",
                "auto",
                "failed",
                "refused: shipped",
            ),
            RequestOutcome("cancel", "official requests on unshipped orders", "pending", "planned", WAITING),
            RequestOutcome("ignore", "leave these", None, None),
        ],
        strict=True,
    )
}
COLUMNS = {
    oid: {
        "decision": o.decision,
        "rule": o.rule or "(default)",
        "approval": o.approval or "",
        "outcome": outcome_word(o),
    }
    for oid, o in OUTCOMES.items()
}


def print_run_table(stream: io.StringIO) -> str:
    print_requests_table(
        REQUESTS,
        new={REQUESTS[0].order_id},
        title="Run: shop (seller@example.com)",
        stream=stream,
        extra_columns=COLUMNS,
        summary=summary_line(REQUESTS, {REQUESTS[0].order_id}, COLUMNS),
        notes=run_notes(OUTCOMES),
    )
    return stream.getvalue()


@pytest.mark.parametrize("columns", [80, 100, 160, 220])
def test_a_terminal_table_fits_and_never_breaks_an_order_id(
    columns: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", str(columns))
    text = print_run_table(TtyBuffer())
    lines = text.splitlines()
    assert max(cell_len(re.sub(r"\x1b\[[0-9;]*m", "", line)) for line in lines) <= columns
    for r in REQUESTS:
        assert sum(r.order_id in line for line in lines) >= 1, f"{r.order_id} broken at {columns} columns"


@pytest.mark.parametrize("stream", [TtyBuffer, io.StringIO])
def test_outcomes_are_short_words_and_the_next_command_is_said_once(
    stream: type[io.StringIO], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "160")
    text = print_run_table(stream())
    assert text.count("sc-cancel approve") == 1
    assert "waiting for approval" in text
    for line in text.splitlines():
        if any(r.order_id in line for r in REQUESTS):
            assert "canceled with Buyer Canceled" not in line
            assert WAITING not in line
    failed = [line for line in text.splitlines() if "refused: shipped" in line]
    assert len(failed) == 1
    assert REQUESTS[6].order_id in failed[0], "a failure's reason is told with its order"


@pytest.mark.parametrize("stream", [TtyBuffer, io.StringIO])
def test_a_summary_line_counts_each_outcome(
    stream: type[io.StringIO], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "160")
    text = print_run_table(stream())
    summary = [line for line in text.splitlines() if line.lstrip("# ").startswith("9 requests")]
    assert len(summary) == 1, text
    assert "1 new" in summary[0]
    for count in ("3 planned", "2 done", "1 failed", "2 held", "1 ignored"):
        assert count in summary[0]


def test_plain_rows_are_aligned_one_line_per_request() -> None:
    text = print_run_table(io.StringIO())
    rows = [line for line in text.splitlines() if not line.startswith("#")]
    header, body = rows[0], rows[1 : 1 + len(REQUESTS)]
    assert len(body) == len(REQUESTS)
    start = header.index("outcome")
    assert all(row[start - 1] == " " and row[start] != " " for row in body), "the outcome column is aligned"
    assert "\t" not in text
    assert max(len(row) for row in body) < 200


def test_outcome_words() -> None:
    words = [outcome_word(o) for o in OUTCOMES.values()]
    assert words == ["planned", "planned", "done", "done", "held", "held", "failed", "planned", "ignored"]
    assert outcome_word(RequestOutcome("cancel", "r", "rejected", None, "rejected by a person")) == "rejected"


def test_an_earlier_runs_result_is_not_counted_as_this_runs_action() -> None:
    """A second run lists the first run's cancellation again (it is never redone): its row and the
    summary say it was done earlier, so "2 done" counts only what this run did."""
    earlier = RequestOutcome("cancel", "r", "auto", "done", "canceled", earlier=True)
    assert outcome_word(earlier) == "done earlier"
    outcomes = {REQUESTS[0].order_id: earlier, REQUESTS[1].order_id: OUTCOMES[REQUESTS[3].order_id]}
    columns = {oid: {"outcome": outcome_word(o)} for oid, o in outcomes.items()}
    assert summary_line(REQUESTS[:2], set(), columns) == "2 requests, none new: 1 done, 1 done earlier"


def test_the_scan_table_has_a_summary_too(monkeypatch: pytest.MonkeyPatch) -> None:
    out = io.StringIO()
    print_requests_table(
        REQUESTS, new=set(), title="scan", stream=out, summary=summary_line(REQUESTS, set(), None)
    )
    assert "# 9 requests, none new" in out.getvalue()


@pytest.mark.parametrize("stream", [TtyBuffer, io.StringIO])
def test_held_requests_are_told_once_with_what_a_person_does_about_them(
    stream: type[io.StringIO], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "160")
    text = print_run_table(stream())
    told = [line for line in text.splitlines() if "sc-cancel plan --all" in line]
    assert len(told) == 1, text
    assert "2 held" in told[0]
    assert "approve" in told[0]
    assert "dismiss" in told[0]
    assert not any("sc-cancel plan --all" in n for n in run_notes({}))
