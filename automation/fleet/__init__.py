"""Accounts spread over machines: Celery workers taking account runs from a Redis queue (`worker`), and
`beat` putting each account on that queue on its schedule.

`app` configures Celery from the settings (late acknowledgement, so a killed worker's run is delivered
again; one message at a time per process) and names the one task, "run one account once"; `queued`
keeps beat from queueing an account whose previous run is still queued or running; `beat` is the
scheduled loop of `sc-cancel schedule` with "put it on the queue" as each account's job; `pool` starts
the worker's prefork pool, sharing the log file with it (only the main process rotates it). What a task
runs is handed in by the command that starts the worker (the same code as `schedule --once --account
NAME`), so nothing here knows how an account is run.
"""

from automation.fleet.app import TASK_NAME, broker_url_of, make_app, visibility_timeout
from automation.fleet.beat import beat_jobs
from automation.fleet.queued import QueuedMarks

__all__ = ["TASK_NAME", "QueuedMarks", "beat_jobs", "broker_url_of", "make_app", "visibility_timeout"]
