"""One run per account at a time: a per-account lock file held with `fcntl.flock`.

`flock` belongs to the open file, so the kernel frees it when the holder exits or is killed: there is
no stale lock to clean up, and the file is never deleted (deleting a lock file races with the next
holder). The holder writes its PID and start time into the file so that the one refused can say who is
in the way. Non-blocking by default: a second run fails at once with `LockedError` (exit code 6) instead
of queueing behind a long scan. `watch`'s e-mail triggers pass a `LockWait` instead: an e-mail that lands
while a scan of the same account is under way is handled when that scan ends, not dropped.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from automation.clock import utc_now
from automation.durations import human_duration
from automation.errors import LockedError

LOCKS_FOLDER = "locks"
_HOLDER_BYTES = 4096
_RETRY_SECONDS = 0.25


@dataclass(frozen=True)
class LockWait:
    """How long to wait for a held lock before giving up with `LockedError`, and what ends the wait
    early (a stop asked for by SIGTERM or Ctrl-C)."""

    timeout: timedelta
    setting: str = "run_timeout"
    """The setting that says how long, named when the wait gives up."""
    stop: threading.Event = field(default_factory=threading.Event)


@dataclass(frozen=True)
class LockHolder:
    """Who holds an account's lock, as written in its lock file."""

    pid: int
    started_at: str
    host: str
    account: str


def lock_path(data_dir: Path, account_key: str) -> Path:
    """The lock file of an account: a readable slug plus a hash, so that keys differing only in
    characters a file name cannot hold (a base URL, an e-mail) never share a lock."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", account_key).strip("._")[:60] or "account"
    digest = hashlib.sha256(account_key.encode("utf-8")).hexdigest()[:12]
    return Path(data_dir) / LOCKS_FOLDER / f"{slug}-{digest}.lock"


def _read_holder(fd: int) -> LockHolder | None:
    try:
        data = json.loads(os.pread(fd, _HOLDER_BYTES, 0).decode("utf-8"))
        return LockHolder(
            pid=int(data["pid"]),
            started_at=str(data["started_at"]),
            host=str(data["host"]),
            account=str(data["account"]),
        )
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return None  # the holder has locked but not yet written, or an older format


@contextmanager
def account_lock(
    data_dir: Path,
    account_key: str,
    *,
    name: str | None = None,
    clock: Callable[[], datetime] = utc_now,
    wait: LockWait | None = None,
) -> Iterator[LockHolder]:
    """Hold the account's lock for the `with` block; raise `LockedError` naming the holder if another
    run (in this process or another) holds it, at once or, with `wait`, once its timeout has passed.
    `name` is the account as the operator knows it (its name in the settings); the key only names the
    file."""
    path = lock_path(data_dir, account_key)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        if not _acquire(fd, wait):
            holder = _read_holder(fd)
            who = (
                "another run that has not yet recorded its PID"
                if holder is None
                else f"PID {holder.pid} on {holder.host}, started {holder.started_at}"
            )
            waited = "" if wait is None else f" after waiting {wait.setting} ({human_duration(wait.timeout)})"
            raise LockedError(
                f"account {name or account_key} is busy: another sc-cancel run holds its lock ({who})"
                f"{waited}; lock file {path}. Wait for that run to end; the lock frees itself when the "
                "process exits."
            ) from None
        holder = LockHolder(
            pid=os.getpid(),
            started_at=clock().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            host=socket.gethostname(),
            account=account_key,
        )
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(holder.__dict__).encode("utf-8"), 0)
        try:
            yield holder
        finally:
            os.ftruncate(fd, 0)  # while still holding the lock, so no later holder's record is erased
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _acquire(fd: int, wait: LockWait | None) -> bool:
    """Take the lock on `fd`: at once, or retrying until `wait`'s timeout or stop; False if not taken."""
    deadline = time.monotonic() + (wait.timeout.total_seconds() if wait is not None else 0.0)
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            left = deadline - time.monotonic()
            if wait is None or left <= 0 or wait.stop.is_set():
                return False
            wait.stop.wait(min(_RETRY_SECONDS, left))
