"""The policy that decides, from ledger facts and limits alone, whether a run acts on a request now: an
earlier final result, a person's word, a dry run, and the cancellation caps. Plain data in, a verdict out;
no browser and no ledger."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from automation.actions.policy import ACT, Act, Hold, cancel_limit, earlier_outcome, held_back
from automation.models import Approval, DecisionKind, Outcome


@dataclass(frozen=True)
class Earlier:
    """An action as the ledger last recorded it."""

    state: Outcome
    reason: str | None = "as the ledger says"
    reached_in_flight: bool = False


@dataclass(frozen=True)
class Caps:
    max_cancellations_per_run: int = 20
    max_cancellations_per_day: int = 100


# --- an earlier run's result -----------------------------------------------------------------------------


@pytest.mark.parametrize("state", [Outcome.DONE, Outcome.SKIPPED])
def test_a_settled_cancel_is_reported_as_the_earlier_result(state: Outcome) -> None:
    held = earlier_outcome(DecisionKind.CANCEL, Earlier(state), ())
    assert held == Hold(state, "as the ledger says", earlier=True)


def test_a_cancel_that_failed_after_submit_is_never_retried() -> None:
    failed = Earlier(Outcome.FAILED, "refused", reached_in_flight=True)
    assert earlier_outcome(DecisionKind.CANCEL, failed, ()) == Hold(Outcome.FAILED, "refused", earlier=True)


def test_a_cancel_that_failed_before_submit_may_be_tried_again() -> None:
    assert earlier_outcome(DecisionKind.CANCEL, Earlier(Outcome.FAILED, reached_in_flight=False), ()) is None


@pytest.mark.parametrize(
    "state", [Outcome.PLANNED, Outcome.APPROVED, Outcome.IN_FLIGHT, Outcome.UNKNOWN], ids=str
)
def test_a_cancel_not_yet_settled_is_no_earlier_result(state: Outcome) -> None:
    """In flight or unknown is settled by reading the order first; planned or approved goes on."""
    assert earlier_outcome(DecisionKind.CANCEL, Earlier(state, reached_in_flight=True), ()) is None


def test_no_earlier_cancel_is_no_earlier_result() -> None:
    assert earlier_outcome(DecisionKind.CANCEL, None, ()) is None


def test_a_reply_is_an_earlier_result_only_once_every_thread_is_settled() -> None:
    done = Earlier(Outcome.DONE, "reply sent")
    assert earlier_outcome(DecisionKind.REPLY, None, [done, None]) is None
    assert earlier_outcome(DecisionKind.REPLY, None, [done, Earlier(Outcome.IN_FLIGHT)]) is None
    assert earlier_outcome(DecisionKind.REPLY, None, [done, done]) == Hold(
        Outcome.DONE, "reply sent", earlier=True
    )


def test_a_reply_reports_its_first_thread_that_did_not_go_through() -> None:
    replies = [Earlier(Outcome.DONE, "reply sent"), Earlier(Outcome.SKIPPED, "thread closed")]
    assert earlier_outcome(DecisionKind.REPLY, None, replies) == Hold(
        Outcome.SKIPPED, "thread closed", earlier=True
    )


def test_a_reply_without_threads_has_no_earlier_result() -> None:
    assert earlier_outcome(DecisionKind.REPLY, None, []) is None


# --- the person's word and the dry run -------------------------------------------------------------------


@pytest.mark.parametrize("approval", [Approval.AUTO, Approval.MANUAL])
def test_an_approved_request_is_acted_on_when_executing(approval: Approval) -> None:
    assert held_back(None, approval, execute=True) == ACT


def test_an_earlier_result_wins_over_everything() -> None:
    earlier = Hold(Outcome.DONE, "canceled last week", earlier=True)
    for approval in Approval:
        for execute in (True, False):
            assert held_back(earlier, approval, execute=execute) is earlier


def test_a_rejection_is_reported_without_an_outcome() -> None:
    assert held_back(None, Approval.REJECTED, execute=True) == Hold(None, "rejected by a person")


def test_a_missing_approval_plans() -> None:
    verdict = held_back(None, Approval.PENDING, execute=True)
    assert verdict == Hold(Outcome.PLANNED, "waiting for approval (sc-cancel approve ORDER_ID)")


def test_a_dry_run_plans_what_is_approved() -> None:
    verdict = held_back(None, Approval.AUTO, execute=False)
    assert verdict == Hold(Outcome.PLANNED, "dry run: add --execute to carry it out")
    assert isinstance(verdict, Hold)
    assert not verdict.earlier


def test_a_rejection_is_said_before_a_dry_run() -> None:
    assert held_back(None, Approval.REJECTED, execute=False) == Hold(None, "rejected by a person")


# --- the cancellation caps -------------------------------------------------------------------------------


def test_under_both_caps_a_cancellation_goes_ahead() -> None:
    assert isinstance(cancel_limit(Caps(2, 3), cancels_this_run=1, cancels_last_24h=2), Act)


def test_the_per_run_cap_defers() -> None:
    verdict = cancel_limit(Caps(2, 100), cancels_this_run=2, cancels_last_24h=0)
    assert verdict == Hold(Outcome.PLANNED, "deferred: max_cancellations_per_run (2) reached")


def test_the_daily_cap_defers() -> None:
    verdict = cancel_limit(Caps(20, 3), cancels_this_run=0, cancels_last_24h=3)
    assert verdict == Hold(Outcome.PLANNED, "deferred: max_cancellations_per_day (3) reached")


def test_the_per_run_cap_is_named_first_when_both_are_reached() -> None:
    verdict = cancel_limit(Caps(1, 1), cancels_this_run=1, cancels_last_24h=1)
    assert isinstance(verdict, Hold)
    assert verdict.reason is not None
    assert "max_cancellations_per_run" in verdict.reason


def test_a_cap_of_zero_stops_every_cancellation() -> None:
    assert isinstance(cancel_limit(Caps(0, 100), cancels_this_run=0, cancels_last_24h=0), Hold)
    assert isinstance(cancel_limit(Caps(20, 0), cancels_this_run=0, cancels_last_24h=0), Hold)
