"""From configured accounts (`Target`s) to scheduled jobs: each account's own `schedule: {every, jitter}`,
each run in a worker process of its own, stopped after `run_timeout`.

Kept apart from the loop so that the loop knows nothing about targets, runners or browsers, and from
the CLI so that the timing and outcome of a real run are tested without a browser. `run_account_once`
is the one way to run an account once under those rules, for the loop and for other callers (workers
of a task queue) alike.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from automation.clock import utc_now
from automation.scheduler.loop import ScheduledJob
from automation.scheduler.outcome import JobOutcome
from automation.scheduler.worker import Work, note_run_started, run_in_worker

if TYPE_CHECKING:
    from automation.actions.outcome import RunResult
    from automation.rules.loader import LoadedRules
    from automation.runtime import Runtime
    from automation.targets import Target

Isolate = Callable[["Target", Work], "JobOutcome | None"]
"""Runs one account's work somewhere it can be stopped (`in_worker`), returning its outcome."""


def in_worker(
    rt: Runtime,
    timeout: timedelta,
    *,
    stop: threading.Event | None = None,
    lock_wait: timedelta = timedelta(0),
    abort: threading.Event | None = None,
) -> Isolate:
    """Each call runs an account's work in a worker process, stopped after `timeout` (`run_timeout`) or
    once `abort` is set (the loop's `Scheduler.abort`, a second Ctrl-C), its run then closed as failed
    in the ledger and its report. Sets `rt.run_started`, through which a worker names its run to the
    parent. `stop` and `lock_wait`: see `run_in_worker` (`watch`'s e-mail runs wait for their
    account's lock, and a stop ends that wait)."""
    from automation.scheduler.stopped_run import close_stopped_run

    rt.run_started = note_run_started

    def isolate(target: Target, work: Work) -> JobOutcome | None:
        return run_in_worker(
            target.name,
            work,
            timeout=timeout,
            stopped=lambda run, error: close_stopped_run(rt, target, run, error),
            clock=rt.clock,
            stop=stop,
            lock_wait=lock_wait,
            abort=abort,
        )

    return isolate


def run_account_once(
    target: Target,
    rt: Runtime,
    rules: Callable[[Target], LoadedRules],
    *,
    execute: bool,
    actions_enabled: bool = True,
    timeout: timedelta,
) -> JobOutcome:
    """One full run of `target` (`runner.run_account`) in a worker process, stopped after `timeout`;
    its outcome, whatever happened (an exception becomes the outcome of its exit code). `rules` is
    called in the worker, so an edited rules file applies from the next run on."""
    from automation.runner import run_account

    def run_target(t: Target) -> RunResult:
        return run_account(t, rt, rules(t), execute=execute, actions_enabled=actions_enabled)

    job = job_for_target(target, run_target, clock=rt.clock, isolate=in_worker(rt, timeout))
    return job.run()


def job_for_target(
    target: Target,
    run_target: Callable[[Target], RunResult],
    *,
    clock: Callable[[], datetime] = utc_now,
    isolate: Isolate | None = None,
) -> ScheduledJob:
    """A job that runs `run_target(target)` (the CLI passes a call of `run_account`) and reports it;
    with `isolate` (`in_worker`), in a worker process that `run_timeout` can stop.

    Exceptions are left to the loop, which turns them into outcomes with their exit codes (in a worker,
    the worker does)."""

    def run_here() -> JobOutcome:
        started = clock()
        result = run_target(target)
        return JobOutcome.from_run_result(target.name, result, started_at=started, finished_at=clock())

    def run() -> JobOutcome:
        if isolate is None:
            return run_here()
        outcome = isolate(target, run_here)
        return outcome if outcome is not None else JobOutcome(target.name, 0)

    return ScheduledJob(
        account=target.name,
        interval=target.schedule.interval,
        jitter=target.schedule.jitter_delta,
        run=run,
    )
