"""The JSON log file shared by the scheduler and its forked workers: every process's lines land in it
(or in one of its rotated files) exactly once, and it is rotated by the scheduler alone, so a rotated
file is always a full one. Real forked workers (`run_in_worker`) write enough, side by side with the
scheduler, to rotate it several times."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from log_kit import ROTATION_BYTES, assert_every_line_once
from loguru import logger

from automation.errors import ScCancelError
from automation.log_setup import configure_logging
from automation.scheduler import JobOutcome
from automation.scheduler.worker import StartedRun, run_in_worker

WORKERS = 3
LINES = 150
"""Each worker's lines: about 100 KB of JSON records each, so the file is rotated many times over."""


def no_stop(run: StartedRun | None, error: ScCancelError) -> None:
    raise AssertionError(f"nothing should have been stopped: {error}")


def test_forked_workers_append_to_the_log_and_only_the_scheduler_rotates_it(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    log_file = tmp_path / "logs" / "sc-cancel.jsonl"
    configure_logging(quiet=True, log_file=log_file, rotation=ROTATION_BYTES, retention=1000)

    def work(name: str) -> JobOutcome:
        for n in range(LINES):
            logger.debug("{} line {}", name, n)
            time.sleep(0.001)  # side by side with the others, not one burst each
        return JobOutcome(name, 0)

    workers_done = threading.Event()
    parent_lines: list[int] = []

    def scheduler_logs() -> None:
        """The scheduler's own lines meanwhile (outcome lines, next runs): its writes rotate the file."""
        while not workers_done.is_set():
            logger.debug("scheduler line {}", len(parent_lines))
            parent_lines.append(len(parent_lines))
            time.sleep(0.005)

    outcomes: list[JobOutcome | None] = []
    runs = [
        threading.Thread(
            target=lambda name=f"worker-{w}": outcomes.append(
                run_in_worker(name, lambda: work(name), timeout=timedelta(minutes=5), stopped=no_stop)
            )
        )
        for w in range(WORKERS)
    ]
    parent = threading.Thread(target=scheduler_logs)
    parent.start()
    for run in runs:
        run.start()
    for run in runs:
        run.join(timeout=120)
    workers_done.set()
    parent.join(timeout=60)
    logger.remove()  # closes the file

    assert sorted((o.account, o.exit_code) for o in outcomes if o is not None) == [
        (f"worker-{w}", 0) for w in range(WORKERS)
    ]
    expected = {f"worker-{w} line {n}" for w in range(WORKERS) for n in range(LINES)}
    expected |= {f"scheduler line {n}" for n in parent_lines}
    assert_every_line_once(log_file, expected)
    assert "Logging error" not in capfd.readouterr().err
