"""The sandbox's clock: the scenario's `now`, advancing with real time.

A scenario written for "the day after Black Friday" must look the same whenever it is served, so the
dates the pages show and compute with (order age, ship-by, a reply's time) follow this clock. One-time
codes and the times in /__sandbox/state follow the real clock, as an authenticator app and an audit do.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta


def real_utc_now() -> datetime:
    return datetime.now(UTC)


class SandboxClock:
    """Starts at `start` (or the real time when None) and moves forward with the monotonic clock."""

    def __init__(self, start: datetime | None, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._start = start
        self._monotonic = monotonic
        self._origin = monotonic()

    def now(self) -> datetime:
        if self._start is None:
            return real_utc_now()
        return self._start + timedelta(seconds=self._monotonic() - self._origin)


def iso_utc(moment: datetime) -> str:
    """`2026-11-26T18:02:11Z`: the interface's time format (docs/interfaces.md)."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
