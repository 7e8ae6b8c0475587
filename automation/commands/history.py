"""`history`: every decision and action, newest first, each with its run id and age; `--run`, `--since`,
`--order` narrow it. With several accounts, one timeline with an account column (`--account` narrows)."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from automation.commands.invocation import Invocation
from automation.commands.options import target_options
from automation.errors import BadInputError, ExitCode

if TYPE_CHECKING:
    from automation.ledger import AuditEvent


def history_options(parser: argparse.ArgumentParser) -> None:
    target_options(parser)
    parser.add_argument("--order", help="only this order")
    parser.add_argument("--run", metavar="RUN_ID", help="only this run (run ids are on every line)")
    parser.add_argument(
        "--since",
        metavar="WHEN",
        help="only since then: 2h, 3d, 90m back, or a date/time (UTC) like 2026-11-20",
    )
    parser.add_argument("--limit", type=int, default=200, help="the newest N events (default 200)")
    parser.add_argument("--json", action="store_true")


def cmd_history(inv: Invocation) -> int:
    from automation.durations import parse_since
    from automation.output import print_json

    targets = inv.targets()
    names = {t.key: t.name for t in targets} if len(targets) > 1 else {}
    now = datetime.now(UTC)
    since = parse_since(inv.args.since, now) if inv.args.since else None
    with inv.existing_ledger() as ledger:
        if inv.args.run and ledger.run(inv.args.run) is None:
            raise BadInputError(
                f"--run {inv.args.run}: no such run in {inv.settings.data_dir} "
                "(`sc-cancel report` lists recent runs)"
            )
        events = [
            event
            for target in targets
            for event in ledger.history(
                target.key,
                order_id=inv.args.order,
                limit=inv.args.limit,
                since=since,
                run_id=inv.args.run,
                newest_first=True,
            )
        ]
    events = sorted(events, key=lambda e: e.event_id, reverse=True)[: inv.args.limit]
    if inv.args.json:
        print_json([_event_json(e, names) for e in events])
        return ExitCode.OK
    _print_events(events, names, now)
    filtered = inv.args.run or inv.args.since or inv.args.order
    if not events:
        print("No events match." if filtered else "No history yet.")
    elif len(events) == inv.args.limit:
        print(f"(the newest {len(events)} events; --limit N or --since for others)")
    return ExitCode.OK


def _event_json(event: AuditEvent, names: dict[str, str]) -> dict[str, Any]:
    """An event as `history --json` gives it; with several accounts, also the account's `name`."""
    document: dict[str, Any] = event.model_dump(mode="json")
    if names:
        document["name"] = names.get(event.account or "")
    return document


def _print_events(events: list[AuditEvent], names: dict[str, str], now: datetime) -> None:
    """One line per event; with several accounts (`names`), the account's name after the run id."""
    from automation.durations import human_duration

    width = max(map(len, names.values()), default=0)
    if events:
        account = f"  {'account':<{width}}" if names else ""
        print(f"{'when (UTC)':<19}  {'age':>14}  {'run':<22}{account}  event")
    for e in events:
        when = e.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
        age = f"{human_duration(now - e.at)} ago"
        account = f"  {names.get(e.account or '', '?'):<{width}}" if names else ""
        parts = [
            f"{when}  {age:>14}  {e.run_id or '-':<22}{account}",
            e.event,
            e.order_id or "",
            e.thread_id or "",
        ]
        details = {
            "action": e.action,
            "state": e.state,
            "rule": e.rule,
            "rules": (e.rules_sha256 or "")[:12] or None,
            "by": e.approver,
            "outcome": e.outcome,
            "why": e.reason,
        }
        parts += [f"{k}={v}" for k, v in details.items() if v]
        print("  ".join(p for p in parts if p))
