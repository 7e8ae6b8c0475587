"""The two ways a command works on an account: `scan_account` (scan and record) and `run_account` (scan,
then decide with the rules and act).

Each opens the account for one run (`automation.account_run.open_account`: lock, ledger, sandbox,
browser, run record and report); everything comes in through `Runtime`, and nothing here reads the
environment or global settings.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING

from automation.account_run import OpenAccount, open_account
from automation.actions.cancel import OrderView
from automation.actions.executor import Executor
from automation.actions.outcome import RunResult, RunState
from automation.report import ReportTrigger
from automation.runtime import Runtime
from automation.scan import ScanResult
from automation.targets import Target

if TYPE_CHECKING:
    from automation.locks import LockWait
    from automation.rules.loader import LoadedRules
    from automation.sources.email import MailboxRead


def scan_account(target: Target, rt: Runtime, *, command: str = "scan") -> ScanResult:
    """Scan one account: sign in if needed, read both channels of every marketplace, merge, record in
    the ledger; the run's report is written when the account is closed."""
    with open_account(target, rt, command=command) as account:
        return account.scan()


def run_account(
    target: Target, rt: Runtime, rules: LoadedRules, *, execute: bool, actions_enabled: bool = True
) -> RunResult:
    """Scan, decide with the rules, and (only with `execute`) carry out what is approved, marketplace by
    marketplace, with the browser still open and the account's lock still held."""
    state = RunState(rules_path=rules.path, rules_sha256=rules.sha256, execute=execute)
    with open_account(target, rt, command="run", state=state) as account:
        scan = account.scan()
        _act(account, rt, rules, state, execute=execute, actions_enabled=actions_enabled)
    return RunResult(scan=scan, outcomes=state.outcomes, halted=state.halted)


def run_orders(
    target: Target,
    rt: Runtime,
    rules: LoadedRules,
    order_ids: Collection[str],
    read: MailboxRead,
    *,
    execute: bool,
    actions_enabled: bool = True,
    lock_wait: LockWait | None = None,
) -> RunResult:
    """A targeted run (`watch`, on new e-mails in `read`): only `order_ids`, each confirmed on its details
    page, then decided and acted on like `run_account`'s requests. No list is read: the scheduled full
    runs catch whatever an e-mail missed. `lock_wait`: how long to wait for a run holding the lock."""
    state = RunState(rules_path=rules.path, rules_sha256=rules.sha256, execute=execute)
    # Reported as a `run` (it decides and acts like one) with what started it and for which orders.
    trigger = ReportTrigger(order_ids=tuple(sorted(order_ids)))
    with open_account(
        target, rt, command="run", state=state, lock_wait=lock_wait, trigger=trigger
    ) as account:
        scan = account.check_orders(order_ids, read)
        # The orders were read just now to confirm their requests: the cancellations take those reads.
        _act(
            account,
            rt,
            rules,
            state,
            execute=execute,
            actions_enabled=actions_enabled,
            just_read=account.just_read,
        )
    return RunResult(scan=scan, outcomes=state.outcomes, halted=state.halted)


def _act(
    account: OpenAccount,
    rt: Runtime,
    rules: LoadedRules,
    state: RunState,
    *,
    execute: bool,
    actions_enabled: bool,
    just_read: Mapping[str, OrderView] | None = None,
) -> None:
    """Decide and (with `execute`) act on the scan's requests, marketplace by marketplace; the outcomes go
    into `state`. `just_read`: order views read moments ago in this run (a targeted run's only; a full
    run's scan may be minutes old, so its cancellations read each order again)."""
    shares = account.shares()
    with account.timer.phase("actions"):
        for browser, share in shares:
            if len(shares) > 1:
                browser.ensure_store(several=True)
            executor = Executor(
                browser,
                account.ledger,
                share,
                rules,
                rt,
                execute=execute,
                actions_enabled=actions_enabled,
                just_read=just_read,
            )
            done = executor.run()
            state.outcomes.update(done.outcomes)
            state.halted = state.halted or done.halted
