"""`sc-cancel schedule`: every configured account, every interval (with jitter), until stopped.

`loop` holds the `schedule`-based loop, `outcome` the record and log line of one run, `signals` the
SIGTERM/Ctrl-C handling. The CLI builds one `ScheduledJob` per account around `run_account`.
"""

from __future__ import annotations

from automation.scheduler.accounts import job_for_target
from automation.scheduler.loop import MAX_NAP_SECONDS, ScheduledJob, Scheduler
from automation.scheduler.outcome import JobOutcome, exit_code_of, round_exit_code
from automation.scheduler.signals import install_signal_handlers

__all__ = [
    "MAX_NAP_SECONDS",
    "JobOutcome",
    "ScheduledJob",
    "Scheduler",
    "exit_code_of",
    "install_signal_handlers",
    "job_for_target",
    "round_exit_code",
]
