"""How many accounts run at once: the `concurrency` setting, or for `auto` the machine's cores and free
memory. Pure but for reading /proc/meminfo and the CPU count, which the caller may pass instead."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

RUN_MIB = 350
"""Memory one running account takes (agent, Node driver, Chromium), with some room: bench/accounts.py
measured a peak of about 250 MB PSS per concurrent run on a small store (bench/README.md)."""

RESERVE_MIB = 512
"""Memory `auto` leaves for everything else on the machine."""


def available_mib(meminfo: Path = Path("/proc/meminfo")) -> int | None:
    """MemAvailable in MiB, or None where it cannot be read."""
    try:
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def auto_concurrency(cores: int, free_mib: int | None) -> int:
    """One run per core (on 2 cores the runs are CPU-bound: more at once only share the same CPU, with
    more memory), fewer when the free memory cannot hold that many; at least 1."""
    by_memory = cores if free_mib is None else (free_mib - RESERVE_MIB) // RUN_MIB
    return max(1, min(cores, by_memory))


def concurrency_for(
    setting: int | Literal["auto"],
    *,
    accounts: int,
    cores: int | None = None,
    free_mib: int | None = None,
) -> tuple[int, str]:
    """The number of runs at once for `accounts` accounts, and the words saying where it came from
    (printed when `schedule` or `watch` starts)."""
    if setting != "auto":
        chosen, why = int(setting), f"concurrency {setting} (settings)"
    else:
        cores = cores if cores is not None else (os.cpu_count() or 1)
        free_mib = free_mib if free_mib is not None else available_mib()
        chosen = auto_concurrency(cores, free_mib)
        free = "unknown" if free_mib is None else f"{free_mib / 1024:.1f} GB"
        why = f"concurrency auto = {chosen} ({cores} cores, {free} free memory, about {RUN_MIB} MB a run)"
    return max(1, min(chosen, accounts)), why
