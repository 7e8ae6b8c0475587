"""`sc-cancel worker` and `sc-cancel beat`: account runs spread over machines through a Redis queue.

A worker is a Celery worker whose one task runs one account once, by the same code as `sc-cancel
schedule --once --account NAME` (`scheduled_runs(...).run_once()`), so a run from a worker is the run
`schedule` would have made: its lock (a PostgreSQL advisory lock with a shared PostgreSQL ledger), its
report, its outcome line ("skipped: still running" when another run holds the account). Beat queues
each account on its own schedule with jitter, from the same settings file.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import socket
import threading
from datetime import timedelta

from loguru import logger

from automation.commands.invocation import Invocation
from automation.commands.operations import scheduled_runs, unattended_options
from automation.commands.options import browser_options, target_options
from automation.errors import BadInputError, ExitCode


def worker_options(parser: argparse.ArgumentParser) -> None:
    target_options(parser)
    browser_options(parser)
    unattended_options(parser)
    parser.add_argument(
        "--concurrency",
        type=int,
        metavar="N",
        help="accounts run at once by this worker, one process each (default: the concurrency setting "
        "when it is a number, else 1)",
    )


def beat_options(parser: argparse.ArgumentParser) -> None:
    target_options(parser)


def _no_sandbox(inv: Invocation) -> None:
    if inv.option("scenario") is not None:
        raise BadInputError(
            "workers and beat run the accounts of a settings file (--config); --scenario serves a sandbox "
            "inside one process, which other machines cannot reach: use --base-url with an account instead"
        )


def _concurrency(inv: Invocation) -> int:
    given = inv.option("concurrency")
    if given is not None:
        if given < 1:
            raise BadInputError(f"--concurrency must be 1 or more, got {given}")
        return int(given)
    setting = getattr(inv.settings, "concurrency", None)
    return setting if isinstance(setting, int) and not isinstance(setting, bool) else 1


def cmd_worker(inv: Invocation) -> int:
    from automation.fleet import QueuedMarks, broker_url_of, make_app, visibility_timeout
    from automation.fleet.pool import run_worker
    from automation.scheduler import JobOutcome
    from automation.settings import parse_duration

    _no_sandbox(inv)
    broker = broker_url_of(inv.settings)
    inv.check_secrets(inv.targets())  # every account this worker may be asked for, before it takes any
    run_timeout = parse_duration(inv.settings.run_timeout)
    marks = QueuedMarks.on(broker, lifetime=2 * run_timeout + _seconds(visibility_timeout(run_timeout)))

    def run_one(account: str) -> JobOutcome:
        """In a worker process: `schedule --once --account NAME`, then beat may queue it again."""
        one = Invocation(argparse.Namespace(**{**vars(inv.args), "account": account}), inv.settings)
        # Celery's pool processes are flagged daemonic, and Python refuses children to those; the run's
        # own process (which `run_timeout` stops) is waited for here, so the flag protects nothing.
        multiprocessing.current_process()._config.pop("daemon", None)  # type: ignore[attr-defined]
        try:
            outcomes = scheduled_runs(one, one.runtime(), one.check_secrets(one.targets())).run_once()
        finally:
            marks.release(account)
        return outcomes[0] if outcomes else JobOutcome(account, int(ExitCode.OK))

    app = make_app(broker, run_timeout=run_timeout, run_one=run_one)
    concurrency = _concurrency(inv)
    name = f"sc-cancel-{os.getpid()}@{socket.gethostname()}"
    logger.info("worker {}: {} account(s) at once, waiting for runs", name, concurrency)
    return run_worker(app, hostname=name, concurrency=concurrency)


def cmd_beat(inv: Invocation) -> int:
    from automation.fleet import QueuedMarks, beat_jobs, broker_url_of, make_app, visibility_timeout
    from automation.fleet.app import enqueue
    from automation.fleet.beat import quiet_outcome_lines
    from automation.scheduler import Scheduler, install_signal_handlers
    from automation.settings import parse_duration

    _no_sandbox(inv)
    broker = broker_url_of(inv.settings)
    targets = inv.targets()  # the accounts' secrets are the workers' business: beat only names them
    run_timeout = parse_duration(inv.settings.run_timeout)
    app = make_app(broker, run_timeout=run_timeout)
    marks = QueuedMarks.on(broker, lifetime=2 * run_timeout + _seconds(visibility_timeout(run_timeout)))
    scheduler = Scheduler(beat_jobs(targets, lambda name: enqueue(app, name), marks), log=quiet_outcome_lines)
    stop = threading.Event()
    restore = install_signal_handlers(stop)
    try:
        scheduler.run_forever(stop)
    finally:
        restore()
    return int(ExitCode.OK)


def _seconds(count: int) -> timedelta:
    return timedelta(seconds=count)
