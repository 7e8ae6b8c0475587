"""The Celery app of `sc-cancel worker` and `beat`, configured from the settings, and its one task.

Why these settings: a task is acknowledged only when its run has ended (`task_acks_late`), and a task
whose worker process died under it is put back on the queue (`task_reject_on_worker_lost`), so a machine
that dies in the middle of a cancellation does not lose the account's run: another worker runs it again,
and the ledger's in-flight action is settled by reading the order, never by submitting again. Redis
hands an unacknowledged task to another worker after the broker's visibility timeout, so that timeout is
longer than `run_timeout` (the longest a run may last): a run still going is never run twice. Each worker
process takes one task at a time (prefetch 1): a run lasts minutes, and a task waiting in one busy
process's buffer would wait while another process idles.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from loguru import logger

from automation.errors import BadInputError
from automation.redact import REDACTOR
from automation.settings import resolve_secret

if TYPE_CHECKING:
    from celery import Celery

    from automation.scheduler import JobOutcome
    from automation.settings import ResolvedSettings

TASK_NAME = "sc_cancel.run_account"
QUEUE = "sc-cancel"
VISIBILITY_MARGIN = timedelta(minutes=10)
"""How much longer than `run_timeout` Redis waits before handing an unacknowledged run to another worker."""

RunOne = Callable[[str], "JobOutcome"]
"""Runs the named account once and returns its outcome (the worker command hands it in)."""


def visibility_timeout(run_timeout: timedelta) -> int:
    """The broker's visibility timeout in seconds: `run_timeout` plus a margin."""
    return int((run_timeout + VISIBILITY_MARGIN).total_seconds())


def broker_url_of(settings: ResolvedSettings) -> str:
    """`broker_url` from the settings, a secret reference resolved; its password (if any) is added to
    the redactor, so it never reaches a log. Refused (exit code 2) when it is not set."""
    from urllib.parse import urlsplit

    from automation.settings.places import check_broker_url

    given = settings.broker_url
    if given is None:
        raise BadInputError(
            "broker_url is not set: workers and beat need a Redis broker; add broker_url: "
            "redis://HOST:6379/0 to the settings file (or {env: NAME} naming a URL with a password)"
        )
    if isinstance(given, str):
        return given
    url = resolve_secret(given, settings.environ, "broker_url").get_secret_value().strip()
    password = urlsplit(url).password
    REDACTOR.add(password, "broker password")
    try:
        check_broker_url(url.replace(f":{password}@", "@") if password else url)
    except ValueError as exc:
        raise BadInputError(f"broker_url (from its secret reference): {exc}") from None
    return url


def make_app(broker_url: str, *, run_timeout: timedelta, run_one: RunOne | None = None) -> Celery:
    """A Celery app on `broker_url`; with `run_one`, the task that calls it (a worker's app), without it
    an app that only queues tasks by name (beat's)."""
    from celery import Celery

    app = Celery("sc-cancel", broker=broker_url, set_as_current=False)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        broker_transport_options={"visibility_timeout": visibility_timeout(run_timeout)},
        broker_connection_retry_on_startup=True,
        task_default_queue=QUEUE,
        task_ignore_result=True,
        task_serializer="json",
        accept_content=["json"],
        worker_hijack_root_logger=False,
        worker_redirect_stdouts=False,
        enable_utc=True,
    )
    if run_one is not None:

        @app.task(name=TASK_NAME)
        def run_account(account: str) -> dict[str, Any]:
            outcome = run_one(account)
            return {"account": outcome.account, "exit_code": outcome.exit_code}

    return app


def enqueue(app: Celery, account: str) -> str:
    """Put one run of `account` on the queue; returns the task's id."""
    result = app.send_task(TASK_NAME, args=[account], queue=QUEUE)
    logger.debug("queued {} as task {}", account, result.id)
    return str(result.id)
