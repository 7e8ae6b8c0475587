"""One run per account at a time: a per-account lock file held with `fcntl.flock`.

`flock` belongs to the open file, so the kernel frees it when the holder exits or is killed: there is
no stale lock to clean up, and the file is never deleted (deleting a lock file races with the next
holder). The holder writes its PID and start time into the file so that the one refused can say who is
in the way. Non-blocking by default: a second run fails at once with `LockedError` (exit code 6) instead
of queueing behind a long scan. `watch`'s e-mail triggers pass a `LockWait` instead: an e-mail that lands
while a scan of the same account is under way is handled when that scan ends, not dropped.

With a PostgreSQL ledger (several machines sharing it), a file on one machine keeps nothing apart, so
the lock is a PostgreSQL advisory lock instead (`pg_try_advisory_lock`, one 64-bit key per account) held
by a connection of its own for the whole run. It belongs to that database session: when the holder exits,
is killed, or its machine dies, the session ends and the lock is free (the session asks the server for
TCP keep-alives, so a machine that vanished is noticed within about a minute). The holder's PID, host
and start are its session's `application_name`, so the one refused can say who is in the way.
"""

from __future__ import annotations

import contextlib
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
from typing import TYPE_CHECKING

from automation.clock import utc_now
from automation.durations import human_duration
from automation.errors import LockedError

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

LOCKS_FOLDER = "locks"
_HOLDER_BYTES = 4096
_RETRY_SECONDS = 0.25
_APP_PREFIX = "sc-cancel"
_KEEPALIVES = "-c tcp_keepalives_idle=30 -c tcp_keepalives_interval=10 -c tcp_keepalives_count=3"
"""Server-side keep-alives of the lock's session: a holder whose machine vanished loses the lock within
about a minute instead of the kernel's default two hours."""


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


def _holder_now(account_key: str, clock: Callable[[], datetime]) -> LockHolder:
    return LockHolder(
        pid=os.getpid(),
        started_at=clock().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        host=socket.gethostname(),
        account=account_key,
    )


def _refused(name: str, holder: LockHolder | None, wait: LockWait | None, where: str) -> LockedError:
    who = (
        "another run that has not yet recorded its PID"
        if holder is None
        else f"PID {holder.pid} on {holder.host}, started {holder.started_at}"
    )
    waited = "" if wait is None else f" after waiting {wait.setting} ({human_duration(wait.timeout)})"
    return LockedError(
        f"account {name} is busy: another sc-cancel run holds its lock ({who}){waited}; {where}. Wait for "
        "that run to end; the lock frees itself when the process exits."
    )


@contextmanager
def account_lock(
    data_dir: Path,
    account_key: str,
    *,
    name: str | None = None,
    clock: Callable[[], datetime] = utc_now,
    wait: LockWait | None = None,
    database: Engine | None = None,
) -> Iterator[LockHolder]:
    """Hold the account's lock for the `with` block; raise `LockedError` naming the holder if another
    run (in this process or another) holds it, at once or, with `wait`, once its timeout has passed.
    `name` is the account as the operator knows it (its name in the settings); the key only names the
    lock. `database`: the ledger's engine; a PostgreSQL one makes the lock an advisory lock there, seen
    by every machine sharing that ledger (any other keeps the lock file in `data_dir`)."""
    if database is not None and database.dialect.name == "postgresql":
        with _advisory_lock(database, account_key, name=name or account_key, clock=clock, wait=wait) as held:
            yield held
        return
    with _file_lock(data_dir, account_key, name=name or account_key, clock=clock, wait=wait) as held:
        yield held


@contextmanager
def _file_lock(
    data_dir: Path, account_key: str, *, name: str, clock: Callable[[], datetime], wait: LockWait | None
) -> Iterator[LockHolder]:
    path = lock_path(data_dir, account_key)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        if not _acquire(lambda: _try_flock(fd), wait):
            raise _refused(name, _read_holder(fd), wait, f"lock file {path}") from None
        holder = _holder_now(account_key, clock)
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(holder.__dict__).encode("utf-8"), 0)
        try:
            yield holder
        finally:
            os.ftruncate(fd, 0)  # while still holding the lock, so no later holder's record is erased
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _try_flock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


def _acquire(try_once: Callable[[], bool], wait: LockWait | None) -> bool:
    """Take a lock with `try_once`: at once, or retrying until `wait`'s timeout or stop; False if not."""
    deadline = time.monotonic() + (wait.timeout.total_seconds() if wait is not None else 0.0)
    while True:
        if try_once():
            return True
        left = deadline - time.monotonic()
        if wait is None or left <= 0 or wait.stop.is_set():
            return False
        wait.stop.wait(min(_RETRY_SECONDS, left))


def advisory_key(account_key: str) -> int:
    """The account's advisory lock key: a signed 64-bit number from a hash of its key, the same on
    every machine and every version."""
    digest = hashlib.sha256(f"sc-cancel account lock:{account_key}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _application_name(holder: LockHolder) -> str:
    """`sc-cancel PID START HOST`, cut to PostgreSQL's 63 characters (the host goes last, so only it is
    ever cut)."""
    return f"{_APP_PREFIX} {holder.pid} {holder.started_at} {holder.host}"[:63]


def _holder_of(conn: Connection, key: int, account_key: str) -> LockHolder | None:
    """Who holds advisory lock `key`: its session's application name, as written by `_advisory_lock`."""
    from sqlalchemy import text

    row = conn.execute(
        text(
            "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 "
            "AND l.classid::bigint = :hi AND l.objid::bigint = :lo"
        ),
        {"hi": (key >> 32) & 0xFFFFFFFF, "lo": key & 0xFFFFFFFF},
    ).first()
    parts = str(row[0]).split(" ", 3) if row is not None and row[0] else []
    if len(parts) != 4 or parts[0] != _APP_PREFIX or not parts[1].isdigit():
        return None
    return LockHolder(pid=int(parts[1]), started_at=parts[2], host=parts[3], account=account_key)


@contextmanager
def _advisory_lock(
    engine: Engine, account_key: str, *, name: str, clock: Callable[[], datetime], wait: LockWait | None
) -> Iterator[LockHolder]:
    """The account's advisory lock, on a connection of its own (never a pooled one: its session must end
    when the lock is given back, taking anything left of it along)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import DBAPIError
    from sqlalchemy.pool import NullPool

    key = advisory_key(account_key)
    holder = _holder_now(account_key, clock)
    own = create_engine(
        engine.url,
        poolclass=NullPool,
        isolation_level="AUTOCOMMIT",
        connect_args={"application_name": _application_name(holder), "options": _KEEPALIVES},
    )
    try:
        with own.connect() as conn:

            def try_once() -> bool:
                return bool(conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar())

            if not _acquire(try_once, wait):
                where = f"advisory lock {key} in the ledger's database {engine.url.database}"
                raise _refused(name, _holder_of(conn, key, account_key), wait, where) from None
            try:
                yield holder
            finally:
                # A session already gone (the server restarted) holds nothing: closing it is enough.
                with contextlib.suppress(DBAPIError):
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
    finally:
        own.dispose()
