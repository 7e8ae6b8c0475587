"""What a `run` did about each request, and what it adds to its scan: plain records, no browser.

`RequestOutcome` carries the fields `run --json` adds to a scan entry; `RunState` is what the run's
report needs beyond the scan (rules file, dry run or not, outcomes, the STOP switch), filled in while the
account is open; `RunResult` is what `run_account` hands back to the commands and the scheduler. Both
end the run the same way (`ending_error`), so the process's exit code and the run's report agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from automation.errors import ActionsFailedError, ScCancelError, StoppedError
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


def failed_orders(outcomes: dict[str, RequestOutcome]) -> list[str]:
    """Orders whose action failed or was lost sight of in this run (exit code 9)."""
    return [
        oid for oid, o in outcomes.items() if o.outcome in (Outcome.FAILED, Outcome.UNKNOWN) and not o.earlier
    ]


def ending_error(outcomes: dict[str, RequestOutcome], halted: str | None) -> ScCancelError | None:
    """How a run that got to its end still failed: some actions failed (9), or were halted (10, with the
    sentence that named the switch and how to lift it); None when it went well."""
    if failed_orders(outcomes):
        return ActionsFailedError("some actions failed or could not be confirmed; see `sc-cancel history`")
    if halted is not None:
        return StoppedError(halted)
    return None


@dataclass
class RunResult:
    """A `run`: its scan, what happened to each request, and whether the STOP switch halted it."""

    scan: ScanResult
    outcomes: dict[str, RequestOutcome] = field(default_factory=dict)
    halted: str | None = None
    """What halted actions and how to lift it (`stop.halted_by`'s sentence); None: nothing did."""

    @property
    def stopped(self) -> bool:
        return self.halted is not None

    @property
    def failed(self) -> list[str]:
        """Orders whose action failed or was lost sight of in this run (exit code 9)."""
        return failed_orders(self.outcomes)

    def error(self) -> ScCancelError | None:
        return ending_error(self.outcomes, self.halted)


@dataclass
class RunState:
    """What a `run` adds to its scan's report; filled in while the browser is still open."""

    rules_path: Path | None
    rules_sha256: str | None
    execute: bool
    outcomes: dict[str, RequestOutcome] = field(default_factory=dict)
    halted: str | None = None
    """As `RunResult.halted`: the first STOP switch met in this run, in words."""

    @property
    def stopped(self) -> bool:
        return self.halted is not None

    def error(self) -> ScCancelError | None:
        return ending_error(self.outcomes, self.halted)
