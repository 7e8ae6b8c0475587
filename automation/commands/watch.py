"""`sc-cancel watch`: `schedule`'s full runs, plus a targeted run as soon as an e-mail names a request."""

from __future__ import annotations

import argparse
import threading

from loguru import logger

from automation.commands.invocation import Invocation
from automation.commands.operations import scheduled_runs, unattended_options
from automation.commands.options import site_options
from automation.errors import BadInputError, ExitCode


def watch_options(parser: argparse.ArgumentParser) -> None:
    site_options(parser)
    unattended_options(parser)
    parser.add_argument(
        "--poll",
        action="store_true",
        help="poll the mailbox instead of IMAP IDLE (automatic where the server has no IDLE)",
    )
    parser.add_argument(
        "--poll-every",
        type=_poll_interval,
        default=None,
        metavar="DURATION",
        help="how often polling looks for new mail: 10s, 1m... (default 30s; a provider may limit logins "
        "and commands, so do not go much lower against a real mailbox)",
    )


def _poll_interval(text: str) -> float:
    """A duration of at least a second, in seconds; argparse turns the error into exit code 2."""
    from automation.settings import parse_duration

    try:
        seconds = parse_duration(text).total_seconds()
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if seconds < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is under a second; give 1s or more")
    return seconds


def cmd_watch(inv: Invocation) -> int:
    from automation.rules.loader import load_rules
    from automation.scheduler import in_worker, install_signal_handlers
    from automation.settings import parse_duration
    from automation.watch.mail_wait import POLL_SECONDS, MailWaiter
    from automation.watch.trigger_run import TriggerRun

    rt = inv.runtime()
    targets = inv.check_secrets(inv.targets())
    watched = [t for t in targets if t.mailbox is not None]
    if not watched:
        raise BadInputError(
            "watch needs an account with a mailbox (accounts[].mailbox in the settings file, README "
            "'E-mail channel'); without one, use `sc-cancel schedule`"
        )
    for target in targets:
        if target.mailbox is None:
            logger.info("watch {}: no mailbox; full runs on its schedule only", target.name)
    stop = threading.Event()
    timeout = parse_duration(inv.settings.run_timeout)
    handle = TriggerRun(
        targets={t.name: t for t in watched},
        rt=rt,
        rules=lambda target: load_rules(inv.rules_file(target)),
        execute=inv.args.execute,
        actions_enabled=inv.settings.actions_enabled,
        run_timeout=timeout,
        stop=stop,
    )
    scheduler = scheduled_runs(inv, rt, targets)
    # An e-mail run is a worker like a scheduled run: it may wait up to run_timeout for its account's lock
    # (a stop ends that wait), then is stopped after run_timeout, or at once when the loop is aborted.
    isolate = in_worker(rt, timeout, stop=stop, lock_wait=timeout, abort=scheduler.abort)

    def mail_arrived(account: str) -> None:
        """From a mail waiter's thread: an e-mail run in the scheduler's pool, beside the scheduled runs
        (up to `concurrency`), never beside another run of the same account."""
        target = handle.targets[account]
        scheduler.run_soon(account, lambda: isolate(target, lambda: handle(account)), kind="e-mail run")

    restore = install_signal_handlers(stop)
    try:
        for target in watched:
            assert target.mailbox is not None
            for folder in target.mailbox.folders:
                MailWaiter(
                    target.name,
                    target.mailbox,
                    folder,
                    mail_arrived,
                    stop,
                    poll_seconds=inv.args.poll_every or POLL_SECONDS,
                    force_poll=inv.args.poll,
                ).start()
        scheduler.run_forever(stop)
    finally:
        restore()
    return ExitCode.OK
