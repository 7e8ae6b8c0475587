"""One account's run in a worker process of its own, stopped once it outlasts `run_timeout`.

Why a process per running account (bench/README.md, "Several accounts at once", has the figures):
Playwright's sync API is not thread-safe, so runs side by side need an interpreter each or a
rewrite on the async API; and a hung run (a page that never answers, a driver that stopped
talking) can only be stopped for sure by ending its process. The kernel then frees the account's
lock (`flock` belongs to the open file), and the process's Node driver and Chromium go with it.

The worker is a `fork` of the scheduler, not a fresh interpreter: the agent's modules are imported
already (about 0.9 s of CPU saved per run on the 2-core machine measured) and their memory is shared
until written. The scheduler itself never starts Playwright, so nothing of a browser is copied. The
worker leaves the scheduler's session (`setsid`), so a Ctrl-C at the terminal reaches the scheduler
only, which lets running runs finish as before; a stop from outside (`run_timeout`) ends the whole
process tree, read from /proc, since Playwright starts Chromium in a process group of its own.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from multiprocessing.connection import Connection, wait
from pathlib import Path

from loguru import logger

from automation.clock import utc_now
from automation.durations import human_duration
from automation.errors import ExitCode, RunTimeoutError
from automation.scheduler.outcome import JobOutcome

PROC = Path("/proc")

_channel: Connection | None = None
"""In a worker process: where it tells its parent about the run it started. None elsewhere."""


@dataclass(frozen=True)
class StartedRun:
    """The run a worker started, as recorded in the ledger and the runs folder."""

    run_id: str
    folder: Path
    started_at: datetime


def note_run_started(run_id: str, folder: Path) -> None:
    """`Runtime.run_started` for runs in workers: tell the parent (a no-op outside a worker)."""
    if _channel is not None:
        _channel.send(("started", StartedRun(run_id, folder, utc_now())))


Work = Callable[[], JobOutcome | None]
Stopped = Callable[[StartedRun | None, RunTimeoutError], None]


def run_in_worker(
    account: str,
    work: Work,
    *,
    timeout: timedelta,
    stopped: Stopped,
    clock: Callable[[], datetime] = utc_now,
) -> JobOutcome | None:
    """`work()` in a worker process; its outcome, or, once `timeout` has passed, the worker stopped,
    `stopped(run, error)` called to close its run as failed, and an outcome with `RunTimeoutError`'s
    exit code. `work` returns an outcome (None: nothing was run) and may raise: an exception becomes
    the outcome of its exit code, as in the loop."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    started_at = clock()
    child = context.Process(target=_worker_main, args=(send, account, work), name=f"run {account}")
    child.start()
    send.close()
    pid = child.pid
    assert pid is not None  # started
    deadline = time.monotonic() + timeout.total_seconds()
    started: StartedRun | None = None
    try:
        while (left := deadline - time.monotonic()) > 0:
            if not wait([receive, child.sentinel], timeout=left):
                continue
            try:
                kind, payload = receive.recv() if receive.poll() else ("gone", None)
            except EOFError:
                kind, payload = "gone", None
            if kind == "started":
                started = payload
                continue
            child.join()
            if kind == "done":
                return _timed(payload, started_at, clock())
            return JobOutcome(
                account,
                int(ExitCode.BUG),
                {"error": f"the run's worker process ended with {child.exitcode} without an outcome"},
                started_at,
                clock(),
            )
        stop_tree(pid)
        child.join()
        error = RunTimeoutError(
            f"account {account}: the run was still going after run_timeout ({human_duration(timeout)}) "
            "and was stopped; raise run_timeout in the settings if runs this long are expected"
        )
        stopped(started, error)
        return JobOutcome.from_exception(account, error, started_at=started_at, finished_at=clock())
    finally:
        if child.is_alive():  # the parent itself is going (a second Ctrl-C): no run outlives it
            stop_tree(pid)
            child.join()
        receive.close()


def _timed(outcome: JobOutcome | None, started_at: datetime, finished_at: datetime) -> JobOutcome | None:
    """The worker's outcome, timed by the parent's clock where the worker left the times out."""
    if outcome is None or outcome.started_at is not None:
        return outcome
    return JobOutcome(outcome.account, outcome.exit_code, outcome.summary, started_at, finished_at)


def _worker_main(send: Connection, account: str, work: Work) -> None:
    """The worker: its own session, the default signal handling back, the work, its outcome sent."""
    global _channel  # noqa: PLW0603 - one per worker process, set once at its start
    os.setsid()
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    _channel = send
    try:
        outcome = work()
    except BaseException as exc:  # the parent gets an outcome whatever happens
        outcome = JobOutcome.from_exception(account, exc)
        if outcome.exit_code == ExitCode.BUG:
            logger.opt(exception=exc).debug("traceback of the failed run of {}", account)
    send.send(("done", outcome))
    send.close()


def descendants(root: int) -> list[int]:
    """`root` and every process below it, from one pass over /proc."""
    children: dict[int, list[int]] = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, ()))
    return found


def stop_tree(root: int) -> None:
    """SIGKILL `root` and all its descendants, read before the first kill (a killed parent's children
    are handed to init and could no longer be found). A hung process ignores gentler signals."""
    for pid in descendants(root):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
