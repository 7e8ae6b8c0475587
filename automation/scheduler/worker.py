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

A stop asked of the scheduler (SIGTERM, Ctrl-C) is passed on to its workers through a pipe of their
own: a worker still waiting for its account's lock (`watch`'s e-mail runs wait) gives up at once
(`stop_asked`), while a run under way goes on to its end as before. An abort (a second Ctrl-C: the
scheduler's `abort` event, or `KeyboardInterrupt` where the parent waits in its main thread) ends the
worker's process tree as `run_timeout` does, and its run is closed as failed with exit code 130
(`InterruptedRunError`), so nothing is left running or recorded as still under way. The worker's log
lines go to the scheduler's log file without rotating it (`log_setup.in_forked_worker`).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import TYPE_CHECKING, cast

from loguru import logger

from automation.clock import utc_now
from automation.durations import human_duration
from automation.errors import ExitCode, InterruptedRunError, RunTimeoutError, ScCancelError
from automation.log_setup import in_forked_worker
from automation.scheduler.outcome import JobOutcome

if TYPE_CHECKING:
    from automation.report import ReportTrigger

PROC = Path("/proc")
_SLICE_SECONDS = 0.5
"""How often the parent looks at its stop event while a worker runs (a signal handler can only set it)."""

_channel: Connection | None = None
"""In a worker process: where it tells its parent about the run it started. None elsewhere."""
_stop_asked: threading.Event | None = None
"""In a worker process: set once its parent has been asked to stop. None elsewhere."""


@dataclass(frozen=True)
class StartedRun:
    """The run a worker started, as recorded in the ledger and the runs folder."""

    run_id: str
    folder: Path
    started_at: datetime
    trigger: ReportTrigger | None = None
    """What started a targeted run, so that the run closed as failed still says so."""


def note_run_started(run_id: str, folder: Path, trigger: ReportTrigger | None = None) -> None:
    """`Runtime.run_started` for runs in workers: tell the parent (a no-op outside a worker)."""
    if _channel is not None:
        _channel.send(("started", StartedRun(run_id, folder, utc_now(), trigger)))


def stop_asked(elsewhere: threading.Event) -> threading.Event:
    """The event a stop of the scheduler sets, as seen from here: in a worker, its own (set when the
    parent passes the stop on); elsewhere `elsewhere`, the caller's stop event itself. A wait that must
    end on a stop (`LockWait`) takes this one, since a forked copy of the parent's event is never set."""
    return _stop_asked if _stop_asked is not None else elsewhere


Work = Callable[[], JobOutcome | None]
Stopped = Callable[[StartedRun | None, ScCancelError], None]
"""Closes a stopped worker's run (None: none was recorded) as failed with the error that stopped it."""


def run_in_worker(
    account: str,
    work: Work,
    *,
    timeout: timedelta,
    stopped: Stopped,
    clock: Callable[[], datetime] = utc_now,
    stop: threading.Event | None = None,
    lock_wait: timedelta = timedelta(0),
    abort: threading.Event | None = None,
) -> JobOutcome | None:
    """`work()` in a worker process; its outcome, or, once `timeout` has passed, the worker stopped,
    `stopped(run, error)` called to close its run as failed, and an outcome with `RunTimeoutError`'s
    exit code. `work` returns an outcome (None: nothing was run) and may raise: an exception becomes
    the outcome of its exit code, as in the loop. `stop`: the scheduler's stop event, passed on to the
    worker once set (`stop_asked`). `lock_wait`: how long the work may wait for its account's lock
    before its run is recorded; `timeout` then counts from the run's start (from the worker's start
    while it waits, `lock_wait` added). `abort` set (or `KeyboardInterrupt` here, which is re-raised):
    the worker is stopped at once and its run closed as `InterruptedRunError` (exit code 130)."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    orders, tell = context.Pipe(duplex=False)
    started_at = clock()
    child = context.Process(
        target=_worker_main, args=(send, orders, tell, account, work), name=f"run {account}"
    )
    child.start()
    send.close()
    orders.close()
    assert child.pid is not None  # started
    running = _Running(account, child, child.pid, receive, stopped, clock, started_at)
    deadline = time.monotonic() + (lock_wait + timeout).total_seconds()
    told = False
    try:
        while (left := deadline - time.monotonic()) > 0:
            if abort is not None and abort.is_set():
                return running.stop_now(_interrupted(account))
            if stop is not None and stop.is_set() and not told:
                told = True
                with contextlib.suppress(OSError):  # a worker already gone needs no telling
                    tell.send("stop")
            if not wait([receive, child.sentinel], timeout=min(left, _SLICE_SECONDS)):
                continue
            try:
                kind, payload = receive.recv() if receive.poll() else ("gone", None)
            except EOFError:
                kind, payload = "gone", None
            if kind == "started":
                running.started = payload
                deadline = min(deadline, time.monotonic() + timeout.total_seconds())
                continue
            return running.ended(payload if kind == "done" else _GONE)
        return running.stop_now(
            RunTimeoutError(
                f"account {account}: the run was still going after run_timeout ({human_duration(timeout)}) "
                "and was stopped; raise run_timeout in the settings if runs this long are expected"
            )
        )
    except KeyboardInterrupt:  # waiting in the main thread (concurrency 1): a second Ctrl-C
        running.stop_now(_interrupted(account))
        raise
    finally:
        if child.is_alive():  # the parent itself is going: no run outlives it
            stop_tree(running.pid)
            child.join()
        receive.close()
        tell.close()


_GONE = object()
"""What `_Running.ended` gets when the worker ended without sending an outcome."""


def _interrupted(account: str) -> InterruptedRunError:
    return InterruptedRunError(
        f"account {account}: the run was stopped by a second Ctrl-C (SIGINT) before it finished; run it again"
    )


@dataclass
class _Running:
    """A worker under way, as its parent sees it: how it ends, by itself or stopped from here."""

    account: str
    child: BaseProcess
    pid: int
    receive: Connection
    stopped: Stopped
    clock: Callable[[], datetime]
    started_at: datetime
    started: StartedRun | None = None
    """The run the worker recorded (its "started" message), once it has."""

    def ended(self, outcome: object) -> JobOutcome | None:
        """The worker ended by itself: its outcome, or a bug's when it sent none (`_GONE`)."""
        self.child.join()
        if outcome is not _GONE:
            return _timed(cast("JobOutcome | None", outcome), self.started_at, self.clock())
        return JobOutcome(
            self.account,
            int(ExitCode.BUG),
            {"error": f"the run's worker process ended with {self.child.exitcode} without an outcome"},
            self.started_at,
            self.clock(),
        )

    def stop_now(self, error: ScCancelError) -> JobOutcome | None:
        """End the worker's process tree, then close its run as failed with `error` (`stopped`) and
        return that outcome; a worker that finished meanwhile keeps its own outcome."""
        stop_tree(self.pid)
        self.child.join()
        finished, run = _last_words(self.receive)
        if finished is not None:
            return _timed(finished[0], self.started_at, self.clock())
        self.stopped(run or self.started, error)
        return JobOutcome.from_exception(
            self.account, error, started_at=self.started_at, finished_at=self.clock()
        )


def _last_words(receive: Connection) -> tuple[tuple[JobOutcome | None] | None, StartedRun | None]:
    """What a worker sent before it ended and the parent had not read yet: its outcome (wrapped, since
    None is an outcome: nothing was run) if it finished, and the run it started."""
    finished: tuple[JobOutcome | None] | None = None
    run: StartedRun | None = None
    with contextlib.suppress(Exception):  # a message cut short by the kill: what came before stands
        while receive.poll():
            kind, payload = receive.recv()
            if kind == "started":
                run = payload
            elif kind == "done":
                finished = (payload,)
    return finished, run


def _timed(outcome: JobOutcome | None, started_at: datetime, finished_at: datetime) -> JobOutcome | None:
    """The worker's outcome, timed by the parent's clock where the worker left the times out."""
    if outcome is None or outcome.started_at is not None:
        return outcome
    return JobOutcome(outcome.account, outcome.exit_code, outcome.summary, started_at, finished_at)


def _worker_main(send: Connection, orders: Connection, tell: Connection, account: str, work: Work) -> None:
    """The worker: its own session, the default signal handling back, its log lines appended to the
    parent's file, the parent's stop listened for, the work, its outcome sent."""
    global _channel, _stop_asked  # noqa: PLW0603 - one each per worker process, set once at its start
    os.setsid()
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    in_forked_worker()
    tell.close()  # the parent's end
    _channel = send
    _stop_asked = threading.Event()
    threading.Thread(target=_listen, args=(orders, _stop_asked), name="stop-listener", daemon=True).start()
    try:
        outcome = work()
    except BaseException as exc:  # the parent gets an outcome whatever happens
        outcome = JobOutcome.from_exception(account, exc)
        if outcome.exit_code == ExitCode.BUG:
            logger.opt(exception=exc).debug("traceback of the failed run of {}", account)
    send.send(("done", outcome))
    send.close()


def _listen(orders: Connection, stop: threading.Event) -> None:
    """In the worker: set `stop` when the parent says so (its only message); return when it is gone."""
    with contextlib.suppress(EOFError, OSError):
        if orders.recv() == "stop":
            stop.set()


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
