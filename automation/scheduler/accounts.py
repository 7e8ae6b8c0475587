"""From configured accounts (`Target`s) to scheduled jobs: each account's own `schedule: {every, jitter}`.

Kept apart from the loop so that the loop knows nothing about targets, runners or browsers, and from
the CLI so that the timing and outcome of a real run are tested without a browser.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from automation.clock import utc_now
from automation.scheduler.loop import ScheduledJob
from automation.scheduler.outcome import JobOutcome

if TYPE_CHECKING:
    from automation.actions.outcome import RunResult
    from automation.targets import Target


def job_for_target(
    target: Target,
    run_target: Callable[[Target], RunResult],
    *,
    clock: Callable[[], datetime] = utc_now,
) -> ScheduledJob:
    """A job that runs `run_target(target)` (the CLI passes a call of `run_account`) and reports it.

    Exceptions are left to the loop, which turns them into outcomes with their exit codes.
    """

    def run() -> JobOutcome:
        started = clock()
        result = run_target(target)
        return JobOutcome.from_run_result(target.name, result, started_at=started, finished_at=clock())

    return ScheduledJob(
        account=target.name,
        interval=target.schedule.interval,
        jitter=target.schedule.jitter_delta,
        run=run,
    )
