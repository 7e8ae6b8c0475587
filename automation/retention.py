"""Buyer personal data is kept only as long as `retention_days` says: then it is scrubbed from the
ledger and the evidence files of run folders are deleted. Run folders themselves go by count and age.

A run's report.json holds no personal data and stays, so `sc-cancel report` can still list the run;
its report.html embeds screenshots, so it is written again from report.json without them.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

from loguru import logger

from automation.artifacts import prune_runs
from automation.errors import BadInputError
from automation.report.write import HTML_NAME, JSON_NAME, load_report, write_html

PERSONAL_SUFFIXES = frozenset(
    {".png", ".jpg", ".jpeg", ".webp", ".html", ".htm", ".mhtml", ".har", ".zip", ".webm"}
)
"""Screenshots, page HTML, HAR captures, traces and videos: what may show buyers' names and messages."""


class PurgeableLedger(Protocol):
    def purge_personal_data(self, older_than: datetime) -> int: ...


@dataclass(frozen=True)
class PurgeReport:
    ledger_rows: int = 0
    """Ledger rows whose buyer data was scrubbed."""
    folders_removed: tuple[Path, ...] = ()
    files_removed: tuple[Path, ...] = field(default=())
    reports_rewritten: tuple[Path, ...] = ()

    def summary(self) -> str:
        return (
            f"retention: {self.ledger_rows} ledger rows scrubbed, {len(self.folders_removed)} run folders "
            f"and {len(self.files_removed)} evidence files removed"
        )


def _personal_files(folder: Path, cutoff: float) -> list[Path]:
    return sorted(
        path
        for path in folder.rglob("*")
        if path.is_file()
        and path.suffix.lower() in PERSONAL_SUFFIXES
        and path.name != JSON_NAME
        and path.stat().st_mtime < cutoff
    )


def purge_folder(folder: Path, cutoff: float, now: datetime) -> tuple[list[Path], bool]:
    """Delete one run folder's evidence files older than `cutoff` (a timestamp). An old report page is
    written again from report.json, without the screenshots it embedded; without report.json it goes.
    Returns the files removed and whether the page was rewritten.

    The folder keeps its modification time: `prune_runs` ages folders by it, and a purge must not make
    an old run look new."""
    folder_times = folder.stat()
    try:
        return _purge_files(folder, cutoff, now)
    finally:
        with contextlib.suppress(OSError):
            os.utime(folder, ns=(folder_times.st_atime_ns, folder_times.st_mtime_ns))


def _purge_files(folder: Path, cutoff: float, now: datetime) -> tuple[list[Path], bool]:
    removed = []
    html = folder / HTML_NAME
    stale_html = False
    for path in _personal_files(folder, cutoff):
        if path == html and (folder / JSON_NAME).is_file():
            stale_html = True
            continue
        with contextlib.suppress(OSError):
            path.unlink()
            removed.append(path)
    if not (stale_html or (removed and html.is_file())):
        return removed, False
    try:
        written = write_html(folder, load_report(folder / JSON_NAME), generated_at=now)
        os.utime(written, (now.timestamp(), now.timestamp()))  # dated by the purge's clock, like the cut-off
    except BadInputError as exc:
        logger.warning("retention: {}; removing {}", exc, html)
        html.unlink(missing_ok=True)
        removed.append(html)
        return removed, False
    return removed, True


def purge(
    ledger: PurgeableLedger,
    runs_dir: Path,
    *,
    retention_days: int,
    keep_runs: int,
    keep_runs_days: int,
    now: datetime,
) -> PurgeReport:
    """Apply the retention settings once: scrub the ledger, prune run folders, strip evidence older than
    `retention_days` from the folders that stay."""
    cutoff = now - timedelta(days=retention_days)
    rows = ledger.purge_personal_data(cutoff)
    folders = prune_runs(runs_dir, keep=keep_runs, max_age_days=keep_runs_days, now=now.timestamp())
    files: list[Path] = []
    rewritten: list[Path] = []
    if runs_dir.is_dir():
        for folder in sorted(p for p in runs_dir.iterdir() if p.is_dir() and not p.name.startswith(".")):
            removed, again = purge_folder(folder, cutoff.timestamp(), now)
            files += removed
            if again:
                rewritten.append(folder / HTML_NAME)
    report = PurgeReport(rows, tuple(folders), tuple(files), tuple(rewritten))
    if rows or folders or files:
        logger.info(report.summary())
    return report
