"""The plain records the ledger hands out: runs, scan diffs, thread marks, decisions, approvals, actions
and audit events.

They are frozen like the records of `automation.models`, so a caller can keep them around without
fearing that a later ledger call changes them under its feet. No SQL and no browser here.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import AwareDatetime, Field

from automation.models import (
    CancellationRequest,
    Channel,
    DecisionKind,
    OrderStatus,
    Outcome,
    Record,
    RequestKind,
)


class ActionKind(StrEnum):
    """What the agent does on Seller Central. `cancel` is keyed by order (at most one success per order,
    ever); `reply` and `mark_no_response_needed` are keyed by thread (once per thread)."""

    CANCEL = "cancel"
    REPLY = "reply"
    MARK_NO_RESPONSE_NEEDED = "mark_no_response_needed"


class ThreadKind(StrEnum):
    """The classifier's verdict on a Buyer-Seller Messages thread; `other` is remembered too, so the next
    scan does not read the thread again."""

    OFFICIAL = "official"
    INQUIRY = "inquiry"
    OTHER = "other"


class ApprovalVerdict(StrEnum):
    APPROVED = "approved"
    REJECTED = "rejected"


class RunRecord(Record):
    run_id: str
    account: str
    command: str
    started_at: AwareDatetime
    finished_at: AwareDatetime | None = None
    status: str
    """`running` until `finish_run` says otherwise; a crashed run stays `running`."""
    exit_code: int | None = None
    stats: dict[str, Any] = Field(default_factory=dict)


class ScanDiff(Record):
    """What one scan changed, as sorted order ids."""

    new: tuple[str, ...] = ()
    """Never seen before for this account: the rows the table marks as new."""
    reopened: tuple[str, ...] = ()
    """Seen before, closed since, and back."""
    changed: tuple[str, ...] = ()
    """Still open, but kind, sources or order status differ from the previous scan."""
    closed: tuple[str, ...] = ()
    """Open after the previous scan and absent from this one: marked closed with the scan's time."""
    seen: tuple[str, ...] = ()
    """Every order id of this scan."""


class SeenRequest(Record):
    """A request's life in the ledger: when it was first and last seen, and where."""

    account: str
    order_id: str
    marketplace: str | None
    kind: RequestKind
    sources: tuple[Channel, ...]
    """Every channel the request was ever seen in (the current scan's are in `request.sources`)."""
    first_seen: AwareDatetime
    last_seen: AwareDatetime
    first_run_id: str | None
    last_run_id: str | None
    closed_at: AwareDatetime | None
    request: CancellationRequest
    """The request as of its last scan."""

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class RequestObservation(Record):
    """One step of a request's history: it appeared, changed, closed or came back."""

    at: AwareDatetime
    run_id: str | None
    event: str
    """`new`, `changed`, `closed` or `reopened`."""
    kind: RequestKind
    sources: tuple[Channel, ...]
    order_status: OrderStatus | None


class ThreadMark(Record):
    """What the inbox scan remembers of a thread it classified. Deliberately no subject, buyer name or
    message text: the mark only has to say whether the thread needs reading again."""

    thread_id: str
    last_activity: AwareDatetime
    kind: ThreadKind
    order_id: str | None = None
    reason: str | None = None
    requested_at: AwareDatetime | None = None


class DecisionRecord(Record):
    """A decision as stored: the rules' verdict plus where and under which rules file it was made.
    Identical decisions on later runs only move `last_decided_at`; a different one is a new record."""

    decision_id: int
    account: str
    marketplace: str | None
    order_id: str
    decision: DecisionKind
    rule: str | None
    approve: str | None
    explanation: str
    rules_sha256: str
    request_kind: RequestKind | None
    run_id: str | None
    decided_at: AwareDatetime
    last_decided_at: AwareDatetime


class ApprovalRecord(Record):
    """A person's word on one decision. It is bound to that decision: when the rules later decide
    differently, the old approval no longer applies and the order waits for approval again."""

    approval_id: int
    account: str
    order_id: str
    decision_id: int
    verdict: ApprovalVerdict
    by: str
    note: str | None
    at: AwareDatetime
    action: DecisionKind | None = None
    """What an approval lets happen: the decision's own cancel or reply, or, for a held request, a
    cancel (official) or a reply (inquiry). None for a rejection or dismissal."""
    dismissed: bool = False
    """The request was handled by hand: never acted on, whatever the rules say later. Stored and
    reported as a rejection, with the note as its reason."""

    @property
    def word(self) -> str:
        """`approved`, `rejected` or `dismissed`, as people say it."""
        return "dismissed" if self.dismissed else str(self.verdict)


class GivenVerdict(Record):
    """What one `approve`, `reject` or `dismiss` did to one order."""

    order_id: str
    now: ApprovalRecord
    """The person's word in force after the command."""
    before: ApprovalRecord | None
    """The word in force before it, if any."""

    @property
    def changed(self) -> bool:
        """False when the same word was already in force: nothing was recorded."""
        return self.before is None or self.before.approval_id != self.now.approval_id


class Standing(Record):
    """Where one open request stands for a person: the rules' latest decision on it and a person's word
    in force. What `sc-cancel plan` lists."""

    request: CancellationRequest
    decision: DecisionRecord | None
    word: ApprovalRecord | None

    @property
    def decided(self) -> bool:
        """Decided for what the request is now (a decision made while it was of another kind is stale);
        `sc-cancel run`, even a dry run, decides."""
        return self.decision is not None and self.decision.request_kind == self.request.kind

    @property
    def status(self) -> str:
        """Where it stands, in a word or two: `not decided`, `approved` or `rejected` (a person spoke),
        `held`, `ignored`, `auto` (the next `run --execute` acts) or `waiting for approval`."""
        decision, word = self.decision, self.word
        if decision is None or not self.decided:
            return "not decided"
        if word is not None:
            return str(word.verdict)
        if decision.decision is DecisionKind.HOLD:
            return "held"
        if decision.decision is DecisionKind.IGNORE:
            return "ignored"
        return "auto" if decision.approve == "auto" else "waiting for approval"


class ActionRecord(Record):
    action_id: int
    account: str
    marketplace: str | None
    order_id: str
    kind: ActionKind
    thread_id: str | None
    state: Outcome
    reason: str | None
    evidence: str | None
    run_id: str | None
    """The run that planned it."""
    decision_id: int | None
    attempt: int
    """1 for the first action on this key; a retry after a failure before submitting is a new record."""
    created_at: AwareDatetime
    updated_at: AwareDatetime
    in_flight_at: AwareDatetime | None
    """When it was committed as `in_flight`, i.e. just before the irreversible step."""

    @property
    def reached_in_flight(self) -> bool:
        return self.in_flight_at is not None


class AuditEvent(Record):
    """One line of the append-only audit trail. Holds no buyer names or message text."""

    event_id: int
    at: datetime
    account: str | None
    marketplace: str | None
    order_id: str | None
    thread_id: str | None
    event: str
    """`run_started`, `run_finished`, `request_new`, `request_changed`, `request_closed`,
    `request_reopened`, `thread_classified`, `decision`, `approval`, `action`, `personal_data_purged`."""
    action: str | None
    state: str | None
    rule: str | None
    rules_sha256: str | None
    approver: str | None
    outcome: str | None
    reason: str | None
    evidence: str | None
    run_id: str | None
    action_id: int | None
    detail: str | None
