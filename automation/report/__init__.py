"""Run reports: `report.json` for machines and a self-contained `report.html` for people, written into
each run's folder, and the `sc-cancel report` listing.

`build_report(...)` turns what a run produced into a `RunReport`; `write_reports(folder, report)` writes
both files; `list_runs`, `print_run_list` and `open_report` serve the CLI command.
"""

from __future__ import annotations

from automation.report.build import OutcomeLike, build_report
from automation.report.listing import RunSummaryRow, list_runs, open_report, print_run_list
from automation.report.model import (
    ReportError,
    ReportRequest,
    ReportTrigger,
    RequestCounts,
    RulesRef,
    RunReport,
)
from automation.report.render_html import render_html
from automation.report.timings import PhaseTimer
from automation.report.write import load_report, write_html, write_reports

__all__ = [
    "OutcomeLike",
    "PhaseTimer",
    "ReportError",
    "ReportRequest",
    "ReportTrigger",
    "RequestCounts",
    "RulesRef",
    "RunReport",
    "RunSummaryRow",
    "build_report",
    "list_runs",
    "load_report",
    "open_report",
    "print_run_list",
    "render_html",
    "write_html",
    "write_reports",
]
