"""The scheduled loop's runs under way and runs waiting their turn, and how they end on a stop or an abort.

With `concurrency` above 1 the loop (`loop.Scheduler`) hands each due run to a pool of that many threads
here. Each thread only waits for its account's worker process (`scheduler.worker`): no two runs share an
interpreter.

Runs off the schedule (`watch`'s e-mail runs, `run_soon`) go through the same pool, so they count
against `concurrency` like the scheduled ones and never stop the loop from starting other accounts'
runs. The loop never runs one account twice at once: a run asked for an account whose run (scheduled
or not) is under way waits in the queue here, holding no slot, until that run ends; a scheduled run
falling due meanwhile waits the same way (the loop asks `busy`).

A stop (SIGTERM, the first Ctrl-C) lets the runs under way finish (`drain`). A `KeyboardInterrupt`
reaching the loop (the second Ctrl-C, raised in its thread by `install_signal_handlers`) aborts them
instead (`interrupt`): it sets the `abort` event, which the workers of the runs watch (`in_worker(abort=...)`:
each stops its run's process tree and closes the run as failed, exit code 130), waits the moment that
takes, and the loop lets the interrupt go on, so the command ends with 130 rather than waiting for its
runs or `run_timeout`. A run in the loop's own thread (`concurrency` 1) gets the interrupt itself and
does the same.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_for_futures
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from loguru import logger

from automation.scheduler.outcome import JobOutcome


@dataclass(frozen=True)
class OneOff:
    """A run asked for off the schedule (`run_soon`); `kind` names it in its outcome line."""

    account: str
    run: Callable[[], JobOutcome | None]
    kind: str


@dataclass(frozen=True)
class _UnderWay:
    """A run handed to the pool: whose, and what the loop does (in its thread) once it has ended."""

    account: str
    finished: Callable[[], None] | None


class RunPool:
    """The runs under way (in the pool's threads) and those asked for off the schedule, not yet started.

    Everything but `run_soon` (any thread) and the runs themselves (the pool's threads) is called from
    the loop's thread."""

    def __init__(
        self,
        concurrency: int,
        *,
        clock: Callable[[], datetime],
        log: Callable[[str, str], None],
        abort: threading.Event,
    ) -> None:
        self.now = clock
        self._log = log
        self._concurrency = concurrency
        self.abort = abort
        self.stop = threading.Event()
        """The loop's stop event (the loop hands in its own as it starts): once set, nothing new starts."""
        self.wake = threading.Event()
        """Set when a run of the pool finishes or one is asked for (`run_soon`), so the loop's default
        wait ends and the loop looks again."""
        self._pool: ThreadPoolExecutor | None = None
        self._running: dict[Future[None], _UnderWay] = {}
        self._queued: list[OneOff] = []
        """Runs asked for off the schedule, not yet started (oldest first); guarded by `_queue_lock`."""
        self._queue_lock = threading.Lock()

    @property
    def parallel(self) -> bool:
        return self._concurrency > 1

    def submit(
        self, account: str, work: Callable[[], None], *, finished: Callable[[], None] | None = None
    ) -> None:
        """Hand a run of `account` to the pool (started now, or when one of the pool's threads is free);
        `finished` is called in the loop's thread (`collect`) once it has ended."""
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self._concurrency, thread_name_prefix="account-run")
        future = self._pool.submit(work)
        self._running[future] = _UnderWay(account, finished)
        future.add_done_callback(lambda _done: self.wake.set())

    def busy(self, account: str) -> bool:
        """Whether a run of `account` is in the pool (running or about to)."""
        return any(run.account == account for run in self._running.values())

    def run_soon(self, account: str, run: Callable[[], JobOutcome | None], *, kind: str) -> None:
        """Queue a run of `account` off the schedule; asked again before it starts, it is still one run."""
        with self._queue_lock:
            if all(queued.account != account for queued in self._queued):
                self._queued.append(OneOff(account, run, kind))
        self.wake.set()

    def any_ready(self) -> bool:
        """Whether a run asked for off the schedule can start now (its account has no run under way)."""
        with self._queue_lock:
            return any(not self.busy(q.account) for q in self._queued)

    def start_queued(self) -> None:
        """Start every run asked for whose account is free: in the pool, or with no pool (`concurrency`
        1) here, one after the other."""
        while not self.stop.is_set():
            with self._queue_lock:
                ready = next((q for q in self._queued if not self.busy(q.account)), None)
                if ready is not None:
                    self._queued.remove(ready)
            if ready is None:
                return
            if self.parallel:
                self.submit(ready.account, partial(self._execute_one_off, ready))
            else:
                self._execute_one_off(ready)

    def collect(self) -> None:
        """Forget the runs in the pool that have ended, calling their `finished`."""
        for future in [f for f in self._running if f.done()]:
            run = self._running.pop(future)
            if run.finished is not None:
                run.finished()

    def drain(self) -> None:
        """Wait for every run handed to the pool (those not yet started see the stop and do nothing)."""
        if self._pool is None:
            return
        if self._running and self.stop.is_set():
            self._log("INFO", f"scheduler: waiting for {len(self._running)} run(s) under way to finish")
        try:
            wait_for_futures(list(self._running))
        except KeyboardInterrupt:  # the second Ctrl-C, while waiting for them
            self.interrupt()
            raise
        self._pool.shutdown(wait=True)
        self._pool = None
        self.collect()

    def interrupt(self) -> None:
        """Interrupted: start nothing more, tell the runs under way to stop now (`abort`, which their
        workers watch: each ends its process tree and closes its run as failed) and wait for that.

        It waits on the runs' futures, never by joining the pool's threads: a `Thread.join` that an
        interrupt cut short marks that thread as ended (CPython 3.11, bpo-45274), so a later join (the
        pool's, the interpreter's at exit) would return while its run is still being closed."""
        self.stop.set()
        self.abort.set()
        if self._pool is None:
            return
        under_way = sum(not future.done() for future in self._running)
        if under_way:
            self._log("WARNING", f"scheduler: interrupted; stopping {under_way} run(s) under way now")
        self._pool.shutdown(wait=False, cancel_futures=True)
        wait_for_futures(list(self._running))
        self._pool.shutdown(wait=True)
        self._pool = None
        self.collect()

    def drop_queued(self) -> None:
        """A stopped loop starts nothing more: say what was asked for and is not run."""
        with self._queue_lock:
            dropped, self._queued = self._queued, []
        for queued in dropped:
            self._not_started(queued)

    def _not_started(self, job: OneOff) -> None:
        self._log("INFO", f"{job.kind} {job.account}: not started (stopping); the next run catches up")

    def _execute_one_off(self, job: OneOff) -> None:
        """One run asked for off the schedule; like the loop's scheduled runs, never an exception."""
        if self.stop.is_set():
            self._not_started(job)
            return
        started = self.now()
        try:
            outcome = job.run()
        except KeyboardInterrupt as exc:  # the run went on in this thread: its worker closed it as failed
            interrupted = JobOutcome.from_exception(
                job.account, exc, started_at=started, finished_at=self.now()
            )
            self._log(interrupted.level, interrupted.line(job.kind))
            raise
        except Exception as exc:  # LockedError included: exit code 6 after waiting for the lock
            outcome = JobOutcome.from_exception(job.account, exc, started_at=started, finished_at=self.now())
            if outcome.exit_code == 1:
                logger.opt(exception=exc).debug("traceback of the failed {} of {}", job.kind, job.account)
        if outcome is not None:
            self._log(outcome.level, outcome.line(job.kind))
