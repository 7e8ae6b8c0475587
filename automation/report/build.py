"""Building a `RunReport` from what a run produced, dropping buyer personal data on the way.

Takes plain records (requests, the run's outcomes, the error) rather than the run's classes, so the
report stays importable without Playwright and testable without a browser.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from automation.errors import exit_code_for
from automation.models import CancellationRequest, RequestKind, ScanStats
from automation.redact import REDACTOR, Redactor
from automation.report.model import (
    ReportError,
    ReportRequest,
    ReportStats,
    ReportTrigger,
    ReportUnconfirmed,
    ReportWarning,
    RulesRef,
    RunReport,
)

EVIDENCE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".html")
REPORT_FILES = ("report.json", "report.html")
TRACE_NAMES = ("trace.zip",)


class OutcomeLike(Protocol):
    """What the run did about one request (`automation.actions.outcome.RequestOutcome` has these fields)."""

    decision: str
    rule: str | None
    approval: str | None
    outcome_reason: str | None
    earlier: bool
    """The outcome is an earlier run's result, not something this run did."""

    @property
    def outcome(self) -> str | None:
        """`automation.models.Outcome`'s value (the report stores it as text)."""
        ...


def _text(value: str | None, redactor: Redactor) -> str | None:
    return None if value is None else redactor(value)


def report_request(
    request: CancellationRequest,
    *,
    new: bool,
    outcome: OutcomeLike | None,
    redactor: Redactor = REDACTOR,
) -> ReportRequest:
    """One row of the report. The buyer's name and the wording of inquiries (the buyer's own message)
    are left out; Amazon's fixed reasons for official requests are kept."""
    official = request.kind is RequestKind.OFFICIAL
    return ReportRequest(
        order_id=request.order_id,
        kind=str(request.kind),
        sources=tuple(sorted(str(source) for source in request.sources)),
        reason=_text(request.reason, redactor) if official else None,
        requested_at=request.requested_at,
        order_status=None if request.order_status is None else str(request.order_status),
        ship_by=request.ship_by,
        marketplace=request.marketplace,
        new=new,
        decision=None if outcome is None else outcome.decision,
        rule=None if outcome is None else outcome.rule,
        approval=None if outcome is None else outcome.approval,
        outcome=None if outcome is None or outcome.outcome is None else str(outcome.outcome),
        outcome_reason=None if outcome is None else _text(outcome.outcome_reason, redactor),
        earlier=outcome is not None and outcome.earlier,
    )


def report_error(error: BaseException, folder: Path, redactor: Redactor = REDACTOR) -> ReportError:
    """The error as the report shows it; evidence files are the ones the runner named `error*`."""
    page_key = getattr(error, "page_key", None)
    evidence = tuple(p for p in folder_evidence(folder) if Path(p).name.startswith("error"))
    return ReportError(
        kind=type(error).__name__,
        message=redactor(str(error)) or type(error).__name__,
        page_key=page_key if isinstance(page_key, str) else None,
        evidence=evidence,
    )


def exit_code_of(error: BaseException | None) -> int:
    return int(exit_code_for(error))


def folder_evidence(folder: Path) -> tuple[str, ...]:
    """Screenshots and page HTML kept in the run folder, as sorted relative paths."""
    if not folder.is_dir():
        return ()
    return tuple(
        sorted(
            str(path.relative_to(folder))
            for path in folder.rglob("*")
            if path.is_file() and path.suffix.lower() in EVIDENCE_SUFFIXES and path.name not in REPORT_FILES
        )
    )


def folder_trace(folder: Path) -> str | None:
    for name in TRACE_NAMES:
        if (folder / name).is_file():
            return name
    return None


def build_report(
    *,
    run_id: str,
    command: str,
    account: str,
    account_key: str,
    folder: Path,
    started_at: datetime,
    finished_at: datetime | None,
    site_time: datetime | None = None,
    requests: Sequence[CancellationRequest] = (),
    new: Collection[str] = (),
    outcomes: Mapping[str, OutcomeLike] | None = None,
    stats: ScanStats | None = None,
    error: BaseException | None = None,
    marketplaces: Sequence[str] = (),
    base_url: str | None = None,
    timings: Mapping[str, float] | None = None,
    rules_path: Path | None = None,
    rules_sha256: str | None = None,
    execute: bool | None = None,
    stopped: bool = False,
    trigger: ReportTrigger | None = None,
    unconfirmed: Sequence[Mapping[str, Any]] = (),
    warnings: Sequence[Mapping[str, Any]] = (),
    redactor: Redactor = REDACTOR,
) -> RunReport:
    """The report of a finished (or failed) run; evidence and trace are found in `folder`."""
    outcomes = outcomes or {}
    rows = tuple(
        report_request(r, new=r.order_id in new, outcome=outcomes.get(r.order_id), redactor=redactor)
        for r in sorted(requests, key=lambda r: r.order_id)
    )
    stats = stats or ScanStats()
    rules = (
        RulesRef(path=str(rules_path), sha256=rules_sha256)
        if rules_path is not None and rules_sha256 is not None
        else None
    )
    return RunReport(
        run_id=run_id,
        command=command,  # type: ignore[arg-type]  # validated by the model: scan or run
        account=account,
        account_key=account_key,
        marketplaces=tuple(m for m in marketplaces if m),
        base_url=base_url,
        started_at=started_at,
        finished_at=finished_at,
        site_time=site_time,
        status="ok" if error is None else "failed",
        exit_code=exit_code_of(error),
        execute=execute,
        stopped=stopped,
        trigger=trigger,
        error=None if error is None else report_error(error, folder, redactor),
        stats=ReportStats(**stats.model_dump()),
        timings={name: round(seconds, 3) for name, seconds in (timings or {}).items()},
        rules=rules,
        requests=rows,
        unconfirmed=tuple(ReportUnconfirmed.model_validate({**u, "subject": None}) for u in unconfirmed),
        warnings=tuple(
            ReportWarning.model_validate({**w, "message": redactor(w["message"])}) for w in warnings
        ),
        evidence=folder_evidence(folder),
        trace=folder_trace(folder),
    )
