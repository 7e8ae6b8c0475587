"""Whether a run may act on a request now, decided from ledger facts and limits alone. Pure.

The executor gathers the facts (the earlier actions on the order or its threads, the person's word, the
cancellations of the last 24 hours) and carries out the verdict; the rules that turn facts into a verdict
live here, so they can be read, and tested, without a browser or a ledger.

Order of precedence: an earlier run's final result wins over everything (nothing is ever done twice);
then a person's rejection, a missing approval, a dry run and, checked last by the executor because it
reads a file, the STOP switch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from automation.models import Approval, DecisionKind, Outcome


@dataclass(frozen=True)
class Act:
    """Nothing holds the request back: carry out its action in this run."""


ACT = Act()


@dataclass(frozen=True)
class Hold:
    """Nothing is done about the request in this run: the outcome to report, and why."""

    outcome: Outcome | None
    reason: str | None
    earlier: bool = False
    """The outcome is an earlier run's final result, not something this run did or planned."""


Verdict = Hold | Act

HALTED = Hold(Outcome.PLANNED, "halted by the STOP switch")


class EarlierAction(Protocol):
    """What the policy needs to know of an action already in the ledger (`ActionRecord` has it)."""

    @property
    def state(self) -> Outcome: ...

    @property
    def reason(self) -> str | None: ...

    @property
    def reached_in_flight(self) -> bool: ...


class Limits(Protocol):
    """The rules file's caps on cancellations (`rules.schema.Limits`)."""

    @property
    def max_cancellations_per_run(self) -> int: ...

    @property
    def max_cancellations_per_day(self) -> int: ...


def earlier_outcome(
    kind: DecisionKind, cancel: EarlierAction | None, replies: Sequence[EarlierAction | None]
) -> Hold | None:
    """An earlier run's final result for the request, or None when there is none to respect.

    A cancel: its action's settled state, except a failure before Submit (it never reached Amazon, so
    it may be tried again). A reply: only once every thread's reply is settled, reporting the first one
    that is not done (else the first)."""
    if kind is DecisionKind.CANCEL:
        if (
            cancel is not None
            and cancel.state.settled
            and not (cancel.state is Outcome.FAILED and not cancel.reached_in_flight)
        ):
            return Hold(cancel.state, cancel.reason, earlier=True)
        return None
    settled = [a for a in replies if a is not None and a.state.settled]
    if not replies or len(settled) < len(replies):
        return None
    worst = next((a for a in settled if a.state is not Outcome.DONE), settled[0])
    return Hold(worst.state, worst.reason, earlier=True)


def held_back(earlier: Hold | None, approval: Approval, *, execute: bool) -> Verdict:
    """Hold for an earlier result, a rejection, a missing approval or a dry run, in that order.

    The STOP switch comes after all of these (the executor reads it only when this says `Act`), so an
    earlier result or a dry run is reported without consulting it."""
    if earlier is not None:
        return earlier
    if approval is Approval.REJECTED:
        return Hold(None, "rejected by a person")
    if approval is Approval.PENDING:
        return Hold(Outcome.PLANNED, "waiting for approval (sc-cancel approve ORDER_ID)")
    if not execute:
        return Hold(Outcome.PLANNED, "dry run: add --execute to carry it out")
    return ACT


def cancel_limit(limits: Limits, *, cancels_this_run: int, cancels_last_24h: int) -> Verdict:
    """Defer a cancellation once this run's, or the rolling 24 hours', cap is reached.

    `cancels_last_24h` counts what the ledger says was submitted in the last 24 hours, so the daily
    cap holds across runs and restarts."""
    if cancels_this_run >= limits.max_cancellations_per_run:
        return Hold(
            Outcome.PLANNED,
            f"deferred: max_cancellations_per_run ({limits.max_cancellations_per_run}) reached",
        )
    if cancels_last_24h >= limits.max_cancellations_per_day:
        return Hold(
            Outcome.PLANNED,
            f"deferred: max_cancellations_per_day ({limits.max_cancellations_per_day}) reached",
        )
    return ACT
