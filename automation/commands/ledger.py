"""`ledger migrate`, `ledger copy`, `ledger stop` and `ledger resume`: the ledger's own upkeep, and the
STOP switch every machine sharing the ledger obeys.

Passwords never come from the command line (shells keep history, `ps` shows arguments): the configured
ledger's from `ledger_password`, another's from an environment variable named by an option. URLs are
printed without them.
"""

from __future__ import annotations

import argparse
import getpass
import socket
from typing import TYPE_CHECKING

from automation.commands.invocation import Invocation
from automation.commands.options import target_options
from automation.errors import BadInputError, ExitCode

if TYPE_CHECKING:
    from automation.ledger import LedgerLocation


def migrate_options(parser: argparse.ArgumentParser) -> None:
    target_options(parser)


def cmd_migrate(inv: Invocation) -> int:
    from automation.ledger.ledger import connect_and_upgrade

    where = inv.ledger_location
    engine, conn, (before, after) = connect_and_upgrade(where)
    conn.close()
    engine.dispose()
    start = before or "none (a new ledger, or a SQLite file from before revisions)"
    if before == after:
        print(f"{where}: already at revision {after}")
    else:
        print(f"{where}: revision {start} -> {after}")
    return ExitCode.OK


def copy_options(parser: argparse.ArgumentParser) -> None:
    target_options(parser)
    parser.add_argument(
        "--from",
        dest="source",
        metavar="URL",
        help="the ledger to copy (default: the configured one), e.g. sqlite:////var/lib/sc-cancel/ledger.sqlite3",
    )
    parser.add_argument(
        "--to",
        dest="target",
        metavar="URL",
        required=True,
        help="where to, e.g. postgresql+psycopg://sc@db/sc",
    )
    parser.add_argument(
        "--from-password-env",
        metavar="NAME",
        help="variable holding --from's password (default: ledger_password if --from is ledger_url)",
    )
    parser.add_argument(
        "--to-password-env",
        metavar="NAME",
        help="environment variable holding --to's password (default: ledger_password if --to is ledger_url)",
    )
    parser.add_argument(
        "--replace", action="store_true", help="empty a PostgreSQL target that already holds rows first"
    )


def cmd_copy(inv: Invocation) -> int:
    from automation.ledger.copy import copy_ledger

    source = _location(inv, inv.args.source, inv.args.from_password_env, "--from")
    target = _location(inv, inv.args.target, inv.args.to_password_env, "--to")
    print(f"copying {source} -> {target}")
    copied = copy_ledger(source, target, replace=inv.args.replace, progress=lambda line: print(f"  {line}"))
    total = sum(table.rows for table in copied)
    print(f"copied {total} rows in {len(copied)} tables; every table's row count checked on both sides")
    return ExitCode.OK


def stop_options(parser: argparse.ArgumentParser) -> None:
    target_options(parser)
    parser.add_argument("--reason", help="why (shown to whoever meets the switch, and in history)")
    parser.add_argument("--by", help="who sets it (default: user@host)")


def cmd_stop(inv: Invocation) -> int:
    from automation.ledger import Ledger

    by = inv.args.by or _who()
    with Ledger.open(inv.ledger_location) as ledger:
        newly = ledger.set_stop(by=by, reason=inv.args.reason)
    state = "set" if newly else "was already set"
    print(
        f"STOP {state} in the ledger {inv.ledger_location}: every process sharing it halts before its "
        "next action (exit code 10); `sc-cancel ledger resume` lifts it"
    )
    return ExitCode.OK


def resume_options(parser: argparse.ArgumentParser) -> None:
    target_options(parser)
    parser.add_argument("--by", help="who lifts it (default: user@host)")


def cmd_resume(inv: Invocation) -> int:
    from automation.ledger import Ledger
    from automation.stop import stop_file

    with Ledger.open(inv.ledger_location) as ledger:
        lifted = ledger.clear_stop(by=inv.args.by or _who())
    print("the ledger's STOP switch is lifted" if lifted else "the ledger's STOP switch was not set")
    file = stop_file(inv.settings.data_dir)
    if file.exists():
        print(f"the file {file} still halts this machine; delete it to resume here")
    return ExitCode.OK


def _who() -> str:
    return f"{getpass.getuser()}@{socket.gethostname()}"


def _location(inv: Invocation, url: str | None, password_env: str | None, option: str) -> LedgerLocation:
    """The ledger `url` names (default: the configured one), with its password from `password_env`, or
    from ledger_password when it is the configured ledger."""
    from automation.ledger import LedgerLocation
    from automation.ledger.engine import parse_ledger_url

    configured = inv.ledger_location
    if url is None or url == configured.url:
        if password_env is None:
            return configured
        url = configured.url
    parse_ledger_url(url, setting=option)
    if password_env is None:
        return LedgerLocation(url)
    password = inv.settings.environ.get(password_env)
    if not password:
        raise BadInputError(
            f"{option}-password-env: the environment variable {password_env} is not set or empty"
        )
    return LedgerLocation(url, password)
