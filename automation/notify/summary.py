"""The daily summary: per account, how the last day's runs went and what is still open, read from the
ledger (not from reports) so it also covers runs that died before writing one."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Protocol

from automation.ledger.records import ActionRecord, DecisionRecord, RunRecord, Standing
from automation.models import CancellationRequest, RequestKind
from automation.notify.event import Event, EventKind, Level

WINDOW = timedelta(hours=24)
MAX_RUNS = 10_000


class SummaryLedger(Protocol):
    """The part of `automation.ledger.Ledger` the summary reads."""

    def recent_runs(self, account: str | None = None, limit: int = 20) -> list[RunRecord]: ...
    def open_requests(self, account: str) -> list[CancellationRequest]: ...
    def pending_approvals(self, account: str) -> list[DecisionRecord]: ...
    def standings(self, account: str) -> list[Standing]: ...
    def cancels_done_since(self, account: str, since: datetime) -> list[ActionRecord]: ...


def _account_line(ledger: SummaryLedger, name: str, key: str, now: datetime) -> tuple[str, bool, int]:
    """One account's line, whether it needs attention (failed runs or none at all), and how many of its
    requests wait for approval."""
    since = now - WINDOW
    runs = [r for r in ledger.recent_runs(key, limit=MAX_RUNS) if r.started_at >= since]
    failed = sum(r.status != "ok" for r in runs)
    requests = ledger.open_requests(key)
    official = sum(r.kind is RequestKind.OFFICIAL for r in requests)
    waiting = len(ledger.pending_approvals(key))
    held = sum(s.status == "held" for s in ledger.standings(key))
    # Done ones only: a submission refused or never confirmed is no cancellation (the limits count
    # every submission; a summary for people counts what happened).
    cancelled = len(ledger.cancels_done_since(key, since))
    line = (
        f"{name}: {len(runs)} runs ({len(runs) - failed} ok, {failed} failed); "
        f"{len(requests)} open requests ({official} official, {len(requests) - official} inquiry); "
        f"{waiting} waiting for approval; {held} held; {cancelled} cancelled."
    )
    return line, failed > 0 or not runs, waiting + held


def daily_summary(ledger: SummaryLedger, accounts: Mapping[str, str] | Sequence[str], now: datetime) -> Event:
    """The summary of the 24 hours before `now`. `accounts`: display name -> ledger key, or the keys."""
    pairs = list(accounts.items()) if isinstance(accounts, Mapping) else [(key, key) for key in accounts]
    lines = [_account_line(ledger, name, key, now) for name, key in pairs]
    attention = [line for line, bad, _ in lines if bad]
    waiting = sum(n for _, _, n in lines)
    today = now.astimezone(UTC).date()
    advice = (
        " Accounts with failed runs or none at all need a look: `sc-cancel report` lists the runs."
        if attention
        else ""
    )
    body = (
        f"Last 24 hours, {len(pairs)} accounts. "
        + " ".join(line for line, _, _ in lines)
        + advice
        + (
            " Approve or reject the waiting ones, approve or dismiss the held ones: `sc-cancel plan` lists "
            "them (`--all` with the held ones)."
            if waiting
            else ""
        )
    )
    return Event(
        kind=EventKind.DAILY_SUMMARY,
        account="all",
        title=f"sc-cancel daily summary, {today.strftime('%d %b %Y').lstrip('0')}",
        body=body,
        level=Level.WARNING if attention else Level.INFO,
        topic=today.isoformat(),
    )
