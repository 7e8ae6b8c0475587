"""The run report's data: what one `scan` or `run` found, decided and did, for people and machines.

It is written to the run folder next to the evidence and read back by `sc-cancel report`, so it must
outlive the buyer data retention: it holds order ids, kinds, states and times, never buyer names,
addresses or message text (the builder drops them, and `write_reports` keeps the rest redacted).
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any, Literal

from pydantic import AwareDatetime, Field, model_validator

from automation.strict_model import StrictModel as _Frozen

REPORT_FORMAT = 1


class ReportError(_Frozen):
    """Why a run failed, as far as a person needs it: the redacted message and the evidence kept."""

    kind: str
    """The error class, e.g. `PageChangedError`."""
    message: str
    page_key: str | None = None
    evidence: tuple[str, ...] = ()
    """Files inside the run folder (relative paths) taken at the moment of failure."""


class ReportRequest(_Frozen):
    """One pending request and what the run did about it. No buyer name; no inquiry wording."""

    order_id: str
    kind: str
    sources: tuple[str, ...]
    reason: str | None = None
    """Amazon's reason for official requests; None for inquiries (those are the buyer's own words)."""
    requested_at: AwareDatetime | None = None
    order_status: str | None = None
    ship_by: date | None = None
    marketplace: str | None = None
    new: bool = False
    decision: str | None = None
    rule: str | None = None
    approval: str | None = None
    outcome: str | None = None
    outcome_reason: str | None = None
    earlier: bool = False
    """The outcome is an earlier run's result (nothing is ever done twice): shown, but not an action of
    this run, so not counted in `counts.outcomes`."""


class RequestCounts(_Frozen):
    """The figures of the summary strip, derived from the requests so they can never disagree."""

    requests: int = 0
    new: int = 0
    official: int = 0
    inquiry: int = 0
    by_source: dict[str, int] = Field(default_factory=dict)
    """Requests seen in each channel; a request seen in both counts in both."""
    both_sources: int = 0
    decisions: dict[str, int] = Field(default_factory=dict)
    approvals: dict[str, int] = Field(default_factory=dict)
    outcomes: dict[str, int] = Field(default_factory=dict)
    """This run's outcomes; results of earlier runs are in `earlier_outcomes`."""
    earlier_outcomes: dict[str, int] = Field(default_factory=dict)

    @classmethod
    def of(cls, requests: tuple[ReportRequest, ...]) -> RequestCounts:
        def tally(values: list[str | None]) -> dict[str, int]:
            return dict(sorted(Counter(v for v in values if v is not None).items()))

        return cls(
            requests=len(requests),
            new=sum(r.new for r in requests),
            official=sum(r.kind == "official" for r in requests),
            inquiry=sum(r.kind == "inquiry" for r in requests),
            by_source=tally([s for r in requests for s in r.sources]),
            both_sources=sum(len(set(r.sources)) > 1 for r in requests),
            decisions=tally([r.decision for r in requests]),
            approvals=tally([r.approval for r in requests]),
            outcomes=tally([r.outcome for r in requests if not r.earlier]),
            earlier_outcomes=tally([r.outcome for r in requests if r.earlier]),
        )


class ReportStats(_Frozen):
    orders_seen: int = 0
    threads_seen: int = 0
    pages_visited: int = 0
    seconds: float = 0.0
    emails_seen: int | None = None
    """E-mails read from the mailbox; None without a mailbox or when it could not be read."""


class ReportWarning(_Frozen):
    """A run's warning about a channel (a mailbox that could not be read, notices missing)."""

    channel: str
    message: str
    kind: str | None = None
    """`mailbox_failing` (the mailbox could not be read), `lookups_deferred` (orders left for the next
    scan), `notices_missing` (requests with no e-mail after `notice_grace`) or `verified_text_used` (a
    page's selectors found nothing where its verified texts did: the selectors need an edit)."""
    order_ids: tuple[str, ...] = ()
    """The orders the warning is about (`lookups_deferred`, `notices_missing`)."""


class ReportUnconfirmed(_Frozen):
    """An e-mail that named a request no Seller Central page confirmed: never acted on.

    Without its subject: Amazon's subjects carry the buyer's name, and the report outlives the buyer
    data retention. The received time finds the e-mail in the mailbox."""

    order_id: str | None
    received_at: AwareDatetime
    why: str
    new: bool = False
    """Read for the first time in this run (earlier runs listed the others already)."""
    subject: str | None = None
    """Never written (see above); read back as None from reports of earlier versions."""


class RulesRef(_Frozen):
    """Which rules file decided (`run` only): the hash ties the report to the audit trail's decisions."""

    path: str
    sha256: str


class ReportTrigger(_Frozen):
    """What started a run other than a person or the schedule: `watch` saw new e-mails from Amazon naming
    these orders, and ran for just them (their details pages; no list read)."""

    by: Literal["watch"] = "watch"
    event: Literal["email"] = "email"
    order_ids: tuple[str, ...]


class RunReport(_Frozen):
    format: int = REPORT_FORMAT
    run_id: str
    command: Literal["scan", "run"]
    account: str
    """The account's name as the settings file (or scenario) spells it."""
    account_key: str
    """The ledger's key for the account (site and e-mail), as `sc-cancel history` shows it."""
    marketplaces: tuple[str, ...] = ()
    base_url: str | None = None
    started_at: AwareDatetime
    finished_at: AwareDatetime | None = None
    site_time: AwareDatetime | None = None
    """The site's time when the run finished (the `Date` header of its last document; None when no
    header was seen). `finished_at` is the machine's; ship-by alerts measure with the site's."""
    status: Literal["ok", "failed"]
    exit_code: int = 0
    execute: bool | None = None
    """`run` only: True with --execute, False for a dry run; None for `scan`."""
    stopped: bool = False
    """Actions were halted by the STOP switch."""
    trigger: ReportTrigger | None = None
    """A targeted run's cause (`command` stays `run`: it decides and acts like one); None for a run
    started by a person or the schedule, which reads every list."""
    error: ReportError | None = None
    counts: RequestCounts = Field(default_factory=RequestCounts)
    stats: ReportStats = Field(default_factory=ReportStats)
    timings: dict[str, float] = Field(default_factory=dict)
    """Seconds spent in each phase (sign_in, manage_orders, messages, actions...), in order."""
    rules: RulesRef | None = None
    requests: tuple[ReportRequest, ...] = ()
    unconfirmed: tuple[ReportUnconfirmed, ...] = ()
    warnings: tuple[ReportWarning, ...] = ()
    evidence: tuple[str, ...] = ()
    """Screenshots and page HTML inside the run folder (relative paths), errors' evidence included."""
    trace: str | None = None
    """The Playwright trace inside the run folder, when one was kept."""

    @model_validator(mode="before")
    @classmethod
    def _derive_counts(cls, data: Any) -> Any:
        """Counts come from the requests; a caller never has to (and cannot) pass figures that differ."""
        if isinstance(data, dict):
            requests = tuple(
                r if isinstance(r, ReportRequest) else ReportRequest.model_validate(r)
                for r in data.get("requests", ())
            )
            data = {**data, "requests": requests, "counts": RequestCounts.of(requests)}
        return data

    @property
    def seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return round((self.finished_at - self.started_at).total_seconds(), 3)
