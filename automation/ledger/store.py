"""The ledger's connection, clock, time format, write transactions and audit appends, shared by every
part of the ledger.

Times are stored as fixed-width UTC strings (`2026-11-26T12:00:03.000000Z`) so that the database
compares them correctly as text: the rolling 24-hour limit is a plain `>=` on strings, on SQLite and
PostgreSQL alike.

The ledger's SQL is written once, in the subset both databases share, with `?` placeholders; `LedgerDb`
hands each statement to SQLAlchemy as `text()` with the placeholders bound as named parameters, and
returns rows readable by column name or position. Reads outside a write end their transaction at once, so
no snapshot or lock is held between calls.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Row, text
from sqlalchemy.sql.elements import TextClause

from automation.ledger.engine import is_sqlite, write_transaction

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


_PLACEHOLDER_OR_QUOTED = re.compile(r"'(?:[^']|'')*'|\?")


@functools.lru_cache(maxsize=512)
def _named(sql: str) -> TextClause:
    """`sql` with each `?` outside string literals replaced by `:p0`, `:p1`, ..., as a `text()`."""
    counter = iter(range(10_000))

    def replace(match: re.Match[str]) -> str:
        return match.group(0) if match.group(0) != "?" else f":p{next(counter)}"

    return text(_PLACEHOLDER_OR_QUOTED.sub(replace, sql))


def _bind(value: Any) -> Any:
    # Flags are INTEGER columns; PostgreSQL will not store a boolean in one.
    return int(value) if isinstance(value, bool) else value


class Record:
    """One row, read by column name (`row["state"]`) or position (`row[0]`), like sqlite3.Row."""

    __slots__ = ("_row",)

    def __init__(self, row: Row[Any]) -> None:
        self._row = row

    def __getitem__(self, key: str | int) -> Any:
        return self._row[key] if isinstance(key, int) else self._row._mapping[key]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._row)

    def __len__(self) -> int:
        return len(self._row)

    def keys(self) -> list[str]:
        return list(self._row._mapping.keys())


class Rows:
    """A statement's result, fetched in full: rows, and how many rows a change touched."""

    def __init__(self, rows: list[Record], rowcount: int) -> None:
        self._rows = rows
        self.rowcount = rowcount

    def fetchone(self) -> Any:  # Record | None, typed as loosely as sqlite3's
        return self._rows[0] if self._rows else None

    def fetchall(self) -> list[Record]:
        return list(self._rows)

    def __iter__(self) -> Iterator[Record]:
        return iter(self._rows)


class LedgerDb:
    """The ledger's one SQLAlchemy connection, with the sqlite3-like `execute` the ledger's parts use."""

    def __init__(self, conn: Connection) -> None:
        self.connection = conn
        self.sqlite = is_sqlite(conn)
        self._writing = False

    @property
    def for_update(self) -> str:
        """What locks the rows a write reads on PostgreSQL; SQLite's BEGIN IMMEDIATE already holds the
        whole file."""
        return "" if self.sqlite else " FOR UPDATE"

    def execute(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> Rows:
        values = (
            {key: _bind(value) for key, value in params.items()}
            if isinstance(params, Mapping)
            else {f"p{index}": _bind(value) for index, value in enumerate(params)}
        )
        result = self.connection.execute(_named(sql), values)
        rows = [Record(row) for row in result] if result.returns_rows else []
        rowcount = result.rowcount if not result.returns_rows else len(rows)
        if not self._writing:
            self.connection.commit()
        return Rows(rows, rowcount)

    def executemany(self, sql: str, seq: Iterable[Sequence[Any]]) -> None:
        for params in seq:
            self.execute(sql, params)

    @contextmanager
    def write(self) -> Iterator[LedgerDb]:
        if self._writing:  # a part of a larger change: it commits with it
            yield self
            return
        with write_transaction(self.connection):
            self._writing = True
            try:
                yield self
            finally:
                self._writing = False

    def close(self) -> None:
        if self.connection.in_transaction():
            self.connection.rollback()
        self.connection.close()


class LedgerBase:
    """State every ledger part needs: one connection (writes in explicit transactions) and the injected
    clock."""

    def __init__(self, db: LedgerDb, clock: Callable[[], datetime]) -> None:
        self._conn = db
        self._clock = clock

    def _now(self) -> str:
        return to_db(self._clock())

    @contextmanager
    def _write(self) -> Iterator[LedgerDb]:
        """One short write transaction. On SQLite `BEGIN IMMEDIATE` takes the write lock up front, so a
        second process waits on `busy_timeout` instead of failing when it upgrades a read to a write; on
        PostgreSQL the rows a change depends on are read `FOR UPDATE`."""
        with self._conn.write() as db:
            yield db

    def _lock_requests(self, account: str, order_ids: Iterable[str]) -> None:
        """On PostgreSQL, lock the request rows of `order_ids` to the end of the write transaction: every
        change that decides something about an order (a decision, a person's word, an action going in
        flight) takes them first, so two processes never both act on what they read before the other's
        change. Taken in order-id order, as `record_scan` takes them, so two writers never wait on each
        other crosswise. SQLite's `BEGIN IMMEDIATE` already serialises every write."""
        ids = sorted(set(order_ids))
        if self._conn.sqlite or not ids:
            return
        marks = ", ".join("?" * len(ids))
        self._conn.execute(
            f"SELECT order_id FROM requests WHERE account = ? AND order_id IN ({marks})"
            " ORDER BY order_id FOR UPDATE",
            (account, *ids),
        )

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
