"""What a `run` did about each request, and what it adds to its scan: plain records, no browser.

`RequestOutcome` carries the fields `run --json` adds to a scan entry; `RunState` is what the run's
report needs beyond the scan (rules file, dry run or not, outcomes, the STOP switch), filled in while the
account is open; `RunResult` is what `run_account` hands back to the commands and the scheduler.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from automation.models import Outcome

if TYPE_CHECKING:
    from automation.scan import ScanResult


@dataclass
class RequestOutcome:
    """What the run did about one request: the fields `run --json` adds to the scan's entries."""

    decision: str
    rule: str | None
    approval: str | None
    outcome: Outcome | None
    outcome_reason: str | None = None
    earlier: bool = False
    """The outcome is an earlier run's (nothing is done twice); it does not make this run fail."""

    def as_json(self) -> dict[str, str | None]:
        entry: dict[str, str | None] = {
            "decision": self.decision,
            "rule": self.rule,
            "approval": self.approval,
            "outcome": None if self.outcome is None else str(self.outcome),
        }
        if self.outcome_reason is not None:
            entry["outcome_reason"] = self.outcome_reason
        return entry


@dataclass
class RunResult:
    """A `run`: its scan, what happened to each request, and whether the STOP switch halted it."""

    scan: ScanResult
    outcomes: dict[str, RequestOutcome] = field(default_factory=dict)
    stopped: bool = False

    @property
    def failed(self) -> list[str]:
        """Orders whose action failed or was lost sight of in this run (exit code 9)."""
        return [
            oid
            for oid, o in self.outcomes.items()
            if o.outcome in (Outcome.FAILED, Outcome.UNKNOWN) and not o.earlier
        ]


@dataclass
class RunState:
    """What a `run` adds to its scan's report; filled in while the browser is still open."""

    rules_path: Path | None
    rules_sha256: str | None
    execute: bool
    outcomes: dict[str, RequestOutcome] = field(default_factory=dict)
    stopped: bool = False
