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
from automation.ledger import ActionKind, Ledger
from automation.ledger.schema import SCHEMA_VERSION
from automation.models import CancellationRequest, Channel, Decision, DecisionKind, Outcome, RequestKind

REPO_ROOT = Path(__file__).resolve().parents[3]
ACCOUNT = "seller@example.com"


def run_python(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run a script in a separate interpreter, as a second sc-cancel process would."""
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
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


def test_a_second_process_approves_while_the_loop_holds_the_ledger_open(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite3"
    with Ledger.open(path) as loop:
        seed_decision(loop, "A")
        result = run_python(
            """
            import sys
            from pathlib import Path
            from automation.ledger import Ledger
            with Ledger.open(Path(sys.argv[1])) as ledger:
                [given] = ledger.approve("seller@example.com", ["A"], by="alice", note="from a shell")
                print(given.now.approval_id)
            """,
            str(path),
        )
        assert result.returncode == 0, result.stderr
        approval = loop.approval_of(ACCOUNT, "A")
        assert approval is not None
        assert (approval.approval_id, approval.by, approval.note) == (
            int(result.stdout),
            "alice",
            "from a shell",
        )


def test_processes_racing_to_plan_the_same_cancel_get_one_action(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite3"
    Ledger.open(path).close()
    script = textwrap.dedent(
        """
        import sys
        from pathlib import Path
        from automation.ledger import Ledger
        with Ledger.open(Path(sys.argv[1])) as ledger:
            ids = {ledger.plan_action("seller@example.com", f"O-{i}", "cancel", run_id=sys.argv[2]).action_id
                   for i in range(30)}
            print(" ".join(str(i) for i in sorted(ids)))
        """
    )
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(path), f"run-{n}"],
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
    raw = sqlite3.connect(path)
    try:
        assert raw.execute("SELECT COUNT(*) FROM actions").fetchone()[0] == 30
    finally:
        raw.close()


def test_a_process_killed_after_committing_in_flight_leaves_it_for_reconciliation(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite3"
    result = run_python(
        """
        import os, signal, sys
        from pathlib import Path
        from automation.ledger import Ledger
        ledger = Ledger.open(Path(sys.argv[1]))
        action = ledger.plan_action("seller@example.com", "A", "cancel", run_id="run-1")
        ledger.transition(action.action_id, "approved", by="bot")
        ledger.transition(action.action_id, "in_flight")
        os.kill(os.getpid(), signal.SIGKILL)  # as if killed while clicking Submit
        """,
        str(path),
    )
    assert result.returncode == -9
    with Ledger.open(path, clock=lambda: datetime(2026, 11, 27, tzinfo=UTC)) as next_run:
        [unresolved] = next_run.unresolved_actions(ACCOUNT)
        assert (unresolved.order_id, unresolved.state) == ("A", Outcome.IN_FLIGHT)
        assert next_run.cancellations_since(ACCOUNT, datetime(2000, 1, 1, tzinfo=UTC)) == 1
        settled = next_run.transition(
            unresolved.action_id, Outcome.DONE, run_id="run-2", evidence="order shows Canceled"
        )
        assert settled.state is Outcome.DONE
