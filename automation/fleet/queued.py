"""One queued-or-running mark per account in Redis, so beat never queues an account twice.

Beat sets the mark (`SET NX` with an expiry) before queueing an account's run, and the worker removes it
when that run ends; while it is there, beat's next turn for the account is skipped and logged. The
expiry covers a run that was lost altogether (a dead broker's queue): the mark then lapses and beat
queues the account again. The account lock still keeps two runs apart wherever they come from (a manual
`sc-cancel run`, a `watch`); this only keeps the queue from filling with one slow account's turns.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

PREFIX = "sc-cancel:queued:"


class QueuedMarks:
    """The marks on the broker's Redis (`redis.Redis.from_url(broker_url)`)."""

    def __init__(self, client: Any, lifetime: timedelta) -> None:
        self.client = client
        self.lifetime = lifetime

    @classmethod
    def on(cls, broker_url: str, lifetime: timedelta) -> QueuedMarks:
        import redis

        return cls(redis.Redis.from_url(broker_url), lifetime)

    def claim(self, account: str, task_id: str = "pending") -> bool:
        """Mark `account` as queued; False (and nothing changed) when a run of it is queued or running."""
        seconds = max(1, int(self.lifetime.total_seconds()))
        return bool(self.client.set(PREFIX + account, task_id, nx=True, ex=seconds))

    def note_task(self, account: str, task_id: str) -> None:
        """The claimed mark now names the queued task (kept with its expiry), for the skip's log line."""
        self.client.set(PREFIX + account, task_id, xx=True, keepttl=True)

    def release(self, account: str) -> None:
        """The account's run has ended (whatever its outcome): beat may queue it again."""
        self.client.delete(PREFIX + account)

    def holder(self, account: str) -> str | None:
        value = self.client.get(PREFIX + account)
        return None if value is None else value.decode("utf-8", "replace")
