"""Decisions and a person's word raced by two real processes, on SQLite and PostgreSQL: the account lock
keeps two runs of one account apart, but an operator's `approve`/`reject` is not a run and takes no
account lock, and a worker that somehow bypassed the lock must still not corrupt the ledger.

Each racer waits for a gate file so that both start together (test_ledger_processes' pattern). What must
hold: one decision per order when two processes record the same one, one approval per order when two
people approve it at once, and no action goes in flight after a rejection of its order was committed.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from test_ledger_processes import ACCOUNT, OPEN_IN_SCRIPT, REPO_ROOT, racer_env

from automation.ledger import ActionKind, Ledger, LedgerLocation
from automation.ledger.engine import make_engine
from automation.models import CancellationRequest, Channel, Decision, DecisionKind, Outcome, RequestKind

ORDERS = [f"O-{n:02d}" for n in range(30)]
SHA = "d" * 64

GATED = OPEN_IN_SCRIPT + textwrap.dedent(
    """
    import time
    from pathlib import Path
    from automation.models import Decision, DecisionKind, RequestKind
    ACCOUNT = "seller@example.com"
    ORDERS = sys.argv[3].split(",")
    def wait_for_the_gate():
        print("ready", flush=True)
        while not Path(sys.argv[2]).exists():
            time.sleep(0.001)
    """
)


def seed(ledger: Ledger, *, decided: bool = True) -> None:
    ledger.record_scan(
        ACCOUNT,
        None,
        [
            CancellationRequest(order_id=oid, kind=RequestKind.OFFICIAL, sources=(Channel.MANAGE_ORDERS,))
            for oid in ORDERS
        ],
        marketplace=None,
    )
    if decided:
        for oid in ORDERS:
            ledger.record_decision(
                ACCOUNT,
                None,
                Decision(order_id=oid, decision=DecisionKind.CANCEL, rule="r", approve="manual"),
                rules_sha256=SHA,
                request_kind=RequestKind.OFFICIAL,
            )


def race(
    where: LedgerLocation,
    folder: Path,
    *scripts: tuple[str, list[str], str],
    while_racing: Callable[[], None] = lambda: None,
) -> list[str]:
    """Start one process per (script body, order ids, the name of the gate file it waits for), then
    open the gate `go` and call `while_racing`; return their outputs. A gate other than `go` is opened
    by another racer."""
    racers = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                GATED + textwrap.dedent(body),
                where.url,
                str(folder / gate),
                ",".join(orders),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=racer_env(where),
            cwd=REPO_ROOT,
        )
        for body, orders, gate in scripts
    ]
    for racer in racers:
        assert racer.stdout is not None
        assert racer.stdout.readline().strip() == "ready"
    (folder / "go").touch()
    while_racing()
    outputs = [racer.communicate(timeout=60) for racer in racers]
    assert all(racer.returncode == 0 for racer in racers), [err for _, err in outputs]
    return [out for out, _ in outputs]


def count(where: LedgerLocation, sql: str) -> int:
    engine = make_engine(where.url, where.password)
    try:
        with engine.connect() as conn:
            return int(conn.exec_driver_sql(sql).scalar() or 0)
    finally:
        engine.dispose()


@contextmanager
def table_held(where: LedgerLocation, table: str, racers: int) -> Iterator[Callable[[], None]]:
    """Hold `table` against writes (reads go on) until the returned callable is called: on PostgreSQL
    it returns once `racers` transactions wait on a lock, so every racer has read what it decides on
    before any can write (without a guard, each then writes what it read: the race made certain). On
    SQLite nothing is held: every write transaction there takes the file's write lock up front, so
    the racers simply race."""
    if where.sqlite_file is not None:
        yield lambda: None
        return
    engine = make_engine(where.url, where.password)
    conn = engine.connect()
    conn.exec_driver_sql(f"LOCK TABLE {table} IN EXCLUSIVE MODE")

    def release() -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            waiting = conn.exec_driver_sql(
                "SELECT COUNT(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                " WHERE NOT l.granted AND a.datname = current_database()"
            ).scalar()
            if waiting is not None and waiting >= racers:
                break
            time.sleep(0.01)
        conn.commit()

    try:
        yield release
    finally:
        conn.close()
        engine.dispose()


RECORD_DECISIONS = """
with Ledger.open(WHERE) as ledger:
    wait_for_the_gate()
    for oid in ORDERS:
        ledger.record_decision(
            ACCOUNT, "run-" + str(os.getpid()),
            Decision(order_id=oid, decision=DecisionKind.CANCEL, rule="r", approve="manual"),
            rules_sha256="d" * 64, request_kind=RequestKind.OFFICIAL,
        )
"""

APPROVE_ALL = """
with Ledger.open(WHERE) as ledger:
    wait_for_the_gate()
    ledger.approve(ACCOUNT, ORDERS, by="person-" + str(os.getpid()))
"""


def test_two_processes_recording_the_same_decisions_add_one_per_order(
    ledger_location: LedgerLocation, tmp_path: Path
) -> None:
    with Ledger.open(ledger_location) as ledger:
        seed(ledger, decided=False)
    with table_held(ledger_location, "decisions", racers=2) as release:
        race(
            ledger_location,
            tmp_path,
            (RECORD_DECISIONS, ORDERS, "go"),
            (RECORD_DECISIONS, ORDERS, "go"),
            while_racing=release,
        )
    assert count(ledger_location, "SELECT COUNT(*) FROM decisions") == len(ORDERS)
    assert count(ledger_location, "SELECT COUNT(*) FROM audit WHERE event = 'decision'") == len(ORDERS)


def test_two_people_approving_the_same_orders_at_once_record_one_approval_each(
    ledger_location: LedgerLocation, tmp_path: Path
) -> None:
    with Ledger.open(ledger_location) as ledger:
        seed(ledger)
    with table_held(ledger_location, "approvals", racers=2) as release:
        race(
            ledger_location,
            tmp_path,
            (APPROVE_ALL, ORDERS, "go"),
            (APPROVE_ALL, ORDERS, "go"),
            while_racing=release,
        )
    assert count(ledger_location, "SELECT COUNT(*) FROM approvals") == len(ORDERS)
    assert count(ledger_location, "SELECT COUNT(*) FROM audit WHERE event = 'approval'") == len(ORDERS)
    with Ledger.open(ledger_location) as ledger:
        approvers = {ledger.approval_of(ACCOUNT, oid).by for oid in ORDERS}  # type: ignore[union-attr]
        assert ledger.pending_approvals(ACCOUNT) == []
    assert len(approvers) == 1  # one person's approvals all stood; the other's said the same


SUBMIT_IN_ORDER = """
from automation.ledger import ApprovalWithdrawnError
ids = [int(i) for i in ORDERS]
here = Path(sys.argv[2]).parent
with Ledger.open(WHERE) as ledger:
    wait_for_the_gate()
    won = []
    for n, action_id in enumerate(ids):
        if n == len(ids) // 2:  # halfway: let the person start, and go on once one order is rejected
            (here / "half").touch()
            while not (here / "first-rejected").exists():
                time.sleep(0.001)
        try:
            ledger.transition(action_id, "in_flight", run_id="worker")
        except ApprovalWithdrawnError:
            continue
        won.append(action_id)
    print(" ".join(map(str, won)))
"""

REJECT_ONE_BY_ONE = """
here = Path(sys.argv[2]).parent
with Ledger.open(WHERE) as ledger:
    wait_for_the_gate()
    for oid in ORDERS:
        ledger.reject(ACCOUNT, [oid], by="Dana", note="out of stock after all")
        (here / "first-rejected").touch()
"""


def test_nothing_goes_in_flight_after_a_person_rejected_its_order(
    ledger_location: LedgerLocation, tmp_path: Path
) -> None:
    """A worker moves approved cancels to in_flight from the first order on; from halfway, a person
    rejects the orders from the last one back while the worker goes on (it waits for the first
    rejection only, so the last order is certainly rejected first and the middle ones are raced). Every
    cancel either went in flight before its order's rejection was committed, or was put back to planned
    and never went in flight."""
    with Ledger.open(ledger_location) as ledger:
        seed(ledger)
        ledger.approve(ACCOUNT, ORDERS, by="Alex")
        action_ids = []
        for oid in ORDERS:
            action = ledger.plan_action(ACCOUNT, oid, ActionKind.CANCEL, run_id="run-1")
            action_ids.append(ledger.transition(action.action_id, Outcome.APPROVED, by="Alex").action_id)
    [won, _] = race(
        ledger_location,
        tmp_path,
        (SUBMIT_IN_ORDER, [str(i) for i in action_ids], "go"),
        (REJECT_ONE_BY_ONE, list(reversed(ORDERS)), "half"),
    )
    in_flight = {int(i) for i in won.split()}
    with Ledger.open(ledger_location) as ledger:
        events = ledger.history(ACCOUNT)
        for oid, action_id in zip(ORDERS, action_ids, strict=True):
            rejected_at = next(
                e.event_id
                for e in events
                if e.order_id == oid and e.event == "approval" and e.state == "rejected"
            )
            moves = [e for e in events if e.action_id == action_id and e.state == "in_flight"]
            now = ledger.action(action_id)
            assert now is not None
            if action_id in in_flight:
                [move] = moves
                assert move.event_id < rejected_at, f"{oid} went in flight after its rejection"
                assert now.state is Outcome.IN_FLIGHT
            else:
                assert moves == [], f"{oid} went in flight although its worker was refused"
                assert now.state is Outcome.PLANNED
                assert now.in_flight_at is None
                back = [e for e in events if e.action_id == action_id and e.state == "planned"][-1]
                assert back.event_id > rejected_at
                assert back.reason == "rejected by Dana before it was submitted"
    assert set(action_ids[: len(ORDERS) // 2]) <= in_flight  # before the person started
    assert action_ids[-1] not in in_flight  # rejected before the worker got there
