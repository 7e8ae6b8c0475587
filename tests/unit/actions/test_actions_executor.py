"""The executor's facts for its policy, on a real ledger file and no browser: the cancellation limits (per
run, and a rolling 24 hours read from the ledger, so they hold across restarts) and why a request is held
back in a run (an earlier result, a rejection, a missing approval, a dry run, the STOP switch). The pure
rules themselves are tested in test_actions_policy.py."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from ledger_kit import FakeClock

from automation.actions.executor import Executor
from automation.actions.policy import Hold
from automation.ledger import ActionKind, Ledger, LedgerLocation
from automation.models import Approval, CancellationRequest, Channel, DecisionKind, Outcome, RequestKind

START = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
ACCOUNT = "seller-0123456789ab"
ORDER = "111-0000001-0000007"
S = Outcome


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


def make_executor(
    ledger: Ledger,
    clock: FakeClock,
    data_dir: Path,
    *,
    per_run: int = 20,
    per_day: int = 100,
    execute: bool = True,
) -> Executor:
    """An executor whose browser is never touched: only its bookkeeping is under test."""
    browser: Any = SimpleNamespace(source_context=lambda: None)
    scan: Any = SimpleNamespace(target=SimpleNamespace(key=ACCOUNT), run_id="run-now", requests=[])
    limits = SimpleNamespace(max_cancellations_per_run=per_run, max_cancellations_per_day=per_day)
    rules: Any = SimpleNamespace(ruleset=SimpleNamespace(limits=limits), sha256="0" * 64)
    rt: Any = SimpleNamespace(data_dir=data_dir, clock=clock)
    return Executor(browser, ledger, scan, rules, rt, execute=execute, actions_enabled=True)


def request(
    order_id: str = ORDER, kind: RequestKind = RequestKind.OFFICIAL, threads: tuple[str, ...] = ()
) -> CancellationRequest:
    sources = (Channel.MESSAGES,) if threads else (Channel.MANAGE_ORDERS,)
    return CancellationRequest(order_id=order_id, kind=kind, sources=sources, thread_ids=threads)


def act(
    ledger: Ledger, order_id: str, states: list[Outcome], kind: ActionKind = ActionKind.CANCEL, **key: Any
) -> None:
    action = ledger.plan_action(ACCOUNT, order_id, kind, run_id="run-before", **key)
    for state in states:
        ledger.transition(action.action_id, state, reason="as the test says")


def limit_reason(executor: Executor) -> str | None:
    """Why the executor defers a cancellation now (None: it may go ahead)."""
    verdict = executor._limit()
    return verdict.reason if isinstance(verdict, Hold) else None


def held_back(
    executor: Executor, request: CancellationRequest, kind: DecisionKind, approval: Approval
) -> tuple[str | None, str | None] | None:
    """(outcome, why) when the executor holds the request back in this run; None when it acts."""
    verdict = executor._held_back(request, kind, approval)
    return (verdict.outcome, verdict.reason) if isinstance(verdict, Hold) else None


def order_id(n: int) -> str:
    return f"111-{n:07d}-0000000"


# --- limits ----------------------------------------------------------------------------------------------


def test_no_limit_is_reached_on_a_fresh_ledger(ledger: Ledger, clock: FakeClock, tmp_path: Path) -> None:
    assert limit_reason(make_executor(ledger, clock, tmp_path)) is None


def test_the_per_run_limit_counts_this_runs_submissions(
    ledger: Ledger, clock: FakeClock, tmp_path: Path
) -> None:
    executor = make_executor(ledger, clock, tmp_path, per_run=2)
    executor.cancels_this_run = 1
    assert limit_reason(executor) is None
    executor.cancels_this_run = 2
    assert limit_reason(executor) == "deferred: max_cancellations_per_run (2) reached"


def test_the_daily_limit_is_a_rolling_24_hours_read_from_the_ledger(
    ledger: Ledger, clock: FakeClock, tmp_path: Path
) -> None:
    act(ledger, order_id(1), [S.APPROVED, S.IN_FLIGHT, S.DONE])
    clock.advance(hours=10)
    act(ledger, order_id(2), [S.APPROVED, S.IN_FLIGHT, S.DONE])
    act(ledger, order_id(3), [S.APPROVED, S.IN_FLIGHT, S.FAILED])  # submitted, refused: still counts
    executor = make_executor(ledger, clock, tmp_path, per_day=3)
    assert limit_reason(executor) == "deferred: max_cancellations_per_day (3) reached"
    clock.advance(hours=14, seconds=1)  # the first one is now more than 24 hours old
    assert limit_reason(executor) is None


def test_the_daily_limit_ignores_what_was_never_submitted(
    ledger: Ledger, clock: FakeClock, tmp_path: Path
) -> None:
    act(ledger, order_id(1), [S.APPROVED, S.DONE])  # already canceled by the buyer: nothing submitted
    act(ledger, order_id(2), [S.APPROVED, S.SKIPPED])  # shipped meanwhile
    act(ledger, order_id(3), [S.APPROVED, S.IN_FLIGHT, S.SKIPPED])  # reconciled: nothing was done
    assert limit_reason(make_executor(ledger, clock, tmp_path, per_day=1)) is None


def test_a_limit_of_zero_stops_every_cancellation(ledger: Ledger, clock: FakeClock, tmp_path: Path) -> None:
    assert limit_reason(make_executor(ledger, clock, tmp_path, per_day=0)) is not None
    assert limit_reason(make_executor(ledger, clock, tmp_path, per_run=0)) is not None


# --- why a request is held back --------------------------------------------------------------------------


def test_an_approved_request_goes_ahead(ledger: Ledger, clock: FakeClock, tmp_path: Path) -> None:
    executor = make_executor(ledger, clock, tmp_path)
    assert held_back(executor, request(), DecisionKind.CANCEL, Approval.AUTO) is None
    assert held_back(executor, request(), DecisionKind.CANCEL, Approval.MANUAL) is None


@pytest.mark.parametrize("final", [S.DONE, S.SKIPPED])
def test_an_earlier_final_cancel_is_never_repeated_whatever_else_holds(
    ledger: Ledger, clock: FakeClock, tmp_path: Path, final: Outcome
) -> None:
    act(ledger, ORDER, [S.APPROVED, final])
    (tmp_path / "STOP").write_text("")
    executor = make_executor(ledger, clock, tmp_path)
    held = held_back(executor, request(), DecisionKind.CANCEL, Approval.AUTO)
    assert held == (str(final), "as the test says")
    assert executor.stopped is False, "an earlier result is reported without consulting the switch"


def test_a_cancel_failed_after_submit_is_not_retried(
    ledger: Ledger, clock: FakeClock, tmp_path: Path
) -> None:
    act(ledger, ORDER, [S.APPROVED, S.IN_FLIGHT, S.FAILED])
    executor = make_executor(ledger, clock, tmp_path)
    assert held_back(executor, request(), DecisionKind.CANCEL, Approval.AUTO) == (
        "failed",
        "as the test says",
    )


def test_a_cancel_failed_before_submit_may_be_tried_again(
    ledger: Ledger, clock: FakeClock, tmp_path: Path
) -> None:
    act(ledger, ORDER, [S.APPROVED, S.FAILED])
    executor = make_executor(ledger, clock, tmp_path)
    assert held_back(executor, request(), DecisionKind.CANCEL, Approval.AUTO) is None


@pytest.mark.parametrize(
    ("approval", "expected"),
    [
        (Approval.REJECTED, (None, "rejected by a person")),
        (Approval.PENDING, ("planned", "waiting for approval (sc-cancel approve ORDER_ID)")),
    ],
)
def test_without_a_yes_nothing_is_done(
    ledger: Ledger,
    clock: FakeClock,
    tmp_path: Path,
    approval: Approval,
    expected: tuple[str | None, str],
) -> None:
    executor = make_executor(ledger, clock, tmp_path)
    assert held_back(executor, request(), DecisionKind.CANCEL, approval) == expected


def test_a_dry_run_plans_and_does_not_consult_the_switch(
    ledger: Ledger, clock: FakeClock, tmp_path: Path
) -> None:
    (tmp_path / "STOP").write_text("")
    executor = make_executor(ledger, clock, tmp_path, execute=False)
    held = held_back(executor, request(), DecisionKind.CANCEL, Approval.AUTO)
    assert held == ("planned", "dry run: add --execute to carry it out")
    assert executor.stopped is False


def test_the_stop_file_halts_an_approved_action_and_the_run_says_so(
    ledger: Ledger, clock: FakeClock, tmp_path: Path
) -> None:
    executor = make_executor(ledger, clock, tmp_path)
    assert held_back(executor, request(), DecisionKind.REPLY, Approval.AUTO) is None
    (tmp_path / "STOP").write_text("")
    held = held_back(executor, request(), DecisionKind.CANCEL, Approval.AUTO)
    assert held == ("planned", "halted by the STOP switch")
    assert executor.stopped is True


def test_a_reply_counts_as_done_only_when_every_thread_has_its_final_result(
    ledger: Ledger, clock: FakeClock, tmp_path: Path
) -> None:
    two_threads = request(kind=RequestKind.INQUIRY, threads=("t-1", "t-2"))
    act(ledger, ORDER, [S.APPROVED, S.IN_FLIGHT, S.DONE], ActionKind.REPLY, thread_id="t-1")
    executor = make_executor(ledger, clock, tmp_path)
    assert held_back(executor, two_threads, DecisionKind.REPLY, Approval.AUTO) is None
    act(ledger, ORDER, [S.APPROVED, S.SKIPPED], ActionKind.REPLY, thread_id="t-2")
    assert held_back(executor, two_threads, DecisionKind.REPLY, Approval.AUTO) == (
        "skipped",
        "as the test says",
    )


def test_the_ledgers_stop_switch_halts_an_approved_action_without_a_file(
    ledger: Ledger, ledger_location: LedgerLocation, clock: FakeClock, tmp_path: Path
) -> None:
    executor = make_executor(ledger, clock, tmp_path)
    with Ledger.open(ledger_location) as another_machine:
        another_machine.set_stop(by="alice", reason="maintenance")
    held = held_back(executor, request(), DecisionKind.CANCEL, Approval.AUTO)
    assert held == ("planned", "halted by the STOP switch")
    assert executor.stopped is True
