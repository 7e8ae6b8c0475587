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


def error_document(exit_code: int, message: str) -> dict[str, Any]:
    """What `--json` prints on standard output when a command fails, so that a tool reading it always
    gets one document; the details (and any traceback) go to standard error. Secrets are redacted."""
    from automation.redact import REDACTOR

    return {"format": SCAN_FORMAT, "error": {"exit_code": int(exit_code), "message": REDACTOR(message)}}


def print_json(document: Any, stream: IO[str] | None = None) -> None:
    stream = stream or sys.stdout
    stream.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    stream.flush()


def _console(stream: IO[str]) -> Console:
    from rich.console import Console

    return Console(file=stream, highlight=False, soft_wrap=False)


def _rows(
    requests: Sequence[CancellationRequest],
    new: set[str],
    extra_columns: Mapping[str, Mapping[str, str]] | None,
) -> tuple[list[str], list[list[str]]]:
    """The table as plain strings: shared by the terminal table and the plain output."""
    extra_names = sorted({k for cols in (extra_columns or {}).values() for k in cols})
    header = ["new", "order", "kind", "sources", "status", "reason", "requested (UTC)", *extra_names]
    rows = []
    for request in sorted(requests, key=lambda r: r.order_id):
        cols = (extra_columns or {}).get(request.order_id, {})
        rows.append(
            [
                "new" if request.order_id in new else "",
                request.order_id,
                str(request.kind),
                "+".join(sorted(str(s) for s in request.sources)),
                str(request.order_status or "?"),
                request.reason or "",
                (iso(request.requested_at) or "").replace("T", " ").rstrip("Z"),
                *(cols.get(name, "") for name in extra_names),
            ]
        )
    return header, rows


def print_requests_table(
    requests: Sequence[CancellationRequest],
    *,
    new: set[str],
    title: str,
    stream: IO[str] | None = None,
    extra_columns: Mapping[str, Mapping[str, str]] | None = None,
) -> None:
    """One line per request: a rich table on a terminal; plain tab-separated lines otherwise, so that
    pipes, log files and `grep` get one request per line."""
    stream = stream or sys.stdout
    header, rows = _rows(requests, new, extra_columns)
    if not stream.isatty():
        stream.write(f"# {title}\n")
        stream.write("\t".join(header) + "\n")
        for row in rows:
            stream.write("\t".join(cell.replace("\t", " ") for cell in row) + "\n")
        if not rows:
            stream.write("# no pending buyer cancellation requests\n")
        stream.flush()
        return
    from rich.table import Table

    table = Table(title=title, title_justify="left", header_style="bold")
    for name in header:
        table.add_column("" if name == "new" else name, overflow="fold")
    for row in rows:
        styled = list(row)
        styled[2] = f"[bold]{row[2]}[/bold]" if row[2] == "official" else f"[yellow]{row[2]}[/yellow]"
        table.add_row(*styled)
    console = _console(stream)
    console.print(table)
    if not rows:
        console.print("No pending buyer cancellation requests.")
