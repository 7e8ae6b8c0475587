"""Actions in the ledger: idempotent planning, the state machine, retries, and limits that hold across
restarts and over a rolling 24 hours."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy
from ledger_kit import FakeClock

from automation.ledger import ActionKind, InvalidTransitionError, Ledger, LedgerLocation
from automation.ledger.engine import make_engine
from automation.models import CancellationRequest, Channel, Decision, DecisionKind, Outcome, RequestKind

START = datetime(2026, 11, 26, 12, 0, 0, tzinfo=UTC)
ACCOUNT = "seller@example.com"
S = Outcome

# Written out here rather than imported, so that a change to the ledger's table fails a test.
EXPECTED_ALLOWED = {
    S.PLANNED: {S.APPROVED, S.SKIPPED, S.FAILED},
    S.APPROVED: {S.IN_FLIGHT, S.DONE, S.SKIPPED, S.FAILED},
    S.IN_FLIGHT: {S.DONE, S.FAILED, S.UNKNOWN, S.SKIPPED},
    S.UNKNOWN: {S.DONE, S.FAILED, S.SKIPPED},
    S.DONE: set(),
    S.SKIPPED: set(),
    S.FAILED: set(),
}
PATH_TO = {
    S.PLANNED: [],
    S.APPROVED: [S.APPROVED],
    S.IN_FLIGHT: [S.APPROVED, S.IN_FLIGHT],
    S.UNKNOWN: [S.APPROVED, S.IN_FLIGHT, S.UNKNOWN],
    S.DONE: [S.APPROVED, S.IN_FLIGHT, S.DONE],
    S.SKIPPED: [S.SKIPPED],
    S.FAILED: [S.FAILED],
}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def path(ledger_location: LedgerLocation) -> LedgerLocation:
    return ledger_location


@pytest.fixture
def ledger(path: LedgerLocation, clock: FakeClock) -> Iterator[Ledger]:
    with Ledger.open(path, clock=clock) as opened:
        yield opened


def walk(ledger: Ledger, action_id: int, states: list[Outcome]) -> None:
    for state in states:
        ledger.transition(action_id, state, reason="because")


def submitted_cancel(ledger: Ledger, order_id: str, run_id: str, final: Outcome | None = None) -> int:
    action = ledger.plan_action(ACCOUNT, order_id, ActionKind.CANCEL, run_id=run_id)
    walk(ledger, action.action_id, [S.APPROVED, S.IN_FLIGHT] + ([final] if final else []))
    return action.action_id


# --- planning ---------------------------------------------------------------------------------------------


def test_planning_twice_returns_the_same_action(ledger: Ledger) -> None:
    first = ledger.plan_action(ACCOUNT, "A", ActionKind.CANCEL, run_id="run-1")
    again = ledger.plan_action(ACCOUNT, "A", "cancel", run_id="run-2")
    assert again == first
    assert (first.state, first.attempt, first.run_id) == (S.PLANNED, 1, "run-1")
    assert ledger.plan_action("other@example.com", "A", "cancel", run_id="run-1").action_id != first.action_id
    assert [e.state for e in ledger.history(ACCOUNT, order_id="A")] == ["planned"]


def test_a_done_cancel_is_never_planned_again(ledger: Ledger) -> None:
    action_id = submitted_cancel(ledger, "A", "run-1", S.DONE)
    again = ledger.plan_action(ACCOUNT, "A", ActionKind.CANCEL, run_id="run-2")
    assert (again.action_id, again.state) == (action_id, S.DONE)


def test_replies_and_marks_are_once_per_thread(ledger: Ledger) -> None:
    with pytest.raises(ValueError, match="thread_id"):
        ledger.plan_action(ACCOUNT, "A", ActionKind.REPLY, run_id="run-1")
    reply = ledger.plan_action(ACCOUNT, "A", ActionKind.REPLY, run_id="run-1", thread_id="t-1")
    assert ledger.plan_action(ACCOUNT, "A", ActionKind.REPLY, run_id="run-2", thread_id="t-1") == reply
    other_thread = ledger.plan_action(ACCOUNT, "A", ActionKind.REPLY, run_id="run-1", thread_id="t-2")
    mark = ledger.plan_action(
        ACCOUNT, "A", ActionKind.MARK_NO_RESPONSE_NEEDED, run_id="run-1", thread_id="t-1"
    )
    cancel = ledger.plan_action(ACCOUNT, "A", ActionKind.CANCEL, run_id="run-1", thread_id="t-1")
    assert len({reply.action_id, other_thread.action_id, mark.action_id, cancel.action_id}) == 4
    found = ledger.action_for(ACCOUNT, "A", ActionKind.REPLY, thread_id="t-2")
    assert found == other_thread
    assert ledger.action_for(ACCOUNT, "A", ActionKind.CANCEL) == cancel
    assert ledger.action_for(ACCOUNT, "B", ActionKind.CANCEL) is None


def test_a_planned_action_carries_its_decision_and_marketplace(ledger: Ledger) -> None:
    ledger.record_scan(
        ACCOUNT,
        None,
        [CancellationRequest(order_id="A", kind=RequestKind.OFFICIAL, sources=(Channel.MANAGE_ORDERS,))],
        marketplace="amazon.co.uk",
    )
    decided = ledger.record_decision(
        ACCOUNT,
        "run-1",
        Decision(order_id="A", decision=DecisionKind.CANCEL, rule="mistakes", approve="auto"),
        rules_sha256="c" * 64,
        request_kind=RequestKind.OFFICIAL,
    )
    action = ledger.plan_action(ACCOUNT, "A", ActionKind.CANCEL, run_id="run-1")
    assert (action.decision_id, action.marketplace) == (decided.decision_id, "amazon.co.uk")
    [event] = [e for e in ledger.history(ACCOUNT) if e.event == "action"]
    assert (event.rule, event.rules_sha256, event.action, event.action_id) == (
        "mistakes",
        "c" * 64,
        "cancel",
        action.action_id,
    )


def test_the_file_itself_refuses_a_second_live_action_on_a_key(path: LedgerLocation, ledger: Ledger) -> None:
    ledger.plan_action(ACCOUNT, "A", ActionKind.CANCEL, run_id="run-1")
    raw = make_engine(path.url, path.password)
    try:
        with raw.connect() as conn, pytest.raises(sqlalchemy.exc.IntegrityError):
            conn.execute(
                sqlalchemy.text(
                    "INSERT INTO actions (account, order_id, kind, target, state, attempt, created_at,"
                    " updated_at) VALUES (:account, 'A', 'cancel', 'A', 'approved', 2, 'x', 'x')"
                ),
                {"account": ACCOUNT},
            )
    finally:
        raw.dispose()


# --- the state machine ------------------------------------------------------------------------------------


@pytest.mark.parametrize("target", list(Outcome), ids=str)
@pytest.mark.parametrize("start", list(Outcome), ids=str)
def test_every_transition_is_allowed_or_refused_as_documented(
    ledger: Ledger, start: Outcome, target: Outcome
) -> None:
    action = ledger.plan_action(ACCOUNT, "A", ActionKind.CANCEL, run_id="run-1")
    walk(ledger, action.action_id, PATH_TO[start])
    if target in EXPECTED_ALLOWED[start]:
        moved = ledger.transition(action.action_id, target, reason="why", evidence="shot.png")
        assert moved.state is target
        assert ledger.action(action.action_id) == moved
        assert ledger.history(ACCOUNT)[-1].state == str(target)
    else:
        with pytest.raises(InvalidTransitionError, match=f"from {start} to {target}"):
            ledger.transition(action.action_id, target, reason="why")
        current = ledger.action(action.action_id)
        assert current is not None
        assert current.state is start


def test_skipping_or_failing_needs_a_reason(ledger: Ledger) -> None:
    action = ledger.plan_action(ACCOUNT, "A", ActionKind.CANCEL, run_id="run-1")
    for state in (S.SKIPPED, S.FAILED):
        with pytest.raises(ValueError, match="reason"):
            ledger.transition(action.action_id, state)
        with pytest.raises(ValueError, match="reason"):
            ledger.transition(action.action_id, state, reason="  ")
    skipped = ledger.transition(action.action_id, S.SKIPPED, reason="order already shipped")
    assert skipped.reason == "order already shipped"
    assert ledger.history(ACCOUNT)[-1].outcome == "skipped"


def test_unknown_id_is_an_error(ledger: Ledger) -> None:
    with pytest.raises(KeyError):
        ledger.transition(12345, S.APPROVED)


def test_in_flight_is_stamped_and_reconciliation_keeps_the_evidence(ledger: Ledger, clock: FakeClock) -> None:
    action = ledger.plan_action(ACCOUNT, "A", ActionKind.CANCEL, run_id="run-1")
    ledger.transition(action.action_id, S.APPROVED, by="alice")
    clock.advance(minutes=1)
    flying = ledger.transition(action.action_id, S.IN_FLIGHT)
    assert flying.in_flight_at == START + timedelta(minutes=1)
    assert flying.reached_in_flight
    lost = ledger.transition(action.action_id, S.UNKNOWN, reason="timeout after Submit", evidence="t.zip")
    assert [a.action_id for a in ledger.unresolved_actions(ACCOUNT)] == [action.action_id]
    clock.advance(hours=1)
    settled = ledger.transition(action.action_id, S.DONE, run_id="run-2")
    assert (settled.reason, settled.evidence) == (lost.reason, "t.zip")
    assert settled.in_flight_at == START + timedelta(minutes=1)
    assert ledger.unresolved_actions(ACCOUNT) == []
    events = [e for e in ledger.history(ACCOUNT) if e.event == "action"]
    assert [(e.state, e.run_id, e.approver) for e in events] == [
        ("planned", "run-1", None),
        ("approved", "run-1", "alice"),
        ("in_flight", "run-1", None),
        ("unknown", "run-1", None),
        ("done", "run-2", None),
    ]


def test_unresolved_actions_are_in_flight_or_unknown_oldest_first(ledger: Ledger) -> None:
    lost = submitted_cancel(ledger, "A", "run-1", S.UNKNOWN)
    flying = submitted_cancel(ledger, "B", "run-1")
    submitted_cancel(ledger, "C", "run-1", S.DONE)
    ledger.plan_action(ACCOUNT, "D", ActionKind.CANCEL, run_id="run-1")
    reply = ledger.plan_action(ACCOUNT, "E", ActionKind.REPLY, run_id="run-1", thread_id="t-5")
    walk(ledger, reply.action_id, [S.APPROVED, S.IN_FLIGHT])
    assert [a.action_id for a in ledger.unresolved_actions(ACCOUNT)] == [lost, flying, reply.action_id]
    assert ledger.unresolved_actions("other@example.com") == []


# --- retries ----------------------------------------------------------------------------------------------


def test_a_failure_before_submit_is_retried_on_a_later_run_only(ledger: Ledger) -> None:
    first = ledger.plan_action(ACCOUNT, "A", ActionKind.CANCEL, run_id="run-1")
    walk(ledger, first.action_id, [S.APPROVED, S.FAILED])
    same_run = ledger.plan_action(ACCOUNT, "A", ActionKind.CANCEL, run_id="run-1")
    assert (same_run.action_id, same_run.state) == (first.action_id, S.FAILED)

    retry = ledger.plan_action(ACCOUNT, "A", ActionKind.CANCEL, run_id="run-2")
    assert retry.action_id != first.action_id
    assert (retry.state, retry.attempt, retry.run_id) == (S.PLANNED, 2, "run-2")
    assert ledger.action_for(ACCOUNT, "A", ActionKind.CANCEL) == retry
    assert ledger.plan_action(ACCOUNT, "A", ActionKind.CANCEL, run_id="run-3") == retry


def test_a_failure_after_submit_is_never_retried(ledger: Ledger) -> None:
    action_id = submitted_cancel(ledger, "A", "run-1", S.FAILED)
    later = ledger.plan_action(ACCOUNT, "A", ActionKind.CANCEL, run_id="run-9")
    assert (later.action_id, later.state) == (action_id, S.FAILED)
    assert later.reached_in_flight


# --- limits -----------------------------------------------------------------------------------------------


def test_cancellations_count_what_reached_in_flight_except_skipped(ledger: Ledger) -> None:
    submitted_cancel(ledger, "A", "run-1", S.DONE)
    submitted_cancel(ledger, "B", "run-1", S.FAILED)
    submitted_cancel(ledger, "C", "run-1", S.UNKNOWN)
    submitted_cancel(ledger, "D", "run-2")
    submitted_cancel(ledger, "E", "run-2", S.SKIPPED)  # reconciliation: nothing happened
    ledger.plan_action(ACCOUNT, "F", ActionKind.CANCEL, run_id="run-2")
    approved = ledger.plan_action(ACCOUNT, "G", ActionKind.CANCEL, run_id="run-2")
    ledger.transition(approved.action_id, S.APPROVED)
    failed_early = ledger.plan_action(ACCOUNT, "H", ActionKind.CANCEL, run_id="run-2")
    walk(ledger, failed_early.action_id, [S.FAILED])
    reply = ledger.plan_action(ACCOUNT, "I", ActionKind.REPLY, run_id="run-2", thread_id="t")
    walk(ledger, reply.action_id, [S.APPROVED, S.IN_FLIGHT, S.DONE])

    since = START - timedelta(hours=24)
    assert ledger.cancellations_since(ACCOUNT, since) == 4
    assert ledger.cancellations_since(ACCOUNT, since, run_id="run-1") == 3
    assert ledger.cancellations_since(ACCOUNT, since, run_id="run-2") == 1
    assert ledger.cancellations_since("other@example.com", since) == 0


def test_limits_hold_across_a_restart(path: LedgerLocation, clock: FakeClock) -> None:
    with Ledger.open(path, clock=clock) as before:
        submitted_cancel(before, "A", "run-1", S.DONE)
        submitted_cancel(before, "B", "run-1")  # killed here: left in flight
    clock.advance(hours=2)
    with Ledger.open(path, clock=clock) as after:
        assert after.cancellations_since(ACCOUNT, clock.now - timedelta(hours=24)) == 2
        assert [a.order_id for a in after.unresolved_actions(ACCOUNT)] == ["B"]
        assert after.plan_action(ACCOUNT, "A", ActionKind.CANCEL, run_id="run-2").state is S.DONE


def test_the_daily_limit_is_a_rolling_24_hours(ledger: Ledger, clock: FakeClock) -> None:
    submitted_cancel(ledger, "A", "run-1", S.DONE)  # in flight at START
    clock.advance(hours=12)
    submitted_cancel(ledger, "B", "run-2", S.DONE)  # in flight at START + 12 h

    def last_24_hours(now: datetime) -> int:
        return ledger.cancellations_since(ACCOUNT, now - timedelta(hours=24))

    assert last_24_hours(START + timedelta(hours=24) - timedelta(microseconds=1)) == 2
    assert last_24_hours(START + timedelta(hours=24)) == 2  # `since` is inclusive
    assert last_24_hours(START + timedelta(hours=24, microseconds=1)) == 1
    assert last_24_hours(START + timedelta(hours=36, microseconds=1)) == 0
    # A time in another zone means the same instant.
    new_york = timezone(timedelta(hours=-5))
    assert ledger.cancellations_since(ACCOUNT, START.astimezone(new_york)) == 2
    assert ledger.cancellations_since(ACCOUNT, (START + timedelta(seconds=1)).astimezone(new_york)) == 1
