"""`sc-cancel beat`: `schedule`'s loop, with "queue the account's run" as each account's job.

The loop of `automation.scheduler` already plans every account on its own interval plus a fresh jitter,
planned from the end of the previous turn, and stops between turns on SIGTERM; beat reuses it as is, so
a schedule behaves the same whether one machine runs it (`schedule`) or workers do. A turn queues the
run (it takes a moment), unless the account's previous run is still queued or running (`QueuedMarks`),
which is logged as "skipped: still queued or running".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from loguru import logger

from automation.clock import utc_now
from automation.errors import ExitCode
from automation.scheduler import JobOutcome, ScheduledJob

if TYPE_CHECKING:
    from datetime import datetime

    from automation.fleet.queued import QueuedMarks
    from automation.targets import Target


def beat_jobs(
    targets: list[Target],
    enqueue: Callable[[str], str],
    marks: QueuedMarks,
    *,
    clock: Callable[[], datetime] = utc_now,
) -> list[ScheduledJob]:
    """One job per account: claim its mark, then `enqueue(name)` (which returns the task id)."""

    def job(target: Target) -> ScheduledJob:
        def run() -> JobOutcome:
            started = clock()
            if not marks.claim(target.name):
                logger.info(
                    "beat {}: skipped: still queued or running ({})", target.name, marks.holder(target.name)
                )
                return JobOutcome(target.name, int(ExitCode.LOCKED), {}, started, clock())
            try:
                task_id = enqueue(target.name)
            except BaseException:
                marks.release(target.name)  # not queued: the next turn may try again
                raise
            marks.note_task(target.name, task_id)
            logger.info("beat {}: queued (task {})", target.name, task_id)
            return JobOutcome(target.name, int(ExitCode.OK), {}, started, clock())

        return ScheduledJob(
            account=target.name,
            interval=target.schedule.interval,
            jitter=target.schedule.jitter_delta,
            run=run,
        )

    return [job(t) for t in targets]


def quiet_outcome_lines(level: str, message: str) -> None:
    """The loop's log, without its per-turn "scheduled run NAME: ok" lines (each turn logged its own
    "queued" or "skipped" line above); the loop's notices and failures are kept."""
    if level == "INFO" and message.startswith("scheduled run ") and ": ok |" in message:
        return
    if level == "INFO" and message.startswith("scheduled run ") and ": skipped" in message:
        return
    logger.log(level, message)
