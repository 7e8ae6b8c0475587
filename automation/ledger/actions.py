"""Actions and their states: the idempotence that keeps the agent from cancelling an order twice.

Each state change is its own committed transaction, so the caller commits `in_flight` BEFORE clicking
Submit; a kill after the click leaves `in_flight`, which the next run reconciles like `unknown` (by
reading the order, never by submitting again).

Allowed moves (`ALLOWED_TRANSITIONS`):

    planned  -> approved | skipped | failed
    approved -> in_flight | done | skipped | failed  (done: already canceled by the buyer or Amazon,
                                                    nothing submitted; not counted against limits)
    in_flight-> done | failed | unknown | skipped     (skipped/failed/done also by reconciliation)
    unknown  -> done | failed | skipped               (reconciliation only)
    done, skipped, failed: final

Going in flight is the last moment a person's word can stop a cancel or a reply, so the move checks it
again, with the order's request row locked as `approve`/`reject`/`dismiss` lock it: when the approval
no longer stands (rejected, dismissed, or the decision changed since), the action goes back to `planned`
instead (`ApprovalWithdrawnError`), and a later run acts on it only if it is approved again.

Retries: a failed action is never moved back. `plan_action` on a later run starts a new attempt (a new
record) only if the failed one never reached `in_flight`: a failure before Submit is safe to retry, one
after Submit may have reached Amazon and stays failed for a person to look at.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from automation.ledger.decisions import DecisionsMixin, latest_decision_row
from automation.ledger.records import ActionKind, ActionRecord
from automation.ledger.store import Record, from_db, from_db_or_none, to_db
from automation.models import Approval, Outcome

ALLOWED_TRANSITIONS: Mapping[Outcome, frozenset[Outcome]] = {
    Outcome.PLANNED: frozenset({Outcome.APPROVED, Outcome.SKIPPED, Outcome.FAILED}),
    Outcome.APPROVED: frozenset({Outcome.IN_FLIGHT, Outcome.DONE, Outcome.SKIPPED, Outcome.FAILED}),
    Outcome.IN_FLIGHT: frozenset({Outcome.DONE, Outcome.FAILED, Outcome.UNKNOWN, Outcome.SKIPPED}),
    Outcome.UNKNOWN: frozenset({Outcome.DONE, Outcome.FAILED, Outcome.SKIPPED}),
    Outcome.DONE: frozenset(),
    Outcome.SKIPPED: frozenset(),
    Outcome.FAILED: frozenset(),
}

STATES_NEEDING_A_REASON = frozenset({Outcome.SKIPPED, Outcome.FAILED})

PERSON_MAY_STOP = frozenset({ActionKind.CANCEL, ActionKind.REPLY})
"""Actions a person's rejection or dismissal stops up to their last moment before going in flight."""


class InvalidTransitionError(ValueError):
    """A state change the life cycle forbids: a bug in the caller, never something to retry."""


class ApprovalWithdrawnError(Exception):
    """The action was about to go in flight but its approval no longer stands (a person rejected or
    dismissed the order meanwhile, or its decision changed): it is `planned` again, nothing was done."""


def _action_from_row(row: Record) -> ActionRecord:
    return ActionRecord(
        action_id=row["id"],
        account=row["account"],
        marketplace=row["marketplace"],
        order_id=row["order_id"],
        kind=ActionKind(row["kind"]),
        thread_id=row["thread_id"],
        state=Outcome(row["state"]),
        reason=row["reason"],
        evidence=row["evidence"],
        run_id=row["run_id"],
        decision_id=row["decision_id"],
        attempt=row["attempt"],
        created_at=from_db(row["created_at"]),
        updated_at=from_db(row["updated_at"]),
        in_flight_at=from_db_or_none(row["in_flight_at"]),
    )


def _target(order_id: str, kind: ActionKind, thread_id: str | None) -> str:
    """The idempotency key's object: the order for a cancel, the thread for the others."""
    if kind is ActionKind.CANCEL:
        return order_id
    if not thread_id:
        raise ValueError(f"a {kind} action is once per thread: give its thread_id")
    return thread_id


class ActionsMixin(DecisionsMixin):
    def action(self, action_id: int) -> ActionRecord | None:
        row = self._conn.execute("SELECT * FROM actions WHERE id = ?", (action_id,)).fetchone()
        return None if row is None else _action_from_row(row)

    def action_for(
        self, account: str, order_id: str, kind: ActionKind | str, thread_id: str | None = None
    ) -> ActionRecord | None:
        """The latest action on the key (order for cancel, thread otherwise), whatever its state."""
        kind = ActionKind(kind)
        row = self._latest_action_row(account, kind, _target(order_id, kind, thread_id))
        return None if row is None else _action_from_row(row)

    def _latest_action_row(self, account: str, kind: ActionKind, target: str) -> Record | None:
        return self._conn.execute(
            "SELECT * FROM actions WHERE account = ? AND kind = ? AND target = ? ORDER BY id DESC LIMIT 1",
            (account, str(kind), target),
        ).fetchone()

    def plan_action(
        self,
        account: str,
        order_id: str,
        kind: ActionKind | str,
        *,
        run_id: str | None,
        thread_id: str | None = None,
        marketplace: str | None = None,
    ) -> ActionRecord:
        """Plan an action, or return the one that already exists for the key: any action not failed
        (including a done one: at most one success, ever), a failed one that reached `in_flight`, or a
        failed one of this same run. Only otherwise is a new attempt planned."""
        kind = ActionKind(kind)
        target = _target(order_id, kind, thread_id)
        now = self._now()
        with self._write():
            latest = self._latest_action_row(account, kind, target)
            if latest is not None and (
                latest["state"] != Outcome.FAILED
                or latest["in_flight_at"] is not None
                or latest["run_id"] == run_id
            ):
                return _action_from_row(latest)
            decision = latest_decision_row(self._conn, account, order_id)
            market = marketplace or self._request_marketplace(account, order_id)
            row = self._conn.execute(
                """INSERT INTO actions (account, marketplace, order_id, kind, target, thread_id, state,
                       run_id, decision_id, attempt, created_at, updated_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT (account, kind, target) WHERE state <> 'failed' DO NOTHING RETURNING *""",
                (
                    account,
                    market,
                    order_id,
                    str(kind),
                    target,
                    thread_id,
                    str(Outcome.PLANNED),
                    run_id,
                    None if decision is None else decision["id"],
                    1 if latest is None else latest["attempt"] + 1,
                    now,
                    now,
                ),
            ).fetchone()
            if row is None:  # another process planned it since we looked (PostgreSQL): theirs stands
                row = self._latest_action_row(account, kind, target)
                assert row is not None
                return _action_from_row(row)
            self._audit_action(row, now, run_id=run_id, approver=None)
        return _action_from_row(row)

    def transition(
        self,
        action_id: int,
        new_state: Outcome | str,
        *,
        reason: str | None = None,
        evidence: str | None = None,
        by: str | None = None,
        run_id: str | None = None,
    ) -> ActionRecord:
        """Move an action to `new_state` and commit at once. `reason` is required for skipped and failed;
        `evidence` is a screenshot or trace reference; `by` names the approver (a person, or `bot` for an
        `auto` rule) and goes to the audit; `run_id` is the run doing it (default: the planning run)."""
        new_state = Outcome(new_state)
        if new_state in STATES_NEEDING_A_REASON and not (reason and reason.strip()):
            raise ValueError(f"an action goes {new_state} only with a reason saying why")
        now = self._now()
        withdrawn: ApprovalWithdrawnError | None = None
        with self._write():
            if new_state is Outcome.IN_FLIGHT:
                self._lock_request_of(action_id)
            # On PostgreSQL the row stays locked to the end of the transaction: of two processes moving
            # the same action, the second reads the state the first committed, and is refused.
            row = self._conn.execute(
                f"SELECT * FROM actions WHERE id = ?{self._conn.for_update}", (action_id,)
            ).fetchone()
            if row is None:
                raise KeyError(f"no action {action_id} in the ledger")
            current = Outcome(row["state"])
            if new_state not in ALLOWED_TRANSITIONS[current]:
                raise InvalidTransitionError(
                    f"action {action_id} ({row['kind']} {row['target']}) cannot go"
                    f" from {current} to {new_state}"
                )
            why = self._withdrawn(row) if new_state is Outcome.IN_FLIGHT else None
            if why is not None:
                row = self._conn.execute(
                    "UPDATE actions SET state = ?, updated_at = ? WHERE id = ? RETURNING *",
                    (str(Outcome.PLANNED), now, action_id),
                ).fetchone()
                self._audit_action(row, now, run_id=run_id or row["run_id"], approver=None, reason=why)
                withdrawn = ApprovalWithdrawnError(
                    f"{row['kind']} of {row['target']} not carried out (action {action_id}): {why}"
                )
            else:
                row = self._conn.execute(
                    """UPDATE actions SET state = ?, reason = COALESCE(?, reason),
                       evidence = COALESCE(?, evidence), updated_at = ?,
                       in_flight_at = COALESCE(?, in_flight_at)
                   WHERE id = ? RETURNING *""",
                    (
                        str(new_state),
                        reason,
                        evidence,
                        now,
                        now if new_state is Outcome.IN_FLIGHT else None,
                        action_id,
                    ),
                ).fetchone()
                assert row is not None
                self._audit_action(
                    row, now, run_id=run_id or row["run_id"], approver=by, reason=reason, evidence=evidence
                )
        if withdrawn is not None:
            raise withdrawn
        return _action_from_row(row)

    def _lock_request_of(self, action_id: int) -> None:
        """Lock the request row of the action's order (before the action's own row, the order every
        writer keeps), so that a person's word on the order is either committed before the check that
        follows or waits for it."""
        row = self._conn.execute(
            "SELECT account, order_id, kind FROM actions WHERE id = ?", (action_id,)
        ).fetchone()
        if row is not None and row["kind"] in PERSON_MAY_STOP:
            self._lock_requests(row["account"], [row["order_id"]])

    def _withdrawn(self, action: Record) -> str | None:
        """Why a cancel or reply may not go in flight any more (None: it may). Only a decision on the order
        can be withdrawn: an action the ledger holds without one (a thread mark) is not checked."""
        if action["kind"] not in PERSON_MAY_STOP:
            return None
        account, order_id = action["account"], action["order_id"]
        if latest_decision_row(self._conn, account, order_id) is None:
            return None
        state = self.approval_state(account, order_id)
        if state in (Approval.AUTO, Approval.MANUAL):
            return None
        word = self.approval_of(account, order_id)
        if word is not None and state is Approval.REJECTED:
            verb = "dismissed" if word.dismissed else "rejected"
            return f"{verb} by {word.by} before it was submitted"
        return "its approval no longer stands (the order's decision changed before it was submitted)"

    def _audit_action(
        self,
        row: Record,
        now: str,
        *,
        run_id: str | None,
        approver: str | None,
        reason: str | None = None,
        evidence: str | None = None,
    ) -> None:
        decision: Any = None
        if row["decision_id"] is not None:
            decision = self._conn.execute(
                "SELECT rule, rules_sha256 FROM decisions WHERE id = ?", (row["decision_id"],)
            ).fetchone()
        state = Outcome(row["state"])
        self._audit(
            at=now,
            event="action",
            account=row["account"],
            marketplace=row["marketplace"],
            order_id=row["order_id"],
            thread_id=row["thread_id"],
            action=row["kind"],
            state=str(state),
            rule=None if decision is None else decision["rule"],
            rules_sha256=None if decision is None else decision["rules_sha256"],
            approver=approver,
            outcome=str(state) if state.ended else None,
            reason=reason,
            evidence=evidence,
            run_id=run_id,
            action_id=row["id"],
            detail=f"attempt {row['attempt']}",
        )

    def unresolved_actions(self, account: str) -> list[ActionRecord]:
        """Actions that may or may not have happened (`in_flight` left by a kill, or `unknown`), oldest
        first: the next run reads each order to settle them before doing anything else."""
        rows = self._conn.execute(
            "SELECT * FROM actions WHERE account = ? AND state IN ('in_flight', 'unknown') ORDER BY id",
            (account,),
        )
        return [_action_from_row(row) for row in rows]

    def cancels_done_since(self, account: str, since: datetime) -> list[ActionRecord]:
        """Cancellations that ended `done` at or after `since`, oldest first: a run halted between a
        cancellation and its follow-up (the thread's "No response needed") picks them up again."""
        rows = self._conn.execute(
            """SELECT * FROM actions WHERE account = ? AND kind = 'cancel' AND state = 'done'
                   AND updated_at >= ? ORDER BY id""",
            (account, to_db(since)),
        )
        return [_action_from_row(row) for row in rows]

    def cancellations_since(self, account: str, since: datetime, *, run_id: str | None = None) -> int:
        """Cancellations submitted (committed `in_flight`) at or after `since`, whatever came of them
        except `skipped` (reconciliation found nothing was done); restricted to one run if `run_id` is
        given. Read from the file, so per-run and rolling 24-hour limits hold across restarts."""
        sql = """SELECT COUNT(*) FROM actions WHERE account = ? AND kind = 'cancel'
                     AND in_flight_at IS NOT NULL AND in_flight_at >= ? AND state <> 'skipped'"""
        params: list[Any] = [account, to_db(since)]
        if run_id is not None:
            sql += " AND run_id = ?"
            params.append(run_id)
        return int(self._conn.execute(sql, params).fetchone()[0])
