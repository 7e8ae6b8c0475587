"""The ledger's runs, scans, inbox marks, decisions, approvals, audit trail and retention purge."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy
from ledger_kit import ACCOUNT, SHA_A, SHA_B, START, FakeClock, decision, request

from automation.errors import BadInputError, ExitCode
from automation.ledger import ApprovalVerdict, Ledger, LedgerLocation, ThreadKind, ThreadMark
from automation.ledger.engine import make_engine
from automation.ledger.schema import MIGRATIONS
from automation.models import (
    Approval,
    CancellationRequest,
    Channel,
    DecisionKind,
    Fulfillment,
    Order,
    OrderItem,
    OrderStatus,
    RequestKind,
    Sighting,
)


@pytest.fixture
def ledger(ledger_location: LedgerLocation, clock: FakeClock) -> Ledger:
    with Ledger.open(ledger_location, clock=clock) as opened:
        yield opened  # type: ignore[misc]


# --- runs ---------------------------------------------------------------------------------------------


def test_run_ids_carry_the_start_time_and_runs_are_listed_newest_first(
    ledger: Ledger, clock: FakeClock
) -> None:
    first = ledger.start_run(ACCOUNT, "scan")
    assert re.fullmatch(r"20261126T120003Z-[0-9a-f]{4}", first)
    clock.advance(minutes=15)
    second = ledger.start_run(ACCOUNT, "run")
    ledger.start_run("other@example.com", "scan")

    ledger.finish_run(first, status="ok", exit_code=0, stats={"orders_seen": 3, "amount": Decimal("9.99")})

    finished = ledger.run(first)
    assert finished is not None
    assert finished.status == "ok"
    assert finished.exit_code == 0
    assert finished.finished_at == START + timedelta(minutes=15)
    assert finished.stats == {"orders_seen": 3, "amount": "9.99"}
    unfinished = ledger.last_run(ACCOUNT)
    assert unfinished is not None
    assert (unfinished.run_id, unfinished.status, unfinished.finished_at) == (second, "running", None)
    last_scan = ledger.last_run(ACCOUNT, "scan")
    assert last_scan is not None
    assert last_scan.run_id == first
    assert ledger.last_run(ACCOUNT, "approve") is None
    assert [r.run_id for r in ledger.recent_runs(ACCOUNT)] == [second, first]
    assert len(ledger.recent_runs()) == 3
    assert len(ledger.recent_runs(limit=1)) == 1


def test_finishing_a_run_twice_or_an_unknown_run_is_refused(ledger: Ledger) -> None:
    run_id = ledger.start_run(ACCOUNT, "scan")
    ledger.finish_run(run_id, status="ok", exit_code=0, stats={})
    with pytest.raises(ValueError, match="already finished"):
        ledger.finish_run(run_id, status="ok", exit_code=0, stats={})
    with pytest.raises(KeyError):
        ledger.finish_run("nope", status="ok", exit_code=0, stats={})


def test_naive_times_are_refused(tmp_path: Path) -> None:
    def naive_clock() -> datetime:
        return datetime(2026, 1, 1)

    with Ledger.open(tmp_path / "l.db", clock=naive_clock) as naive, pytest.raises(ValueError, match="naive"):
        naive.start_run(ACCOUNT, "scan")


# --- scans --------------------------------------------------------------------------------------------


def test_open_requests_round_trip_faithfully(ledger: Ledger) -> None:
    berlin = timezone(timedelta(hours=1))
    full = CancellationRequest(
        order_id="111-0000001-0000001",
        kind=RequestKind.OFFICIAL,
        sources=(Channel.MANAGE_ORDERS, Channel.MESSAGES),
        reason="Order Created by Mistake",
        requested_at=datetime(2026, 11, 25, 11, 0, tzinfo=berlin),
        order_status=OrderStatus.UNSHIPPED,
        fulfillment=Fulfillment.MFN,
        marketplace="amazon.de",
        buyer_name="Erika Mustermann",
        items=(
            OrderItem(sku="SKU-1", asin="B000000001", title="Mug", quantity=2, price=Decimal("12.30")),
            OrderItem(sku="SKU-2", price=Decimal("0.10")),
        ),
        thread_ids=("t-17",),
        sightings=(
            Sighting(channel=Channel.MANAGE_ORDERS, kind=RequestKind.OFFICIAL, detail="banner"),
            Sighting(
                channel=Channel.MESSAGES,
                kind=RequestKind.OFFICIAL,
                detail="template",
                thread_id="t-17",
                reason="Order Created by Mistake",
                requested_at=datetime(2026, 11, 25, 10, tzinfo=UTC),
            ),
        ),
    )
    ledger.record_scan(ACCOUNT, None, [full], marketplace=None)

    [back] = ledger.open_requests(ACCOUNT)
    assert back == full
    assert back.total == Decimal("24.70")
    assert isinstance(back.items[0].price, Decimal)
    assert back.sightings == full.sightings


def test_scan_diff_says_what_is_new_and_closes_what_is_gone(ledger: Ledger, clock: FakeClock) -> None:
    run1 = ledger.start_run(ACCOUNT, "scan")
    diff1 = ledger.record_scan(ACCOUNT, run1, [request("B"), request("A")], marketplace="amazon.com")
    assert diff1.new == ("A", "B")
    assert diff1.seen == ("A", "B")
    assert diff1.closed == ()

    clock.advance(hours=1)
    run2 = ledger.start_run(ACCOUNT, "scan")
    diff2 = ledger.record_scan(ACCOUNT, run2, [request("B"), request("C")], marketplace="amazon.com")
    assert diff2.new == ("C",)
    assert diff2.closed == ("A",)
    assert diff2.changed == ()
    assert [r.order_id for r in ledger.open_requests(ACCOUNT)] == ["B", "C"]
    gone = ledger.seen_request(ACCOUNT, "A")
    assert gone is not None
    assert gone.closed_at == START + timedelta(hours=1)
    assert not gone.is_open
    kept = ledger.seen_request(ACCOUNT, "B")
    assert kept is not None
    assert (kept.first_seen, kept.last_seen) == (START, START + timedelta(hours=1))
    assert (kept.first_run_id, kept.last_run_id) == (run1, run2)

    clock.advance(hours=1)
    diff3 = ledger.record_scan(ACCOUNT, None, [request("A"), request("B"), request("C")], marketplace=None)
    assert diff3.new == ()
    assert diff3.reopened == ("A",)
    back = ledger.seen_request(ACCOUNT, "A")
    assert back is not None
    assert back.is_open
    assert back.marketplace == "amazon.com"
    assert back.first_seen == START


def test_changes_of_kind_sources_or_status_are_history(ledger: Ledger, clock: FakeClock) -> None:
    ledger.record_scan(
        ACCOUNT, None, [request("A", kind=RequestKind.INQUIRY, sources=(Channel.MESSAGES,))], marketplace=None
    )
    clock.advance(minutes=5)
    same = ledger.record_scan(
        ACCOUNT, None, [request("A", kind=RequestKind.INQUIRY, sources=(Channel.MESSAGES,))], marketplace=None
    )
    assert same.changed == ()
    clock.advance(minutes=5)
    both = request("A", sources=(Channel.MANAGE_ORDERS, Channel.MESSAGES), order_status=OrderStatus.UNSHIPPED)
    assert ledger.record_scan(ACCOUNT, None, [both], marketplace=None).changed == ("A",)
    clock.advance(minutes=5)
    assert ledger.record_scan(ACCOUNT, None, [request("A")], marketplace=None).changed == ("A",)
    clock.advance(minutes=5)
    ledger.record_scan(ACCOUNT, None, [], marketplace=None)

    history = ledger.request_history(ACCOUNT, "A")
    assert [(h.event, h.kind, h.at) for h in history] == [
        ("new", RequestKind.INQUIRY, START),
        ("changed", RequestKind.OFFICIAL, START + timedelta(minutes=10)),
        ("changed", RequestKind.OFFICIAL, START + timedelta(minutes=15)),
        ("closed", RequestKind.OFFICIAL, START + timedelta(minutes=20)),
    ]
    assert history[1].sources == (Channel.MANAGE_ORDERS, Channel.MESSAGES)
    assert history[1].order_status == OrderStatus.UNSHIPPED
    seen = ledger.seen_request(ACCOUNT, "A")
    assert seen is not None
    assert seen.sources == (Channel.MANAGE_ORDERS, Channel.MESSAGES)  # every channel ever
    assert seen.request.sources == (Channel.MANAGE_ORDERS,)  # as of the last scan


def test_accounts_do_not_see_each_others_requests(ledger: Ledger) -> None:
    ledger.record_scan(ACCOUNT, None, [request("A")], marketplace=None)
    assert ledger.record_scan("other@example.com", None, [request("A")], marketplace=None).new == ("A",)
    assert ledger.record_scan("other@example.com", None, [], marketplace=None).closed == ("A",)
    assert [r.order_id for r in ledger.open_requests(ACCOUNT)] == ["A"]


def test_a_request_marketplace_wins_over_the_scans(ledger: Ledger) -> None:
    ledger.record_scan(
        ACCOUNT, None, [request("A", marketplace="amazon.de"), request("B")], marketplace="amazon.com"
    )
    a, b = ledger.seen_request(ACCOUNT, "A"), ledger.seen_request(ACCOUNT, "B")
    assert a is not None
    assert b is not None
    assert (a.marketplace, b.marketplace) == ("amazon.de", "amazon.com")


def test_a_scan_with_two_requests_for_one_order_is_refused_and_records_nothing(ledger: Ledger) -> None:
    with pytest.raises(ValueError, match="one request per order"):
        ledger.record_scan(ACCOUNT, None, [request("A"), request("A")], marketplace=None)
    assert ledger.open_requests(ACCOUNT) == []


# --- inbox ----------------------------------------------------------------------------------------------


def test_thread_marks_round_trip_and_update(ledger: Ledger) -> None:
    first = ThreadMark(
        thread_id="t-1",
        last_activity=START - timedelta(hours=2),
        kind=ThreadKind.INQUIRY,
        order_id="A",
        reason="ordered twice",
        requested_at=START - timedelta(hours=3),
    )
    other = ThreadMark(thread_id="t-2", last_activity=START - timedelta(hours=1), kind=ThreadKind.OTHER)
    ledger.record_threads(ACCOUNT, [first, other])
    assert ledger.thread_marks(ACCOUNT) == {"t-1": first, "t-2": other}
    assert ledger.thread_marks("other@example.com") == {}

    newer = first.model_copy(update={"last_activity": START, "kind": ThreadKind.OFFICIAL})
    ledger.record_threads(ACCOUNT, [newer])
    assert ledger.thread_marks(ACCOUNT)["t-1"] == newer
    touched = newer.model_copy(update={"last_activity": START + timedelta(minutes=1)})
    ledger.record_threads(ACCOUNT, [touched])

    classified = [e for e in ledger.history(ACCOUNT) if e.event == "thread_classified"]
    assert [(e.thread_id, e.state) for e in classified] == [
        ("t-1", "inquiry"),
        ("t-2", "other"),
        ("t-1", "official"),
    ]


def test_a_thread_mark_takes_a_request_kind_as_its_verdict() -> None:
    mark = ThreadMark(thread_id="t", last_activity=START, kind=RequestKind.OFFICIAL)  # type: ignore[arg-type]
    assert mark.kind is ThreadKind.OFFICIAL
    with pytest.raises(ValueError, match="kind"):
        ThreadMark(thread_id="t", last_activity=START, kind="spam")  # type: ignore[arg-type]


def _looked_up(
    order_id: str, status: OrderStatus, fulfillment: Fulfillment | None = Fulfillment.MFN
) -> Order:
    return Order(
        order_id=order_id,
        status=status,
        fulfillment=fulfillment,
        buyer_name="Jane Roe",
        items=(OrderItem(sku="MUG-1", price=Decimal("12.50")),),
    )


def test_orders_that_can_change_are_reused_only_within_the_ttl(ledger: Ledger, clock: FakeClock) -> None:
    unshipped = _looked_up("A", OrderStatus.UNSHIPPED)
    assert ledger.cache_order(ACCOUNT, unshipped) is True
    assert ledger.cache_order(ACCOUNT, _looked_up("B", OrderStatus.PENDING)) is True
    assert ledger.cached_order(ACCOUNT, "A") is None  # no ttl: the current run only
    clock.advance(minutes=10)
    assert ledger.cached_order(ACCOUNT, "A", timedelta(minutes=15)) == unshipped
    assert ledger.cached_order(ACCOUNT, "A", timedelta(minutes=10)) is None
    clock.advance(minutes=10)
    assert ledger.cached_order(ACCOUNT, "B", timedelta(minutes=15)) is None


def test_orders_that_cannot_change_are_reused_whatever_the_ttl(ledger: Ledger, clock: FakeClock) -> None:
    shipped = _looked_up("A", OrderStatus.SHIPPED, Fulfillment.AFN)
    canceled = _looked_up("C", OrderStatus.CANCELED)
    assert ledger.cache_order(ACCOUNT, shipped) is True
    assert ledger.cache_order(ACCOUNT, canceled) is True
    assert ledger.cached_order(ACCOUNT, "A") == shipped
    assert ledger.cached_order(ACCOUNT, "C") == canceled
    clock.advance(days=20)
    assert ledger.cached_order(ACCOUNT, "A", timedelta(minutes=15)) == shipped
    assert ledger.cached_order("other@example.com", "A") is None


def test_an_order_missing_what_the_merge_reads_is_not_remembered(ledger: Ledger) -> None:
    assert ledger.cache_order(ACCOUNT, _looked_up("A", OrderStatus.SHIPPED, fulfillment=None)) is False
    assert ledger.cache_order(ACCOUNT, _looked_up("B", OrderStatus.UNSHIPPED, fulfillment=None)) is False
    assert ledger.cached_order(ACCOUNT, "A", timedelta(days=1)) is None
    assert ledger.cached_order(ACCOUNT, "B", timedelta(days=1)) is None


def test_a_status_cached_by_an_older_ledger_is_looked_up_again(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite3"
    raw = sqlite3.connect(path, isolation_level=None)
    for statement in MIGRATIONS[0]:
        raw.execute(statement)
    raw.execute("PRAGMA user_version = 1")
    raw.execute(
        "INSERT INTO order_status_cache (account, order_id, status, checked_at) VALUES (?, ?, ?, ?)",
        (ACCOUNT, "A", "shipped", "2026-11-26T12:00:03.000000Z"),
    )
    raw.close()
    with Ledger.open(path) as ledger:
        assert ledger.cached_order(ACCOUNT, "A") is None
        shipped = _looked_up("A", OrderStatus.SHIPPED, Fulfillment.AFN)
        assert ledger.cache_order(ACCOUNT, shipped) is True
        assert ledger.cached_order(ACCOUNT, "A") == shipped


# --- decisions and approvals --------------------------------------------------------------------------


def test_an_identical_decision_only_moves_its_time(ledger: Ledger, clock: FakeClock) -> None:
    ledger.record_scan(ACCOUNT, None, [request("A")], marketplace="amazon.com")
    first = ledger.record_decision(
        ACCOUNT,
        "run-1",
        decision("A", DecisionKind.CANCEL),
        rules_sha256=SHA_A,
        request_kind=RequestKind.OFFICIAL,
    )
    clock.advance(minutes=15)
    again = ledger.record_decision(
        ACCOUNT,
        "run-2",
        decision("A", DecisionKind.CANCEL),
        rules_sha256=SHA_A,
        request_kind=RequestKind.OFFICIAL,
    )
    assert again.decision_id == first.decision_id
    assert (again.decided_at, again.last_decided_at) == (START, START + timedelta(minutes=15))
    other = ledger.record_decision(
        ACCOUNT,
        "run-3",
        decision("A", DecisionKind.CANCEL),
        rules_sha256=SHA_B,
        request_kind=RequestKind.OFFICIAL,
    )
    assert other.decision_id != first.decision_id
    assert other.marketplace == "amazon.com"
    events = [e for e in ledger.history(ACCOUNT, order_id="A") if e.event == "decision"]
    assert [(e.rules_sha256, e.rule, e.state, e.run_id) for e in events] == [
        (SHA_A, "r1", "cancel", "run-1"),
        (SHA_B, "r1", "cancel", "run-3"),
    ]
    latest = ledger.latest_decision(ACCOUNT, "A")
    assert latest is not None
    assert latest.decision_id == other.decision_id


def test_a_rules_hash_must_be_a_sha256(ledger: Ledger) -> None:
    with pytest.raises(ValueError, match="64 lowercase hex"):
        ledger.record_decision(
            ACCOUNT, None, decision("A", DecisionKind.HOLD), rules_sha256="abc", request_kind=None
        )


def _decide(
    ledger: Ledger,
    order_id: str,
    kind: DecisionKind,
    *,
    approve: str | None = "manual",
    sha: str = SHA_A,
    request_kind: RequestKind = RequestKind.OFFICIAL,
) -> None:
    ledger.record_decision(
        ACCOUNT, None, decision(order_id, kind, approve), rules_sha256=sha, request_kind=request_kind
    )


def test_pending_approvals_and_who_decided(ledger: Ledger, clock: FakeClock) -> None:
    ledger.record_scan(ACCOUNT, None, [request(o) for o in "ABCDEF"], marketplace=None)
    _decide(ledger, "A", DecisionKind.CANCEL)
    _decide(ledger, "B", DecisionKind.REPLY)
    _decide(ledger, "C", DecisionKind.CANCEL, approve="auto")
    _decide(ledger, "D", DecisionKind.HOLD, approve=None)
    _decide(ledger, "E", DecisionKind.CANCEL)
    _decide(ledger, "F", DecisionKind.CANCEL)
    ledger.record_scan(ACCOUNT, None, [request(o) for o in "ABCDE"], marketplace=None)  # F is gone

    assert [d.order_id for d in ledger.pending_approvals(ACCOUNT)] == ["A", "B", "E"]
    assert [ledger.approval_state(ACCOUNT, o) for o in "ABCD"] == [
        Approval.PENDING,
        Approval.PENDING,
        Approval.AUTO,
        None,
    ]

    clock.advance(minutes=3)
    [given] = ledger.approve(ACCOUNT, ["A"], by="alice", note="checked stock")
    approval = given.now
    ledger.reject(ACCOUNT, ["B", "C"], by="bob")

    assert [d.order_id for d in ledger.pending_approvals(ACCOUNT)] == ["E"]
    stored = ledger.approval_of(ACCOUNT, "A")
    assert stored == approval
    assert (stored.verdict, stored.by, stored.note, stored.at) == (
        ApprovalVerdict.APPROVED,
        "alice",
        "checked stock",
        START + timedelta(minutes=3),
    )
    assert [ledger.approval_state(ACCOUNT, o) for o in "ABC"] == [
        Approval.MANUAL,
        Approval.REJECTED,
        Approval.REJECTED,
    ]
    events = [e for e in ledger.history(ACCOUNT) if e.event == "approval"]
    assert [(e.order_id, e.state, e.approver, e.action) for e in events] == [
        ("A", "approved", "alice", "cancel"),
        ("B", "rejected", "bob", "reply"),
        ("C", "rejected", "bob", "cancel"),
    ]

    ledger.reject(ACCOUNT, ["A"], by="carol")  # the latest word counts
    assert ledger.approval_state(ACCOUNT, "A") is Approval.REJECTED


def test_an_approval_lapses_when_the_verdict_changes_but_not_when_only_the_file_does(ledger: Ledger) -> None:
    ledger.record_scan(ACCOUNT, None, [request("A"), request("B")], marketplace=None)
    _decide(ledger, "A", DecisionKind.REPLY)
    _decide(ledger, "B", DecisionKind.CANCEL)
    ledger.approve(ACCOUNT, ["A", "B"], by="alice")

    _decide(ledger, "A", DecisionKind.CANCEL)
    _decide(ledger, "B", DecisionKind.CANCEL, sha=SHA_B)

    assert ledger.approval_of(ACCOUNT, "A") is None
    assert ledger.approval_state(ACCOUNT, "A") is Approval.PENDING
    assert ledger.approval_state(ACCOUNT, "B") is Approval.MANUAL
    assert [d.order_id for d in ledger.pending_approvals(ACCOUNT)] == ["A"]

    _decide(ledger, "B", DecisionKind.CANCEL, sha=SHA_B, request_kind=RequestKind.INQUIRY)
    assert ledger.approval_state(ACCOUNT, "B") is Approval.PENDING


def test_approving_what_waits_for_nothing_is_bad_input_and_records_nothing(ledger: Ledger) -> None:
    ledger.record_scan(
        ACCOUNT, None, [request("A"), request("H"), request("N"), request("X")], marketplace=None
    )
    _decide(ledger, "A", DecisionKind.CANCEL)
    _decide(ledger, "H", DecisionKind.HOLD, approve=None)
    _decide(ledger, "X", DecisionKind.CANCEL)
    ledger.record_scan(ACCOUNT, None, [request("A"), request("H"), request("N")], marketplace=None)

    with pytest.raises(BadInputError) as caught:
        ledger.approve(ACCOUNT, ["A", "H", "N", "X", "UNKNOWN"], by="alice")
    message = str(caught.value)
    assert caught.value.exit_code == ExitCode.BAD_INPUT
    assert "order N: not decided yet; `sc-cancel run`" in message
    assert "order X: no open cancellation request" in message
    assert "order UNKNOWN: no open cancellation request" in message
    assert "order A" not in message
    assert ledger.approval_of(ACCOUNT, "A") is None
    with pytest.raises(BadInputError, match="who decides"):
        ledger.approve(ACCOUNT, ["A"], by=" ")
    with pytest.raises(BadInputError, match="at least one order"):
        ledger.reject(ACCOUNT, [], by="alice")


# --- audit and retention ------------------------------------------------------------------------------


def test_history_shows_everything_in_order_and_filters_by_order(ledger: Ledger, clock: FakeClock) -> None:
    run_id = ledger.start_run(ACCOUNT, "run")
    ledger.record_scan(
        ACCOUNT, run_id, [request("A", marketplace="amazon.de"), request("B")], marketplace=None
    )
    ledger.record_decision(
        ACCOUNT,
        run_id,
        decision("A", DecisionKind.CANCEL, approve="auto"),
        rules_sha256=SHA_A,
        request_kind=RequestKind.OFFICIAL,
    )
    clock.advance(seconds=1)
    action = ledger.plan_action(ACCOUNT, "A", "cancel", run_id=run_id)
    ledger.transition(action.action_id, "approved", by="bot")
    ledger.transition(action.action_id, "in_flight")
    ledger.transition(action.action_id, "done", evidence="runs/x/after.png")
    ledger.finish_run(run_id, status="ok", exit_code=0, stats={})
    ledger.record_scan("other@example.com", None, [request("A")], marketplace=None)

    events = ledger.history(ACCOUNT, order_id="A")
    assert [(e.event, e.state) for e in events] == [
        ("request_new", "open"),
        ("decision", "cancel"),
        ("action", "planned"),
        ("action", "approved"),
        ("action", "in_flight"),
        ("action", "done"),
    ]
    done = events[-1]
    assert (done.marketplace, done.rule, done.rules_sha256, done.outcome, done.evidence, done.run_id) == (
        "amazon.de",
        "r1",
        SHA_A,
        "done",
        "runs/x/after.png",
        run_id,
    )
    assert events[3].approver == "bot"
    assert events[-1].at == START + timedelta(seconds=1)
    everything = ledger.history(ACCOUNT)
    assert everything[0].event == "run_started"
    assert everything[-1].event == "run_finished"
    assert {e.account for e in ledger.history()} == {ACCOUNT, "other@example.com"}
    assert [e.event for e in ledger.history(ACCOUNT, limit=2)] == ["action", "run_finished"]
    assert len(ledger.history(order_id="A")) == len(events) + 1


def test_the_audit_trail_refuses_updates_and_deletes(ledger_location: LedgerLocation, ledger: Ledger) -> None:
    ledger.start_run(ACCOUNT, "scan")
    raw = make_engine(ledger_location.url, ledger_location.password)
    try:
        for forgery in ("UPDATE audit SET event = 'forged'", "DELETE FROM audit"):
            with raw.connect() as conn, pytest.raises(sqlalchemy.exc.DBAPIError, match="append-only"):
                conn.exec_driver_sql(forgery)
    finally:
        raw.dispose()
    assert [e.event for e in ledger.history()] == ["run_started"]


def test_purge_removes_buyer_data_past_retention_only(ledger: Ledger, clock: FakeClock) -> None:
    old_inquiry = request(
        "OLD-INQ",
        kind=RequestKind.INQUIRY,
        sources=(Channel.MESSAGES,),
        reason="bought the wrong size",
        buyer_name="Jane Roe",
        sightings=(
            Sighting(
                channel=Channel.MESSAGES,
                kind=RequestKind.INQUIRY,
                detail="buyer_message",
                thread_id="t-1",
                reason="bought the wrong size",
            ),
        ),
    )
    old_official = request("OLD-OFF", reason="Order Created by Mistake", buyer_name="John Doe")
    ledger.record_scan(ACCOUNT, None, [old_inquiry, old_official], marketplace=None)
    ledger.cache_order(ACCOUNT, _looked_up("OLD-SHIPPED", OrderStatus.SHIPPED))
    ledger.record_threads(
        ACCOUNT,
        [
            ThreadMark(
                thread_id="t-1",
                last_activity=START,
                kind=ThreadKind.INQUIRY,
                order_id="OLD-INQ",
                reason="bought the wrong size",
            ),
            ThreadMark(
                thread_id="t-9",
                last_activity=START + timedelta(days=70),
                kind=ThreadKind.INQUIRY,
                reason="changed my mind",
            ),
        ],
    )
    clock.advance(days=40)
    fresh = request("NEW", buyer_name="Max Muster")
    ledger.record_scan(ACCOUNT, None, [old_inquiry, old_official, fresh], marketplace=None)
    ledger.record_scan(ACCOUNT, None, [fresh], marketplace=None)  # the old ones are gone now

    clock.advance(days=31)
    ledger.record_scan(ACCOUNT, None, [fresh], marketplace=None)  # still pending: its data is kept
    ledger.cache_order(ACCOUNT, _looked_up("NEW-SHIPPED", OrderStatus.SHIPPED))  # looked up just now
    assert ledger.purge_personal_data(older_than=clock.now - timedelta(days=30)) == 4

    by_id = {r.order_id: r for r in (ledger.seen_request(ACCOUNT, o) for o in ("OLD-INQ", "OLD-OFF")) if r}
    inquiry, official = by_id["OLD-INQ"].request, by_id["OLD-OFF"].request
    assert (inquiry.buyer_name, inquiry.reason, inquiry.sightings[0].reason) == (None, None, None)
    assert inquiry.sightings[0].thread_id == "t-1"
    assert (official.buyer_name, official.reason) == (None, "Order Created by Mistake")
    assert ledger.open_requests(ACCOUNT)[0].buyer_name == "Max Muster"
    marks = ledger.thread_marks(ACCOUNT)
    assert (marks["t-1"].reason, marks["t-9"].reason) == (None, "changed my mind")
    scrubbed = _looked_up("OLD-SHIPPED", OrderStatus.SHIPPED).model_copy(update={"buyer_name": None})
    assert ledger.cached_order(ACCOUNT, "OLD-SHIPPED") == scrubbed
    assert ledger.cached_order(ACCOUNT, "NEW-SHIPPED") == _looked_up("NEW-SHIPPED", OrderStatus.SHIPPED)
    assert ledger.purge_personal_data(older_than=clock.now - timedelta(days=30)) == 0
    assert [e.event for e in ledger.history()].count("personal_data_purged") == 1


def test_the_audit_trail_holds_no_buyer_names_or_words(ledger: Ledger) -> None:
    ledger.record_scan(
        ACCOUNT,
        None,
        [request("A", kind=RequestKind.INQUIRY, buyer_name="Jane Roe", reason="wrong size ordered")],
        marketplace=None,
    )
    ledger.record_threads(
        ACCOUNT,
        [
            ThreadMark(
                thread_id="t",
                last_activity=START,
                kind=ThreadKind.INQUIRY,
                order_id="A",
                reason="wrong size ordered",
            )
        ],
    )
    ledger.record_scan(ACCOUNT, None, [], marketplace=None)
    text = repr(ledger.history())
    assert "Jane Roe" not in text
    assert "wrong size" not in text
    assert "request_closed" in text
