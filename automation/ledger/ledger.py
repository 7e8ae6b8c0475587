"""The `Ledger`: one SQLite file per data folder that remembers runs, requests seen, inbox marks,
decisions, approvals, actions and the audit trail, across restarts and across processes.

Several processes may share the file (a scheduled loop, and a person running `sc-cancel approve`), so
it runs in WAL mode with a busy timeout, and every change is one short `BEGIN IMMEDIATE` transaction.
Each part lives in its own module; this one only opens and closes the file.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from types import TracebackType

from automation.clock import utc_now
from automation.errors import BadInputError
from automation.ledger import schema
from automation.ledger.actions import ActionsMixin
from automation.ledger.audit import AuditMixin
from automation.ledger.decisions import DecisionsMixin
from automation.ledger.inbox import InboxMixin
from automation.ledger.mailbox import EmailSightingsMixin, MailboxMixin
from automation.ledger.requests import RequestsMixin
from automation.ledger.runs import RunsMixin

LEDGER_FILE_NAME = "ledger.sqlite3"
"""The ledger's file in the data folder."""


class Ledger(
    RunsMixin,
    RequestsMixin,
    InboxMixin,
    MailboxMixin,
    EmailSightingsMixin,
    DecisionsMixin,
    ActionsMixin,
    AuditMixin,
):
    @classmethod
    def open(cls, path: Path, *, clock: Callable[[], datetime] = utc_now) -> Ledger:
        """Open (creating it and its folders if needed) the ledger at `path`, readable by its owner
        only: it holds buyer order data. A file that is not a ledger is bad input (exit code 2)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
            os.chmod(path, 0o600)
        except OSError as exc:
            raise BadInputError(f"{path}: cannot open the ledger: {exc.strerror}; check --data-dir") from None
        conn = sqlite3.connect(path, isolation_level=None, timeout=schema.BUSY_TIMEOUT_MS / 1000)
        conn.row_factory = sqlite3.Row
        try:
            schema.configure(conn)
            schema.migrate(conn, path)
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise BadInputError(
                f"{path}: not a usable sc-cancel ledger ({exc}); move it away or use another --data-dir"
            ) from None
        except BaseException:
            conn.close()
            raise
        return cls(conn, clock)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
