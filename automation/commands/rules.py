"""`rules check` (validate a rules file, warn about reasons no locale knows) and `rules explain` (which
rule matches each request of every account's last scan)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from automation.commands.invocation import EXAMPLE_RULES, Invocation
from automation.commands.options import site_options
from automation.errors import ExitCode

if TYPE_CHECKING:
    from collections.abc import Iterable

    from automation.ledger.mailbox import EmailSighting
    from automation.models import CancellationRequest
    from automation.rules.loader import LoadedRules
    from automation.runtime import Runtime
    from automation.targets import Target

OUTCOMES = {
    "cancel": "would be cancelled with Buyer Canceled",
    "reply": "the buyer would get the official-request instructions",
    "hold": "held for a person",
    "ignore": "left alone",
}
APPROVALS = {"auto": ", approved by the rule", "manual": ", once a person approves it"}


EMAIL_KINDS = {"request": "Amazon's notice", "inquiry": "a forwarded buyer message"}


def email_lines(request: CancellationRequest, emails: Iterable[EmailSighting]) -> list[str]:
    """The e-mails that named `request` (a rule's `sources_include: email` reads that they did), oldest
    first: which kind and when it landed. Never the subject: it carries the buyer's name. An inquiry is
    named only by a forwarded buyer message (Amazon's notice does not make it official)."""
    from automation.models import RequestKind
    from automation.output import iso

    mine = sorted(
        (
            e
            for e in emails
            if e.sender_allowed
            and e.order_id == request.order_id
            and (request.kind is RequestKind.OFFICIAL or e.kind == "inquiry")
        ),
        key=lambda e: e.received_at,
    )
    return [f"e-mail: named by {EMAIL_KINDS.get(e.kind, e.kind)} received {iso(e.received_at)}" for e in mine]


def check_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path)


def explain_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path)
    site_options(parser)


def cmd_check(inv: Invocation) -> int:
    from automation.rules.loader import load_rules

    loaded = load_rules(inv.args.file)
    rules = loaded.ruleset.rules
    print(
        f"{inv.args.file}: OK, {len(rules)} rule(s); default {loaded.ruleset.default}; "
        f"limits {loaded.ruleset.limits.max_cancellations_per_run}/run, "
        f"{loaded.ruleset.limits.max_cancellations_per_day}/24h"
    )
    for warning in _warnings(inv, loaded):
        print(f"warning: {warning}", file=sys.stderr)
    return ExitCode.OK


def _warnings(inv: Invocation, loaded: LoadedRules) -> list[str]:
    """What `rules check` warns about: `reason_matches` expressions that match no buyer reason the
    locale files know, in the locales of the accounts using the file (any locale without settings)."""
    from automation.parsers.locale_texts import load_all_locale_texts
    from automation.parsers.reasons import reason_texts
    from automation.rules.lint import reason_pattern_warnings

    texts = load_all_locale_texts(inv.settings.selectors_dir)
    locales: list[str] | None = None
    accounts = inv.settings.accounts
    if accounts:
        checked = Path(inv.args.file).resolve()
        using = [a for a in accounts if Path(a.rules or EXAMPLE_RULES).resolve() == checked] or accounts
        locales = sorted({m.locale for a in using for m in a.marketplaces})
    return reason_pattern_warnings(loaded, reason_texts(texts), locales)


def cmd_explain(inv: Invocation) -> int:
    """Each account's last scan (scanned first where there is none), account by account."""
    from automation.rules.loader import load_rules

    loaded = load_rules(inv.args.file)
    rt = inv.runtime()
    targets = inv.targets()
    for n, target in enumerate(targets):
        if len(targets) > 1:
            print(f"{chr(10) if n else ''}Account {target.name} ({target.email})")
        _explain_account(inv, loaded, target, rt)
    return ExitCode.OK


def _explain_account(inv: Invocation, loaded: LoadedRules, target: Target, rt: Runtime) -> None:
    from automation.ledger import Ledger
    from automation.parsers.locale_texts import load_all_locale_texts
    from automation.parsers.reasons import ReasonTable
    from automation.rules.engine import decide, explain
    from automation.runner import scan_account

    requests = None
    if inv.ledger_location.exists():
        with Ledger.open(inv.ledger_location) as ledger:
            if ledger.last_run(target.key) is not None:
                requests = ledger.open_requests(target.key)
    if requests is None:
        print(f"No scan of account {target.name} yet; scanning first.", file=sys.stderr)
        requests = scan_account(inv.check_secrets([target])[0], rt).requests
    # request ages on the site's clock, as the last scan saw it
    with Ledger.open(inv.ledger_location) as ledger:
        now = ledger.site_clock(target.key, rt.clock).now()
        emails = ledger.emails_naming(target.key, [r.order_id for r in requests])
    reasons = ReasonTable.of(load_all_locale_texts(rt.selectors_dir))
    for request in requests:
        traces = explain(loaded.ruleset, request, now, reasons)
        decision = decide(loaded.ruleset, request, now=now, reasons=reasons)
        sources = "+".join(sorted(map(str, request.sources)))
        print(f"{request.order_id} ({request.kind}, {sources}, {request.order_status or '?'})")
        for line in email_lines(request, emails):
            print(f"     {line}")
        for trace in traces:
            print(f"   {'*' if trace.decides else ' '} {trace.summary}")
        approval = APPROVALS.get(decision.approve or "", "")
        via = (
            f"rule '{decision.rule}'"
            if decision.rule
            else f"no rule matched: default {loaded.ruleset.default}"
        )
        print(f"   => {OUTCOMES[str(decision.decision)]}{approval} ({via})")
    if not requests:
        print("No pending requests in the last scan.")
