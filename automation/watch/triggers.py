"""The accounts whose mailbox saw new mail, served one at a time between the scheduled runs.

The mail waiters run in threads of their own and only note the account here; the targeted runs happen
in the main thread, in the scheduler's waits (`serve` is the `Scheduler`'s `sleep`), so a targeted run
and a scheduled run never overlap in this process, and a stop (SIGTERM, Ctrl-C) lets the run in progress
finish. An account woken several times before it is served gets one targeted run: that run reads every
new e-mail.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from loguru import logger

from automation.clock import utc_now
from automation.scheduler.outcome import JobOutcome

SLICE_SECONDS = 0.5
"""How often a wait looks at the stop event (a signal handler can only set it)."""


class Triggers:
    """Accounts to serve, in the order their mail arrived; `handle(account)` runs one targeted run."""

    def __init__(self, handle: Callable[[str], JobOutcome | None], stop: threading.Event) -> None:
        self._handle = handle
        self._stop = stop
        self._waiting: list[str] = []
        self._arrived = threading.Condition()

    def mail_arrived(self, account: str) -> None:
        """Called by a mail waiter's thread."""
        with self._arrived:
            if account not in self._waiting:
                self._waiting.append(account)
            self._arrived.notify_all()

    def serve(self, seconds: float) -> None:
        """Wait up to `seconds`, serving the accounts whose mail arrives meanwhile; return after serving,
        so that the scheduler looks at its plan again."""
        deadline = time.monotonic() + seconds
        while not self._stop.is_set():
            with self._arrived:
                left = deadline - time.monotonic()
                if not self._waiting and left > 0:
                    self._arrived.wait(min(SLICE_SECONDS, left))
                account = self._waiting.pop(0) if self._waiting else None
            if account is not None:
                self._serve_one(account)
                return
            if time.monotonic() >= deadline:
                return

    def _serve_one(self, account: str) -> None:
        """One targeted run; whatever happens becomes a log line, never an exception ending the loop."""
        started = utc_now()
        try:
            outcome = self._handle(account)
        except Exception as exc:  # LockedError included: exit code 6 after waiting run_timeout
            outcome = JobOutcome.from_exception(account, exc, started_at=started, finished_at=utc_now())
            if outcome.exit_code == 1:
                logger.opt(exception=exc).debug("traceback of the failed e-mail run of {}", account)
        if outcome is None:
            return
        line = outcome.line().replace("scheduled run", "e-mail run", 1)
        logger.log("ERROR" if outcome.failed else "INFO", line)
