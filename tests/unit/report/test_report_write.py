"""report.json and report.html in the run folder: private, self-contained, escaped, redacted."""

from __future__ import annotations

import base64
import json
import re
import struct
import zlib
from datetime import UTC, datetime
from pathlib import Path

from report_kit import run_folder, scan_report

from automation.artifacts import RunFolder
from automation.errors import PageChangedError
from automation.models import CancellationRequest, Channel, RequestKind, ScanStats
from automation.redact import REDACTOR
from automation.report import load_report, write_reports

STARTED = datetime(2026, 11, 26, 12, 0, 3, tzinfo=UTC)
HOSTILE = '<script>alert("x")</script><img src="http://evil.example/x.png">'


def tiny_png() -> bytes:
    """A valid 1x1 PNG, made by hand so the test needs no imaging library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def folder_with_evidence(tmp_path: Path) -> RunFolder:
    evidence: dict[str, bytes | str] = {
        "error-messages.png": tiny_png(),
        "error-messages.html": "<html>page</html>",
    }
    return run_folder(tmp_path / "runs", "20261126T120003Z-ab12", evidence)


def write(tmp_path: Path, **extra: object) -> tuple[RunFolder, Path, Path]:
    folder = folder_with_evidence(tmp_path)
    request = CancellationRequest(
        order_id="113-0000001-0000001",
        kind=RequestKind.OFFICIAL,
        sources=(Channel.MANAGE_ORDERS,),
        reason=HOSTILE,
    )
    options: dict[str, object] = {
        "account_key": "seller-0123456789ab",
        "started_at": STARTED,
        "requests": [request],
        "new": {"113-0000001-0000001"},
        "stats": ScanStats(orders_seen=3),
        "error": PageChangedError("inbox list missing", page_key="messages"),
    }
    report = scan_report(folder.path, **{**options, **extra})
    json_path, html_path = write_reports(folder, report, generated_at=STARTED)
    return folder, json_path, html_path


def test_both_files_are_written_private(tmp_path: Path) -> None:
    folder, json_path, html_path = write(tmp_path)
    assert (json_path, html_path) == (folder.path / "report.json", folder.path / "report.html")
    assert json_path.stat().st_mode & 0o777 == 0o600
    assert html_path.stat().st_mode & 0o777 == 0o600
    assert not list(folder.path.glob(".*.tmp"))
    document = json.loads(json_path.read_text())
    assert document["run_id"] == folder.path.name
    assert document["counts"]["requests"] == 1
    assert load_report(json_path).error is not None


def test_html_escapes_page_text(tmp_path: Path) -> None:
    _, _, html_path = write(tmp_path)
    page = html_path.read_text()
    assert "<script" not in page
    assert 'src="http://evil.example' not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert not re.search(r'(src|href)="(https?:)?//', page)


def test_html_embeds_screenshots_and_shows_the_error(tmp_path: Path) -> None:
    _, _, html_path = write(tmp_path)
    page = html_path.read_text()
    encoded = base64.b64encode(tiny_png()).decode()
    assert f'src="data:image/png;base64,{encoded}"' in page
    assert "PageChangedError" in page
    assert "inbox list missing" in page
    assert "sc-cancel selectors check --live --account main" in page
    assert "error-messages.html" in page
    assert "113-0000001-0000001" in page
    assert "Content-Security-Policy" in page


def test_missing_evidence_is_said_not_hidden(tmp_path: Path) -> None:
    folder = folder_with_evidence(tmp_path)
    report = scan_report(folder.path, started_at=STARTED, error=PageChangedError("x", page_key="messages"))
    (folder.path / "error-messages.png").unlink()
    _, html_path = write_reports(folder, report)
    assert "error-messages.png: no longer kept" in html_path.read_text()


def test_free_text_is_redacted_on_the_way_out(tmp_path: Path) -> None:
    """A report built before the buyer's name was registered still does not carry it."""
    name = "Ottoline Quennell-Birch"
    request = CancellationRequest(
        order_id="113-0000001-0000001",
        kind=RequestKind.OFFICIAL,
        sources=(Channel.MANAGE_ORDERS,),
        reason=f"cancelled by {name}",
    )
    folder = RunFolder.create(tmp_path / "runs", "r1")
    report = scan_report(
        folder.path, started_at=STARTED, requests=[request], error=RuntimeError(f"crashed on {name}")
    )
    assert name in report.model_dump_json()
    REDACTOR.add(name, "buyer")
    json_path, html_path = write_reports(folder, report)
    for path in (json_path, html_path):
        text = path.read_text()
        assert name not in text
        assert "[buyer]" in text


def test_unconfirmed_emails_and_warnings_are_kept_without_the_subject(tmp_path: Path) -> None:
    """An e-mail's subject carries the buyer's name, which the pages never showed for an unconfirmed
    order (so the run's redactor does not know it): the report keeps order id, time and why, never the
    subject, whoever built it."""
    from automation.scan_email import Unconfirmed
    from automation.sources.email import MailboxWarning

    buyer = "Ottoline Brackenbury-Sze"
    received = datetime(2026, 11, 26, 11, 58, 2, tzinfo=UTC)
    emails = [
        Unconfirmed(
            "113-0000002-0000002",
            received,
            f"Order cancellation request from Amazon customer {buyer} (Order: 113-0000002-0000002)",
            "no_request_on_page",
            new=True,
        ),
        Unconfirmed(None, received, f"Cancel my order, {buyer}", "sender_not_allowed"),
    ]
    late = MailboxWarning(
        "1 request shown ... no e-mail", kind="notices_missing", order_ids=("113-0000001-0000001",)
    )
    by_hand = {
        "order_id": "113-0000009-0000009",
        "received_at": received,
        "subject": buyer,
        "why": "order_not_found",
    }
    _, json_path, html_path = write(
        tmp_path,
        error=None,
        stats=ScanStats(emails_seen=3),
        unconfirmed=[*(u.as_report() for u in emails), by_hand],
        warnings=[late.as_report()],
    )
    stored = json_path.read_text()
    page = html_path.read_text()
    for text in (stored, page):
        assert buyer not in text
        assert "Order cancellation request" not in text
        assert "113-0000002-0000002" in text
    document = json.loads(stored)
    assert [(u["order_id"], u["why"], u["new"], u["subject"]) for u in document["unconfirmed"]] == [
        ("113-0000002-0000002", "no_request_on_page", True, None),
        (None, "sender_not_allowed", False, None),
        ("113-0000009-0000009", "order_not_found", False, None),
    ]
    assert document["warnings"] == [
        {
            "channel": "email",
            "message": "1 request shown ... no e-mail",
            "kind": "notices_missing",
            "order_ids": ["113-0000001-0000001"],
        }
    ]
    assert document["stats"]["emails_seen"] == 3
    loaded = load_report(json_path)
    assert loaded.unconfirmed[0].received_at == received
