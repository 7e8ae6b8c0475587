"""The ledger file itself: creation, permissions, bad files, schema versions, and sharing it between
connections and processes (WAL, busy timeout, crash after `in_flight`)."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
import textwrap
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from automation.errors import BadInputError, ExitCode
from automation.ledger import ActionKind, Ledger, LedgerLocation
from automation.ledger.engine import make_engine
from automation.ledger.schema import SCHEMA_VERSION
from automation.models import CancellationRequest, Channel, Decision, DecisionKind, Outcome, RequestKind

REPO_ROOT = Path(__file__).resolve().parents[3]
ACCOUNT = "seller@example.com"


def racer_env(where: LedgerLocation | None = None) -> dict[str, str]:
    """A second process's environment; the ledger's password, if any, in LEDGER_PASSWORD (never argv)."""
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    if where is not None and where.password:
        env["LEDGER_PASSWORD"] = where.password
    return env


OPEN_IN_SCRIPT = """
import os, sys
from automation.ledger import Ledger, LedgerLocation
WHERE = LedgerLocation(sys.argv[1], os.environ.get("LEDGER_PASSWORD"))
"""


def run_python(
    script: str, *args: str, where: LedgerLocation | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a script in a separate interpreter, as a second sc-cancel process would."""
    env = racer_env(where)
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO_ROOT,
        timeout=60,
        check=False,
    )


def seed_decision(ledger: Ledger, order_id: str) -> None:
    ledger.record_scan(
        ACCOUNT,
        None,
        [CancellationRequest(order_id=order_id, kind=RequestKind.OFFICIAL, sources=(Channel.MANAGE_ORDERS,))],
        marketplace=None,
    )
    ledger.record_decision(
        ACCOUNT,
        None,
        Decision(order_id=order_id, decision=DecisionKind.CANCEL, rule="r", approve="manual"),
        rules_sha256="d" * 64,
        request_kind=RequestKind.OFFICIAL,
    )


def test_open_creates_folders_and_a_private_wal_file(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "data" / "ledger.sqlite3"
    with Ledger.open(path) as ledger:
        ledger.start_run(ACCOUNT, "scan")
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        wal = path.with_name(path.name + "-wal")
        assert wal.exists()
        assert stat.S_IMODE(wal.stat().st_mode) == 0o600
    raw = sqlite3.connect(path)
    try:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    finally:
        raw.close()


def test_an_existing_file_is_made_private_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite3"
    with Ledger.open(path) as ledger:
        run_id = ledger.start_run(ACCOUNT, "scan")
    path.chmod(0o644)
    with Ledger.open(path) as ledger:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        last = ledger.last_run(ACCOUNT)
        assert last is not None
        assert last.run_id == run_id


def test_a_file_that_is_not_a_ledger_is_bad_input(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite3"
    path.write_bytes(b"this is a text file, not SQLite" * 100)
    with pytest.raises(BadInputError) as caught:
        Ledger.open(path)
    assert caught.value.exit_code == ExitCode.BAD_INPUT
    assert str(path) in str(caught.value)
    assert "--data-dir" in str(caught.value)


def test_a_ledger_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite3"
    Ledger.open(path).close()
    raw = sqlite3.connect(path)
    raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    raw.commit()
    raw.close()
    with pytest.raises(BadInputError, match=f"schema version {SCHEMA_VERSION + 1}, newer"):
        Ledger.open(path)


def test_two_connections_see_each_others_changes_at_once(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite3"
    with Ledger.open(path) as loop, Ledger.open(path) as person:
        seed_decision(loop, "A")
        assert [d.order_id for d in person.pending_approvals(ACCOUNT)] == ["A"]
        person.approve(ACCOUNT, ["A"], by="alice")
        assert loop.pending_approvals(ACCOUNT) == []
        planned = loop.plan_action(ACCOUNT, "A", ActionKind.CANCEL, run_id="run-1")
        assert person.plan_action(ACCOUNT, "A", ActionKind.CANCEL, run_id="run-2") == planned


def test_a_writer_waits_for_another_connections_short_transaction(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite3"
    with Ledger.open(path) as ledger:
        seed_decision(ledger, "A")
        holding = threading.Event()
        hold_seconds = 0.3

        def hold_the_write_lock() -> None:
            other = sqlite3.connect(path, isolation_level=None)
            other.execute("BEGIN IMMEDIATE")
            holding.set()
            time.sleep(hold_seconds)
            other.execute("COMMIT")
            other.close()

        holder = threading.Thread(target=hold_the_write_lock)
        holder.start()
        assert holding.wait(10)
        started = time.monotonic()
        ledger.approve(ACCOUNT, ["A"], by="alice")  # would raise "database is locked" without busy_timeout
        waited = time.monotonic() - started
        holder.join()
        assert waited >= hold_seconds * 0.5
        assert ledger.approval_of(ACCOUNT, "A") is not None


def test_a_second_process_approves_while_the_loop_holds_the_ledger_open(
    ledger_location: LedgerLocation,
) -> None:
    with Ledger.open(ledger_location) as loop:
        seed_decision(loop, "A")
        result = run_python(
            OPEN_IN_SCRIPT
            + """
with Ledger.open(WHERE) as ledger:
    [given] = ledger.approve("seller@example.com", ["A"], by="alice", note="from a shell")
    print(given.now.approval_id)
""",
            ledger_location.url,
            where=ledger_location,
        )
        assert result.returncode == 0, result.stderr
        approval = loop.approval_of(ACCOUNT, "A")
        assert approval is not None
        assert (approval.approval_id, approval.by, approval.note) == (
            int(result.stdout),
            "alice",
            "from a shell",
        )


def test_processes_racing_to_plan_the_same_cancel_get_one_action(ledger_location: LedgerLocation) -> None:
    Ledger.open(ledger_location).close()
    script = OPEN_IN_SCRIPT + textwrap.dedent(
        """
        with Ledger.open(WHERE) as ledger:
            ids = {ledger.plan_action("seller@example.com", f"O-{i}", "cancel", run_id=sys.argv[2]).action_id
                   for i in range(30)}
            print(" ".join(str(i) for i in sorted(ids)))
        """
    )
    env = racer_env(ledger_location)
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", script, ledger_location.url, f"run-{n}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=REPO_ROOT,
        )
        for n in range(3)
    ]
    outputs = [racer.communicate(timeout=60) for racer in racers]
    assert all(racer.returncode == 0 for racer in racers), [err for _, err in outputs]
    assert len({out for out, _ in outputs}) == 1  # every process got the very same 30 actions
    raw = make_engine(ledger_location.url, ledger_location.password)
    try:
        with raw.connect() as conn:
            assert conn.exec_driver_sql("SELECT COUNT(*) FROM actions").scalar() == 30
    finally:
        raw.dispose()


def test_two_processes_racing_to_submit_the_same_actions_never_both_win_one(
    ledger_location: LedgerLocation, tmp_path: Path
) -> None:
    """Two workers on the same account try to move every approved action to in_flight at the same
    moment (released together by a gate file): each action goes in flight for exactly one of them."""
    with Ledger.open(ledger_location) as ledger:
        approved = []
        for n in range(40):
            action = ledger.plan_action(ACCOUNT, f"O-{n}", ActionKind.CANCEL, run_id="run-0")
            approved.append(ledger.transition(action.action_id, Outcome.APPROVED, by="bot").action_id)
    gate = tmp_path / "go"
    script = OPEN_IN_SCRIPT + textwrap.dedent(
        """
        import time
        from pathlib import Path
        from automation.ledger import InvalidTransitionError
        ids = [int(i) for i in sys.argv[3].split(",")]
        with Ledger.open(WHERE) as ledger:
            print("ready", flush=True)
            while not Path(sys.argv[2]).exists():
                time.sleep(0.001)
            won = []
            for action_id in ids:
                try:
                    ledger.transition(action_id, "in_flight", run_id="racer")
                except InvalidTransitionError:
                    continue
                won.append(action_id)
            print(" ".join(map(str, won)))
        """
    )
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", script, ledger_location.url, str(gate), ",".join(map(str, order))],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=racer_env(ledger_location),
            cwd=REPO_ROOT,
        )
        for order in (approved, approved)
    ]
    for racer in racers:
        assert racer.stdout is not None
        assert racer.stdout.readline().strip() == "ready"
    gate.touch()
    outputs = [racer.communicate(timeout=60) for racer in racers]
    assert all(racer.returncode == 0 for racer in racers), [err for _, err in outputs]
    wins = [[int(i) for i in out.split()] for out, _ in outputs]
    assert sorted(wins[0] + wins[1]) == sorted(approved)  # each action won exactly once, none lost
    with Ledger.open(ledger_location) as ledger:
        moves = [e for e in ledger.history(ACCOUNT) if e.event == "action" and e.state == "in_flight"]
        assert sorted(e.action_id for e in moves) == sorted(approved)


def test_a_process_killed_after_committing_in_flight_leaves_it_for_reconciliation(
    ledger_location: LedgerLocation,
) -> None:
    result = run_python(
        OPEN_IN_SCRIPT
        + """
import signal
ledger = Ledger.open(WHERE)
action = ledger.plan_action("seller@example.com", "A", "cancel", run_id="run-1")
ledger.transition(action.action_id, "approved", by="bot")
ledger.transition(action.action_id, "in_flight")
os.kill(os.getpid(), signal.SIGKILL)  # as if killed while clicking Submit
""",
        ledger_location.url,
        where=ledger_location,
    )
    assert result.returncode == -9
    with Ledger.open(ledger_location, clock=lambda: datetime(2026, 11, 27, tzinfo=UTC)) as next_run:
        [unresolved] = next_run.unresolved_actions(ACCOUNT)
        assert (unresolved.order_id, unresolved.state) == ("A", Outcome.IN_FLIGHT)
        assert next_run.cancellations_since(ACCOUNT, datetime(2000, 1, 1, tzinfo=UTC)) == 1
        settled = next_run.transition(
            unresolved.action_id, Outcome.DONE, run_id="run-2", evidence="order shows Canceled"
        )
        assert settled.state is Outcome.DONE
