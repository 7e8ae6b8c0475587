"""A person's part: `plan` (what waits, what is held, what is not decided yet), and `approve`, `reject`
and `dismiss` over one or several accounts.

These commands read and write the ledger only: no browser. With several accounts, `plan` shows each one
and `approve ORDER_ID` finds the account whose open request it is; only an order open in two accounts
needs a choice (asked on a terminal, else `--account NAME`). Accounts are named by their `name` in the
settings, never by the ledger's internal key.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO

from automation.commands.invocation import Invocation
from automation.commands.options import target_options
from automation.errors import BadInputError, ExitCode
from automation.models import DecisionKind

if TYPE_CHECKING:
    from automation.ledger import ApprovalRecord, DecisionRecord, GivenVerdict, Ledger, Standing
    from automation.ledger.decisions import Verb
    from automation.targets import Target

RUN_DECIDES = "`sc-cancel run` (a dry run, without --execute) decides"
NEXT_RUN = "the next `sc-cancel run --execute` carries it out"


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _at(record: ApprovalRecord) -> str:
    return f"{record.at:%Y-%m-%d %H:%M:%S} UTC"


# -- plan ------------------------------------------------------------------------------------------------


def plan_options(parser: argparse.ArgumentParser) -> None:
    target_options(parser)
    parser.add_argument(
        "--all",
        action="store_true",
        help="every open request not yet acted on (held ones too), with its decision",
    )
    parser.add_argument("--json", action="store_true")


def _next_action(standing: Standing) -> str | None:
    """What the next `run --execute` would do about it: cancel, reply, or nothing."""
    if not standing.decided or standing.decision is None:
        return None
    word = standing.word
    if word is not None:
        return None if word.action is None else str(word.action)
    kind = standing.decision.decision
    if kind in (DecisionKind.CANCEL, DecisionKind.REPLY) and standing.decision.approve == "auto":
        return str(kind)
    return None


def plan_document(target: Target, ledger: Ledger, *, everything: bool) -> dict[str, Any]:
    """What `plan --json` prints for one account; `requests` (every open request not yet acted on, with
    its decision and status) only with `--all`."""
    waiting: list[DecisionRecord] = ledger.pending_approvals(target.key)
    standings = ledger.standings(target.key)
    requests = {s.request.order_id: s.request for s in standings}
    document: dict[str, Any] = {
        "account": target.email,
        "name": target.name,
        "waiting": [
            {
                "order_id": d.order_id,
                "decision": str(d.decision),
                "rule": d.rule,
                "kind": str(d.request_kind) if d.request_kind else None,
                "sources": sorted(str(s) for s in requests[d.order_id].sources)
                if d.order_id in requests
                else [],
                "explanation": d.explanation,
            }
            for d in waiting
        ],
        "held": sum(s.status == "held" for s in standings),
        "not_decided": sum(not s.decided for s in standings),
    }
    if everything:
        document["requests"] = [
            {
                "order_id": s.request.order_id,
                "kind": str(s.request.kind),
                "sources": sorted(str(c) for c in s.request.sources),
                "order_status": None if s.request.order_status is None else str(s.request.order_status),
                "decision": str(s.decision.decision) if s.decided and s.decision else None,
                "rule": s.decision.rule if s.decided and s.decision else None,
                "status": s.status,
                "by": None if s.word is None else s.word.by,
                "next": _next_action(s),
            }
            for s in standings
        ]
    return document


def print_plan(document: dict[str, Any], *, heading: bool, out: TextIO) -> None:
    if heading:
        print(f"Account {document['name']} ({document['account']})", file=out)
    indent = "  " if heading else ""
    rows = document.get("requests")
    if rows is not None:
        for row in rows:
            by = f" by {row['by']}" if row["by"] else ""
            then = f" (next run --execute: {row['next']})" if row["next"] else ""
            print(
                f"{indent}{row['order_id']}  {row['decision'] or '-':<6}  {row['kind']:<8}  "
                f"{row['status'] + by + then:<40}  rule: {row['rule'] or '-'}  "
                f"[{'+'.join(row['sources'])}]",
                file=out,
            )
        if rows:
            print(
                f"{indent}Settle with: sc-cancel approve | reject ORDER_ID...   "
                "sc-cancel dismiss ORDER_ID... --note TEXT (handled by hand)",
                file=out,
            )
        else:
            print(f"{indent}No open request waits for anything.", file=out)
    else:
        for row in document["waiting"]:
            print(
                f"{indent}{row['order_id']}  {row['decision']:<6}  {row['kind'] or '?':<8}  "
                f"{'+'.join(row['sources']):<24}  rule: {row['rule'] or '(default)'}",
                file=out,
            )
        if document["waiting"]:
            print(
                f"{indent}Approve with: sc-cancel approve ORDER_ID...   "
                "Reject with: sc-cancel reject ORDER_ID...",
                file=out,
            )
        else:
            yet = " yet" if document["not_decided"] else ""
            print(f"{indent}Nothing waits for approval{yet}.", file=out)
        if document["held"]:
            held = _plural(document["held"], "held request waits", "held requests wait")
            them = "it" if document["held"] == 1 else "them"
            print(
                f"{indent}{held} for a person: `sc-cancel plan --all` lists {them}; `sc-cancel approve "
                f"ORDER_ID...` lets {them} go ahead, `sc-cancel dismiss ORDER_ID... --note TEXT` records "
                f"that {'it was' if them == 'it' else 'they were'} handled by hand.",
                file=out,
            )
    if document["not_decided"]:
        pending = _plural(document["not_decided"], "request is", "requests are")
        them = "it" if document["not_decided"] == 1 else "them"
        print(f"{indent}{pending} not yet decided: {RUN_DECIDES} {them}.", file=out)


def cmd_plan(inv: Invocation) -> int:
    from automation.output import print_json

    targets = inv.targets()
    with inv.existing_ledger() as ledger:
        documents = [plan_document(t, ledger, everything=inv.args.all) for t in targets]
    if inv.args.json:
        print_json(documents[0] if len(documents) == 1 else documents)
        return ExitCode.OK
    for n, document in enumerate(documents):
        if n:
            print()
        print_plan(document, heading=len(documents) > 1, out=sys.stdout)
    return ExitCode.OK


# -- approve, reject, dismiss ------------------------------------------------------------------------------


def verdict_options(parser: argparse.ArgumentParser) -> None:
    """approve and reject: one or more orders, who decides, and why."""
    _order_ids(parser)
    parser.add_argument("--note", help="why, for the audit trail")


def dismiss_options(parser: argparse.ArgumentParser) -> None:
    _order_ids(parser)
    parser.add_argument("--note", required=True, help="how it was handled, for the history")


def _order_ids(parser: argparse.ArgumentParser) -> None:
    target_options(parser)
    parser.add_argument(
        "order_ids", nargs="+", metavar="ORDER_ID", help="one or more orders (the account is found)"
    )
    parser.add_argument("--by", help="who decides (default: your user name)")


Ask = Callable[[str, list[str]], str | None]
"""Asks a person to pick one of the account names for an order; None when nobody answers."""


def ask_on_terminal(order_id: str, names: list[str]) -> str | None:
    """Ask on the terminal (standard error for the question) which account an order belongs to."""
    choices = ", ".join(f"{n}) {name}" for n, name in enumerate(names, 1))
    for _ in range(3):
        print(
            f"order {order_id} is open in {len(names)} accounts: {choices}. Which one (number or name)? ",
            end="",
            file=sys.stderr,
            flush=True,
        )
        answer = sys.stdin.readline()
        if not answer:
            return None
        answer = answer.strip()
        if answer.isdigit() and 1 <= int(answer) <= len(names):
            return names[int(answer) - 1]
        if answer in names:
            return answer
    return None


def owners(
    ledger: Ledger, targets: list[Target], order_ids: list[str], ask: Ask | None
) -> dict[str, list[str]]:
    """Which account each order belongs to: the one with an open request for it; a person chooses when
    two have one (`ask`, or refused with the choices when there is no terminal). Keyed by account key."""
    chosen: dict[str, list[str]] = {}
    problems: list[str] = []
    names = ", ".join(t.name for t in targets)
    for order_id in order_ids:
        open_in = [t for t in targets if (seen := ledger.seen_request(t.key, order_id)) and seen.is_open]
        if not open_in:
            problems.append(f"order {order_id}: no open cancellation request in any account ({names})")
            continue
        owner = open_in[0]
        if len(open_in) > 1:
            candidates = [t.name for t in open_in]
            answer = ask(order_id, candidates) if ask is not None else None
            if answer is None:
                problems.append(
                    f"order {order_id} is open in {len(open_in)} accounts ({', '.join(candidates)}): "
                    "say which with --account NAME"
                )
                continue
            owner = next(t for t in open_in if t.name == answer)
        chosen.setdefault(owner.key, []).append(order_id)
    if problems:
        raise BadInputError("\n".join(problems) + "\nNothing was recorded.")
    return chosen


def describe(given: GivenVerdict) -> str:
    """What one approve, reject or dismiss did, said so that a second word shows what it changed."""
    now, before = given.now, given.before
    if not given.changed:
        return f"{given.order_id}: already {now.word} by {now.by} at {_at(now)}: nothing changed"
    said = f"{now.word} by {now.by} at {_at(now)}"
    if before is not None:
        said = f"was {before.word} by {before.by} at {_at(before)}, now {said}"
    if now.dismissed:
        consequence = "handled by hand: never acted on"
    elif now.action is not None:
        consequence = f"a {now.action}: {NEXT_RUN}"
    else:
        consequence = "not acted on"
    return f"{given.order_id}: {said} ({consequence})"


def give_verdicts(inv: Invocation, verb: Verb, *, ask: Ask | None = None) -> int:
    targets = inv.targets()
    by = inv.args.by or getpass.getuser()
    ids = list(dict.fromkeys(inv.args.order_ids))
    if ask is None and sys.stdin.isatty():
        ask = ask_on_terminal
    with inv.existing_ledger() as ledger:
        by_key = {targets[0].key: ids} if len(targets) == 1 else owners(ledger, targets, ids, ask)
        name = {t.key: t.name for t in targets}
        several = len(by_key) > 1 or len(targets) > 1
        problems = [
            f"{name[key]}: {problem}" if several else problem
            for key, order_ids in by_key.items()
            for problem in ledger.verdict_problems(key, order_ids, verb)
        ]
        if problems:
            raise BadInputError("\n".join(problems) + "\nNothing was recorded; see `sc-cancel plan --all`.")
        for key, order_ids in by_key.items():
            give = {"approve": ledger.approve, "reject": ledger.reject, "dismiss": ledger.dismiss}[verb]
            for given in give(key, order_ids, by=by, note=inv.args.note):
                print(f"{name[key]}: {describe(given)}" if several else describe(given))
    return ExitCode.OK


def cmd_approve(inv: Invocation) -> int:
    return give_verdicts(inv, "approve")


def cmd_reject(inv: Invocation) -> int:
    return give_verdicts(inv, "reject")


def cmd_dismiss(inv: Invocation) -> int:
    return give_verdicts(inv, "dismiss")
