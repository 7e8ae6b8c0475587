"""Requests seen: what each scan found, so the table can mark what is new, requests that vanished are
closed with a time, and requests from inbox threads the next scan does not re-read are carried over.

The caller passes the complete set of pending requests of a scan (including the ones it carried over
from `open_requests`): an open request missing from it is taken as gone and closed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from automation.ledger.records import RequestObservation, ScanDiff, SeenRequest
from automation.ledger.store import LedgerBase, Record, from_db, from_db_or_none
from automation.models import CancellationRequest, Channel, RequestKind


def _sources_json(sources: Sequence[Channel] | set[Channel]) -> str:
    return json.dumps(sorted(str(source) for source in sources))


def _seen_from_row(row: Record) -> SeenRequest:
    return SeenRequest(
        account=row["account"],
        order_id=row["order_id"],
        marketplace=row["marketplace"],
        kind=RequestKind(row["kind"]),
        sources=tuple(Channel(source) for source in json.loads(row["sources"])),
        first_seen=from_db(row["first_seen"]),
        last_seen=from_db(row["last_seen"]),
        first_run_id=row["first_run_id"],
        last_run_id=row["last_run_id"],
        closed_at=from_db_or_none(row["closed_at"]),
        request=CancellationRequest.model_validate_json(row["record"]),
    )


def _describe(request: CancellationRequest) -> str:
    """The audit's summary of a request: kind, sources and status, never the buyer's data."""
    sources = ",".join(sorted(str(source) for source in request.sources))
    return f"kind={request.kind} sources={sources} status={request.order_status}"


class RequestsMixin(LedgerBase):
    def record_scan(
        self,
        account: str,
        run_id: str | None,
        requests: Sequence[CancellationRequest],
        *,
        marketplace: str | None,
        partial: bool = False,
    ) -> ScanDiff:
        """Store one scan's pending requests (one per order) and say what changed since the previous one.
        A request's own `marketplace` wins over the scan's. A `partial` scan (a targeted run that looked
        at a few orders only) closes no request it did not see."""
        order_ids = [request.order_id for request in requests]
        seen_now = set(order_ids)
        if len(seen_now) != len(order_ids):
            raise ValueError("record_scan takes one request per order; merge the channels first")
        now = self._now()
        new: list[str] = []
        reopened: list[str] = []
        changed: list[str] = []
        with self._write():
            existing = {
                row["order_id"]: row
                for row in self._conn.execute(
                    f"SELECT * FROM requests WHERE account = ? ORDER BY order_id{self._conn.for_update}",
                    (account,),
                )
            }
            for request in requests:
                market = request.marketplace or marketplace
                row = existing.get(request.order_id)
                event = self._store_request(
                    account=account, run_id=run_id, request=request, marketplace=market, row=row, now=now
                )
                if event is None:
                    continue
                {"new": new, "reopened": reopened, "changed": changed}[event].append(request.order_id)
                self._observe(account, run_id, request, event, now)
                self._audit(
                    at=now,
                    event=f"request_{event}",
                    account=account,
                    marketplace=market,
                    order_id=request.order_id,
                    state="open",
                    run_id=run_id,
                    detail=_describe(request),
                )
            closed = sorted(
                order_id
                for order_id, row in existing.items()
                if row["closed_at"] is None and order_id not in seen_now and not partial
            )
            for order_id in closed:
                self._conn.execute(
                    "UPDATE requests SET closed_at = ? WHERE account = ? AND order_id = ?",
                    (now, account, order_id),
                )
                last = CancellationRequest.model_validate_json(existing[order_id]["record"])
                self._observe(account, run_id, last, "closed", now)
                self._audit(
                    at=now,
                    event="request_closed",
                    account=account,
                    marketplace=existing[order_id]["marketplace"],
                    order_id=order_id,
                    state="closed",
                    run_id=run_id,
                    detail=_describe(last),
                )
        return ScanDiff(
            new=tuple(sorted(new)),
            reopened=tuple(sorted(reopened)),
            changed=tuple(sorted(changed)),
            closed=tuple(closed),
            seen=tuple(sorted(order_ids)),
        )

    def _store_request(
        self,
        *,
        account: str,
        run_id: str | None,
        request: CancellationRequest,
        marketplace: str | None,
        row: Record | None,
        now: str,
    ) -> str | None:
        """Insert or update one request's row; returns the history event it makes, if any."""
        record = request.model_dump_json()
        if row is None:
            self._conn.execute(
                """INSERT INTO requests (account, order_id, marketplace, kind, sources, first_seen,
                       last_seen, first_run_id, last_run_id, record)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    account,
                    request.order_id,
                    marketplace,
                    str(request.kind),
                    _sources_json(request.sources),
                    now,
                    now,
                    run_id,
                    run_id,
                    record,
                ),
            )
            return "new"
        previous = CancellationRequest.model_validate_json(row["record"])
        sources_ever = {Channel(source) for source in json.loads(row["sources"])} | set(request.sources)
        self._conn.execute(
            """UPDATE requests SET marketplace = COALESCE(?, marketplace), kind = ?, sources = ?,
                   last_seen = ?, last_run_id = ?, closed_at = NULL, record = ?, personal_purged_at = NULL
               WHERE account = ? AND order_id = ?""",
            (
                marketplace,
                str(request.kind),
                _sources_json(sources_ever),
                now,
                run_id,
                record,
                account,
                request.order_id,
            ),
        )
        if row["closed_at"] is not None:
            return "reopened"
        if (previous.kind, set(previous.sources), previous.order_status) != (
            request.kind,
            set(request.sources),
            request.order_status,
        ):
            return "changed"
        return None

    def _observe(
        self, account: str, run_id: str | None, request: CancellationRequest, event: str, now: str
    ) -> None:
        self._conn.execute(
            """INSERT INTO request_observations (account, order_id, run_id, at, event, kind, sources,
                   order_status) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                account,
                request.order_id,
                run_id,
                now,
                event,
                str(request.kind),
                _sources_json(request.sources),
                None if request.order_status is None else str(request.order_status),
            ),
        )

    def open_requests(self, account: str) -> list[CancellationRequest]:
        """The pending requests as of the last scan, sorted by order id, exactly as they were recorded
        (except buyer data removed by `purge_personal_data`)."""
        rows = self._conn.execute(
            "SELECT record FROM requests WHERE account = ? AND closed_at IS NULL ORDER BY order_id",
            (account,),
        )
        return [CancellationRequest.model_validate_json(row["record"]) for row in rows]

    def seen_request(self, account: str, order_id: str) -> SeenRequest | None:
        """First and last seen, sources ever and closing time of one request, open or closed."""
        row = self._conn.execute(
            "SELECT * FROM requests WHERE account = ? AND order_id = ?", (account, order_id)
        ).fetchone()
        return None if row is None else _seen_from_row(row)

    def request_history(self, account: str, order_id: str) -> list[RequestObservation]:
        """When the request appeared, changed kind, sources or status, closed and came back, oldest
        first. Scans that found it unchanged leave no line: `seen_request().last_seen` has the latest."""
        rows = self._conn.execute(
            "SELECT * FROM request_observations WHERE account = ? AND order_id = ? ORDER BY id",
            (account, order_id),
        )
        return [
            RequestObservation(
                at=from_db(row["at"]),
                run_id=row["run_id"],
                event=row["event"],
                kind=RequestKind(row["kind"]),
                sources=tuple(Channel(source) for source in json.loads(row["sources"])),
                order_status=row["order_status"],
            )
            for row in rows
        ]
