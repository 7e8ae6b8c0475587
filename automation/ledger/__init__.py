"""The ledger (SQLite or PostgreSQL): runs, requests seen, inbox marks, decisions, approvals, actions,
the STOP switch and the audit trail.

`Ledger.open(path or LedgerLocation, clock=...)` is the entry point; the records it returns are in
`records`.
"""

from __future__ import annotations

from automation.ledger.actions import ALLOWED_TRANSITIONS, ApprovalWithdrawnError, InvalidTransitionError
from automation.ledger.inbox import FINAL_ORDER_STATUSES
from automation.ledger.ledger import LEDGER_FILE_NAME, Ledger, LedgerLocation
from automation.ledger.records import (
    ActionKind,
    ActionRecord,
    ApprovalRecord,
    ApprovalVerdict,
    AuditEvent,
    DecisionRecord,
    GivenVerdict,
    RequestObservation,
    RunRecord,
    ScanDiff,
    SeenRequest,
    Standing,
    ThreadKind,
    ThreadMark,
)

__all__ = [
    "ALLOWED_TRANSITIONS",
    "FINAL_ORDER_STATUSES",
    "LEDGER_FILE_NAME",
    "ActionKind",
    "ActionRecord",
    "ApprovalRecord",
    "ApprovalVerdict",
    "ApprovalWithdrawnError",
    "AuditEvent",
    "DecisionRecord",
    "GivenVerdict",
    "InvalidTransitionError",
    "Ledger",
    "LedgerLocation",
    "RequestObservation",
    "RunRecord",
    "ScanDiff",
    "SeenRequest",
    "Standing",
    "ThreadKind",
    "ThreadMark",
]
