"""The ledger's connection, clock, time format, write transactions and audit appends, shared by every
part of the ledger.

Times are stored as fixed-width UTC strings (`2026-11-26T12:00:03.000000Z`) so that SQLite compares
them correctly as text: the rolling 24-hour limit is a plain `>=` on strings.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def to_db(moment: datetime) -> str:
    """An aware datetime as the ledger's UTC text; a naive one is a bug (whose time zone would it be?)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment!r}: the ledger only takes time-zone-aware times")
    return moment.astimezone(UTC).strftime(TIME_FORMAT)


def to_db_or_none(moment: datetime | None) -> str | None:
    return None if moment is None else to_db(moment)


def from_db(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def from_db_or_none(text: str | None) -> datetime | None:
    return None if text is None else from_db(text)


class LedgerBase:
    """State every ledger part needs: one connection (autocommit; writes in explicit transactions) and
    the injected clock."""

    def __init__(self, conn: sqlite3.Connection, clock: Callable[[], datetime]) -> None:
        self._conn = conn
        self._clock = clock

    def _now(self) -> str:
        return to_db(self._clock())

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One short write transaction. `BEGIN IMMEDIATE` takes the write lock up front, so a second
        process waits on `busy_timeout` instead of failing when it upgrades a read to a write."""
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield self._conn
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    def _request_marketplace(self, account: str, order_id: str) -> str | None:
        row = self._conn.execute(
            "SELECT marketplace FROM requests WHERE account = ? AND order_id = ?", (account, order_id)
        ).fetchone()
        return None if row is None else row["marketplace"]

    def _audit(
        self,
        *,
        at: str,
        event: str,
        account: str | None = None,
        marketplace: str | None = None,
        order_id: str | None = None,
        thread_id: str | None = None,
        action: str | None = None,
        state: str | None = None,
        rule: str | None = None,
        rules_sha256: str | None = None,
        approver: str | None = None,
        outcome: str | None = None,
        reason: str | None = None,
        evidence: str | None = None,
        run_id: str | None = None,
        action_id: int | None = None,
        detail: str | None = None,
    ) -> None:
        """Append one audit event; called inside the transaction of the change it records, so the
        change and its trace commit or vanish together."""
        self._conn.execute(
            """INSERT INTO audit (at, account, marketplace, order_id, thread_id, event, action, state,
                   rule, rules_sha256, approver, outcome, reason, evidence, run_id, action_id, detail)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                at,
                account,
                marketplace,
                order_id,
                thread_id,
                event,
                action,
                state,
                rule,
                rules_sha256,
                approver,
                outcome,
                reason,
                evidence,
                run_id,
                action_id,
                detail,
            ),
        )
