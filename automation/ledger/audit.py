"""Reading the audit trail (`sc-cancel history`) and purging buyer data past its retention.

The trail itself is written by every change, in the change's own transaction (`LedgerBase._audit`),
and SQLite triggers refuse to update or delete its rows. It carries no buyer names or message text, so
the retention purge never needs to touch it.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from automation.ledger.records import AuditEvent
from automation.ledger.store import LedgerBase, Record, from_db, to_db
from automation.models import CancellationRequest, Order, RequestKind


def _event_from_row(row: Record) -> AuditEvent:
    # A Row iterates over its values, so the column names come from keys().
    fields = {key: value for key, value in zip(row.keys(), row, strict=True) if key not in {"id", "at"}}
    return AuditEvent(event_id=row["id"], at=from_db(row["at"]), **fields)


def scrub_request(request: CancellationRequest) -> CancellationRequest:
    """The request without buyer personal data: the buyer's name, and the reasons of inquiries (the
    buyer's own words). Official reasons come from Amazon's fixed list and are kept."""
    inquiry = request.kind is RequestKind.INQUIRY
    return request.model_copy(
        update={
            "buyer_name": None,
            "reason": None if inquiry else request.reason,
            "sightings": tuple(
                sighting.model_copy(update={"reason": None})
                if sighting.kind is RequestKind.INQUIRY
                else sighting
                for sighting in request.sightings
            ),
        }
    )


class AuditMixin(LedgerBase):
    def history(
        self,
        account: str | None = None,
        order_id: str | None = None,
        limit: int | None = None,
        *,
        since: datetime | None = None,
        run_id: str | None = None,
        newest_first: bool = False,
    ) -> list[AuditEvent]:
        """Audit events, oldest first (or newest first); with `limit`, the latest `limit` of them;
        `since` keeps events at or after a time, `run_id` those of one run."""
        clauses: list[str] = []
        params: list[Any] = []
        for column, value in (("account", account), ("order_id", order_id), ("run_id", run_id)):
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value)
        if since is not None:
            clauses.append("at >= ?")
            params.append(to_db(since))
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        sql = f"SELECT * FROM audit {where} ORDER BY id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        rows = self._conn.execute(sql, params).fetchall()
        return [_event_from_row(row) for row in (rows if newest_first else reversed(rows))]

    def purge_personal_data(self, older_than: datetime) -> int:
        """Remove buyer personal data last seen before `older_than` (the retention setting's cut-off):
        buyer names and inquiry reasons in requests, inquiry reasons in thread marks, buyer names in
        cached order look-ups, subjects of remembered e-mails. Returns how many rows were scrubbed;
        what the rules and limits need (ids, kinds, states, times) stays."""
        cutoff = to_db(older_than)
        now = self._now()
        scrubbed = 0
        with self._write():
            rows = self._conn.execute(
                "SELECT account, order_id, record FROM requests"
                " WHERE last_seen < ? AND personal_purged_at IS NULL",
                (cutoff,),
            ).fetchall()
            for row in rows:
                request = CancellationRequest.model_validate_json(row["record"])
                clean = scrub_request(request)
                if clean != request:
                    scrubbed += 1
                self._conn.execute(
                    "UPDATE requests SET record = ?, personal_purged_at = ?"
                    " WHERE account = ? AND order_id = ?",
                    (clean.model_dump_json(), now, row["account"], row["order_id"]),
                )
            scrubbed += self._scrub_cached_orders(cutoff)
            scrubbed += self._conn.execute(  # subjects of buyer messages carry the buyer's name
                "UPDATE email_sightings SET subject = '' WHERE received_at < ? AND subject != ''",
                (cutoff,),
            ).rowcount
            scrubbed += self._conn.execute(
                "UPDATE threads SET reason = NULL"
                " WHERE last_activity < ? AND kind = 'inquiry' AND reason IS NOT NULL",
                (cutoff,),
            ).rowcount
            if scrubbed:
                self._audit(
                    at=now,
                    event="personal_data_purged",
                    outcome=str(scrubbed),
                    detail=json.dumps({"older_than": cutoff, "rows": scrubbed}),
                )
        return scrubbed

    def _scrub_cached_orders(self, cutoff: str) -> int:
        """Drop the buyer's name from orders cached before `cutoff`; the rest (status, fulfillment,
        items) is what later scans reuse and stays."""
        scrubbed = 0
        rows = self._conn.execute(
            "SELECT account, order_id, record FROM order_status_cache"
            " WHERE checked_at < ? AND record IS NOT NULL",
            (cutoff,),
        ).fetchall()
        for row in rows:
            order = Order.model_validate_json(row["record"])
            if order.buyer_name is None:
                continue
            clean = order.model_copy(update={"buyer_name": None})
            self._conn.execute(
                "UPDATE order_status_cache SET record = ? WHERE account = ? AND order_id = ?",
                (clean.model_dump_json(), row["account"], row["order_id"]),
            )
            scrubbed += 1
        return scrubbed
