"""The scheduled loop: every account runs every interval plus a fresh random jitter, up to
`concurrency` accounts at once.

Built on a `schedule.Scheduler` instance (never the module-level default, so two loops in one process,
e.g. in tests, do not share jobs), through its public API: `every(n).seconds.do(...)`, `run_pending`
running due jobs in order of their `next_run`, `run_all` for one round, `get_next_run`. `schedule` plans
with the wall clock and draws `.to()`'s jitter from the global `random`; `_ClockedJob` keeps time and
randomness the `Scheduler`'s own (its `clock` and `random`, which tests replace) by overriding the two
public members that read them: `should_run` compares `next_run` with the `Scheduler`'s clock, and `run`,
after `schedule`'s own run, sets `next_run` to the plan made here.

Why re-scheduling per run rather than `every(a).to(b)`: `.to()` draws whole seconds from the global
random generator against the real clock, which no test can control; here the jitter is drawn, to the
millisecond, each time a run is planned. The next run is planned when the previous one *finishes*
(`_ClockedJob.run` plans it after calling the job), so a run that overran its interval is followed by one
run after the interval from then, never by a burst replaying the missed ones (`schedule`'s own
`run_pending` promises the same). What `schedule` does not do (field notes §2 item 14: no persistence,
no concurrency) is covered elsewhere: the account lock taken inside each run refuses a second run of the
same account, from this loop or a manual `sc-cancel run`, and the lock is reported here as "skipped:
still running" rather than as a failure.

With `concurrency` above 1, a due job is handed to the pool of `scheduler.pool` instead of being run in
the loop's thread; until it finishes its `next_run` lies far ahead, so `schedule` never starts it twice,
and the loop plans its next run (from its end, as above) when it sees it finished. Runs off the schedule
(`run_soon`) wait in that module's queue and go through the same pool; how a stop lets the runs under
way finish and a second Ctrl-C aborts them is told there too.
"""

from __future__ import annotations

import random as random_module
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

import schedule
from loguru import logger

from automation.clock import utc_now
from automation.durations import human_duration
from automation.errors import BadInputError
from automation.scheduler.outcome import JobOutcome
from automation.scheduler.pool import RunPool

MAX_NAP_SECONDS = 60.0

_RUNNING = timedelta(days=3650)
"""`next_run` of a job handed to the pool, until it has finished: never due meanwhile."""
_SLICE_SECONDS = 0.5
"""Longest single wait: the loop re-reads the clock at least this often, so a changed system clock or a
suspended machine delays a run by at most this much."""


def _log_with_loguru(level: str, message: str) -> None:
    logger.log(level, message)


@dataclass(frozen=True)
class ScheduledJob:
    """One account in the loop: run `run` every `interval` plus a random delay up to `jitter`.

    `run` does the whole account run and returns its outcome; it may raise (any exception is turned into
    an outcome by the loop). It must take the account's lock itself (`run_account` does), since the lock
    is what keeps two runs of one account apart.
    """

    account: str
    interval: timedelta
    jitter: timedelta
    run: Callable[[], JobOutcome]

    def __post_init__(self) -> None:
        if self.interval <= timedelta(0):
            raise BadInputError(f"account '{self.account}': schedule.every must be more than 0")
        if self.jitter < timedelta(0):
            raise BadInputError(f"account '{self.account}': schedule.jitter must not be negative")


class _ClockedJob(schedule.Job):
    """A `schedule.Job` whose notion of "now" and of "random" is its owner's."""

    def __init__(self, owner: Scheduler, spec: ScheduledJob, jobs: schedule.Scheduler) -> None:
        # `schedule` wants a whole number of units; the real interval (and its jitter) is `spec`'s.
        super().__init__(max(1, round(spec.interval.total_seconds())), jobs)
        self.owner = owner
        self.spec = spec

    @property
    def should_run(self) -> bool:
        """Due, and its account has no run under way (a run off the schedule, `run_soon`)."""
        return self.due and not self.owner.busy(self.spec.account)

    @property
    def due(self) -> bool:
        return self.next_run is not None and self.owner.now() >= self.next_run

    def run(self) -> Any:
        """`schedule`'s run (the job, then its own plan of the next one), the next run planned on the
        owner's clock in place of `schedule`'s, then the line saying when that is. With a pool, the job
        is handed to it instead, and planned once it has finished (`finished`)."""
        if self.owner.parallel:
            self.last_run = self.owner.now()
            self.next_run = self.owner.now() + _RUNNING
            self.owner.submit(self)
            return None
        result = super().run()
        self.plan(after=self.spec.interval)
        self.owner.announce_next_run(self)
        return result

    def finished(self) -> None:
        """The pool's run has ended: plan the next one from now, and say when."""
        self.plan(after=self.spec.interval)
        self.owner.announce_next_run(self)

    def plan(self, *, after: timedelta) -> None:
        """The next run: `after` from now plus a fresh jitter. Runs are planned from the end of the
        previous run, so one that overran its interval is not followed by a burst of missed runs."""
        self.next_run = self.owner.now() + after + self.owner.draw_jitter(self.spec.jitter)


class Scheduler:
    """Runs each account's job on its own schedule until told to stop; one failing never stops the rest."""

    def __init__(
        self,
        jobs: list[ScheduledJob],
        *,
        clock: Callable[[], datetime] = utc_now,
        sleep: Callable[[float], object] | None = None,
        random: Callable[[float, float], float] = random_module.uniform,
        log: Callable[[str, str], None] = _log_with_loguru,
        concurrency: int = 1,
        abort: threading.Event | None = None,
    ) -> None:
        """`sleep(seconds)` waits between runs (default: wait on the stop event, so a signal ends the
        wait at once, or for a run of the pool to finish); `random(low, high)` draws the jitter;
        `log(level, message)` receives one line per run and the loop's own notices (default: loguru);
        `concurrency`: how many accounts run at once (1: one after another in the loop's thread);
        `abort`: the event set when the loop is interrupted (`KeyboardInterrupt`), which the jobs' workers
        watch to stop their runs at once (default: a fresh one, `self.abort`)."""
        if concurrency < 1:
            raise BadInputError(f"concurrency must be 1 or more, got {concurrency}")
        if not jobs:
            raise BadInputError("nothing to schedule: no account is configured")
        names = [j.account for j in jobs]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise BadInputError(f"each account can be scheduled once: {', '.join(dupes)} appear twice")
        self.now = clock
        self._sleep = sleep
        self._random = random
        self._log = log
        self.abort = abort if abort is not None else threading.Event()
        self._round: list[JobOutcome] | None = None
        """Outcomes of the round `run_once` is running; None in the endless loop."""
        self._last: dict[str, JobOutcome] = {}
        self._runs = RunPool(concurrency, clock=clock, log=log, abort=self.abort)
        """The runs under way and those asked for off the schedule; its `stop` is the loop's stop event."""
        self._jobs = schedule.Scheduler()
        for spec in jobs:
            job = _ClockedJob(self, spec, self._jobs)
            job.seconds.do(self._execute, spec)
            # The first run starts at once, spread by the jitter so accounts do not all start together.
            job.plan(after=timedelta(0))

    @property
    def parallel(self) -> bool:
        return self._runs.parallel

    def submit(self, job: _ClockedJob) -> None:
        """Hand a due job to the pool; its next run is planned once it has ended (`finished`)."""
        self._runs.submit(job.spec.account, partial(self._execute, job.spec), finished=job.finished)

    def busy(self, account: str) -> bool:
        """Whether a run of `account` is in the pool (running or about to)."""
        return self._runs.busy(account)

    def run_soon(self, account: str, run: Callable[[], JobOutcome | None], *, kind: str) -> None:
        """Ask for a run of `account` off the schedule (`watch`'s e-mail runs): `run()` in the pool as
        soon as the loop sees it and no other run of that account is under way. Asked again before it
        starts, it is still one run (it reads whatever is new by then). Its outcome gets a `kind` line
        (None: nothing was run, no line). Safe to call from any thread; the endless loop serves it."""
        self._runs.run_soon(account, run, kind=kind)

    def _nap(self, seconds: float) -> None:
        """The default wait: until `seconds` have passed, a stop, or a run of the pool finished."""
        stop, wake = self._runs.stop, self._runs.wake
        deadline = time.monotonic() + seconds
        while not stop.is_set() and not wake.is_set():
            left = deadline - time.monotonic()
            if left <= 0:
                break
            wake.wait(min(left, _SLICE_SECONDS))
        wake.clear()

    def draw_jitter(self, jitter: timedelta) -> timedelta:
        """A fresh random delay in [0, jitter], drawn for every run planned."""
        if jitter <= timedelta(0):
            return timedelta(0)
        seconds = jitter.total_seconds()
        return timedelta(seconds=min(max(self._random(0.0, seconds), 0.0), seconds))

    def announce_next_run(self, job: _ClockedJob) -> None:
        """`shop: next run at 14:05 (in 11 min)`, in this machine's time zone, after each run of the
        endless loop; an operator reading the log sees that the loop lives and what to expect. A round
        for cron has no next run to speak of."""
        if self._round is not None or self._runs.stop.is_set() or job.next_run is None:
            return
        wait = timedelta(minutes=round((job.next_run - self.now()).total_seconds() / 60))
        at = job.next_run.astimezone()
        self._log("INFO", f"{job.spec.account}: next run at {at:%H:%M} (in {human_duration(wait)})")

    def next_runs(self) -> dict[str, datetime]:
        """When each account runs next, soonest first (for status display)."""
        planned = [(job.spec.account, job.next_run) for job in self._clocked_jobs() if job.next_run]
        return dict(sorted(planned, key=lambda item: item[1]))

    def last_outcomes(self) -> dict[str, JobOutcome]:
        """The latest outcome of each account that has run (for status display); only the latest is
        kept, so a loop running for months does not grow."""
        return dict(self._last)

    def run_once(self, stop: threading.Event | None = None) -> list[JobOutcome]:
        """Run every account once, in the settings' order, and return the outcomes (`schedule --once`,
        for cron and Kubernetes CronJobs). With `stop` set midway, accounts not yet started are left out."""
        self._runs.stop = stop or threading.Event()
        outcomes: list[JobOutcome] = []
        self._round = outcomes
        try:
            self._jobs.run_all(delay_seconds=0)
            self._runs.drain()
        except KeyboardInterrupt:
            self._runs.interrupt()
            raise
        finally:
            self._round = None
        order = [job.spec.account for job in self._clocked_jobs()]
        return sorted(outcomes, key=lambda o: order.index(o.account) if o.account in order else len(order))

    def run_forever(self, stop: threading.Event) -> None:
        """Loop until `stop` is set (by `install_signal_handlers` on SIGTERM or Ctrl-C). A run in
        progress is finished, not interrupted; no further run starts. A `KeyboardInterrupt` (a second
        Ctrl-C) aborts the runs in progress (see `scheduler.pool`) and is raised again."""
        self._runs.stop = stop
        nap = self._sleep if self._sleep is not None else self._nap
        plan = ", ".join(
            f"{job.spec.account} every {_short(job.spec.interval)} (+ up to {_short(job.spec.jitter)})"
            for job in self._clocked_jobs()
        )
        self._log("INFO", f"scheduler: started for {plan}; stop with Ctrl-C or SIGTERM")
        try:
            while not stop.is_set():
                self._runs.collect()
                self._runs.start_queued()
                self._jobs.run_pending()
                if stop.is_set():
                    break
                wait = self._seconds_to_next_run()
                if wait > 0:
                    nap(min(wait, MAX_NAP_SECONDS))
        except KeyboardInterrupt:
            self._runs.interrupt()
            raise
        finally:
            try:
                self._runs.drain()
            finally:
                self._runs.drop_queued()
        self._log("INFO", "scheduler: stopped")

    def _clocked_jobs(self) -> list[_ClockedJob]:
        return [job for job in self._jobs.jobs if isinstance(job, _ClockedJob)]

    def _seconds_to_next_run(self) -> float:
        """Until the next run that can start: a due job whose account is busy waits for that run to end
        (its end wakes the loop), and a run asked for off the schedule starts at once."""
        if self._runs.any_ready():
            return 0.0
        jobs = self._clocked_jobs()
        if any(job.should_run for job in jobs):
            return 0.0
        planned = [job.next_run for job in jobs if job.next_run is not None and not job.due]
        if not planned:
            return MAX_NAP_SECONDS
        return (min(planned) - self.now()).total_seconds()

    def _execute(self, spec: ScheduledJob) -> None:
        """One run of one account; whatever happens becomes an outcome and a log line, never an
        exception that would end the loop."""
        if self._runs.stop.is_set():
            return
        started = self.now()
        try:
            outcome = spec.run()
        except KeyboardInterrupt as exc:  # the run went on in this thread: its worker closed it as failed
            self._record(
                spec, JobOutcome.from_exception(spec.account, exc, started_at=started, finished_at=self.now())
            )
            raise
        except Exception as exc:  # LockedError included: its exit code 6 makes the outcome "skipped"
            outcome = JobOutcome.from_exception(spec.account, exc, started_at=started, finished_at=self.now())
            if outcome.exit_code == 1:
                # Not a deliberate failure: keep the traceback (in the JSON log file) for the bug report.
                logger.opt(exception=exc).debug("traceback of the failed run of {}", spec.account)
        self._record(spec, outcome)

    def _record(self, spec: ScheduledJob, outcome: JobOutcome) -> None:
        """A scheduled run's outcome: kept for the round and for status display, and logged."""
        if self._round is not None:
            self._round.append(outcome)
        self._last[spec.account] = outcome
        self._log(outcome.level, outcome.line())


def _short(delta: timedelta) -> str:
    """`1h5m`, `10m`, `90s` -> `1m30s`: durations as the settings file writes them."""
    seconds = delta.total_seconds()
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{int(count)}{unit}")
    if seconds or not parts:
        parts.append(f"{seconds:g}s")
    return "".join(parts)
