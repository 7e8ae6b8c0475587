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


def test_a_run_with_a_postgresql_ledger_is_refused_while_another_machine_runs_the_account(
    tmp_path: Path, pg_server: PgServer, ledger_url: str
) -> None:
    """`sc-cancel run` takes the advisory lock before anything else (no browser starts): exit code 6,
    naming the holder, although its own data folder has no lock file held."""
    import yaml

    from automation.settings import load_settings
    from automation.targets import resolve_targets

    config = tmp_path / "sc-cancel.yaml"
    account = {
        "name": "shop",
        "email": "seller@example.com",
        "password": {"env": "SHOP_PASSWORD"},
        "marketplaces": [{"base_url": "http://127.0.0.1:9", "marketplace": "ATVPDKIKX0DER"}],
    }
    settings_text = {
        "format": 1,
        "ledger_url": ledger_url,
        "ledger_password": {"env": "LEDGER_PASSWORD"},
        "accounts": [account],
    }
    config.write_text(yaml.safe_dump(settings_text), encoding="utf-8")
    env = {"SHOP_PASSWORD": "x", "LEDGER_PASSWORD": pg_server.password}
    settings, _ = load_settings(config)
    [target] = resolve_targets(scenario=None, base_url=None, settings=settings, account=None, env=env)
    engine = make_engine(ledger_url, pg_server.password)
    try:
        with account_lock(tmp_path / "machine-a", target.key, database=engine):
            run = subprocess.run(
                [sys.executable, "-m", "automation", "run", "--config", str(config)],
                env={**os.environ, **env, "SC_CANCEL_DATA_DIR": str(tmp_path / "machine-b")},
                cwd=tmp_path,
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
    finally:
        engine.dispose()
    assert run.returncode == ExitCode.LOCKED, run.stderr
    assert f"PID {os.getpid()}" in run.stderr
    assert "advisory lock" in run.stderr
    assert pg_server.password not in run.stderr
