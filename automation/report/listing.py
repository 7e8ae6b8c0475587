"""`sc-cancel report`: the recent runs from their report.json files, and the page of one of them.

It reads the run folders rather than the ledger, so it lists exactly what can be opened, and works on a
copy of the folders away from the server. Tables for a person at a terminal, plain columns for a pipe.
With an artifact store, the folders are the store's copies plus the runs still waiting on this machine
for their upload: those are listed too, marked, since they are the runs an operator most needs to see.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from loguru import logger

from automation.errors import BadInputError
from automation.report.model import RunReport
from automation.report.render_html import when
from automation.report.write import HTML_NAME, JSON_NAME, load_report

COLUMNS = ("run", "account", "command", "started", "status", "exit", "requests", "new", "done", "failed", "s")


@dataclass(frozen=True)
class RunSummaryRow:
    run_id: str
    account: str
    command: str
    started_at: datetime
    status: str
    exit_code: int
    requests: int
    new: int
    done: int
    failed: int
    seconds: float | None
    html: Path
    uploaded: bool | None = None
    """With an artifact store: whether the run is in it (False: its folder waits here for the next
    run's upload). None without a store."""

    @classmethod
    def of(cls, report: RunReport, html: Path, uploaded: bool | None = None) -> RunSummaryRow:
        outcomes = report.counts.outcomes
        return cls(
            run_id=report.run_id,
            account=report.account,
            command=report.command if report.trigger is None else f"{report.command}:{report.trigger.by}",
            started_at=report.started_at,
            status=report.status,
            exit_code=report.exit_code,
            requests=report.counts.requests,
            new=report.counts.new,
            done=outcomes.get("done", 0),
            failed=outcomes.get("failed", 0) + outcomes.get("unknown", 0),
            seconds=report.seconds,
            html=html,
            uploaded=uploaded,
        )

    def cells(self) -> tuple[str, ...]:
        seconds = "" if self.seconds is None else f"{self.seconds:.1f}"
        return (
            self.run_id,
            self.account,
            self.command,
            when(self.started_at),
            self.status,
            str(self.exit_code),
            str(self.requests),
            str(self.new),
            str(self.done),
            str(self.failed),
            seconds,
            *(() if self.uploaded is None else ("yes" if self.uploaded else "no",)),
        )


def list_runs(
    runs_dir: Path, limit: int = 20, *, waiting: Sequence[Path] | None = None
) -> list[RunSummaryRow]:
    """The newest `limit` runs that wrote a report, newest first. Unreadable reports are skipped with a
    warning: one broken folder must not hide the others.

    `waiting`: with an artifact store (`runs_dir` then holds the store's copies), the run folders still
    on this machine waiting for their upload; their rows say so."""
    stored = None if waiting is None else True
    found = [(path, stored) for path in runs_dir.glob(f"*/{JSON_NAME}")] if runs_dir.is_dir() else []
    found += [(folder / JSON_NAME, False) for folder in waiting or () if (folder / JSON_NAME).is_file()]
    rows = []
    for path, uploaded in found:
        try:
            report = load_report(path)
        except BadInputError as exc:
            logger.warning("skipping {}", exc)
            continue
        rows.append(RunSummaryRow.of(report, path.parent / HTML_NAME, uploaded))
    rows.sort(key=lambda row: (row.started_at, row.run_id), reverse=True)
    return rows[:limit]


def print_run_list(rows: list[RunSummaryRow], stream: IO[str]) -> None:
    if not rows:
        stream.write("no runs with a report yet\n")
        return
    if stream.isatty():
        _print_table(rows, stream)
    else:
        columns = COLUMNS if rows[0].uploaded is None else (*COLUMNS, "uploaded")
        widths = [max(len(c), *(len(row.cells()[i]) for row in rows)) for i, c in enumerate(columns)]
        for cells in (columns, *(row.cells() for row in rows)):
            stream.write("  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip())
            stream.write("\n")
    waiting = [row for row in rows if row.uploaded is False]
    if waiting:
        stream.write(
            f"# {len(waiting)} run(s) not yet uploaded to the artifact store: their folders wait in "
            f"{waiting[0].html.parent.parent} and the next run uploads them\n"
        )


TABLE_COLUMNS = ("run", "account", "cmd", "started UTC", "status", "req", "new", "done", "fail", "secs")


def _print_table(rows: list[RunSummaryRow], stream: IO[str]) -> None:
    """A compact rich table for a person; the run id is never cut or folded (people copy it)."""
    from rich import box
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Recent runs", title_justify="left", box=box.SIMPLE_HEAD, padding=(0, 0))
    store = rows[0].uploaded is not None
    for column in (*TABLE_COLUMNS, "sent") if store else TABLE_COLUMNS:  # "sent": uploaded to the store
        numeric = column in TABLE_COLUMNS[5:]
        table.add_column(
            column,
            justify="right" if numeric else "left",
            no_wrap=True,
            min_width=max(len(row.run_id) for row in rows) if column == "run" else None,
            overflow="ellipsis",
        )
    for row in rows:
        cells = row.cells()
        status = row.status if row.exit_code == 0 else f"{row.status} {row.exit_code}"
        started = row.started_at.astimezone(UTC).strftime("%m-%d %H:%M")
        table.add_row(
            cells[0],
            cells[1],
            cells[2],
            started,
            status,
            *cells[6:],
            style="red" if row.status != "ok" else ("yellow" if row.uploaded is False else None),
        )
    Console(file=stream, highlight=False).print(table)


def open_report(runs_dir: Path, run_id: str | None = None, *, waiting: Sequence[Path] = ()) -> Path:
    """The report.html of `run_id` (or of a unique prefix of it), or of the newest run when None;
    `waiting` as for `list_runs`."""
    if run_id is None:
        rows = list_runs(runs_dir, limit=1, waiting=waiting)
        if not rows:
            raise BadInputError(f"{runs_dir}: no run has written a report yet; run `sc-cancel scan` first")
        return _existing(rows[0].html)
    if not run_id or "/" in run_id or "\\" in run_id or run_id.startswith("."):
        raise BadInputError(f"'{run_id}' is not a run id like 20261126T120003Z-ab12")
    pages = [*waiting, *(sorted(runs_dir.iterdir()) if runs_dir.is_dir() else ())]
    exact = [folder / HTML_NAME for folder in pages if folder.name == run_id]
    if exact and exact[0].is_file():
        return exact[0]
    matches = sorted(
        {f / HTML_NAME for f in pages if f.name.startswith(run_id) and (f / HTML_NAME).is_file()}
    )
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        names = ", ".join(p.parent.name for p in matches[:5])
        raise BadInputError(f"run id '{run_id}' is ambiguous ({names}); give more of it")
    raise BadInputError(f"no report for run '{run_id}' in {runs_dir} (see `sc-cancel report` for the list)")


def _existing(path: Path) -> Path:
    if not path.is_file():
        raise BadInputError(f"{path} is missing; the run wrote report.json only")
    return path
