"""The per-account lock: one run per account at a time, across processes, with a message that names
the holder."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from automation.errors import ExitCode, LockedError
from automation.locks import LockWait, account_lock, lock_path

REPO_ROOT = Path(__file__).resolve().parents[2]
ACCOUNT = "seller@example.com"
STARTED = datetime(2026, 11, 26, 12, 0, 3, tzinfo=UTC)

TRY_LOCK = """
import sys
from pathlib import Path
from automation.errors import ScCancelError
from automation.locks import account_lock
try:
    with account_lock(Path(sys.argv[1]), sys.argv[2]):
        print("acquired")
except ScCancelError as exc:
    print(exc, file=sys.stderr)
    sys.exit(exc.exit_code)
"""

HOLD_LOCK = """
import sys
from pathlib import Path
from automation.locks import account_lock
with account_lock(Path(sys.argv[1]), sys.argv[2]):
    print("holding", flush=True)
    sys.stdin.readline()
"""


def python(script: str, *args: str, **popen: object) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    return subprocess.Popen(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-c", textwrap.dedent(script), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=REPO_ROOT,
        **popen,
    )


def test_lock_files_are_per_account_and_inside_the_data_folder(tmp_path: Path) -> None:
    paths = {
        lock_path(tmp_path, key)
        for key in (
            "seller@example.com",
            "seller@example.com ",
            "https://sellercentral.amazon.de|seller@example.com",
            "https://sellercentral.amazon.de/seller@example.com",
            "../../etc/passwd",
            "",
        )
    }
    assert len(paths) == 6
    assert all(path.parent == tmp_path / "locks" for path in paths)
    assert lock_path(tmp_path, ACCOUNT) == lock_path(tmp_path, ACCOUNT)


def test_the_holder_is_written_into_the_lock_file(tmp_path: Path) -> None:
    with account_lock(tmp_path, ACCOUNT, clock=lambda: STARTED) as holder:
        written = json.loads(lock_path(tmp_path, ACCOUNT).read_text())
        assert (holder.pid, holder.started_at, holder.account) == (
            os.getpid(),
            "2026-11-26T12:00:03Z",
            ACCOUNT,
        )
        assert written["pid"] == os.getpid()
        assert written["started_at"] == "2026-11-26T12:00:03Z"
    assert lock_path(tmp_path, ACCOUNT).exists()  # never deleted: that would race with the next holder


def test_a_second_lock_in_the_same_process_is_refused_then_free_again(tmp_path: Path) -> None:
    with account_lock(tmp_path, ACCOUNT, clock=lambda: STARTED):
        with pytest.raises(LockedError) as caught, account_lock(tmp_path, ACCOUNT):
            pass
        assert caught.value.exit_code == ExitCode.LOCKED == 6
        assert f"PID {os.getpid()}" in str(caught.value)
        assert "started 2026-11-26T12:00:03Z" in str(caught.value)
        assert ACCOUNT in str(caught.value)
        with account_lock(tmp_path, "another@example.com"):
            pass
    with account_lock(tmp_path, ACCOUNT):
        pass


def test_another_process_is_refused_with_exit_code_6_naming_the_holder(tmp_path: Path) -> None:
    with account_lock(tmp_path, ACCOUNT, clock=lambda: STARTED):
        refused = python(TRY_LOCK, str(tmp_path), ACCOUNT)
        out, err = refused.communicate(timeout=60)
        assert refused.returncode == 6, err
        assert out == ""
        assert f"PID {os.getpid()}" in err
        assert "2026-11-26T12:00:03Z" in err
    allowed = python(TRY_LOCK, str(tmp_path), ACCOUNT)
    out, err = allowed.communicate(timeout=60)
    assert (allowed.returncode, out.strip()) == (0, "acquired"), err


def test_a_lock_held_by_another_process_is_refused_here_until_it_ends(tmp_path: Path) -> None:
    holder = python(HOLD_LOCK, str(tmp_path), ACCOUNT, stdin=subprocess.PIPE)
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "holding"
        with pytest.raises(LockedError, match=f"PID {holder.pid} "), account_lock(tmp_path, ACCOUNT):
            pass
        with account_lock(tmp_path, "another@example.com"):
            pass
    finally:
        holder.communicate("\n", timeout=60)
    assert holder.returncode == 0
    with account_lock(tmp_path, ACCOUNT):
        pass


def test_a_killed_holder_frees_the_lock(tmp_path: Path) -> None:
    holder = python(HOLD_LOCK, str(tmp_path), ACCOUNT, stdin=subprocess.PIPE)
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "holding"
    holder.send_signal(signal.SIGKILL)
    holder.communicate(timeout=60)
    with account_lock(tmp_path, ACCOUNT) as me:
        assert me.pid == os.getpid()


def test_a_busy_account_is_named_by_its_name_not_its_internal_key(tmp_path: Path) -> None:
    key = "seller-0123456789ab"
    with (
        account_lock(tmp_path, key, name="east"),
        pytest.raises(LockedError) as caught,
        account_lock(tmp_path, key, name="east"),
    ):
        pass
    assert "account east is busy" in str(caught.value)
    assert key not in str(caught.value).split("lock file")[0]


def test_a_waiting_lock_is_taken_once_the_holder_ends(tmp_path: Path) -> None:
    """An e-mail trigger waits for the run in progress instead of failing with exit 6."""
    holder = python(HOLD_LOCK, str(tmp_path), ACCOUNT, stdin=subprocess.PIPE)
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "holding"
    taken: list[int] = []

    def wait_for_it() -> None:
        with account_lock(tmp_path, ACCOUNT, wait=LockWait(timedelta(minutes=5))) as me:
            taken.append(me.pid)

    waiter = threading.Thread(target=wait_for_it)
    waiter.start()  # started while the other process holds the lock
    assert taken == []
    holder.communicate("\n", timeout=60)
    waiter.join(timeout=60)
    assert taken == [os.getpid()]


def test_a_wait_that_runs_out_names_the_setting(tmp_path: Path) -> None:
    wait = LockWait(timedelta(0))
    with (
        account_lock(tmp_path, ACCOUNT),
        pytest.raises(LockedError, match=r"after waiting run_timeout") as caught,
        account_lock(tmp_path, ACCOUNT, wait=wait),
    ):
        pass
    assert caught.value.exit_code == ExitCode.LOCKED


def test_a_stop_ends_the_wait(tmp_path: Path) -> None:
    stop = threading.Event()
    stop.set()
    wait = LockWait(timedelta(hours=1), stop=stop)
    with (
        account_lock(tmp_path, ACCOUNT),
        pytest.raises(LockedError),
        account_lock(tmp_path, ACCOUNT, wait=wait),
    ):
        pass
