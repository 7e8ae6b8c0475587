"""Injected failures, the same sequence every time for the same `seed`.

Robustness is tested, not assumed: a scenario can slow responses down, fail JSON calls and so on. One
`random.Random(seed)` gives three numbers per counted request (slow?, error?, which error?), always
three, in the order requests arrive; so a run that makes the same requests meets the same faults.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from automation.sandbox.scenario import Faults


@dataclass(frozen=True)
class FaultDraw:
    """What happens to one request: wait `delay_s` first; a JSON request answers `error_status`."""

    delay_s: float = 0.0
    error_status: int | None = None


class FaultPlan:
    def __init__(self, faults: Faults) -> None:
        self.faults = faults
        self._random = random.Random(faults.seed)
        self.counted = 0

    def draw(self, *, is_json: bool) -> FaultDraw:
        """The fault for the next counted request (HTML pages and JSON; never assets or inspection)."""
        slow_roll, error_roll, status_roll = (self._random.random() for _ in range(3))
        self.counted += 1
        delay = self.faults.slow_seconds if slow_roll < self.faults.slow_share else 0.0
        error = None
        if is_json and error_roll < self.faults.error_share:
            error = 500 if status_roll < 0.5 else 503
        return FaultDraw(delay_s=delay, error_status=error)
