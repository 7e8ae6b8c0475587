"""`scan` (or `scan --replay`, offline from a recording) and `run`: the commands that read the site and
print a table for people or a JSON document for tools."""

from __future__ import annotations

import argparse
from pathlib import Path

from automation.commands.invocation import Invocation
from automation.commands.options import sandbox_mail_option, site_options
from automation.errors import ActionsFailedError, ExitCode, ScCancelError
from automation.progress import live_status

JSON_HELP = "print the JSON document (docs/interfaces.md)"


def scan_options(parser: argparse.ArgumentParser) -> None:
    site_options(parser)
    sandbox_mail_option(parser)
    parser.add_argument("--json", action="store_true", help=JSON_HELP)
    parser.add_argument(
        "--replay",
        type=Path,
        metavar="RECORDING",
        help="scan offline from a recording (recordings/<page_key>/<name>/); no site is contacted",
    )


def run_options(parser: argparse.ArgumentParser) -> None:
    site_options(parser)
    sandbox_mail_option(parser)
    parser.add_argument(
        "--rules", type=Path, help="rules file (default: the account's, else rules.example.yaml)"
    )
    parser.add_argument(
        "--execute", action="store_true", help="carry out approved actions (default: dry run)"
    )
    parser.add_argument("--json", action="store_true", help=JSON_HELP)


def cmd_scan(inv: Invocation) -> int:
    from automation.commands.recording import replaying
    from automation.output import print_json, print_requests_table, scan_result_document
    from automation.run_summary import summary_line
    from automation.runner import scan_account

    if inv.option("replay"):
        inv = replaying(inv)
    rt = inv.runtime()
    documents = []
    for target in inv.check_secrets(inv.targets()):
        with live_status(f"scanning {target.name}", enabled=not inv.args.quiet):
            result = scan_account(target, rt)
        if inv.args.json:
            documents.append(scan_result_document(result, account=target.email))
        else:
            print_requests_table(
                result.requests,
                new=result.new,
                title=f"Pending buyer cancellation requests: {target.name} ({target.email})",
                summary=summary_line(result.requests, result.new, None),
            )
    stored = rt.store.failed_since() if rt.store is not None else None  # exit 11, reports kept locally
    if inv.args.json:
        print_json(documents[0] if len(documents) == 1 else documents)
        if stored is not None:
            return int(stored.exit_code)
    if stored is not None:
        raise stored
    return ExitCode.OK


def cmd_run(inv: Invocation) -> int:
    from loguru import logger

    from automation.output import error_document, print_json, print_requests_table, scan_result_document
    from automation.rules.loader import load_rules
    from automation.run_summary import outcome_word, run_notes, summary_line
    from automation.runner import run_account

    rt = inv.runtime()
    targets = inv.check_secrets(inv.targets())
    # Every rules file is validated before any browser starts: a broken file stops everything.
    loaded = {t.key: load_rules(inv.rules_file(t)) for t in targets}
    documents: list[dict[str, object]] = []
    errors: list[ScCancelError] = []
    for target in targets:
        with live_status(f"run {target.name}", enabled=not inv.args.quiet):
            result = run_account(
                target,
                rt,
                loaded[target.key],
                execute=inv.args.execute,
                actions_enabled=inv.settings.actions_enabled,
            )
        account_error = result.error()  # as the run's report says it ended
        if account_error is not None:
            errors.append(account_error)
        scan = result.scan
        if inv.args.json:
            extra = {oid: o.as_json() for oid, o in result.outcomes.items()}
            document = scan_result_document(scan, account=target.email, extra=extra)
            if account_error is not None:
                document["error"] = error_document(account_error.exit_code, str(account_error))["error"]
            documents.append(document)
        else:
            columns = {
                oid: {
                    "decision": o.decision,
                    "rule": o.rule or "(default)",
                    "approval": o.approval or "",
                    "outcome": outcome_word(o),
                }
                for oid, o in result.outcomes.items()
            }
            mode = "" if inv.args.execute else " (dry run)"
            print_requests_table(
                scan.requests,
                new=scan.new,
                extra_columns=columns,
                title=f"Run{mode}: {target.name} ({target.email})",
                summary=summary_line(scan.requests, scan.new, columns),
                notes=run_notes(result.outcomes),
            )
    error = first_error(errors) or (rt.store.failed_since() if rt.store is not None else None)
    if inv.args.json:
        print_json(documents[0] if len(documents) == 1 else documents)
        if error is not None:  # its document, printed above, already carries the error
            logger.error("{}", error)
            return int(error.exit_code)
    if error is not None:
        raise error
    return ExitCode.OK


def first_error(errors: list[ScCancelError]) -> ScCancelError | None:
    """The command's ending over its accounts: failed actions (9) before a halt (10)."""
    failed = [e for e in errors if isinstance(e, ActionsFailedError)]
    return (failed or errors or [None])[0]
