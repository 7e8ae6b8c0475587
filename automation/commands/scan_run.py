"""The commands behind `sc-cancel`: each takes the parsed invocation and returns an exit code.

They turn the command line and settings into a `Runtime` and targets, call the runner or the ledger,
and print for people (tables) or tools (`--json`). Errors propagate to `cli.main`, which maps them to
exit codes.
"""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from automation.errors import ActionsFailedError, BadInputError, ExitCode, ScCancelError, StoppedError
from automation.progress import live_status
from automation.settings import (
    REPO_SELECTORS,
    BrowserSettings,
    Environment,
    Settings,
    TraceMode,
    default_data_dir,
)
from automation.yaml_source import YamlDocument, load_yaml

REPO_ROOT = REPO_SELECTORS.parent
EXAMPLE_RULES = REPO_ROOT / "rules.example.yaml"


@dataclass
class Invocation:
    args: argparse.Namespace
    settings: Settings
    config: Path | None
    env: Environment
    environ: Mapping[str, str]

    def option(self, name: str) -> Any:
        return getattr(self.args, name, None)

    @functools.cached_property
    def settings_document(self) -> YamlDocument | None:
        """The settings file as read (places of values), for messages that give its line."""
        return load_yaml(self.config) if self.config else None

    @property
    def data_dir(self) -> Path:
        chosen = self.option("data_dir") or self.env.data_dir or self.settings.data_dir
        return Path(chosen or default_data_dir(self.environ)).expanduser().resolve()

    def runtime(self) -> Any:
        from automation.runner import Runtime

        # In the data folder by default, like the ledger that names them: `report` then finds them from
        # any working folder.
        runs_dir = self.settings.runs_dir or self.data_dir / "runs"
        selectors_dir = self.option("selectors") or self.settings.selectors_dir or REPO_SELECTORS
        browser: BrowserSettings = self.settings.browser
        updates: dict[str, Any] = {}
        if self.env.chromium:  # the environment wins over the settings file
            updates["executable"] = self.env.chromium
        if self.option("headed"):
            updates["headless"] = False
        if self.option("slow_mo") is not None:
            updates["slow_mo_ms"] = self.args.slow_mo
        if self.option("trace"):
            updates["trace"] = TraceMode(self.args.trace)
        if self.option("pause_on_error"):
            updates["pause_on_error"] = True
        from automation.notify.hooks import RunHooks

        hooks = RunHooks.build(
            self.settings,
            self.environ,
            data_dir=self.data_dir,
            runs_dir=Path(runs_dir).expanduser().resolve(),
            clock=lambda: datetime.now(UTC),
            source=self.settings_document,
        )
        from automation.sources.context import RetryPolicy

        return Runtime(
            after_run=hooks.after_run,
            retry=RetryPolicy().scaled(self.env.retry_scale),
            data_dir=self.data_dir,
            runs_dir=Path(runs_dir).expanduser().resolve(),
            selectors_dir=Path(selectors_dir).expanduser().resolve(),
            browser=browser.model_copy(update=updates),
            env=dict(self.environ),
            announce=lambda message: print(message, file=sys.stderr, flush=True),
        )

    def targets(self) -> list[Any]:
        from automation.targets import resolve_targets

        return resolve_targets(
            scenario=self.option("scenario"),
            base_url=self.option("base_url"),
            settings=self.settings if self.config else None,
            account=self.option("account"),
            env=self.environ,
            source=self.settings_document,
        )

    def check_secrets(self, targets: list[Any]) -> list[Any]:
        """`targets`, once every secret they sign in with was fetched and found well-formed: a missing
        or malformed secret stops the command before any browser starts (exit code 2)."""
        from automation.targets import check_secrets

        check_secrets(targets)
        return targets

    def one_target(self) -> Any:
        targets = self.targets()
        if len(targets) > 1:
            names = ", ".join(t.name for t in targets)
            raise BadInputError(f"this command works on one account; pick one with --account ({names})")
        return targets[0]


def cmd_scan(inv: Invocation) -> int:
    from automation.output import print_json, print_requests_table, scan_document
    from automation.run_summary import summary_line
    from automation.runner import scan_account

    rt = inv.runtime()
    documents = []
    for target in inv.check_secrets(inv.targets()):
        with live_status(f"scanning {target.name}", enabled=not inv.args.quiet):
            result = scan_account(target, rt)
        if inv.args.json:
            documents.append(
                scan_document(
                    account=target.email,
                    scanned_at=result.scanned_at,
                    requests=result.requests,
                    stats=result.stats,
                )
            )
        else:
            print_requests_table(
                result.requests,
                new=result.new,
                title=f"Pending buyer cancellation requests: {target.name} ({target.email})",
                summary=summary_line(result.requests, result.new, None),
            )
    if inv.args.json:
        print_json(documents[0] if len(documents) == 1 else documents)
    return ExitCode.OK


def rules_file_for(inv: Invocation, target: Any) -> Path:
    return inv.option("rules") or target.rules or EXAMPLE_RULES


def cmd_run(inv: Invocation) -> int:
    from loguru import logger

    from automation.output import error_document, print_json, print_requests_table, scan_document
    from automation.rules.loader import load_rules
    from automation.run_summary import outcome_word, run_notes, summary_line
    from automation.runner import run_account

    rt = inv.runtime()
    targets = inv.check_secrets(inv.targets())
    # Every rules file is validated before any browser starts: a broken file stops everything.
    loaded = {t.key: load_rules(rules_file_for(inv, t)) for t in targets}
    documents, failed, stopped = [], False, False
    for target in targets:
        with live_status(f"run {target.name}", enabled=not inv.args.quiet):
            result = run_account(
                target,
                rt,
                loaded[target.key],
                execute=inv.args.execute,
                actions_enabled=inv.settings.actions_enabled,
            )
        failed |= bool(result.failed)
        stopped |= result.stopped
        scan = result.scan
        if inv.args.json:
            extra = {oid: o.as_json() for oid, o in result.outcomes.items()}
            document = scan_document(
                account=target.email,
                scanned_at=scan.scanned_at,
                requests=scan.requests,
                stats=scan.stats,
                extra=extra,
            )
            account_error = _run_error(bool(result.failed), result.stopped)
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
    error = _run_error(failed, stopped)
    if inv.args.json:
        print_json(documents[0] if len(documents) == 1 else documents)
        if error is not None:  # its document, printed above, already carries the error
            logger.error("{}", error)
            return int(error.exit_code)
    if error is not None:
        raise error
    return ExitCode.OK


def _run_error(failed: bool, stopped: bool) -> ScCancelError | None:
    """How a run that got to its end still failed: some actions failed (9), or were halted (10)."""
    if failed:
        return ActionsFailedError("some actions failed or could not be confirmed; see `sc-cancel history`")
    if stopped:
        return StoppedError("actions were halted by the STOP file or the actions_enabled setting")
    return None


def cmd_login(inv: Invocation) -> int:
    from automation.login import login

    if inv.args.prompt and inv.args.headed:
        raise BadInputError("choose one: --prompt asks in the terminal, --headed in a browser window")
    rt = inv.runtime()
    for target in inv.check_secrets(inv.targets()):
        login(target, rt, wait_seconds=inv.args.wait, prompt=inv.args.prompt)
    return ExitCode.OK


def _ledger(inv: Invocation) -> Any:
    from automation.ledger import Ledger

    path = inv.data_dir / "ledger.sqlite3"
    if not path.exists():
        raise BadInputError(f"no ledger in {inv.data_dir} yet: run `sc-cancel scan` or `sc-cancel run` first")
    return Ledger.open(path)


def cmd_history(inv: Invocation) -> int:
    """Newest first, each event with its run id and age; `--run`, `--since`, `--order` narrow it."""
    from automation.durations import human_duration, parse_since
    from automation.output import print_json

    target = inv.one_target()
    now = datetime.now(UTC)
    since = parse_since(inv.args.since, now) if inv.args.since else None
    with _ledger(inv) as ledger:
        if inv.args.run and ledger.run(inv.args.run) is None:
            raise BadInputError(
                f"--run {inv.args.run}: no such run in {inv.data_dir} (`sc-cancel report` lists recent runs)"
            )
        events = ledger.history(
            target.key,
            order_id=inv.args.order,
            limit=inv.args.limit,
            since=since,
            run_id=inv.args.run,
            newest_first=True,
        )
    if inv.args.json:
        print_json([e.model_dump(mode="json") for e in events])
        return ExitCode.OK
    if events:
        print(f"{'when (UTC)':<19}  {'age':>14}  {'run':<22}  event")
    for e in events:
        when = e.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
        age = f"{human_duration(now - e.at)} ago"
        parts = [f"{when}  {age:>14}  {e.run_id or '-':<22}", e.event, e.order_id or "", e.thread_id or ""]
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
    filtered = inv.args.run or inv.args.since or inv.args.order
    if not events:
        print("No events match." if filtered else "No history yet.")
    elif len(events) == inv.args.limit:
        print(f"(the newest {len(events)} events; --limit N or --since for others)")
    return ExitCode.OK


def cmd_rules(inv: Invocation) -> int:
    from automation.rules.loader import load_rules

    loaded = load_rules(inv.args.file)
    if inv.args.rules_command == "check":
        rules = loaded.ruleset.rules
        print(
            f"{inv.args.file}: OK, {len(rules)} rule(s); default {loaded.ruleset.default}; "
            f"limits {loaded.ruleset.limits.max_cancellations_per_run}/run, "
            f"{loaded.ruleset.limits.max_cancellations_per_day}/24h"
        )
        for warning in _rules_warnings(inv, loaded):
            print(f"warning: {warning}", file=sys.stderr)
        return ExitCode.OK
    return explain_rules(inv, loaded)


def _rules_warnings(inv: Invocation, loaded: Any) -> list[str]:
    """What `rules check` warns about: `reason_matches` expressions that match no buyer reason the
    locale files know, in the locales of the accounts using the file (any locale without settings)."""
    from automation.parsers.locale_texts import load_all_locale_texts
    from automation.parsers.reasons import reason_texts
    from automation.rules.lint import reason_pattern_warnings

    selectors_dir = inv.option("selectors") or inv.settings.selectors_dir or REPO_SELECTORS
    texts = load_all_locale_texts(Path(selectors_dir).expanduser())
    locales: list[str] | None = None
    accounts = inv.settings.accounts if inv.config else []
    if accounts:
        checked = Path(inv.args.file).resolve()
        using = [a for a in accounts if Path(a.rules or EXAMPLE_RULES).resolve() == checked] or accounts
        locales = sorted({m.locale for a in using for m in a.marketplaces})
    return reason_pattern_warnings(loaded, reason_texts(texts), locales)


def explain_rules(inv: Invocation, loaded: Any) -> int:
    """`rules explain`: each account's last scan (scanned first where there is none), account by account."""
    rt = inv.runtime()
    targets = inv.targets()
    for n, target in enumerate(targets):
        if len(targets) > 1:
            print(f"{chr(10) if n else ''}Account {target.name} ({target.email})")
        _explain_account(inv, loaded, target, rt)
    return ExitCode.OK


def _explain_account(inv: Invocation, loaded: Any, target: Any, rt: Any) -> None:
    from automation.parsers.locale_texts import load_all_locale_texts
    from automation.parsers.reasons import ReasonTable
    from automation.rules.engine import decide, explain
    from automation.runner import scan_account

    requests = None
    ledger_path = inv.data_dir / "ledger.sqlite3"
    if ledger_path.exists():
        from automation.ledger import Ledger

        with Ledger.open(ledger_path) as ledger:
            if ledger.last_run(target.key) is not None:
                requests = ledger.open_requests(target.key)
    if requests is None:
        print(f"No scan of account {target.name} yet; scanning first.", file=sys.stderr)
        requests = scan_account(inv.check_secrets([target])[0], rt).requests
    from automation.ledger import Ledger

    with Ledger.open(ledger_path) as ledger:  # request ages on the site's clock, as the last scan saw it
        now = ledger.site_clock(target.key, rt.clock).now()
    reasons = ReasonTable.of(load_all_locale_texts(rt.selectors_dir))
    for request in requests:
        traces = explain(loaded.ruleset, request, now, reasons)
        decision = decide(loaded.ruleset, request, now=now, reasons=reasons)
        sources = "+".join(sorted(map(str, request.sources)))
        print(f"{request.order_id} ({request.kind}, {sources}, {request.order_status or '?'})")
        for trace in traces:
            print(f"   {'*' if trace.decides else ' '} {trace.summary}")
        what = {
            "cancel": "would be cancelled with Buyer Canceled",
            "reply": "the buyer would get the official-request instructions",
            "hold": "held for a person",
            "ignore": "left alone",
        }
        approval = {"auto": ", approved by the rule", "manual": ", once a person approves it"}.get(
            decision.approve or "", ""
        )
        via = (
            f"rule '{decision.rule}'"
            if decision.rule
            else f"no rule matched: default {loaded.ruleset.default}"
        )
        print(f"   => {what[str(decision.decision)]}{approval} ({via})")
    if not requests:
        print("No pending requests in the last scan.")


def cmd_schedule(inv: Invocation) -> int:
    import threading

    from automation.rules.loader import load_rules
    from automation.runner import run_account
    from automation.scheduler import Scheduler, install_signal_handlers, job_for_target, round_exit_code

    rt = inv.runtime()
    targets = inv.check_secrets(inv.targets())
    for target in targets:  # every rules file is validated before the loop starts
        load_rules(rules_file_for(inv, target))

    from automation.notify.hooks import RunHooks

    hooks = RunHooks.build(
        inv.settings,
        inv.environ,
        data_dir=inv.data_dir,
        runs_dir=rt.runs_dir,
        clock=rt.clock,
        source=inv.settings_document,
    )
    started_at = rt.clock()

    def run_target(target: Any) -> Any:
        hooks.round_checks(rt.ledger_path, targets, started_at)
        rules = load_rules(rules_file_for(inv, target))  # re-read: edits apply without a restart
        return run_account(
            target, rt, rules, execute=inv.args.execute, actions_enabled=inv.settings.actions_enabled
        )

    scheduler = Scheduler([job_for_target(t, run_target, clock=rt.clock) for t in targets])
    stop = threading.Event()
    restore = install_signal_handlers(stop)
    try:
        if inv.args.once:
            return round_exit_code(scheduler.run_once(stop))
        scheduler.run_forever(stop)
    finally:
        restore()
    return ExitCode.OK


def cmd_report(inv: Invocation) -> int:
    """`sc-cancel report`: the recent runs; with a run id (or --latest), that run's report file."""
    import webbrowser

    from automation.report import list_runs, open_report, print_run_list

    runs_dir = inv.runtime().runs_dir
    if inv.args.run_id is None and not inv.args.latest:
        print_run_list(list_runs(runs_dir, inv.args.limit), sys.stdout)
        return ExitCode.OK
    path = open_report(runs_dir, inv.args.run_id)
    print(path)
    if inv.args.open:
        webbrowser.open(path.as_uri())
    return ExitCode.OK


# ----------------------------------------------------------------------------------------------------
# Recordings and selector checks (issue 5): `scan --replay`, `record`, `scrub`, `selectors check`.


@dataclass
class ReplayInvocation(Invocation):
    """An invocation whose site is a recording: its target comes from meta.yaml, its network from the
    HAR (the runtime's `replay_har`), so the same `cmd_scan` runs it offline."""

    recording: Any = None

    def runtime(self) -> Any:
        import dataclasses

        return dataclasses.replace(super().runtime(), replay_har=self.recording.har)

    def targets(self) -> list[Any]:
        from automation.recording.replay import replay_target

        return [replay_target(self.recording)]

    def check_secrets(self, targets: list[Any]) -> list[Any]:
        """A replay never signs in (its target's password says why, if a recording asks for it)."""
        return targets


def _replaying(inv: Invocation) -> ReplayInvocation:
    from automation.recording.replay import load_recording

    if inv.option("scenario") or inv.option("base_url") or inv.option("account"):
        raise BadInputError(
            "--replay takes the site and account from the recording; "
            "drop --scenario, --base-url and --account"
        )
    return ReplayInvocation(
        inv.args, inv.settings, inv.config, inv.env, inv.environ, recording=load_recording(inv.args.replay)
    )


def cmd_scan_or_replay(inv: Invocation) -> int:
    return cmd_scan(_replaying(inv) if inv.option("replay") else inv)


def cmd_record(inv: Invocation) -> int:
    from automation.recording.record import record_manual, record_scan

    if inv.args.manual and not inv.args.headed:
        raise BadInputError("record --manual needs --headed (a browser window to click in)")
    record = record_manual if inv.args.manual else record_scan
    capture = record(inv.check_secrets([inv.one_target()])[0], inv.runtime(), name=inv.args.name)
    print(f"capture: {capture.path} (NOT scrubbed: it holds cookies and buyer data; never commit it)")
    page_key = "KEY" if inv.args.manual else "scan"
    print(f"next:    sc-cancel scrub {capture.path} --page-key {page_key} --name {inv.args.name or 'NAME'}")
    return ExitCode.OK


def cmd_scrub(inv: Invocation) -> int:
    from automation.recording.promote import promote_capture

    target = promote_capture(
        inv.args.capture,
        page_key=inv.args.page_key,
        name=inv.args.name,
        recordings_dir=inv.args.recordings,
        selectors_dir=inv.option("selectors") or inv.settings.selectors_dir or REPO_SELECTORS,
        force=inv.args.force,
    )
    print(f"recording: {target} (scrubbed; replay it with `sc-cancel scan --replay {target}`)")
    return ExitCode.OK


def cmd_selectors(inv: Invocation) -> int:
    from loguru import logger

    from automation.output import error_document, print_json
    from automation.selectors_check import changed_error, check_selectors

    if inv.option("replay"):
        replaying = _replaying(inv)
        report = check_selectors(replaying.targets()[0], inv.runtime(), recording=replaying.recording)
    else:
        report = check_selectors(inv.check_secrets([inv.one_target()])[0], inv.runtime())
    error = changed_error(report)
    if inv.args.json:
        document = report.as_json()
        if error is not None:  # one document on standard output, carrying the error too
            document["error"] = error_document(error.exit_code, str(error))["error"]
        print_json(document)
        if error is not None:
            logger.error("{}", error)
            return int(error.exit_code)
        return ExitCode.OK
    print("\n".join(report.lines()))
    if error is not None:
        raise error
    return ExitCode.OK
