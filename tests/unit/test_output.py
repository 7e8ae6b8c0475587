"""What `scan` and `run` print: the scan JSON (a fixed interface: docs/interfaces.md), the one error
document of `--json`, and the table for people, plain when piped. (The run's own columns, widths and
notes: tests/unit/test_run_table.py.)"""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta, timezone

import pytest

from automation.models import CancellationRequest, ScanStats
from automation.output import error_document, iso, print_json, print_requests_table, scan_document

A = "111-0000001-0000001"
B = "111-0000002-0000002"
TOKYO = timezone(timedelta(hours=9))


class TtyBuffer(io.StringIO):
    def isatty(self) -> bool:
        return True


def official() -> CancellationRequest:
    return CancellationRequest(
        order_id=B,
        kind="official",
        sources=("messages", "manage_orders"),
        reason="Item(s) Would Not Arrive on Time",
        requested_at=datetime(2026, 11, 26, 16, 5, 42, 999_000, tzinfo=TOKYO),
        order_status="unshipped",
    )


def inquiry() -> CancellationRequest:
    return CancellationRequest(order_id=A, kind="inquiry", sources=("messages",))


def test_times_are_utc_with_a_z_to_the_second() -> None:
    assert iso(datetime(2026, 11, 26, 16, 5, 42, 999_000, tzinfo=TOKYO)) == "2026-11-26T07:05:42Z"
    assert iso(None) is None


def test_the_scan_document_lists_requests_by_order_id_with_every_field() -> None:
    document = scan_document(
        account="seller@example.com",
        scanned_at=datetime(2026, 11, 26, 8, 0, 0, 500_000, tzinfo=TOKYO),
        requests=[official(), inquiry()],
        stats=ScanStats(orders_seen=120, threads_seen=40, pages_visited=9, seconds=12.34567),
    )
    assert document == {
        "format": 1,
        "account": "seller@example.com",
        "scanned_at": "2026-11-25T23:00:00Z",
        "requests": [
            {
                "order_id": A,
                "kind": "inquiry",
                "sources": ["messages"],
                "reason": None,
                "requested_at": None,
                "order_status": None,
            },
            {
                "order_id": B,
                "kind": "official",
                "sources": ["manage_orders", "messages"],
                "reason": "Item(s) Would Not Arrive on Time",
                "requested_at": "2026-11-26T07:05:42Z",
                "order_status": "unshipped",
            },
        ],
        "stats": {
            "orders_seen": 120,
            "threads_seen": 40,
            "pages_visited": 9,
            "seconds": 12.346,
            "emails_seen": None,
        },
        "unconfirmed": [],
        "warnings": [],
    }


def test_run_adds_its_fields_to_the_orders_it_has_them_for() -> None:
    document = scan_document(
        account="shop",
        scanned_at=datetime(2026, 11, 26, tzinfo=TOKYO),
        requests=[official(), inquiry()],
        stats=ScanStats(),
        extra={B: {"decision": "cancel", "outcome": "planned"}},
    )
    by_id = {entry["order_id"]: entry for entry in document["requests"]}
    assert (by_id[B]["decision"], by_id[B]["outcome"], by_id[B]["kind"]) == ("cancel", "planned", "official")
    assert "decision" not in by_id[A]


def test_json_is_printed_whole_readable_and_ending_with_a_newline() -> None:
    out = io.StringIO()
    print_json({"reason": "お届け予定日に届かない", "n": 1}, out)
    text = out.getvalue()
    assert "お届け予定日に届かない" in text  # not \\u escapes: people read it too
    assert text.endswith("}\n")
    assert json.loads(text) == {"reason": "お届け予定日に届かない", "n": 1}


def test_the_error_document_carries_the_exit_code_and_a_one_line_message() -> None:
    assert error_document(4, "messages: could not read the date\n  on page 2\n") == {
        "format": 1,
        "error": {"exit_code": 4, "message": "messages: could not read the date on page 2"},
    }


def plain(requests: list[CancellationRequest], **kwargs: object) -> list[str]:
    out = io.StringIO()
    print_requests_table(requests, stream=out, **kwargs)  # type: ignore[arg-type]
    return out.getvalue().splitlines()


def test_piped_output_is_one_aligned_line_per_request_and_comments_start_with_a_hash() -> None:
    lines = plain(
        [official(), inquiry()],
        new={B},
        title="Scan: shop",
        summary="2 requests, 1 new",
        notes=["see --json"],
    )
    assert lines[0] == "# Scan: shop"
    assert lines[1].split() == ["new", "order", "kind", "sources", "status", "reason", "requested", "(UTC)"]
    assert lines[2].split() == [
        "-",
        A,
        "inquiry",
        "messages",
        "?",
        "-",
        "-",
    ]
    assert lines[3].split()[:4] == ["new", B, "official", "manage_orders+messages"]
    assert lines[3].endswith("Item(s) Would Not Arrive on Time  2026-11-26 07:05")
    assert lines[1].index("order") == lines[2].index(A) == lines[3].index(B)
    assert lines[4:] == ["# 2 requests, 1 new", "# see --json"]


def test_a_cell_never_breaks_a_piped_line() -> None:
    request = official().model_copy(update={"reason": "line one\nline\ttwo"})
    (row,) = [line for line in plain([request], new=set(), title="t") if B in line]
    assert "line one line two" in row


def test_run_columns_come_in_their_order_and_others_after() -> None:
    extra = {B: {"rule": "official requests", "zone": "JP", "outcome": "planned", "decision": "cancel"}}
    header = plain([official()], new=set(), title="t", extra_columns=extra)[1].split()
    assert header[-4:] == ["decision", "outcome", "rule", "zone"]
    row = plain([official()], new=set(), title="t", extra_columns=extra)[2]
    assert row.split()[-5:] == ["cancel", "planned", "official", "requests", "JP"]


@pytest.mark.parametrize("stream", [io.StringIO, TtyBuffer])
def test_no_request_is_said_in_words(stream: type[io.StringIO], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "120")
    out = stream()
    print_requests_table([], new=set(), title="Scan: shop", stream=out)
    assert "no pending buyer cancellation requests" in out.getvalue().lower()


def test_a_narrow_terminal_drops_the_least_needed_columns_and_says_which(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    out = TtyBuffer()
    print_requests_table([official(), inquiry()], new=set(), title="Scan: shop", stream=out)
    text = out.getvalue()
    assert A in text
    assert B in text
    note = " ".join(text[text.index("(not shown") :].split())  # wrapped to the terminal's width
    left_out = note.split(":", 1)[1].split(";")[0]
    assert "requested (UTC)" in left_out
    assert "order" not in left_out
    assert note.endswith("; see --json)")
