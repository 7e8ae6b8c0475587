"""Per-phase timings for the report: how long sign-in, each source and the actions took.

A run that got slow is debugged from these figures; a monotonic clock keeps them honest across clock
changes. Phases keep the order they first ran in, and a phase entered twice adds up.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator


class PhaseTimer:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._seconds: dict[str, float] = {}

    @contextlib.contextmanager
    def phase(self, name: str) -> Iterator[None]:
        """Time the block as `name`; a block that raises is timed too (the report shows where it broke)."""
        started = self._clock()
        try:
            yield
        finally:
            self._seconds[name] = self._seconds.get(name, 0.0) + (self._clock() - started)

    def as_dict(self) -> dict[str, float]:
        return {name: round(seconds, 3) for name, seconds in self._seconds.items()}
