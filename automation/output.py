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

    from automation.scan import ScanResult

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
    unconfirmed: Sequence[Mapping[str, Any]] = (),
    warnings: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """The document of `sc-cancel scan --json`; `extra` adds per-order fields (the `run` command's).

    `unconfirmed` (e-mails naming a request no page confirmed, sorted by order id) and `warnings`
    (`{channel, message}`) are the e-mail channel's; both are always present, empty without it."""
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
            "emails_seen": stats.emails_seen,
        },
        "unconfirmed": [dict(u) for u in unconfirmed],
        "warnings": [dict(w) for w in warnings],
    }


def scan_result_document(result: ScanResult, *, account: str, **extra: Any) -> dict[str, Any]:
    """`scan_document` of one account's scan, with its e-mail findings."""
    return scan_document(
        account=account,
        scanned_at=result.scanned_at,
        requests=result.requests,
        stats=result.stats,
        unconfirmed=[u.as_json() for u in result.unconfirmed],
        warnings=[w.as_json() for w in result.warnings],
        **extra,
    )


def error_document(exit_code: int, message: str) -> dict[str, Any]:
    """What `--json` prints on standard output when a command fails, so that a tool reading it always
    gets one document; the details (and any traceback) go to standard error. Secrets are redacted."""
    from automation.redact import REDACTOR

    one_line = " ".join(line.strip() for line in message.splitlines() if line.strip())
    return {"format": SCAN_FORMAT, "error": {"exit_code": int(exit_code), "message": REDACTOR(one_line)}}


def print_json(document: Any, stream: IO[str] | None = None) -> None:
    stream = stream or sys.stdout
    stream.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    stream.flush()


def _console(stream: IO[str]) -> Console:
    from rich.console import Console

    return Console(file=stream, highlight=False, soft_wrap=False)


BASE_COLUMNS = ("new", "order", "kind", "sources", "status", "reason", "requested (UTC)")
RUN_COLUMNS = ("decision", "approval", "outcome", "rule")
"""The columns `run` adds, in this order (the rule's name, the longest, last)."""

KEEP_PRIORITY = {
    "order": 100,
    "outcome": 90,
    "decision": 80,
    "kind": 70,
    "status": 60,
    "new": 55,
    "approval": 50,
    "reason": 40,
    "rule": 35,
    "sources": 30,
    "requested (UTC)": 20,
}
"""On a terminal too narrow for every column, the lowest of these go first; the order id never does."""

NO_WRAP = frozenset({"new", "order", "kind", "status", "requested (UTC)", "decision", "approval", "outcome"})
"""Short values that must stay whole: an order id broken over two lines cannot be copied."""


def _rows(
    requests: Sequence[CancellationRequest],
    new: set[str],
    extra_columns: Mapping[str, Mapping[str, str]] | None,
) -> tuple[list[str], list[list[str]]]:
    """The table as plain strings: shared by the terminal table and the plain output."""
    extra = {k for cols in (extra_columns or {}).values() for k in cols}
    extra_names = [n for n in RUN_COLUMNS if n in extra] + sorted(extra - set(RUN_COLUMNS))
    header = [*BASE_COLUMNS, *extra_names]
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
                (iso(request.requested_at) or "").replace("T", " ")[:16],
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
    summary: str | None = None,
    notes: Sequence[str] = (),
) -> None:
    """One line per request, then the summary line and the notes (each said once, never per row).

    On a terminal, a rich table as wide as the terminal: long texts wrap inside their cells, short
    values never do, and when even that does not fit, the least needed columns are left out (and named).
    Otherwise plain, space-aligned lines, one request per line, for pipes, log files and `grep`; lines
    that are not requests start with `#`.
    """
    stream = stream or sys.stdout
    header, rows = _rows(requests, new, extra_columns)
    if not stream.isatty():
        _print_plain(stream, title=title, header=header, rows=rows, summary=summary, notes=notes)
        return
    console = _console(stream)
    shown = list(range(len(header)))
    table = _table(title, header, rows, shown)
    while len(shown) > 1 and _min_width(console, table) > console.width:
        shown.remove(min(shown, key=lambda i: KEEP_PRIORITY.get(header[i], 0)))
        table = _table(title, header, rows, shown)
    console.print(table)
    if not rows:
        console.print("No pending buyer cancellation requests.")
    left_out = [header[i] for i in range(len(header)) if i not in shown]
    if left_out:
        console.print(f"(not shown, the terminal is too narrow: {', '.join(left_out)}; see --json)")
    for line in [*([summary] if summary else []), *notes]:
        console.print(line, markup=False, overflow="fold")


def _print_plain(
    stream: IO[str],
    *,
    title: str,
    header: list[str],
    rows: list[list[str]],
    summary: str | None,
    notes: Sequence[str],
) -> None:
    cells = [header, *([cell.replace("\t", " ").replace("\n", " ") or "-" for cell in row] for row in rows)]
    widths = [max(len(line[i]) for line in cells) for i in range(len(header))]
    stream.write(f"# {title}\n")
    for line in cells:
        stream.write("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() + "\n")
    if not rows:
        stream.write("# no pending buyer cancellation requests\n")
    for note in [*([summary] if summary else []), *notes]:
        stream.write(f"# {note}\n")
    stream.flush()


def _table(title: str, header: list[str], rows: list[list[str]], shown: list[int]) -> Any:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(
        title=title,
        title_justify="left",
        header_style="bold",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        collapse_padding=True,
    )
    for i in shown:
        name = header[i]
        whole = name in NO_WRAP
        table.add_column(
            "" if name == "new" else name,
            no_wrap=whole,
            overflow="fold",
            min_width=max([len(name), *(len(row[i]) for row in rows)]) if whole else None,
        )
    for row in rows:
        cells = []
        for i in shown:
            style = ""
            if header[i] == "kind":
                style = "bold" if row[i] == "official" else "yellow"
            # Sources break between channels, never inside one's name.
            text = row[i].replace("+", " ") if header[i] == "sources" else row[i]
            cells.append(Text(text, style=style))
        table.add_row(*cells)
    return table


def _min_width(console: Console, table: Any) -> int:
    from rich.measure import Measurement

    # Measured without the terminal's limit: within it, rich reports the squeezed width, not the least.
    return Measurement.get(console, console.options.update_width(100_000), table).minimum
