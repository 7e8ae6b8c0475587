"""The account lock with a PostgreSQL ledger: an advisory lock in the shared database, so two machines
(here: two processes with different data folders, which no lock file would keep apart) never run one
account at once, and a killed holder's lock is free at once (its session ended)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from pg_server import PgServer

from automation.errors import ExitCode, LockedError
from automation.ledger.engine import make_engine
from automation.locks import LockWait, account_lock

REPO_ROOT = Path(__file__).resolve().parents[2]
ACCOUNT = "https://sellercentral.amazon.com|seller@example.com"

HOLD_LOCK = """
import os, sys
from pathlib import Path
from automation.ledger.engine import make_engine
from automation.locks import account_lock
engine = make_engine(sys.argv[2], os.environ["LEDGER_PASSWORD"])
with account_lock(Path(sys.argv[1]), sys.argv[3], database=engine):
    print("holding", flush=True)
    sys.stdin.readline()
"""


@pytest.fixture
def ledger_url(pg_server: PgServer) -> Iterator[str]:
    name = "locks_" + os.urandom(4).hex()
    url = pg_server.create_database(name)
    yield url
    pg_server.drop_database(name)


def hold(tmp_path: Path, url: str, password: str) -> subprocess.Popen[str]:
    """Another machine's run holding the account: its own data folder, the same database."""
    process = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(HOLD_LOCK), str(tmp_path / "machine-a"), url, ACCOUNT],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT), "LEDGER_PASSWORD": password},
        cwd=REPO_ROOT,
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "holding", process.stderr.read() if process.stderr else ""
    return process


def test_a_run_on_another_machine_is_refused_naming_the_holder_and_a_killed_holder_frees_it(
    tmp_path: Path, pg_server: PgServer, ledger_url: str
) -> None:
    engine = make_engine(ledger_url, pg_server.password)
    holder = hold(tmp_path, ledger_url, pg_server.password)
    try:
        elsewhere = tmp_path / "machine-b"
        with pytest.raises(LockedError) as refused, account_lock(elsewhere, ACCOUNT, database=engine):
            pass
        assert refused.value.exit_code == ExitCode.LOCKED
        message = str(refused.value)
        assert f"PID {holder.pid} on {socket.gethostname()[:20]}" in message
        assert "advisory lock" in message
        assert pg_server.password not in message
        # Another account is not held up by it.
        with account_lock(tmp_path / "machine-b", ACCOUNT + "-other", database=engine):
            pass
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.communicate(timeout=30)
    # The killed holder's session is gone, and its lock with it: no stale lock to clean up.
    with account_lock(tmp_path / "machine-b", ACCOUNT, database=engine) as held:
        assert held.pid == os.getpid()
    engine.dispose()


def test_a_waiting_run_takes_the_lock_when_the_holder_ends(
    tmp_path: Path, pg_server: PgServer, ledger_url: str
) -> None:
    engine = make_engine(ledger_url, pg_server.password)
    holder = hold(tmp_path, ledger_url, pg_server.password)
    asked_to_end = threading.Event()

    def end_holder() -> None:
        asked_to_end.set()
        holder.communicate(input="\n", timeout=30)

    released = threading.Timer(1.0, end_holder)
    released.start()
    try:
        wait = LockWait(timedelta(seconds=60))
        with account_lock(tmp_path / "machine-b", ACCOUNT, database=engine, wait=wait) as held:
            assert asked_to_end.is_set(), "taken only once the holder let go"
            assert held.pid == os.getpid()
    finally:
        released.join()
        engine.dispose()
