"""What `scan` and `run` print: the JSON document other tools read, and a table for people.

The JSON is a fixed interface (docs/interfaces.md): field names and meanings never change; new fields
only ever get added. Logs go to standard error, so standard output holds only this.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import IO, TYPE_CHECKING, Any

from automation.models import CancellationRequest, ScanStats

if TYPE_CHECKING:
    from rich.console import Console

SCAN_FORMAT = 1


def iso(value: datetime | None) -> str | None:
    """UTC, ISO 8601 with a Z, to the second."""
    if value is None:
        return None
    return value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def request_entry(request: CancellationRequest) -> dict[str, Any]:
    return {
        "order_id": request.order_id,
        "kind": str(request.kind),
        "sources": sorted(str(s) for s in request.sources),
        "reason": request.reason,
        "requested_at": iso(request.requested_at),
        "order_status": None if request.order_status is None else str(request.order_status),
    }


def scan_document(
    *,
    account: str,
    scanned_at: datetime,
    requests: Sequence[CancellationRequest],
    stats: ScanStats,
    extra: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """The document of `sc-cancel scan --json`; `extra` adds per-order fields (the `run` command's)."""
    entries = []
    for request in sorted(requests, key=lambda r: r.order_id):
        entry = request_entry(request)
        if extra is not None:
            entry.update(extra.get(request.order_id, {}))
        entries.append(entry)
    return {
        "format": SCAN_FORMAT,
        "account": account,
        "scanned_at": iso(scanned_at),
        "requests": entries,
        "stats": {
            "orders_seen": stats.orders_seen,
            "threads_seen": stats.threads_seen,
            "pages_visited": stats.pages_visited,
            "seconds": round(stats.seconds, 3),
        },
    }


def print_json(document: Any, stream: IO[str] | None = None) -> None:
    stream = stream or sys.stdout
    stream.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    stream.flush()


def _console(stream: IO[str] | None) -> Console:
    from rich.console import Console

    stream = stream or sys.stdout
    return Console(file=stream, highlight=False, soft_wrap=False, width=None if stream.isatty() else 160)


def print_requests_table(
    requests: Sequence[CancellationRequest],
    *,
    new: set[str],
    title: str,
    stream: IO[str] | None = None,
    extra_columns: Mapping[str, Mapping[str, str]] | None = None,
) -> None:
    """One line per request; a rich table on a terminal, plain columns otherwise."""
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, title_justify="left", show_lines=False, header_style="bold")
    columns = ["", "order", "kind", "sources", "status", "reason", "requested (UTC)"]
    extra_names = sorted({k for cols in (extra_columns or {}).values() for k in cols})
    for name in columns + extra_names:
        table.add_column(name)
    for request in sorted(requests, key=lambda r: r.order_id):
        kind = Text(str(request.kind), style="bold" if request.kind == "official" else "yellow")
        row = [
            "new" if request.order_id in new else "",
            request.order_id,
            kind,
            "+".join(sorted(str(s) for s in request.sources)),
            str(request.order_status or "?"),
            request.reason or "",
            (iso(request.requested_at) or "").replace("T", " ").rstrip("Z"),
        ]
        cols = (extra_columns or {}).get(request.order_id, {})
        row += [cols.get(name, "") for name in extra_names]
        table.add_row(*row)
    console = _console(stream)
    console.print(table)
    if not requests:
        console.print("No pending buyer cancellation requests.")


def print_summary_line(text: str, stream: IO[str] | None = None) -> None:
    _console(stream).print(text)
