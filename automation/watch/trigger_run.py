"""From an account's new e-mails to a targeted run of the orders they name.

The new e-mails are read (incrementally, read-only) before the account is opened, so that mail that
names no request (shipping notices, refunds...) costs no browser and no run record: it is remembered in
the ledger, for the next full scan to check like any e-mail, and the reading position moves on. When
allowed request notices name orders, `run_orders` opens the account (waiting for its lock up to
`run_timeout`), confirms each order on its details page and acts under the rules; it remembers the
e-mails and moves the reading position itself once it has finished. A stop asked of `watch` ends the
wait for the lock (the run has not started; its e-mails are read again by the next run).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

from loguru import logger

from automation.errors import LockedError
from automation.ledger import Ledger
from automation.locks import LockWait
from automation.runner import run_orders
from automation.runtime import Prepared
from automation.scan_email import read_emails, sighting_of
from automation.scheduler.outcome import JobOutcome
from automation.scheduler.worker import stop_asked
from automation.sources.email import EmailNotice

if TYPE_CHECKING:
    from automation.rules.loader import LoadedRules
    from automation.runtime import Runtime
    from automation.targets import Target


def requested_orders(notices: list[EmailNotice]) -> list[str]:
    """The orders allowed request notices name, each once, sorted. Pure.

    A spoof (a sender not allowed) or a buyer's own words never start a run: the full scans check them."""
    return sorted({n.order_id for n in notices if n.kind == "request" and n.sender_allowed and n.order_id})


@dataclass
class TriggerRun:
    """What `watch` runs when an account's mailbox saw new mail."""

    targets: dict[str, Target]
    rt: Runtime
    rules: Callable[[Target], LoadedRules]
    """The account's rules, read again at each run (edits apply without a restart)."""
    execute: bool
    actions_enabled: bool
    run_timeout: timedelta
    """How long to wait for the account's lock when another run holds it."""
    stop: threading.Event
    """`watch`'s stop event: set, it ends a wait for the lock (in a worker, through `stop_asked`)."""
    _prepared: Prepared | None = field(default=None, repr=False)

    def __call__(self, account: str) -> JobOutcome | None:
        target, rt = self.targets[account], self.rt
        if self._prepared is None:
            self._prepared = Prepared.load(rt.selectors_dir)
        started = rt.clock()
        with contextlib.closing(Ledger.open(rt.ledger_location, clock=rt.clock)) as ledger:
            read = read_emails(target, ledger, rt.selectors_dir, self._prepared.texts, started)
            if read is None:
                return None
            for warning in read.warnings:
                logger.warning("watch {}: {}", account, warning.message)
            order_ids = requested_orders(read.notices)
            if not order_ids:
                ledger.remember_emails(target.key, [sighting_of(n) for n in read.notices], run_id=None)
                read.commit(ledger)
                logger.debug("watch {}: {} new e-mails, no request notice", account, read.emails_seen)
                return None
        logger.info("watch {}: e-mail names a request for {}", account, ", ".join(order_ids))
        lock_wait = LockWait(self.run_timeout, stop=stop_asked(self.stop))
        try:
            result = run_orders(
                target,
                rt,
                self.rules(target),
                order_ids,
                read,
                execute=self.execute,
                actions_enabled=self.actions_enabled,
                lock_wait=lock_wait,
            )
        except LockedError:
            if not lock_wait.stop.is_set():
                raise
            logger.info(
                "watch {}: stopping; no longer waiting for the account's lock (held by another run), "
                "the next run reads these e-mails again",
                account,
            )
            return None
        return JobOutcome.from_run_result(account, result, started_at=started, finished_at=rt.clock())
