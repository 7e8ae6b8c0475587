"""Ledger test builders shared by the ledger's and the commands' unit tests: a hand-moved clock, requests
and decisions with the defaults those tests read as."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

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
