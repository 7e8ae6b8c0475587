"""The Celery worker of `sc-cancel worker`: a prefork pool of `concurrency` processes taking runs, and
the log file they share with the main process.

Each pool process is forked from the main process with its rotating log file; several processes
rotating one file rename each other's fresh files and lose lines (`automation.log_setup`). So each pool
process, as it starts (Celery's `worker_process_init`), only appends to the file, and the main process,
which writes almost nothing itself, looks at the file's size and rotates it once it is full
(`rotate_when_full`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from automation.log_setup import ROTATION_CHECK_SECONDS, in_forked_worker, rotate_when_full

if TYPE_CHECKING:
    from celery import Celery


def run_worker(
    app: Celery, *, hostname: str, concurrency: int, check_log_every: float = ROTATION_CHECK_SECONDS
) -> int:
    """Start `app`'s worker in this process and return its exit code once it has been stopped (SIGTERM:
    the runs under way finish first, Celery's warm shutdown). `check_log_every`: seconds between two
    looks at the log file's size."""
    from celery.signals import worker_process_init

    worker_process_init.connect(_append_only, weak=False)
    stop_rotating = rotate_when_full(check_log_every)
    try:
        worker = app.Worker(
            hostname=hostname, concurrency=concurrency, pool="prefork", loglevel="WARNING", quiet=True
        )
        worker.start()
        return int(worker.exitcode or 0)
    finally:
        stop_rotating()
        worker_process_init.disconnect(_append_only)


def _append_only(**_signal: Any) -> None:
    """In each pool process as it starts: append to the log file, never rotate it."""
    in_forked_worker()
