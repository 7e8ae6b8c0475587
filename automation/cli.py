"""The `sc-cancel` command: parses arguments, loads settings, configures logging, maps errors to exit codes.

Everything a command needs is built here and passed down; nothing below reads the environment.
Exit codes are the table in docs/interfaces.md (`automation.errors.ExitCode`).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import select
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from loguru import logger

from automation import __version__
from automation.errors import BadInputError, ExitCode, ScCancelError
from automation.settings import (
    DEFAULT_SETTINGS_FILE,
    Environment,
    Settings,
    TraceMode,
    default_data_dir,
    load_settings,
)

BUG_REPORT = "please report it with the log file (see README, 'Reporting a bug')"


class ArgumentParser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so bad command lines get exit code 2 like other bad input."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise BadInputError(f"{self.prog}: {message}")


def _target_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("where and as whom")
    group.add_argument("--config", type=Path, help="settings file (default: ./sc-cancel.yaml if present)")
    group.add_argument(
        "--data-dir", type=Path, help="ledger, sessions, locks and STOP (env SC_CANCEL_DATA_DIR)"
    )
    group.add_argument(
        "--scenario", type=Path, help="serve this sandbox scenario and sign in with its account"
    )
    group.add_argument("--base-url", help="a Seller Central already running (e.g. `sc-cancel sandbox serve`)")
    group.add_argument("--selectors", type=Path, help="selector folder (default: the bundled selectors/)")
    group.add_argument("--account", help="only this account of the settings file")


def _browser_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("browser")
    group.add_argument("--headed", action="store_true", help="show the browser (use xvfb-run -a on a server)")
    group.add_argument(
        "--slow-mo", type=int, metavar="MS", help="pause MS milliseconds between browser actions"
    )
    group.add_argument(
        "--trace", choices=[m.value for m in TraceMode], help="Playwright trace (default retain-on-failure)"
    )
    group.add_argument(
        "--pause-on-error", action="store_true", help="open the Playwright Inspector on an error"
    )


def build_parser() -> ArgumentParser:
    parser = ArgumentParser(
        prog="sc-cancel",
        description="Finds pending buyer cancellation requests in Amazon Seller Central and, under "
        "operator rules, cancels approved ones with the reason Buyer Canceled.",
        epilog="-v and -q work before or after the command. Exit codes, the --json documents (and the error "
        "document printed on failure) and the sandbox scenario format: docs/interfaces.md; the operator "
        "guide: README.md.",
    )
    parser.add_argument("--version", action="version", version=f"sc-cancel {__version__}")
    _global_options(parser, default_verbose=0, default_quiet=False)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=ArgumentParser)
    _add_scan_and_run_commands(sub)
    _add_decision_commands(sub)
    _add_operations_commands(sub)
    _add_sandbox_commands(sub)
    _add_recording_commands(sub)
    _global_options_after_subcommands(parser)
    return parser


def _global_options(parser: argparse.ArgumentParser, *, default_verbose: Any, default_quiet: Any) -> None:
    parser.add_argument(
        "-v", "--verbose", action="count", default=default_verbose, help="more detail on standard error"
    )
    parser.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        default=default_quiet,
        help="only warnings and errors on standard error",
    )


def _global_options_after_subcommands(parser: argparse.ArgumentParser) -> None:
    """Accept -v and -q after any (sub)command too (`sc-cancel scan -v`), as people type them.

    A subcommand's copies default to SUPPRESS, so they set the value only when given and the top-level
    one (given before the subcommand, or its default) stands otherwise. Walking the finished parser
    covers every command, including ones added later.
    """
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for subparser in dict.fromkeys(action.choices.values()):
                _global_options(subparser, default_verbose=argparse.SUPPRESS, default_quiet=argparse.SUPPRESS)
                _global_options_after_subcommands(subparser)


Subparsers = Any  # argparse's private _SubParsersAction


def _add_scan_and_run_commands(sub: Subparsers) -> None:
    scan = sub.add_parser("scan", help="list every pending buyer cancellation request (both channels)")
    _target_options(scan)
    _browser_options(scan)
    scan.add_argument("--json", action="store_true", help="print the JSON document (docs/interfaces.md)")

    run = sub.add_parser(
        "run", help="scan, decide with the rules, and (with --execute) act on approved requests"
    )
    _target_options(run)
    _browser_options(run)
    run.add_argument(
        "--rules", type=Path, help="rules file (default: the account's, else rules.example.yaml)"
    )
    run.add_argument("--execute", action="store_true", help="carry out approved actions (default: dry run)")
    run.add_argument("--json", action="store_true", help="print the JSON document (docs/interfaces.md)")


def _add_decision_commands(sub: Subparsers) -> None:
    """plan, approve, reject, history, rules."""
    plan = sub.add_parser("plan", help="what waits for approval (every account), what is held or not decided")
    _target_options(plan)
    plan.add_argument(
        "--all",
        action="store_true",
        help="every open request not yet acted on (held ones too), with its decision",
    )
    plan.add_argument("--json", action="store_true")
    for verb, text in (
        (
            "approve",
            "approve cancels or replies; a held request becomes a cancel (official) or a reply (inquiry)",
        ),
        ("reject", "reject them: never acted on while the rules decide the same"),
        ("dismiss", "the request was handled by hand: never acted on, kept in history"),
    ):
        cmd = sub.add_parser(verb, help=text)
        _target_options(cmd)
        cmd.add_argument(
            "order_ids", nargs="+", metavar="ORDER_ID", help="one or more orders (the account is found)"
        )
        cmd.add_argument("--by", help="who decides (default: your user name)")
        if verb == "dismiss":
            cmd.add_argument("--note", required=True, help="how it was handled, for the history")
        else:
            cmd.add_argument("--note", help="why, for the audit trail")

    history = sub.add_parser(
        "history", help="every decision and action, with rule, rules-file hash and approver"
    )
    _target_options(history)
    history.add_argument("--order", help="only this order")
    history.add_argument("--run", metavar="RUN_ID", help="only this run (run ids are on every line)")
    history.add_argument(
        "--since",
        metavar="WHEN",
        help="only since then: 2h, 3d, 90m back, or a date/time (UTC) like 2026-11-20",
    )
    history.add_argument("--limit", type=int, default=200, help="the newest N events (default 200)")
    history.add_argument("--json", action="store_true")

    rules = sub.add_parser("rules", help="check or explain a rules file")
    rules_sub = rules.add_subparsers(dest="rules_command", required=True, parser_class=ArgumentParser)
    check = rules_sub.add_parser("check", help="validate a rules file (nothing else runs)")
    check.add_argument("file", type=Path)
    explain = rules_sub.add_parser("explain", help="which rule matches each request of the last scan")
    explain.add_argument("file", type=Path)
    _target_options(explain)
    _browser_options(explain)


def _add_operations_commands(sub: Subparsers) -> None:
    """schedule, report, login."""
    schedule = sub.add_parser("schedule", help="run every configured account on its schedule")
    _target_options(schedule)
    _browser_options(schedule)
    schedule.add_argument("--once", action="store_true", help="one round of every account, then exit (cron)")
    schedule.add_argument("--rules", type=Path, help="rules file for every account (default: each account's)")
    schedule.add_argument(
        "--execute", action="store_true", help="carry out approved actions (default: dry run)"
    )

    report = sub.add_parser("report", help="list recent runs, or show one run's report")
    report.add_argument("run_id", nargs="?", help="a run id (or a unique prefix); default: list the runs")
    report.add_argument("--latest", action="store_true", help="the most recent run")
    report.add_argument("--open", action="store_true", help="open the HTML report in a browser")
    report.add_argument("--limit", type=int, default=20)
    report.add_argument("--config", type=Path, help="settings file (for runs_dir)")
    report.add_argument(
        "--data-dir", type=Path, help="the data folder whose runs/ to list (env SC_CANCEL_DATA_DIR)"
    )

    login = sub.add_parser(
        "login", help="sign in (by hand when needed) and save the session for headless runs"
    )
    _target_options(login)
    _browser_options(login)
    login.add_argument(
        "--prompt",
        action="store_true",
        help="headless, for servers: ask in this terminal for codes and captcha characters",
    )
    login.add_argument(
        "--wait",
        type=float,
        metavar="SECONDS",
        help="with --headed: how long to wait for a person to finish in the window (default 300)",
    )


def _add_sandbox_commands(sub: Subparsers) -> None:
    sandbox = sub.add_parser("sandbox", help="the built-in sandbox Seller Central")
    sandbox_sub = sandbox.add_subparsers(dest="sandbox_command", required=True, parser_class=ArgumentParser)
    serve = sandbox_sub.add_parser("serve", help="serve a scenario for people and other tools")
    serve.add_argument("--scenario", type=Path, help="scenario file (default: the bundled demo)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default loopback only)")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--session-minutes", type=float, default=720.0, help="sessions expire after this")
    sandbox_sub.add_parser("generate", help="write a large realistic scenario", add_help=False)


def _settings(args: argparse.Namespace, env: Environment) -> tuple[Settings, Path | None]:
    path: Path | None = getattr(args, "config", None) or env.config
    if path is None and DEFAULT_SETTINGS_FILE.is_file():
        path = DEFAULT_SETTINGS_FILE
    if path is None:
        return Settings(), None
    given_by = "--config" if getattr(args, "config", None) else "SC_CANCEL_CONFIG" if env.config else None
    settings, _doc = load_settings(path, given_by=given_by)
    return settings, path


def cmd_sandbox(args: argparse.Namespace, rest: Sequence[str]) -> int:
    if args.sandbox_command == "generate":
        from automation.sandbox.generator import main as generate_main

        return generate_main(list(rest))
    from automation.sandbox.server import serve
    from automation.targets import DEMO_SCENARIO

    serve(
        args.scenario or DEMO_SCENARIO, host=args.host, port=args.port, session_minutes=args.session_minutes
    )
    return ExitCode.OK


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    environ = os.environ if environ is None else environ
    from automation.log_setup import configure_logging

    configure_logging()
    json_errors = "--json" in argv  # until the command line is parsed, then what it says
    try:
        parser = build_parser()
        # `sandbox generate` has its own options (automation/sandbox/generator.py).
        if argv[:2] == ["sandbox", "generate"]:
            args, rest = parser.parse_args(argv[:2]), argv[2:]
        else:
            args, rest = parser.parse_args(argv), []
        json_errors = bool(getattr(args, "json", False))
        env = Environment.from_mapping(environ)
        if args.command == "sandbox":
            configure_logging(verbose=args.verbose, quiet=args.quiet)
            return _flushed(cmd_sandbox(args, rest))
        settings, config = _settings(args, env)
        data_dir = (
            getattr(args, "data_dir", None) or env.data_dir or settings.data_dir or default_data_dir(environ)
        )
        configure_logging(
            verbose=args.verbose, quiet=args.quiet, log_file=Path(data_dir) / "logs" / "sc-cancel.jsonl"
        )
        from automation.commands import Invocation

        handler = _commands()[args.command]
        return _flushed(int(handler(Invocation(args, settings, config, env, environ))))
    except ScCancelError as exc:
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


def _commands() -> dict[str, Any]:
    from automation import approval_commands, commands

    return {
        "scan": commands.cmd_scan,
        "run": commands.cmd_run,
        "login": commands.cmd_login,
        "plan": approval_commands.cmd_plan,
        "approve": approval_commands.cmd_approve,
        "reject": approval_commands.cmd_reject,
        "dismiss": approval_commands.cmd_dismiss,
        "history": commands.cmd_history,
        "rules": commands.cmd_rules,
        "schedule": commands.cmd_schedule,
        "report": commands.cmd_report,
        **_recording_commands(),
    }


# ----------------------------------------------------------------------------------------------------
# Recordings and selector checks (issue 5): `record`, `scrub`, `selectors check` and `scan --replay`.


def _add_recording_commands(sub: Any) -> None:
    sub.choices["scan"].add_argument(
        "--replay",
        type=Path,
        metavar="RECORDING",
        help="scan offline from a recording (recordings/<page_key>/<name>/); no site is contacted",
    )
    record = sub.add_parser(
        "record", help="capture a session (every response body, and a trace) to make a recording"
    )
    _target_options(record)
    _browser_options(record)
    record.add_argument("--name", help="the recording's name (used by `sc-cancel scrub`)")
    record.add_argument(
        "--manual",
        action="store_true",
        help="with --headed: capture while you click through; close the browser tab when done",
    )
    scrub = sub.add_parser(
        "scrub", help="scrub a capture of secrets and buyer data into recordings/<page_key>/<name>/"
    )
    scrub.add_argument(
        "capture",
        type=Path,
        metavar="CAPTURE_DIR",
        help="<data_dir>/runs/<run-id>/capture (printed by record)",
    )
    scrub.add_argument("--page-key", help="recordings/<page_key>/ (default: scan, for scan captures)")
    scrub.add_argument("--name", help="recordings/<page_key>/<name>/ (default: the name given to record)")
    scrub.add_argument(
        "--recordings", type=Path, default=Path("recordings"), help="where recordings live (./recordings)"
    )
    scrub.add_argument("--selectors", type=Path, help="selector folder (default: the bundled selectors/)")
    scrub.add_argument("--force", action="store_true", help="replace an existing recording of that name")
    selectors = sub.add_parser("selectors", help="check the selector files against a site or a recording")
    selectors_sub = selectors.add_subparsers(
        dest="selectors_command", required=True, parser_class=ArgumentParser
    )
    check = selectors_sub.add_parser(
        "check", help="resolve every candidate of every selector separately, page by page"
    )
    _target_options(check)
    _browser_options(check)
    where = check.add_mutually_exclusive_group()
    where.add_argument("--replay", type=Path, metavar="RECORDING", help="check against a recording, offline")
    where.add_argument(
        "--live", action="store_true", help="check against the site (default; no settings: the demo sandbox)"
    )
    check.add_argument("--json", action="store_true", help="print the report as JSON")


def _recording_commands() -> dict[str, Any]:
    from automation import commands

    return {
        "scan": commands.cmd_scan_or_replay,
        "record": commands.cmd_record,
        "scrub": commands.cmd_scrub,
        "selectors": commands.cmd_selectors,
    }
