"""Running it as a service: `schedule`, `login` (a person signs in once, headless runs reuse the
session) and `report` (recent runs, one run's report)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from automation.commands.invocation import Invocation
from automation.commands.options import site_options
from automation.errors import BadInputError, ExitCode

if TYPE_CHECKING:
    from automation.runtime import Runtime
    from automation.scheduler import JobOutcome, Scheduler
    from automation.targets import Target


def schedule_options(parser: argparse.ArgumentParser) -> None:
    site_options(parser)
    parser.add_argument("--once", action="store_true", help="one round of every account, then exit (cron)")
    unattended_options(parser)


def unattended_options(parser: argparse.ArgumentParser) -> None:
    """The options of the loops that run accounts unattended (`schedule`, `watch`)."""
    parser.add_argument("--rules", type=Path, help="rules file for every account (default: each account's)")
    parser.add_argument(
        "--execute", action="store_true", help="carry out approved actions (default: dry run)"
    )


def cmd_schedule(inv: Invocation) -> int:
    import threading

    from automation.scheduler import install_signal_handlers, round_exit_code

    rt = inv.runtime()
    targets = inv.check_secrets(inv.targets())
    scheduler = scheduled_runs(inv, rt, targets)
    stop = threading.Event()
    restore = install_signal_handlers(stop)
    try:
        if inv.args.once:
            return round_exit_code(scheduler.run_once(stop))
        scheduler.run_forever(stop)
    finally:
        restore()
    return ExitCode.OK


def scheduled_runs(
    inv: Invocation, rt: Runtime, targets: list[Target], *, sleep: Callable[[float], object] | None = None
) -> Scheduler:
    """Every account's full run on its schedule (`schedule`, and `watch` beside its e-mail runs), up to
    `concurrency` at once, each in a worker process stopped after `run_timeout`; every rules file is
    validated before the loop starts. `sleep`: what the loop does between runs."""
    import threading

    from loguru import logger

    from automation.actions.outcome import RunResult
    from automation.notify.hooks import RunHooks
    from automation.rules.loader import load_rules
    from automation.runner import run_account
    from automation.scheduler import Scheduler, concurrency_for, in_worker, job_for_target
    from automation.scheduler.worker import Work
    from automation.settings import parse_duration

    for target in targets:
        load_rules(inv.rules_file(target))
    s = inv.settings
    hooks = RunHooks.build(
        s, s.environ, data_dir=s.data_dir, runs_dir=rt.runs_dir, clock=rt.clock, source=s.source
    )
    started_at = rt.clock()
    concurrency, why = concurrency_for(s.concurrency, accounts=len(targets))
    logger.info("scheduler: {}, run_timeout {}", why, s.run_timeout)
    abort = threading.Event()  # set by the loop on a second Ctrl-C: the workers stop their runs at once
    isolate = in_worker(rt, parse_duration(s.run_timeout), abort=abort)
    checks = threading.Lock()

    def checked(target: Target, work: Work) -> JobOutcome | None:
        with checks:  # in the scheduler itself, one at a time: the notifier's state is one file
            hooks.round_checks(rt.ledger_location, targets, started_at)
        return isolate(target, work)

    def run_target(target: Target) -> RunResult:
        rules = load_rules(inv.rules_file(target))  # re-read: edits apply without a restart
        failures = len(rt.store.failures) if rt.store is not None else 0
        result = run_account(
            target, rt, rules, execute=inv.args.execute, actions_enabled=inv.settings.actions_enabled
        )
        stored = rt.store.failed_since(failures) if rt.store is not None else None
        if stored is not None:  # the run went through; its folder waits on this machine (exit 11)
            raise stored
        return result

    jobs = [job_for_target(t, run_target, clock=rt.clock, isolate=checked) for t in targets]
    return Scheduler(jobs, sleep=sleep, concurrency=concurrency, abort=abort)


def report_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("run_id", nargs="?", help="a run id (or a unique prefix); default: list the runs")
    parser.add_argument("--latest", action="store_true", help="the most recent run")
    parser.add_argument("--open", action="store_true", help="open the HTML report in a browser")
    parser.add_argument("--limit", type=int, default=20)
    parser.add_argument("--config", type=Path, help="settings file (for artifacts: a folder or s3://)")
    parser.add_argument(
        "--data-dir", type=Path, help="the data folder whose runs/ to list (env SC_CANCEL_DATA_DIR)"
    )


def cmd_report(inv: Invocation) -> int:
    """`sc-cancel report`: the recent runs; with a run id (or --latest), that run's report file."""
    import webbrowser

    from automation.report import list_runs, open_report, print_run_list

    rt = inv.runtime()
    store = rt.store
    # With an S3 store, the reports are read from the bucket into a local cache, then opened from there;
    # the runs whose upload failed are still here, waiting for the next run: listed and opened from here.
    runs_dir = rt.runs_dir if store is None else store.mirror_reports()
    waiting = None if store is None else store.waiting()
    if inv.args.run_id is None and not inv.args.latest:
        print_run_list(list_runs(runs_dir, inv.args.limit, waiting=waiting), sys.stdout)
        return ExitCode.OK
    if store is not None:
        run_id = report_run_id(runs_dir, inv.args.run_id, waiting or [])
        if run_id not in {folder.name for folder in waiting or []}:
            store.fetch_html(run_id)
    path = open_report(runs_dir, inv.args.run_id, waiting=waiting or [])
    print(path)
    if inv.args.open:
        webbrowser.open(path.as_uri())
    return ExitCode.OK


def report_run_id(runs_dir: Path, run_id: str | None, waiting: list[Path]) -> str:
    """The full id of the run `report` asked for (the newest, or the one a unique prefix names), among
    the store's copies and the runs `waiting` for upload; where none or several match, the id as given,
    and `open_report` says what is wrong."""
    from automation.report import list_runs

    if run_id is None:
        rows = list_runs(runs_dir, limit=1, waiting=waiting)
        return rows[0].run_id if rows else ""
    folders = [*waiting, *(p for p in runs_dir.iterdir() if p.is_dir())]
    matches = [p.name for p in folders if p.name.startswith(run_id)]
    return matches[0] if len(matches) == 1 and "/" not in run_id else run_id


def login_options(parser: argparse.ArgumentParser) -> None:
    site_options(parser)
    parser.add_argument(
        "--prompt",
        action="store_true",
        help="headless, for servers: ask in this terminal for codes and captcha characters",
    )
    parser.add_argument(
        "--wait",
        type=float,
        metavar="SECONDS",
        help="with --headed: how long to wait for a person to finish in the window (default 300)",
    )


def cmd_login(inv: Invocation) -> int:
    from automation.login import login

    if inv.args.prompt and inv.args.headed:
        raise BadInputError("choose one: --prompt asks in the terminal, --headed in a browser window")
    rt = inv.runtime()
    for target in inv.check_secrets(inv.targets()):
        login(target, rt, wait_seconds=inv.args.wait, prompt=inv.args.prompt)
    return ExitCode.OK
