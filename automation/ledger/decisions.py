"""Decisions and approvals: what the rules said about each request, and what a person said about it.

A decision identical to the order's previous one (same verdict, rule, approval mode, rules file and
request kind) only moves its `last_decided_at`, so a loop that re-decides every quarter of an hour does
not bury the history; anything different is a new decision, audited. An approval is given to one
decision and keeps applying while the order's latest decision has the same verdict and request kind:
editing an unrelated rule does not ask for approval again, a switch from `reply` to `cancel` does.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from automation.errors import BadInputError
from automation.ledger.records import ApprovalRecord, ApprovalVerdict, DecisionRecord
from automation.ledger.store import LedgerBase, from_db
from automation.models import Approval, Decision, DecisionKind, RequestKind

APPROVABLE = frozenset({DecisionKind.CANCEL, DecisionKind.REPLY})
"""Verdicts that lead to an action, hence can wait for (or be vetoed by) a person."""


def _decision_from_row(row: sqlite3.Row) -> DecisionRecord:
    return DecisionRecord(
        decision_id=row["id"],
        account=row["account"],
        marketplace=row["marketplace"],
        order_id=row["order_id"],
        decision=DecisionKind(row["decision"]),
        rule=row["rule"],
        approve=row["approve"],
        explanation=row["explanation"],
        rules_sha256=row["rules_sha256"],
        request_kind=None if row["request_kind"] is None else RequestKind(row["request_kind"]),
        run_id=row["run_id"],
        decided_at=from_db(row["decided_at"]),
        last_decided_at=from_db(row["last_decided_at"]),
    )


def latest_decision_row(conn: sqlite3.Connection, account: str, order_id: str) -> sqlite3.Row | None:
    return conn.execute(
        "SELECT * FROM decisions WHERE account = ? AND order_id = ? ORDER BY id DESC LIMIT 1",
        (account, order_id),
    ).fetchone()


def _check_sha256(rules_sha256: str) -> None:
    if len(rules_sha256) != 64 or any(c not in "0123456789abcdef" for c in rules_sha256):
        raise ValueError(f"rules_sha256 must be 64 lowercase hex digits, not {rules_sha256!r}")


class DecisionsMixin(LedgerBase):
    def record_decision(
        self,
        account: str,
        run_id: str | None,
        decision: Decision,
        *,
        rules_sha256: str,
        request_kind: RequestKind | None,
    ) -> DecisionRecord:
        _check_sha256(rules_sha256)
        now = self._now()
        with self._write():
            previous = latest_decision_row(self._conn, account, decision.order_id)
            identity = (
                str(decision.decision),
                decision.rule,
                decision.approve,
                rules_sha256,
                None if request_kind is None else str(request_kind),
            )
            if previous is not None and identity == (
                previous["decision"],
                previous["rule"],
                previous["approve"],
                previous["rules_sha256"],
                previous["request_kind"],
            ):
                self._conn.execute(
                    "UPDATE decisions SET last_decided_at = ?, last_run_id = ?, explanation = ? WHERE id = ?",
                    (now, run_id, decision.explanation, previous["id"]),
                )
                decision_id = previous["id"]
            else:
                marketplace = self._request_marketplace(account, decision.order_id)
                cursor = self._conn.execute(
                    """INSERT INTO decisions (account, marketplace, order_id, decision, rule, approve,
                           explanation, rules_sha256, request_kind, run_id, decided_at, last_decided_at,
                           last_run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                    (
                        account,
                        marketplace,
                        decision.order_id,
                        *identity[:3],
                        decision.explanation,
                        rules_sha256,
                        identity[4],
                        run_id,
                        now,
                        now,
                        run_id,
                    ),
                )
                decision_id = cursor.lastrowid
                self._audit(
                    at=now,
                    event="decision",
                    account=account,
                    marketplace=marketplace,
                    order_id=decision.order_id,
                    state=str(decision.decision),
                    rule=decision.rule,
                    rules_sha256=rules_sha256,
                    reason=decision.explanation or None,
                    run_id=run_id,
                    detail=f"approve={decision.approve} request_kind={request_kind}",
                )
            row = self._conn.execute("SELECT * FROM decisions WHERE id = ?", (decision_id,)).fetchone()
        return _decision_from_row(row)

    def latest_decision(self, account: str, order_id: str) -> DecisionRecord | None:
        row = latest_decision_row(self._conn, account, order_id)
        return None if row is None else _decision_from_row(row)

    def approve(
        self, account: str, order_ids: Iterable[str], *, by: str, note: str | None = None
    ) -> list[ApprovalRecord]:
        """A person approves the current decision on each order (`sc-cancel approve`). All or nothing:
        an order without an open request and a cancel or reply decision is refused with exit code 2."""
        return self._give_verdict(account, order_ids, ApprovalVerdict.APPROVED, by=by, note=note)

    def reject(
        self, account: str, order_ids: Iterable[str], *, by: str, note: str | None = None
    ) -> list[ApprovalRecord]:
        """A person vetoes the current decision on each order; a veto also stops `auto` decisions."""
        return self._give_verdict(account, order_ids, ApprovalVerdict.REJECTED, by=by, note=note)

    def _give_verdict(
        self, account: str, order_ids: Iterable[str], verdict: ApprovalVerdict, *, by: str, note: str | None
    ) -> list[ApprovalRecord]:
        ids = list(dict.fromkeys(order_ids))
        if not by.strip():
            raise BadInputError(f"{verdict}: say who decides (the approver's name is empty)")
        if not ids:
            raise BadInputError(f"{verdict}: give at least one order id")
        now = self._now()
        records: list[ApprovalRecord] = []
        with self._write():
            problems: list[str] = []
            targets: list[tuple[str, sqlite3.Row, str | None]] = []
            for order_id in ids:
                request = self._conn.execute(
                    "SELECT marketplace, closed_at FROM requests WHERE account = ? AND order_id = ?",
                    (account, order_id),
                ).fetchone()
                decision = latest_decision_row(self._conn, account, order_id)
                if request is None or request["closed_at"] is not None:
                    problems.append(f"order {order_id}: no open cancellation request for account {account}")
                elif decision is None or decision["decision"] not in APPROVABLE:
                    now_says = "no decision yet" if decision is None else f"decision {decision['decision']}"
                    problems.append(f"order {order_id}: nothing to approve or reject ({now_says})")
                else:
                    targets.append((order_id, decision, request["marketplace"]))
            if problems:
                raise BadInputError("\n".join(problems) + "\nNothing was recorded; see `sc-cancel plan`.")
            for order_id, decision, marketplace in targets:
                cursor = self._conn.execute(
                    """INSERT INTO approvals (account, order_id, decision_id, verdict, by, note, at)
                       VALUES (?, ?, ?, ?, ?, ?, ?)""",
                    (account, order_id, decision["id"], str(verdict), by, note, now),
                )
                self._audit(
                    at=now,
                    event="approval",
                    account=account,
                    marketplace=marketplace,
                    order_id=order_id,
                    action=decision["decision"],
                    state=str(verdict),
                    rule=decision["rule"],
                    rules_sha256=decision["rules_sha256"],
                    approver=by,
                    reason=note,
                )
                records.append(
                    ApprovalRecord(
                        approval_id=int(cursor.lastrowid or 0),
                        account=account,
                        order_id=order_id,
                        decision_id=decision["id"],
                        verdict=verdict,
                        by=by,
                        note=note,
                        at=from_db(now),
                    )
                )
        return records

    def approval_of(self, account: str, order_id: str) -> ApprovalRecord | None:
        """The latest approval or rejection that still applies to the order's current decision."""
        decision = latest_decision_row(self._conn, account, order_id)
        if decision is None:
            return None
        row = self._conn.execute(
            """SELECT a.*, d.decision AS approved_decision, d.request_kind AS approved_request_kind
               FROM approvals a JOIN decisions d ON d.id = a.decision_id
               WHERE a.account = ? AND a.order_id = ? ORDER BY a.id DESC LIMIT 1""",
            (account, order_id),
        ).fetchone()
        if row is None or (row["approved_decision"], row["approved_request_kind"]) != (
            decision["decision"],
            decision["request_kind"],
        ):
            return None
        return ApprovalRecord(
            approval_id=row["id"],
            account=account,
            order_id=order_id,
            decision_id=row["decision_id"],
            verdict=ApprovalVerdict(row["verdict"]),
            by=row["by"],
            note=row["note"],
            at=from_db(row["at"]),
        )

    def approval_state(self, account: str, order_id: str) -> Approval | None:
        """What the run report calls `approval`: `rejected` or `manual` when a person spoke, else `auto`
        or `pending` as the rule says; None for hold, ignore or no decision."""
        decision = latest_decision_row(self._conn, account, order_id)
        if decision is None or decision["decision"] not in APPROVABLE:
            return None
        approval = self.approval_of(account, order_id)
        if approval is not None:
            return Approval.REJECTED if approval.verdict is ApprovalVerdict.REJECTED else Approval.MANUAL
        return Approval.AUTO if decision["approve"] == Approval.AUTO else Approval.PENDING

    def pending_approvals(self, account: str) -> list[DecisionRecord]:
        """Open requests whose current decision is cancel or reply under a `manual` rule and that no
        person has approved or rejected yet (what `sc-cancel plan` lists), by order id."""
        rows = self._conn.execute(
            """SELECT d.* FROM decisions d JOIN requests r
                   ON r.account = d.account AND r.order_id = d.order_id AND r.closed_at IS NULL
               WHERE d.account = ? AND d.approve = 'manual' AND d.decision IN ('cancel', 'reply')
                 AND d.id = (SELECT MAX(id) FROM decisions
                             WHERE account = d.account AND order_id = d.order_id)
               ORDER BY d.order_id""",
            (account,),
        ).fetchall()
        return [_decision_from_row(row) for row in rows if self.approval_of(account, row["order_id"]) is None]
