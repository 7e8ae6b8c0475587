"""Run folders as finished runs leave them (evidence, a trace, report.json and report.html), for the
tests of what reads them back: the run list, the report pages, retention, the S3 artifact store.

The reports are built by the real `build_report` and written by the real `write_reports`, so a test
reads exactly what a run would have left; only the defaults (a `scan` of account `main`, ledger key `k`,
at `NOW`) are the kit's.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from automation.artifacts import RunFolder
from automation.report import RunReport, build_report, write_reports

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
PNG = b"\x89PNG\r\n\x1a\nfake-but-embedded"
"""Enough of a PNG for the report page to embed it (no image library reads it)."""
ERROR_EVIDENCE: Mapping[str, bytes | str] = {"error-messages.png": PNG, "trace.zip": b"PK trace"}
"""What a failed run keeps: the screenshot of the page it failed on, and its trace."""


def scan_report(folder: Path, **fields: Any) -> RunReport:
    """The report of a `scan` of `main` whose run folder is `folder` (the run id is its name), started
    and finished at `NOW` unless `fields` say otherwise; `fields` as `build_report` takes them."""
    started = fields.pop("started_at", NOW)
    options: dict[str, Any] = {
        "run_id": folder.name,
        "command": "scan",
        "account": "main",
        "account_key": "k",
        "finished_at": started,
        **fields,
    }
    return build_report(folder=folder, started_at=started, **options)


def run_folder(runs_dir: Path, run_id: str, files: Mapping[str, bytes | str] = ERROR_EVIDENCE) -> RunFolder:
    """A run's folder holding `files` (name, relative to the folder: content), and no report yet."""
    folder = RunFolder.create(runs_dir, run_id)
    for name, content in files.items():
        path = folder.path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return folder


def finished_run(
    runs_dir: Path, run_id: str, files: Mapping[str, bytes | str] = ERROR_EVIDENCE, **fields: Any
) -> Path:
    """A run folder as a finished run leaves it: `files`, then its reports (`scan_report`'s `fields`)."""
    folder = run_folder(runs_dir, run_id, files)
    write_reports(folder, scan_report(folder.path, **fields))
    return folder.path
