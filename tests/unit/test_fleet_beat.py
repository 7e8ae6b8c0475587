"""Beat against a real Redis: a turn puts the account's run on the queue that workers read; the next
turn, while that run is still queued or running, is skipped; once the run has ended (the worker releases
the mark), the account is queued again. The Celery app is configured for late acknowledgement."""

from __future__ import annotations

from datetime import timedelta

import redis
from pydantic import SecretStr
from redis_server import RedisServer

from automation.fleet import QueuedMarks, beat_jobs, make_app, visibility_timeout
from automation.fleet.app import QUEUE, enqueue
from automation.settings import Schedule
from automation.targets import Target


def target(name: str) -> Target:
    """An account as beat sees it: a name and a schedule (beat never signs in)."""
    return Target(
        name=name,
        key=name,
        email="seller@example.com",
        password=lambda: SecretStr("unused"),
        totp_secret=lambda: None,
        marketplaces=(),
        schedule=Schedule(every="10m", jitter="0s"),
    )


def test_beat_queues_an_account_once_until_its_run_has_ended(redis_server: RedisServer) -> None:
    url = redis_server.url_for(5)
    client = redis.Redis.from_url(url)
    client.flushdb()
    app = make_app(url, run_timeout=timedelta(minutes=20))
    marks = QueuedMarks.on(url, timedelta(minutes=50))
    [job] = beat_jobs([target("shop")], lambda name: enqueue(app, name), marks)

    first = job.run()
    assert not first.skipped
    assert client.llen(QUEUE) == 1

    second = job.run()
    assert second.skipped, "the first run is still queued"
    assert client.llen(QUEUE) == 1

    marks.release("shop")  # what the worker does when the run ends
    assert not job.run().skipped
    assert client.llen(QUEUE) == 2
    assert 0 < client.ttl("sc-cancel:queued:shop") <= 50 * 60


def test_the_app_acknowledges_late_and_outwaits_run_timeout() -> None:
    app = make_app("redis://127.0.0.1:9/0", run_timeout=timedelta(minutes=20))
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1
    assert app.conf.broker_transport_options["visibility_timeout"] == visibility_timeout(
        timedelta(minutes=20)
    )
    assert visibility_timeout(timedelta(minutes=20)) > 20 * 60
