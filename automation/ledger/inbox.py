"""What the inbox scan and order look-ups remember between runs.

The inbox is read newest first and the scan stops at threads it has already classified, so each
classified thread leaves a mark (its last activity and the verdict). Looked-up orders are cached whole
with the time they were read, so a request seen only in Messages need not cost an order look-up every
run: an order whose status can no longer change is reused for good, any other only within the
`order_lookup_ttl` setting (`reusable`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from pydantic import ValidationError

from automation.ledger.records import ThreadKind, ThreadMark
from automation.ledger.store import LedgerBase, from_db, from_db_or_none, to_db, to_db_or_none
from automation.models import Order, OrderStatus

FINAL_ORDER_STATUSES = frozenset({OrderStatus.SHIPPED, OrderStatus.CANCELED})
"""Statuses an order never leaves: the only ones worth caching."""


def complete(order: Order) -> bool:
    """Whether a looked-up order holds what the merge decides with: status and fulfillment. A status
    alone let an Amazon-fulfilled shipped order pass for a merchant-fulfilled one, whose request the
    merge keeps."""
    return order.status is not None and order.fulfillment is not None


def reusable(order: Order, looked_up_at: datetime, now: datetime, ttl: timedelta | None) -> bool:
    """Whether a cached look-up may stand in for reading the order again: it is `complete`, and either
    its status is final (it can no longer change) or it was read less than `ttl` ago (None: the
    current run only, so never across runs). A look-up dated after `now` (a clock set back) is read
    again."""
    if not complete(order):
        return False
    if order.status in FINAL_ORDER_STATUSES:
        return True
    return ttl is not None and timedelta(0) <= now - looked_up_at < ttl


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

    def record_threads(self, account: str, marks: Iterable[ThreadMark], run_id: str | None = None) -> None:
        """Remember (or update) the marks of classified threads. A thread's first verdict, and any
        change of verdict or order, is audited (with the run that read it); a mere newer activity time
        is not."""
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
                        run_id=run_id,
                    )

    def cached_order(self, account: str, order_id: str, ttl: timedelta | None = None) -> Order | None:
        """The order as looked up on an earlier scan, if `reusable` within `ttl` (by the ledger's clock,
        the machine's, which also dated the look-up); None means "look it up". A row written before
        whole orders were kept (status only) is never reused."""
        row = self._conn.execute(
            "SELECT record, checked_at FROM order_status_cache WHERE account = ? AND order_id = ?",
            (account, order_id),
        ).fetchone()
        if row is None or row["record"] is None:
            return None
        try:
            order = Order.model_validate_json(row["record"])
        except ValidationError:
            return None
        return order if reusable(order, from_db(row["checked_at"]), self._clock(), ttl) else None

    def cache_order(self, account: str, order: Order) -> bool:
        """Cache a looked-up order, dated now, if it is `complete`; returns whether it was cached. One
        that can still change (pending, unshipped) is reused only within `order_lookup_ttl`
        (`cached_order`). Not audited: a cache is an optimisation, not a decision."""
        if not complete(order):
            return False
        with self._write():
            self._conn.execute(
                """INSERT INTO order_status_cache (account, order_id, status, record, checked_at)
                   VALUES (?, ?, ?, ?, ?)
                   ON CONFLICT (account, order_id) DO UPDATE SET status = excluded.status,
                       record = excluded.record, checked_at = excluded.checked_at""",
                (account, order.order_id, str(order.status), order.model_dump_json(), self._now()),
            )
        return True
