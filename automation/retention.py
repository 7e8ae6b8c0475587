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
from typing import TYPE_CHECKING, Protocol

from loguru import logger

from automation.artifacts import prune_runs
from automation.errors import ArtifactStoreError, BadInputError
from automation.report.write import HTML_NAME, JSON_NAME, load_report, write_html

if TYPE_CHECKING:
    from automation.artifacts_store import S3Store

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
    stored_runs_removed: tuple[str, ...] = ()
    """Run ids pruned from the artifact store (an S3 bucket)."""
    stored_files_removed: tuple[str, ...] = ()
    """Evidence objects deleted from the artifact store."""

    def summary(self) -> str:
        stored = (
            f"; in the store, {len(self.stored_runs_removed)} runs and {len(self.stored_files_removed)} "
            "evidence files removed"
            if self.stored_runs_removed or self.stored_files_removed
            else ""
        )
        return (
            f"retention: {self.ledger_rows} ledger rows scrubbed, {len(self.folders_removed)} run folders "
            f"and {len(self.files_removed)} evidence files removed{stored}"
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
    store: S3Store | None = None,
) -> PurgeReport:
    """Apply the retention settings once: scrub the ledger, prune run folders, strip evidence older than
    `retention_days` from the folders that stay; in the artifact store too, when there is one (a store
    that fails is logged and tried again after the next run)."""
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
    stored_runs: list[str] = []
    stored_files: list[str] = []
    if store is not None:
        try:
            stored_runs = store.prune(keep=keep_runs, max_age_days=keep_runs_days, now=now.timestamp())
            stored_files, _ = store.purge_evidence(PERSONAL_SUFFIXES, cutoff=cutoff.timestamp(), now=now)
        except ArtifactStoreError as exc:
            logger.warning("retention in the artifact store: {}", exc)
    report = PurgeReport(
        rows, tuple(folders), tuple(files), tuple(rewritten), tuple(stored_runs), tuple(stored_files)
    )
    if rows or folders or files or stored_runs or stored_files:
        logger.info(report.summary())
    return report
