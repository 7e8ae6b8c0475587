"""Decisions and approvals: what the rules said about each request, and what a person said about it.

A decision identical to the order's previous one (same verdict, rule, approval mode, rules file and
request kind) only moves its `last_decided_at`, so a loop that re-decides every quarter of an hour does
not bury the history; anything different is a new decision, audited. An approval is given to one
decision and keeps applying while the order's latest decision has the same verdict and request kind:
editing an unrelated rule does not ask for approval again, a switch from `reply` to `cancel` does.
A held request may be approved too (it becomes a cancel, or a reply for an inquiry). A dismissal (the
request was handled by hand) is stored as a rejection that keeps applying whatever the rules decide.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from automation.errors import BadInputError
from automation.ledger.records import (
    ApprovalRecord,
    ApprovalVerdict,
    DecisionRecord,
    GivenVerdict,
    Standing,
)
from automation.ledger.store import LedgerBase, LedgerDb, Record, from_db
from automation.models import Approval, CancellationRequest, Decision, DecisionKind, RequestKind

APPROVABLE = frozenset({DecisionKind.CANCEL, DecisionKind.REPLY})
"""Verdicts that lead to an action, hence can wait for (or be vetoed by) a person."""
PERSON_DECIDES = APPROVABLE | {DecisionKind.HOLD}
"""Verdicts a person may approve or reject; a held request approved becomes a cancel or a reply."""

Verb = Literal["approve", "reject", "dismiss"]


def _decision_from_row(row: Record) -> DecisionRecord:
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


def latest_decision_row(conn: LedgerDb, account: str, order_id: str) -> Record | None:
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
            # Of two processes deciding the same order at once, the second waits and then sees the
            # first's decision, instead of both adding one.
            self._lock_requests(account, [decision.order_id])
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
                inserted = self._conn.execute(
                    """INSERT INTO decisions (account, marketplace, order_id, decision, rule, approve,
                           explanation, rules_sha256, request_kind, run_id, decided_at, last_decided_at,
                           last_run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""",
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
                decision_id = inserted.fetchall()[0]["id"]
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
    ) -> list[GivenVerdict]:
        """A person approves each order (`sc-cancel approve`): the current cancel or reply, or, for a held
        request, a cancel (official) or a reply (inquiry). All or nothing: an order that is not open,
        not decided yet or ignored by the rules is refused with exit code 2 and nothing is recorded."""
        return self._give(account, order_ids, "approve", by=by, note=note)

    def reject(
        self, account: str, order_ids: Iterable[str], *, by: str, note: str | None = None
    ) -> list[GivenVerdict]:
        """A person vetoes the current decision on each order; a veto also stops `auto` decisions."""
        return self._give(account, order_ids, "reject", by=by, note=note)

    def dismiss(self, account: str, order_ids: Iterable[str], *, by: str, note: str) -> list[GivenVerdict]:
        """A person handled each order by hand: it is never acted on, whatever the rules decide later,
        and stays in the history with the note."""
        return self._give(account, order_ids, "dismiss", by=by, note=note)

    def verdict_problems(self, account: str, order_ids: Iterable[str], verb: Verb) -> list[str]:
        """Why `verb` would be refused for some of the orders (empty: it would be recorded), so that a
        command over several accounts can refuse before recording anything in any of them."""
        problems, _targets = self._verdict_targets(account, list(dict.fromkeys(order_ids)), verb)
        return problems

    def _verdict_targets(
        self, account: str, order_ids: list[str], verb: Verb
    ) -> tuple[list[str], list[tuple[str, Record, Record]]]:
        problems: list[str] = []
        targets: list[tuple[str, Record, Record]] = []
        for order_id in order_ids:
            request = self._conn.execute(
                "SELECT marketplace, closed_at, kind FROM requests WHERE account = ? AND order_id = ?",
                (account, order_id),
            ).fetchone()
            decision = latest_decision_row(self._conn, account, order_id)
            if request is None or request["closed_at"] is not None:
                problems.append(f"order {order_id}: no open cancellation request")
            elif decision is None or decision["request_kind"] != request["kind"]:
                problems.append(
                    f"order {order_id}: not decided yet; `sc-cancel run` (a dry run, without --execute) "
                    f"decides it, then {verb} it"
                )
            elif verb != "dismiss" and decision["decision"] not in PERSON_DECIDES:
                problems.append(
                    f"order {order_id}: nothing to {verb} (decision {decision['decision']}: the rules "
                    "leave it alone); `sc-cancel dismiss ORDER_ID --note TEXT` records that it was "
                    "handled by hand"
                )
            else:
                targets.append((order_id, decision, request))
        return problems, targets

    def _give(
        self, account: str, order_ids: Iterable[str], verb: Verb, *, by: str, note: str | None
    ) -> list[GivenVerdict]:
        ids = list(dict.fromkeys(order_ids))
        if not by.strip():
            raise BadInputError(f"{verb}: say who decides (the approver's name is empty)")
        if not ids:
            raise BadInputError(f"{verb}: give at least one order id")
        if verb == "dismiss" and not (note or "").strip():
            raise BadInputError("dismiss: say how the request was handled with --note TEXT (kept in history)")
        now = self._now()
        given: list[GivenVerdict] = []
        with self._write():
            # A second person (or an action going in flight) waits for this word, then reads it.
            self._lock_requests(account, ids)
            problems, targets = self._verdict_targets(account, ids, verb)
            if problems:
                raise BadInputError(
                    "\n".join(problems) + "\nNothing was recorded; see `sc-cancel plan --all`."
                )
            for order_id, decision, request in targets:
                before = self.approval_of(account, order_id)
                action = (
                    _approves_as(DecisionKind(decision["decision"]), RequestKind(request["kind"]))
                    if verb == "approve"
                    else None
                )
                if before is not None and _says_the_same(before, verb, action):
                    given.append(GivenVerdict(order_id=order_id, now=before, before=before))
                    continue
                verdict = ApprovalVerdict.APPROVED if verb == "approve" else ApprovalVerdict.REJECTED
                dismissed = verb == "dismiss"
                inserted = self._conn.execute(
                    """INSERT INTO approvals (account, order_id, decision_id, verdict, by, note, at, action,
                           dismissed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""",
                    (
                        account,
                        order_id,
                        decision["id"],
                        str(verdict),
                        by,
                        note,
                        now,
                        None if action is None else str(action),
                        int(dismissed),
                    ),
                )
                record = ApprovalRecord(
                    approval_id=int(inserted.fetchall()[0]["id"]),
                    account=account,
                    order_id=order_id,
                    decision_id=decision["id"],
                    verdict=verdict,
                    by=by,
                    note=note,
                    at=from_db(now),
                    action=action,
                    dismissed=dismissed,
                )
                self._audit(
                    at=now,
                    event="approval",
                    account=account,
                    marketplace=request["marketplace"],
                    order_id=order_id,
                    action=str(action) if action is not None else decision["decision"],
                    state=record.word,
                    rule=decision["rule"],
                    rules_sha256=decision["rules_sha256"],
                    approver=by,
                    reason=note,
                    detail=None if before is None else f"was {before.word} by {before.by}",
                )
                given.append(GivenVerdict(order_id=order_id, now=record, before=before))
        return given

    def approval_of(self, account: str, order_id: str) -> ApprovalRecord | None:
        """A person's latest word on the order, if it still applies: a dismissal always does; an
        approval or rejection while the current decision has the verdict and request kind it was given
        to."""
        decision = latest_decision_row(self._conn, account, order_id)
        row = self._conn.execute(
            """SELECT a.*, d.decision AS approved_decision, d.request_kind AS approved_request_kind
               FROM approvals a JOIN decisions d ON d.id = a.decision_id
               WHERE a.account = ? AND a.order_id = ? ORDER BY a.id DESC LIMIT 1""",
            (account, order_id),
        ).fetchone()
        if row is None:
            return None
        if not row["dismissed"] and (
            decision is None
            or (row["approved_decision"], row["approved_request_kind"])
            != (decision["decision"], decision["request_kind"])
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
            action=None if row["action"] is None else DecisionKind(row["action"]),
            dismissed=bool(row["dismissed"]),
        )

    def approval_state(self, account: str, order_id: str) -> Approval | None:
        """What the run report calls `approval`: `rejected` or `manual` when a person spoke (a dismissal
        is a rejection), else `auto` or `pending` as the rule says; None for hold or ignore that no
        person spoke about, or no decision."""
        decision = latest_decision_row(self._conn, account, order_id)
        if decision is None:
            return None
        word = self.approval_of(account, order_id)
        if word is not None and (word.dismissed or decision["decision"] in PERSON_DECIDES):
            return Approval.REJECTED if word.verdict is ApprovalVerdict.REJECTED else Approval.MANUAL
        if decision["decision"] not in APPROVABLE:
            return None
        return Approval.AUTO if decision["approve"] == Approval.AUTO else Approval.PENDING

    def pending_approvals(self, account: str) -> list[DecisionRecord]:
        """Open requests whose current decision is cancel or reply under a `manual` rule and that no
        person has approved, rejected or dismissed yet (what `sc-cancel plan` lists), by order id."""
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

    def standings(self, account: str) -> list[Standing]:
        """Every open request not yet acted on and not dismissed, with its latest decision and the word
        of a person in force (`sc-cancel plan --all`), by order id. Acted on: an action done, skipped,
        in flight or unknown (the next run settles those; nothing is ever done twice)."""
        acted = {
            row["order_id"]
            for row in self._conn.execute(
                """SELECT DISTINCT order_id FROM actions WHERE account = ? AND kind IN ('cancel', 'reply')
                   AND state IN ('in_flight', 'done', 'skipped', 'unknown')""",
                (account,),
            )
        }
        standings: list[Standing] = []
        rows = self._conn.execute(
            "SELECT record FROM requests WHERE account = ? AND closed_at IS NULL ORDER BY order_id",
            (account,),
        ).fetchall()
        for request in (CancellationRequest.model_validate_json(row["record"]) for row in rows):
            if request.order_id in acted:
                continue
            word = self.approval_of(account, request.order_id)
            if word is not None and word.dismissed:
                continue
            decision = self.latest_decision(account, request.order_id)
            standings.append(Standing(request=request, decision=decision, word=word))
        return standings


def _approves_as(decision: DecisionKind, request_kind: RequestKind) -> DecisionKind:
    """What approving lets happen: the decision's own cancel or reply; for a held request, a cancel when
    Amazon's official request is there, only ever a reply for an inquiry (cancelling for a buyer's
    own words counts against the Cancellation Rate)."""
    if decision is not DecisionKind.HOLD:
        return decision
    return DecisionKind.CANCEL if request_kind is RequestKind.OFFICIAL else DecisionKind.REPLY


def _says_the_same(before: ApprovalRecord, verb: Verb, action: DecisionKind | None) -> bool:
    if verb == "dismiss":
        return before.dismissed
    if verb == "reject":
        return before.verdict is ApprovalVerdict.REJECTED and not before.dismissed
    return before.verdict is ApprovalVerdict.APPROVED and (before.action or action) == action
