"""The `sc-cancel` command: one table of commands, each its options and its handler; `main` parses the
command line, resolves the settings once, configures logging and maps errors to exit codes.

Everything a command needs is in the `Invocation` it receives; nothing below reads the environment.
Exit codes are the table in docs/interfaces.md (`automation.errors.ExitCode`).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import select
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from loguru import logger

from automation import __version__
from automation.commands import (
    decisions,
    history,
    ledger,
    operations,
    recording,
    rules,
    sandbox,
    scan_run,
    watch,
    worker,
)
from automation.commands.invocation import Invocation
from automation.commands.options import command_line, global_options
from automation.errors import BadInputError, ExitCode, ScCancelError
from automation.sandbox.errors import SandboxInputError
from automation.settings import resolve_settings

BUG_REPORT = "please report it with the log file (see README, 'Reporting a bug')"


class ArgumentParser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so bad command lines get exit code 2 like other bad input.

    `usage_on_error` adds the usage to the message, for a command with several required options.
    """

    def __init__(self, *args: Any, usage_on_error: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.usage_on_error = usage_on_error

    def error(self, message: str) -> None:  # type: ignore[override]
        usage = f"\n{self.format_usage().rstrip()}" if self.usage_on_error else ""
        raise BadInputError(f"{self.prog}: {message}{usage}")


@dataclass(frozen=True)
class Command:
    """One command: its name (`rules check` for a command of a group), the line `--help` lists it with,
    what adds its options, and what runs it."""

    name: str
    help: str
    options: Callable[[argparse.ArgumentParser], None]
    run: Callable[[Invocation], int]
    reads_settings: bool = True
    """False for the sandbox's commands: no settings file is read, no log file written."""
    usage_on_error: bool = False


GROUPS = {
    "ledger": "upgrade or copy the ledger; the STOP switch every machine sharing it obeys",
    "rules": "check or explain a rules file",
    "sandbox": "the built-in sandbox Seller Central",
    "selectors": "check the selector files against a site or a recording",
}
"""Commands with commands of their own, and the line `--help` lists them with."""

COMMANDS = (
    Command(
        "scan",
        "list every pending buyer cancellation request (both channels)",
        scan_run.scan_options,
        scan_run.cmd_scan,
    ),
    Command(
        "run",
        "scan, decide with the rules, and (with --execute) act on approved requests",
        scan_run.run_options,
        scan_run.cmd_run,
    ),
    Command(
        "plan",
        "what waits for approval (every account), what is held or not decided",
        decisions.plan_options,
        decisions.cmd_plan,
    ),
    Command(
        "approve",
        "approve cancels or replies; a held request becomes a cancel (official) or a reply (inquiry)",
        decisions.verdict_options,
        decisions.cmd_approve,
    ),
    Command(
        "reject",
        "reject them: never acted on while the rules decide the same",
        decisions.verdict_options,
        decisions.cmd_reject,
    ),
    Command(
        "dismiss",
        "the request was handled by hand: never acted on, kept in history",
        decisions.dismiss_options,
        decisions.cmd_dismiss,
    ),
    Command(
        "history",
        "every decision and action, with rule, rules-file hash and approver",
        history.history_options,
        history.cmd_history,
    ),
    Command("rules check", "validate a rules file (nothing else runs)", rules.check_options, rules.cmd_check),
    Command(
        "rules explain",
        "which rule matches each request of the last scan",
        rules.explain_options,
        rules.cmd_explain,
    ),
    Command(
        "schedule",
        "run every configured account on its schedule",
        operations.schedule_options,
        operations.cmd_schedule,
    ),
    Command(
        "watch",
        "schedule, plus a run for just the orders a new e-mail names (IMAP IDLE)",
        watch.watch_options,
        watch.cmd_watch,
    ),
    Command(
        "worker",
        "take account runs from the Redis queue (broker_url), each like schedule --once --account NAME",
        worker.worker_options,
        worker.cmd_worker,
    ),
    Command(
        "beat",
        "queue every configured account on its schedule, for the workers",
        worker.beat_options,
        worker.cmd_beat,
    ),
    Command(
        "ledger migrate",
        "upgrade the ledger's tables (prints from/to revision)",
        ledger.migrate_options,
        ledger.cmd_migrate,
    ),
    Command(
        "ledger copy",
        "copy every table to another ledger (SQLite to PostgreSQL), checking row counts",
        ledger.copy_options,
        ledger.cmd_copy,
    ),
    Command(
        "ledger stop",
        "halt every action of every machine sharing the ledger",
        ledger.stop_options,
        ledger.cmd_stop,
    ),
    Command("ledger resume", "lift the ledger's STOP switch", ledger.resume_options, ledger.cmd_resume),
    Command(
        "report",
        "list recent runs, or show one run's report",
        operations.report_options,
        operations.cmd_report,
    ),
    Command(
        "login",
        "sign in (by hand when needed) and save the session for headless runs",
        operations.login_options,
        operations.cmd_login,
    ),
    Command(
        "sandbox serve",
        "serve a scenario for people and other tools",
        sandbox.serve_options,
        sandbox.cmd_serve,
        reads_settings=False,
    ),
    Command(
        "sandbox generate",
        "write a large realistic scenario",
        sandbox.generate_options,
        sandbox.cmd_generate,
        reads_settings=False,
        usage_on_error=True,
    ),
    Command(
        "record",
        "capture a session (every response body, and a trace) to make a recording",
        recording.record_options,
        recording.cmd_record,
    ),
    Command(
        "scrub",
        "scrub a capture of secrets and buyer data into recordings/<page_key>/<name>/",
        recording.scrub_options,
        recording.cmd_scrub,
    ),
    Command(
        "selectors check",
        "resolve every candidate of every selector separately, page by page",
        recording.selectors_check_options,
        recording.cmd_selectors_check,
    ),
)


def build_parser() -> ArgumentParser:
    """The parser of every command in `COMMANDS`, in its order; -v and -q work on each of them too."""
    parser = ArgumentParser(
        prog="sc-cancel",
        description="Finds pending buyer cancellation requests in Amazon Seller Central and, under "
        "operator rules, cancels approved ones with the reason Buyer Canceled.",
        epilog="-v and -q work before or after the command. Exit codes, the --json documents (and the error "
        "document printed on failure) and the sandbox scenario format: docs/interfaces.md; the operator "
        "guide: README.md.",
    )
    parser.add_argument("--version", action="version", version=f"sc-cancel {__version__}")
    global_options(parser, top=True)
    top = parser.add_subparsers(dest="command", required=True, parser_class=ArgumentParser)
    groups: dict[str, Any] = {}  # argparse's private _SubParsersAction of each group
    for command in COMMANDS:
        *group, name = command.name.split()
        subparsers = top
        if group:
            if group[0] not in groups:
                group_parser = top.add_parser(group[0], help=GROUPS[group[0]])
                groups[group[0]] = group_parser.add_subparsers(
                    dest=f"{group[0]}_command", required=True, parser_class=ArgumentParser
                )
                global_options(group_parser)
            subparsers = groups[group[0]]
        command_parser = subparsers.add_parser(name, help=command.help, usage_on_error=command.usage_on_error)
        command.options(command_parser)
        global_options(command_parser)
        command_parser.set_defaults(handler=command)
    return parser


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    environ = os.environ if environ is None else environ
    from automation.log_setup import configure_logging

    configure_logging()
    json_errors = "--json" in argv  # until the command line is parsed, then what it says
    try:
        args = build_parser().parse_args(argv)
        json_errors = bool(getattr(args, "json", False))
        command: Command = args.handler
        settings = resolve_settings(environ, command_line(args), read_file=command.reads_settings)
        log_file = settings.log_file if command.reads_settings else None
        configure_logging(verbose=args.verbose, quiet=args.quiet, log_file=log_file)
        return _flushed(int(command.run(Invocation(args, settings))))
    except (ScCancelError, SandboxInputError) as exc:  # the sandbox's bad input: exit code 2 too
        logger.error("{}", exc)
        return _failed(json_errors, int(exc.exit_code), str(exc))
    except KeyboardInterrupt:
        logger.warning("interrupted")
        return _failed(json_errors, int(ExitCode.INTERRUPTED), "interrupted (Ctrl-C)")
    except Exception as exc:
        if isinstance(exc, BrokenPipeError) and _output_reader_gone():
            return _output_closed()
        logger.opt(exception=True).error("unexpected error (a bug in sc-cancel): {}", BUG_REPORT)
        return _failed(json_errors, int(ExitCode.BUG), f"unexpected error (a bug in sc-cancel): {BUG_REPORT}")


def _flushed(exit_code: int) -> int:
    """Write out what the command printed while a closed pipe can still be handled (at exit it cannot)."""
    sys.stdout.flush()
    return exit_code


def _output_reader_gone() -> bool:
    """Whether standard output is a pipe nobody reads any more, rather than some other pipe (say, the
    browser driver's) that broke: that one is a real failure."""
    try:
        poller = select.poll()
        poller.register(sys.stdout.fileno(), select.POLLOUT)
        return any(events & select.POLLERR for _fd, events in poller.poll(0))
    except (OSError, ValueError, AttributeError):  # no real file behind sys.stdout
        return False


def _output_closed() -> int:
    """Standard output's reader went away (`sc-cancel history | head -1`): stop quietly, as Unix tools do,
    with the code a shell reports for them (141). Standard output now points at /dev/null, or Python
    would complain again when it flushes it at exit."""
    with contextlib.suppress(OSError, ValueError):  # no real file behind sys.stdout: nothing to flush
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    return int(ExitCode.OUTPUT_CLOSED)


def _failed(json_errors: bool, exit_code: int, message: str) -> int:
    """With --json, a failure still prints one document on standard output: the error document."""
    if json_errors:
        from automation.output import error_document, print_json

        with contextlib.suppress(BrokenPipeError):  # the reader is gone: nobody to tell
            print_json(error_document(exit_code, message))
    return exit_code
