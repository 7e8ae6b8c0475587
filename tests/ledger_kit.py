"""Ledger test builders shared by the ledger's and the commands' unit tests: a hand-moved clock, requests
and decisions with the defaults those tests read as."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from automation.ledger import Ledger
from automation.models import CancellationRequest, Channel, Decision, DecisionKind, RequestKind

START = datetime(2026, 11, 26, 12, 0, 3, tzinfo=UTC)
ACCOUNT = "seller@example.com"
SHA_A = "a" * 64
SHA_B = "b" * 64


class FakeClock:
    """A clock the test moves by hand, so times in the ledger are exact."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def request(
    order_id: str,
    *,
    kind: RequestKind = RequestKind.OFFICIAL,
    sources: tuple[Channel, ...] = (Channel.MANAGE_ORDERS,),
    **extra: object,
) -> CancellationRequest:
    return CancellationRequest(order_id=order_id, kind=kind, sources=sources, **extra)  # type: ignore[arg-type]


def decision(order_id: str, kind: DecisionKind, approve: str | None = "manual", rule: str = "r1") -> Decision:
    return Decision(order_id=order_id, decision=kind, rule=rule, approve=approve, explanation="why")


def scanned_for_cancelling(ledger: Ledger, account: str, order_ids: Sequence[str]) -> str:
    """A `run` of `account` that found official requests on `order_ids` and decided, under rules A, to
    cancel each (with a person's approval): their decisions are waiting. Returns the run's id, unfinished."""
    run_id = ledger.start_run(account, "run")
    ledger.record_scan(account, run_id, [request(o) for o in order_ids], marketplace=None)
    for order_id in order_ids:
        ledger.record_decision(
            account,
            run_id,
            decision(order_id, DecisionKind.CANCEL),
            rules_sha256=SHA_A,
            request_kind=RequestKind.OFFICIAL,
        )
    return run_id
