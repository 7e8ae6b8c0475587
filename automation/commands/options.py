"""Options several commands share, and what the command line says about settings.

`command_line` hands the options that are settings (`--config`, `--data-dir`, `--selectors`, the browser
options) to `resolve_settings`, which weighs them against the environment and the settings file.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from automation.settings import CommandLine, TraceMode


def global_options(parser: argparse.ArgumentParser, *, top: bool = False) -> None:
    """-v and -q, on the top-level parser and on every (sub)command's, as people type them either way.

    A subcommand's copies default to SUPPRESS, so they set the value only when given and the top-level
    one (given before the subcommand, or its default) stands otherwise.
    """
    verbose: Any = 0 if top else argparse.SUPPRESS
    quiet: Any = False if top else argparse.SUPPRESS
    parser.add_argument(
        "-v", "--verbose", action="count", default=verbose, help="more detail on standard error"
    )
    parser.add_argument(
        "-q", "--quiet", action="store_true", default=quiet, help="only warnings and errors on standard error"
    )


def target_options(parser: argparse.ArgumentParser) -> None:
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


def browser_options(parser: argparse.ArgumentParser) -> None:
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


def sandbox_mail_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--mail",
        action=argparse.BooleanOptionalAction,
        help="give the built-in sandbox a mailbox served by a throwaway Dovecot (default: the demo's only)",
    )


def site_options(parser: argparse.ArgumentParser) -> None:
    """Where and as whom, and the browser: the options of every command that drives one."""
    target_options(parser)
    browser_options(parser)


def command_line(args: argparse.Namespace) -> CommandLine:
    """The settings the command line gives (a command without an option leaves it unset)."""

    def given(name: str) -> Any:
        return getattr(args, name, None)

    return CommandLine(
        config=given("config"),
        data_dir=given("data_dir"),
        selectors_dir=given("selectors"),
        headed=bool(given("headed")),
        slow_mo_ms=given("slow_mo"),
        trace=given("trace"),
        pause_on_error=bool(given("pause_on_error")),
    )
