"""What one scheduled run of one account came to, and the one log line that says so.

An unattended loop is judged by its log: an operator greps a month of lines for one account, or counts
failures per exit code. So every run, whether it cancelled orders, crashed or was skipped, ends in the
same record and the same line shape, with the exit code the manual command would have ended with.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from automation.errors import ExitCode, exit_code_for
from automation.models import Outcome

if TYPE_CHECKING:
    from automation.actions.outcome import RunResult

SUMMARY_FIELDS = ("found", "new", "actions_done", "actions_failed")
"""The counts every outcome line shows, in this order ('-' where the run never got that far)."""

_ERROR_CHARS = 300


def exit_code_of(exc: BaseException) -> int:
    """The exit code the CLI would end with for this exception: its own for deliberate failures, 130
    for Ctrl-C, 1 (a bug) for anything else."""
    return int(exit_code_for(exc))


@dataclass(frozen=True)
class JobOutcome:
    """One account's run: who, how it ended (an `ExitCode` value), what it found and did, and when."""

    account: str
    exit_code: int
    summary: Mapping[str, Any] = field(default_factory=dict)
    started_at: datetime | None = None
    finished_at: datetime | None = None

    @property
    def skipped(self) -> bool:
        """Another run of the same account held its lock: nothing was done, and nothing went wrong."""
        return self.exit_code == ExitCode.LOCKED

    @property
    def failed(self) -> bool:
        return self.exit_code != ExitCode.OK and not self.skipped

    @property
    def seconds(self) -> float:
        if self.started_at is None or self.finished_at is None:
            return 0.0
        return round((self.finished_at - self.started_at).total_seconds(), 1)

    @property
    def status(self) -> str:
        if self.skipped:
            return "skipped: still running"
        if self.exit_code == ExitCode.OK:
            return "ok"
        try:
            return f"failed: {ExitCode(self.exit_code).name.lower().replace('_', ' ')}"
        except ValueError:
            return "failed"

    @property
    def level(self) -> str:
        """The log level of its line: INFO for a run that went well or was skipped, WARNING when the kill
        switch held actions back (an operator's choice), ERROR for everything else."""
        if not self.failed:
            return "INFO"
        if self.exit_code == ExitCode.STOPPED:
            return "WARNING"
        return "ERROR"

    def line(self, kind: str = "scheduled run") -> str:
        """The one log line of this run, e.g.
        `scheduled run shop-us: ok | exit=0 found=3 new=1 actions_done=1 actions_failed=0 seconds=41.2`
        (`kind`: what sort of run, `e-mail run` for `watch`'s)."""
        counts = " ".join(f"{name}={self.summary.get(name, '-')}" for name in SUMMARY_FIELDS)
        text = f"{kind} {self.account}: {self.status} | exit={self.exit_code} {counts}"
        text += f" seconds={self.seconds}"
        error = self.summary.get("error")
        if error and not self.skipped:
            text += f" error={error}"
        return text

    @classmethod
    def from_exception(
        cls,
        account: str,
        exc: BaseException,
        *,
        started_at: datetime | None = None,
        finished_at: datetime | None = None,
    ) -> JobOutcome:
        """A run that raised: `ScCancelError` subclasses keep their exit code, anything else is 1."""
        message = " ".join(str(exc).split()) or type(exc).__name__
        if len(message) > _ERROR_CHARS:
            message = message[: _ERROR_CHARS - 3] + "..."
        return cls(
            account=account,
            exit_code=exit_code_of(exc),
            summary={"error": message, "error_type": type(exc).__name__},
            started_at=started_at,
            finished_at=finished_at,
        )

    @classmethod
    def from_run_result(
        cls,
        account: str,
        result: RunResult,
        *,
        started_at: datetime | None = None,
        finished_at: datetime | None = None,
    ) -> JobOutcome:
        """A run that returned: exit 9 when some action failed or could not be confirmed, 10 when the STOP
        file or setting held actions back, else 0 (the same codes `sc-cancel run` ends with)."""
        outcomes = [o.outcome for o in result.outcomes.values()]
        if result.failed:
            code = ExitCode.ACTIONS_FAILED
        elif result.stopped:
            code = ExitCode.STOPPED
        else:
            code = ExitCode.OK
        summary = {
            "found": len(result.scan.requests),
            "new": len(result.scan.new),
            "actions_done": outcomes.count(Outcome.DONE),
            "actions_failed": len(result.failed),
            "run_id": result.scan.run_id,
        }
        return cls(account, int(code), summary, started_at, finished_at)


def round_exit_code(outcomes: list[JobOutcome]) -> int:
    """Exit code of `schedule --once`: the first failing account's code, else 0. A skipped account (its
    previous run still going) is not a failure, so an overlapping cron round does not page anyone."""
    return next((o.exit_code for o in outcomes if o.failed), int(ExitCode.OK))
