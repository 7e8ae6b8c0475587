"""Retention: buyer data scrubbed from the ledger, run folders pruned, old evidence deleted while the
report stays listable."""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path

import report_kit
from report_kit import ERROR_EVIDENCE, NOW

from automation.errors import PageChangedError
from automation.ledger import Ledger
from automation.models import CancellationRequest, Channel, RequestKind
from automation.report import list_runs
from automation.retention import purge

BUYER = "Rosalind Achterberg"


def age(path: Path, days: float) -> None:
    """Make `path` (and, for a folder, everything in it) look `days` old."""
    stamp = (NOW - timedelta(days=days)).timestamp()
    for item in [*path.rglob("*"), path] if path.is_dir() else [path]:
        os.utime(item, (stamp, stamp))


EVIDENCE = {
    **ERROR_EVIDENCE,
    "error-messages.html": f"<p>{BUYER}</p>",
    "capture/session.har": "{}",
}


def run_folder(runs_dir: Path, run_id: str, *, with_report: bool = True) -> Path:
    if not with_report:
        page = {"report.html": f"<img src='data:image/png;base64,AAAA'>{BUYER}"}
        return report_kit.run_folder(runs_dir, run_id, {**EVIDENCE, **page}).path
    return report_kit.finished_run(
        runs_dir,
        run_id,
        EVIDENCE,
        started_at=NOW - timedelta(days=40),
        error=PageChangedError("inbox changed", page_key="messages"),
    )


def open_ledger(tmp_path: Path, when: datetime) -> Ledger:
    return Ledger.open(tmp_path / "ledger.sqlite3", clock=lambda: when)


def test_ledger_buyer_data_is_scrubbed_after_retention(tmp_path: Path) -> None:
    request = CancellationRequest(
        order_id="113-0000001-0000001",
        kind=RequestKind.INQUIRY,
        sources=(Channel.MESSAGES,),
        reason="my words",
        buyer_name=BUYER,
    )
    with open_ledger(tmp_path, NOW - timedelta(days=31)) as ledger:
        ledger.record_scan("k", None, [request], marketplace=None)
    with open_ledger(tmp_path, NOW) as ledger:
        result = purge(ledger, tmp_path / "runs", retention_days=30, keep_runs=50, keep_runs_days=60, now=NOW)
        [kept] = ledger.open_requests("k")
    assert result.ledger_rows == 1
    assert kept.buyer_name is None
    assert kept.reason is None
    assert kept.order_id == "113-0000001-0000001"


def test_recent_buyer_data_is_kept(tmp_path: Path) -> None:
    request = CancellationRequest(
        order_id="113-0000001-0000001",
        kind=RequestKind.OFFICIAL,
        sources=(Channel.MESSAGES,),
        buyer_name=BUYER,
    )
    runs = tmp_path / "runs"
    fresh = run_folder(runs, "20261125T120000Z-aaaa")
    age(fresh, 1)
    with open_ledger(tmp_path, NOW - timedelta(days=29)) as ledger:
        ledger.record_scan("k", None, [request], marketplace=None)
    with open_ledger(tmp_path, NOW) as ledger:
        result = purge(ledger, runs, retention_days=30, keep_runs=50, keep_runs_days=60, now=NOW)
        [kept] = ledger.open_requests("k")
    assert kept.buyer_name == BUYER
    assert (result.ledger_rows, result.folders_removed, result.files_removed) == (0, (), ())
    assert (fresh / "error-messages.png").exists()


def test_run_folders_pruned_by_count_and_age(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    folders = [run_folder(runs, f"2026112{i}T120000Z-000{i}") for i in range(5)]
    for days, folder in zip([50, 4, 3, 2, 1], folders, strict=True):
        age(folder, days)
    with open_ledger(tmp_path, NOW) as ledger:
        result = purge(ledger, runs, retention_days=30, keep_runs=3, keep_runs_days=45, now=NOW)
    assert set(result.folders_removed) == {folders[0], folders[1]}
    assert sorted(p.name for p in runs.iterdir()) == [f.name for f in folders[2:]]


def test_old_evidence_goes_and_the_report_stays(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    old = run_folder(runs, "20261020T120000Z-oldd")
    age(old, 35)
    folder_mtime = old.stat().st_mtime
    before = (old / "report.html").read_text()
    assert "data:image/png;base64," in before
    with open_ledger(tmp_path, NOW) as ledger:
        result = purge(ledger, runs, retention_days=30, keep_runs=50, keep_runs_days=60, now=NOW)
    assert result.folders_removed == ()
    assert {p.relative_to(old).as_posix() for p in result.files_removed} == {
        "error-messages.png",
        "error-messages.html",
        "trace.zip",
        "capture/session.har",
    }
    assert sorted(p.name for p in old.iterdir()) == ["capture", "report.html", "report.json"]
    after = (old / "report.html").read_text()
    assert "data:image/png;base64," not in after
    assert "error-messages.png: no longer kept" in after
    assert (old / "report.html").stat().st_mode & 0o777 == 0o600
    assert result.reports_rewritten == (old / "report.html",)
    assert old.stat().st_mtime == folder_mtime  # still ages toward keep_runs_days
    assert [row.run_id for row in list_runs(runs, limit=5)] == ["20261020T120000Z-oldd"]
    with open_ledger(tmp_path, NOW + timedelta(days=1)) as ledger:  # nothing left to do the next day
        again = purge(
            ledger, runs, retention_days=30, keep_runs=50, keep_runs_days=60, now=NOW + timedelta(days=1)
        )
    assert (again.files_removed, again.reports_rewritten) == ((), ())


def test_an_old_report_page_without_its_json_is_deleted(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    old = run_folder(runs, "20261020T120000Z-nojs", with_report=False)
    age(old, 35)
    with open_ledger(tmp_path, NOW) as ledger:
        result = purge(ledger, runs, retention_days=30, keep_runs=50, keep_runs_days=60, now=NOW)
    assert old / "report.html" in result.files_removed
    assert not list(old.rglob("*.*"))
