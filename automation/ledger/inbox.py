"""What the inbox scan and order look-ups remember between runs.

The inbox is read newest first and the scan stops at threads it has already classified, so each
classified thread leaves a mark (its last activity and the verdict). Order statuses that can no longer
change are cached so a request seen only in Messages does not cost an order look-up every run.
"""

from __future__ import annotations

from collections.abc import Iterable

from automation.ledger.records import ThreadKind, ThreadMark
from automation.ledger.store import LedgerBase, from_db, from_db_or_none, to_db, to_db_or_none
from automation.models import OrderStatus

FINAL_ORDER_STATUSES = frozenset({OrderStatus.SHIPPED, OrderStatus.CANCELED})
"""Statuses an order never leaves: the only ones worth caching."""


class InboxMixin(LedgerBase):
    def thread_marks(self, account: str) -> dict[str, ThreadMark]:
        """Every thread classified so far for the account, by thread id."""
        rows = self._conn.execute("SELECT * FROM threads WHERE account = ?", (account,))
        return {
            row["thread_id"]: ThreadMark(
                thread_id=row["thread_id"],
                last_activity=from_db(row["last_activity"]),
                kind=ThreadKind(row["kind"]),
                order_id=row["order_id"],
                reason=row["reason"],
                requested_at=from_db_or_none(row["requested_at"]),
            )
            for row in rows
        }

    def record_threads(self, account: str, marks: Iterable[ThreadMark]) -> None:
        """Remember (or update) the marks of classified threads. A thread's first verdict, and any
        change of verdict or order, is audited; a mere newer activity time is not."""
        now = self._now()
        with self._write():
            for mark in marks:
                row = self._conn.execute(
                    "SELECT kind, order_id FROM threads WHERE account = ? AND thread_id = ?",
                    (account, mark.thread_id),
                ).fetchone()
                self._conn.execute(
                    """INSERT INTO threads (account, thread_id, last_activity, kind, order_id, reason,
                           requested_at, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                       ON CONFLICT (account, thread_id) DO UPDATE SET last_activity = excluded.last_activity,
                           kind = excluded.kind, order_id = excluded.order_id, reason = excluded.reason,
                           requested_at = excluded.requested_at, recorded_at = excluded.recorded_at""",
                    (
                        account,
                        mark.thread_id,
                        to_db(mark.last_activity),
                        str(mark.kind),
                        mark.order_id,
                        mark.reason,
                        to_db_or_none(mark.requested_at),
                        now,
                    ),
                )
                if row is None or (row["kind"], row["order_id"]) != (str(mark.kind), mark.order_id):
                    self._audit(
                        at=now,
                        event="thread_classified",
                        account=account,
                        marketplace=None
                        if mark.order_id is None
                        else self._request_marketplace(account, mark.order_id),
                        order_id=mark.order_id,
                        thread_id=mark.thread_id,
                        state=str(mark.kind),
                    )

    def cached_order_status(self, account: str, order_id: str) -> OrderStatus | None:
        """The order's status if it was cached as final (shipped or canceled); None means "look it up"."""
        row = self._conn.execute(
            "SELECT status FROM order_status_cache WHERE account = ? AND order_id = ?", (account, order_id)
        ).fetchone()
        return None if row is None else OrderStatus(row["status"])

    def cache_order_status(self, account: str, order_id: str, status: OrderStatus) -> bool:
        """Cache a looked-up status if it can no longer change; returns whether it was cached. Pending
        and unshipped orders move on, so caching them would hide a later change. Not audited: a cache
        is an optimisation, not a decision."""
        if status not in FINAL_ORDER_STATUSES:
            return False
        with self._write():
            self._conn.execute(
                """INSERT INTO order_status_cache (account, order_id, status, checked_at)
                   VALUES (?, ?, ?, ?)
                   ON CONFLICT (account, order_id) DO UPDATE SET status = excluded.status,
                       checked_at = excluded.checked_at""",
                (account, order_id, str(status), self._now()),
            )
        return True
