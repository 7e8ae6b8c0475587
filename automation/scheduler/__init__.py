"""`sc-cancel schedule`: every configured account, every interval (with jitter), until stopped.

`loop` holds the `schedule`-based loop, `pool` the runs it has under way (up to `concurrency` accounts
at once) or queued off the schedule and how they end on a stop or an abort, `outcome` the record and
log line of one run, `signals` the SIGTERM/Ctrl-C handling, `worker` the worker process each run goes
in (stopped after `run_timeout`; `stopped_run` closes such a run as failed), `capacity` what
`concurrency: auto` comes to. The CLI builds one `ScheduledJob` per account around `run_account`.
"""

from __future__ import annotations

from automation.scheduler.accounts import in_worker, job_for_target, run_account_once
from automation.scheduler.capacity import concurrency_for
from automation.scheduler.loop import MAX_NAP_SECONDS, ScheduledJob, Scheduler
from automation.scheduler.outcome import JobOutcome, exit_code_of, round_exit_code
from automation.scheduler.signals import install_signal_handlers

__all__ = [
    "MAX_NAP_SECONDS",
    "JobOutcome",
    "ScheduledJob",
    "Scheduler",
    "concurrency_for",
    "exit_code_of",
    "in_worker",
    "install_signal_handlers",
    "job_for_target",
    "round_exit_code",
    "run_account_once",
]
