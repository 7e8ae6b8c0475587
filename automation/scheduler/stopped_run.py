"""Closing a run whose worker was stopped (`run_timeout`, or an abort: a second Ctrl-C): failed in the
ledger and in its report.

The stopped process cannot close its own run, so the scheduler does it with the same `RunBook.finish`
a run ends with: the ledger's run row `failed` with the error's exit code (12 for `run_timeout`, 130
for an abort) and its message, `report.json` and `report.html` in the run's folder saying the same
(and, for a targeted run, what triggered it, as the worker told the scheduler), and the usual
after-run hook (notifications). A run stopped before it was recorded (waiting for its lock, starting
its sandbox) leaves only the log line.
"""

from __future__ import annotations

import contextlib
import time
from typing import TYPE_CHECKING

from loguru import logger

from automation.account_run import RunBook
from automation.artifacts import RunFolder
from automation.ledger import Ledger

if TYPE_CHECKING:
    from automation.errors import ScCancelError
    from automation.runtime import Runtime
    from automation.scheduler.worker import StartedRun
    from automation.targets import Target


def close_stopped_run(
    rt: Runtime, target: Target, run: StartedRun | None, error: ScCancelError, *, command: str = "run"
) -> None:
    """Record `run` (None: the worker had not recorded one) as failed with `error`. Never raises."""
    if run is None:
        logger.warning("{}: stopped before its run was recorded: {}", target.name, error)
        return
    try:
        with contextlib.closing(Ledger.open(rt.ledger_location, clock=rt.clock)) as ledger:
            book = RunBook(
                ledger=ledger,
                rt=rt,
                target=target,
                command=command,
                run_id=run.run_id,
                folder=RunFolder(run.folder),
                base_urls=[m.base_url or "" for m in target.marketplaces],
                started_at=run.started_at,
                started=time.monotonic() - (rt.clock() - run.started_at).total_seconds(),
                trigger=run.trigger,
            )
            book.finish(None, error, None)
    except Exception as exc:  # the outcome line still says what happened
        logger.warning("{}: could not record the stopped run {}: {}", target.name, run.run_id, exc)
