"""The `Ledger`: the database that remembers runs, requests seen, inbox marks, decisions, approvals,
actions and the audit trail, across restarts, processes and (on PostgreSQL) machines.

By default one SQLite file per data folder; `ledger_url` may name a PostgreSQL database shared by several
machines instead. Several processes may share it (a scheduled loop, and a person running `sc-cancel
approve`), so every change is one short write transaction (engine.py, store.py). Each part lives in its
own module; this one only opens and closes the database, upgrading its tables on the way (migrate.py).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError

from automation.clock import utc_now
from automation.errors import BadInputError
from automation.ledger import migrate
from automation.ledger.actions import ActionsMixin
from automation.ledger.audit import AuditMixin
from automation.ledger.engine import make_engine, parse_ledger_url, safe_url, sqlite_url
from automation.ledger.inbox import InboxMixin
from automation.ledger.mailbox import EmailSightingsMixin, MailboxMixin
from automation.ledger.requests import RequestsMixin
from automation.ledger.runs import RunsMixin
from automation.ledger.stop_switch import StopSwitchMixin
from automation.ledger.store import LedgerDb

LEDGER_FILE_NAME = "ledger.sqlite3"
"""The ledger's file in the data folder (the default `ledger_url`)."""


@dataclass(frozen=True)
class LedgerLocation:
    """Where the ledger is: a SQLAlchemy URL without password (`ledger_url`), and the password resolved
    from `ledger_password`, if any. Printing it never shows the password."""

    url: str
    password: str | None = None

    @classmethod
    def sqlite(cls, path: Path) -> LedgerLocation:
        return cls(sqlite_url(path))

    @property
    def sqlite_file(self) -> Path | None:
        """The SQLite file, or None for a database server."""
        parsed = parse_ledger_url(self.url)
        return Path(parsed.database) if parsed.get_backend_name() == "sqlite" and parsed.database else None

    def exists(self) -> bool:
        """Whether there may be a ledger to read: the file exists, or it is a database server."""
        file = self.sqlite_file
        return file is None or file.exists()

    def __str__(self) -> str:
        return safe_url(self.url)

    def __repr__(self) -> str:
        return f"LedgerLocation({safe_url(self.url)!r})"


class Ledger(
    RunsMixin,
    RequestsMixin,
    InboxMixin,
    MailboxMixin,
    EmailSightingsMixin,
    ActionsMixin,
    AuditMixin,
    StopSwitchMixin,
):
    _engine: Engine

    @classmethod
    def open(cls, where: Path | LedgerLocation, *, clock: Callable[[], datetime] = utc_now) -> Ledger:
        """Open the ledger at `where` (a SQLite file's path, or a location from the settings), creating
        or upgrading its tables. A SQLite file and its folders are created if needed, readable by their
        owner only: it holds buyer order data. A file that is not a ledger is bad input (exit code 2)."""
        location = where if isinstance(where, LedgerLocation) else LedgerLocation.sqlite(Path(where))
        engine, conn, _revisions = connect_and_upgrade(location)
        ledger = cls(LedgerDb(conn), clock)
        ledger._engine = engine
        return ledger

    def close(self) -> None:
        self._conn.close()
        self._engine.dispose()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def _make_private_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
        os.chmod(path, 0o600)
    except OSError as exc:
        raise BadInputError(f"{path}: cannot open the ledger: {exc.strerror}; check --data-dir") from None


def connect_and_upgrade(location: LedgerLocation) -> tuple[Engine, Connection, tuple[str | None, str]]:
    """An engine and a connection to the ledger at `location`, its tables brought to the head revision
    (a SQLite file is created first, private); also the revisions before and after. A database that is
    not a usable ledger, or cannot be reached, is bad input (exit code 2) naming where it is."""
    path = location.sqlite_file
    if path is not None:
        _make_private_file(path)
    name = str(path) if path is not None else str(location)
    engine = make_engine(location.url, location.password)
    try:
        conn = engine.connect()
        try:
            revisions = migrate.upgrade(conn, name)
        except BaseException:
            conn.close()
            raise
    except DBAPIError as exc:
        engine.dispose()
        hint = "move it away or use another --data-dir" if path is not None else "check ledger_url"
        raise BadInputError(f"{name}: not a usable sc-cancel ledger ({exc.orig}); {hint}") from None
    except BaseException:
        engine.dispose()
        raise
    return engine, conn, revisions
