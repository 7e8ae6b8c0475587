"""Carrying out a run's decisions: approvals, limits, the STOP switch, and the actions themselves.

Order of work: first settle actions a previous run left in flight or unknown (by reading the order or
the thread, never by acting again; a cancellation confirmed that way still gets its threads marked),
then decide every request with the rules, then, only with `--execute`, perform the approved actions one
by one, checking the STOP switch and the per-run and rolling 24-hour limits before each cancellation.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import TYPE_CHECKING

from loguru import logger

from automation.actions import policy
from automation.actions.cancel import OrderView, cancel_order, reconcile
from automation.actions.messages import mark_no_response_needed, send_reply, settle_thread_action
from automation.actions.outcome import RequestOutcome, RunResult
from automation.actions.proof import official_proof
from automation.ledger import ActionKind, ActionRecord, Ledger
from automation.models import Approval, CancellationRequest, Channel, Decision, DecisionKind, Outcome
from automation.parsers.reasons import ReasonTable
from automation.rules.engine import evaluate
from automation.stop import halted_by

if TYPE_CHECKING:
    from automation.browser.account import AccountBrowser
    from automation.rules.loader import LoadedRules
    from automation.runtime import Runtime
    from automation.scan import ScanResult

FOLLOW_UP_WINDOW = timedelta(days=7)
"""How far back a missed "No response needed" after a cancellation is still made up for."""


class Executor:
    def __init__(
        self,
        browser: AccountBrowser,
        ledger: Ledger,
        scan: ScanResult,
        rules: LoadedRules,
        rt: Runtime,
        *,
        execute: bool,
        actions_enabled: bool,
        just_read: Mapping[str, OrderView] | None = None,
    ) -> None:
        """`just_read`: order views this run read moments ago (a targeted run's confirmations), by order
        id; a cancellation's check before uses them while they are young (`OrderView`)."""
        self.browser = browser
        self.ledger = ledger
        self.scan = scan
        self.rules = rules
        self.rt = rt
        self.execute = execute
        self.actions_enabled = actions_enabled
        self.just_read = just_read or {}
        self.account = scan.target.key
        self.ctx = browser.source_context()
        self.cancels_this_run = 0
        self.halted: str | None = None
        """What halted actions (`halted_by`'s sentence), once something has."""

    # -- helpers -------------------------------------------------------------------------------------

    @property
    def stopped(self) -> bool:
        return self.halted is not None

    def _stop_now(self) -> bool:
        if self.halted is not None:
            return True
        self.halted = halted_by(self.rt.data_dir, actions_enabled=self.actions_enabled, ledger=self.ledger)
        if self.halted is not None:
            logger.warning("{}", self.halted)
        return self.halted is not None

    def _limit(self) -> policy.Verdict:
        """The cancellation caps, with the last 24 hours' cancellations as the ledger counts them."""
        since = self.rt.clock() - timedelta(hours=24)
        return policy.cancel_limit(
            self.rules.ruleset.limits,
            cancels_this_run=self.cancels_this_run,
            cancels_last_24h=self.ledger.cancellations_since(self.account, since),
        )

    def _plan(
        self, request: CancellationRequest, kind: ActionKind, thread_id: str | None = None
    ) -> ActionRecord:
        """The request's action of `kind` (on one thread for replies and marks), planned by this run."""
        return self.ledger.plan_action(
            self.account,
            request.order_id,
            kind,
            run_id=self.scan.run_id,
            thread_id=thread_id,
            marketplace=request.marketplace,
        )

    def _approve(self, action: ActionRecord, approval: Approval, decision: Decision) -> ActionRecord:
        if action.state is Outcome.PLANNED:
            by = f"rule:{decision.rule}" if approval is Approval.AUTO else self._approver(action.order_id)
            return self.ledger.transition(action.action_id, Outcome.APPROVED, by=by, run_id=self.scan.run_id)
        return action

    def _approver(self, order_id: str) -> str:
        record = self.ledger.approval_of(self.account, order_id)
        return record.by if record is not None else "unknown"

    # -- the run ---------------------------------------------------------------------------------------

    def run(self) -> RunResult:
        if self.execute:
            self._settle_leftovers()
            self._catch_up_thread_marks()
        # Request times come from the site's pages: their ages are measured on the site's clock.
        decisions = evaluate(
            self.rules.ruleset,
            self.scan.requests,
            now=self.browser.session.site_clock.now(),
            reasons=ReasonTable.of(self.ctx.all_texts),
        )
        by_order = {r.order_id: r for r in self.scan.requests}
        result = RunResult(scan=self.scan)
        for decision in decisions:
            request = by_order[decision.order_id]
            self.ledger.record_decision(
                self.account,
                self.scan.run_id,
                decision,
                rules_sha256=self.rules.sha256,
                request_kind=request.kind,
            )
        for decision in decisions:
            request = by_order[decision.order_id]
            result.outcomes[decision.order_id] = self._handle(request, decision)
        result.halted = self.halted
        return result

    def _settle_leftovers(self) -> None:
        for action in self.ledger.unresolved_actions(self.account):
            if action.kind is ActionKind.CANCEL:
                outcome = reconcile(self.ctx, self.ledger, action)
                logger.info(
                    "settled the earlier cancel of {}: {} ({})",
                    action.order_id,
                    outcome.outcome,
                    outcome.reason,
                )
                if outcome.outcome is Outcome.DONE:
                    self._mark_threads_of_settled(action.order_id)
            else:
                # A reply or mark that may have happened: the thread says whether it did; never repeated.
                settled = settle_thread_action(
                    self.ctx,
                    self.ledger,
                    action,
                    reply_text=self.ctx.texts.messages.reply_request_cancellation,
                    done_label=self._text("no_response_needed"),
                )
                logger.info(
                    "settled the earlier {} in {}: {} ({})",
                    action.kind,
                    action.thread_id,
                    settled.state,
                    settled.reason,
                )

    def _catch_up_thread_marks(self) -> None:
        """Threads of recent cancellations still owed their "No response needed" (a STOP or a kill came
        between the cancellation and the mark). Marks already done are found in the ledger, not redone."""
        since = self.rt.clock() - FOLLOW_UP_WINDOW
        for action in self.ledger.cancels_done_since(self.account, since):
            if self._stop_now():
                return
            self._mark_threads_of_settled(action.order_id)

    def _mark_threads_of_settled(self, order_id: str) -> None:
        """A cancellation confirmed only now (the run that submitted it was killed) still owes its
        Messages threads their "No response needed" mark. The order is canceled, so no scan lists it
        again: the threads come from the request as the ledger last saw it."""
        seen = self.ledger.seen_request(self.account, order_id)
        if seen is not None and Channel.MESSAGES in seen.request.sources:
            self._mark_threads(seen.request)

    def _handle(self, request: CancellationRequest, decision: Decision) -> RequestOutcome:
        word = self.ledger.approval_of(self.account, request.order_id)
        if word is not None and word.dismissed:
            # Handled by hand: never acted on, whatever the rules say now.
            return RequestOutcome(
                str(decision.decision),
                decision.rule,
                str(Approval.REJECTED),
                Outcome.SKIPPED,
                f"dismissed: {word.note}",
            )
        kind = decision.decision
        if kind is DecisionKind.HOLD and word is not None and word.action is not None:
            kind = word.action  # a person approved the held request: a cancel, or a reply for an inquiry
        if kind not in (DecisionKind.CANCEL, DecisionKind.REPLY):
            state = self.ledger.approval_state(self.account, request.order_id)
            return RequestOutcome(str(kind), decision.rule, None if state is None else str(state), None)
        approval = self.ledger.approval_state(self.account, request.order_id) or Approval.PENDING
        base = RequestOutcome(str(kind), decision.rule, str(approval), None)
        held = self._held_back(request, kind, approval)
        if isinstance(held, policy.Hold):
            base.outcome, base.outcome_reason, base.earlier = held.outcome, held.reason, held.earlier
            return base
        if kind is DecisionKind.CANCEL:
            return self._cancel(request, decision, approval, base)
        return self._reply(request, decision, approval, base)

    def _held_back(
        self, request: CancellationRequest, kind: DecisionKind, approval: Approval
    ) -> policy.Verdict:
        """The policy's verdict on the ledger's facts; the STOP switch is read only when it says act."""
        verdict = policy.held_back(self._earlier_outcome(request, kind), approval, execute=self.execute)
        if isinstance(verdict, policy.Act) and self._stop_now():
            return policy.HALTED
        return verdict

    def _earlier_outcome(self, request: CancellationRequest, kind: DecisionKind) -> policy.Hold | None:
        """An earlier run's final result, from the ledger's actions on the order or its threads."""
        if kind is DecisionKind.CANCEL:
            cancel = self.ledger.action_for(self.account, request.order_id, ActionKind.CANCEL)
            return policy.earlier_outcome(kind, cancel, ())
        replies = [
            self.ledger.action_for(self.account, request.order_id, ActionKind.REPLY, t)
            for t in request.thread_ids
        ]
        return policy.earlier_outcome(kind, None, replies)

    def _cancel(
        self, request: CancellationRequest, decision: Decision, approval: Approval, base: RequestOutcome
    ) -> RequestOutcome:
        limit = self._limit()
        if isinstance(limit, policy.Hold):
            base.outcome, base.outcome_reason = limit.outcome, limit.reason
            return base
        action = self._plan(request, ActionKind.CANCEL)
        action = self._approve(action, approval, decision)
        if action.state is not Outcome.APPROVED:
            base.outcome, base.outcome_reason = action.state, action.reason
            return base
        result = cancel_order(
            self.ctx,
            self.ledger,
            action,
            proof=official_proof(request),
            just_read=self.just_read.get(request.order_id),
        )
        if result.submitted:
            self.cancels_this_run += 1
        base.outcome, base.outcome_reason = result.outcome, result.reason
        logger.info("cancel {}: {} ({})", request.order_id, result.outcome, result.reason)
        if result.outcome is Outcome.DONE and Channel.MESSAGES in request.sources:
            self._mark_threads(request)
        return base

    def _mark_threads(self, request: CancellationRequest) -> None:
        label = self._text("no_response_needed")
        for thread_id in request.thread_ids:
            if self._stop_now():
                return
            action = self._plan(request, ActionKind.MARK_NO_RESPONSE_NEEDED, thread_id)
            if action.state is Outcome.PLANNED:
                action = self.ledger.transition(action.action_id, Outcome.APPROVED, by="rule:after-cancel")
            if action.state is Outcome.APPROVED:
                mark_no_response_needed(self.ctx, self.ledger, action, label)

    def _reply(
        self, request: CancellationRequest, decision: Decision, approval: Approval, base: RequestOutcome
    ) -> RequestOutcome:
        if not request.thread_ids:
            base.outcome, base.outcome_reason = Outcome.SKIPPED, "no Buyer-Seller Messages thread to reply in"
            return base
        text = self.ctx.texts.messages.reply_request_cancellation
        states = []
        for thread_id in request.thread_ids:
            action = self._plan(request, ActionKind.REPLY, thread_id)
            action = self._approve(action, approval, decision)
            if action.state is Outcome.APPROVED:
                states.append(send_reply(self.ctx, self.ledger, action, text).state)
            else:
                states.append(action.state)
        worst = next((s for s in states if s is not Outcome.DONE), Outcome.DONE)
        base.outcome = worst
        base.outcome_reason = "reply sent" if worst is Outcome.DONE else f"reply {worst}"
        return base

    def _text(self, key: str) -> str:
        values = self.browser.pages.texts(key)
        return values[0] if values else ""
