"""Memory and CPU of a process and all its descendants, read from /proc (no psutil).

The agent is three kinds of process: Python, Playwright's Node driver, and Chromium's browser,
renderer, GPU and utility processes. Their resident sets share many pages (Chromium's processes map
the same binary and fonts), so the RSS sum over-counts; PSS (`/proc/<pid>/smaps_rollup`, readable for
our own processes) divides shared pages among their users and is the realistic figure. Both are
reported. Sampling misses what lives and dies between two samples, so the peak is a lower bound.

Reading smaps_rollup is not free (about 3 ms per Chromium process, measured here), so PSS is read on
every fifth sample only (every 0.5 s by default), and RSS, which costs microseconds, on each: sampling
must not load the machine it measures.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

from automation.scheduler.worker import descendants  # the one /proc walk, shared with run_timeout's kill

PROC = Path("/proc")
PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _stat_fields(pid: int) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command name (which may hold spaces and parentheses)."""
    try:
        raw = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    return raw.rsplit(")", 1)[1].split()


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process itself used so far (0 when it is gone)."""
    fields = _stat_fields(pid)
    if fields is None:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def rss_kib(pid: int) -> int:
    try:
        return int((PROC / str(pid) / "statm").read_text().split()[1]) * PAGE_KIB
    except (OSError, IndexError, ValueError):
        return 0


KINDS = ("agent", "driver", "browser", "renderer", "gpu", "utility", "other")
"""Process kinds, in the order tables show them: the Python agent, Playwright's Node driver, Chromium's
browser process (and its zygotes), its renderers, its GPU process, its utility processes (network,
storage, audio)."""


def process_kind(pid: int) -> str:
    """Which of `KINDS` a process is, from its command line (`--type=` for Chromium's children)."""
    try:
        # Chromium's children rewrite their command line into one string with spaces.
        argv = (PROC / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").split()
    except OSError:
        return "other"
    exe = argv[0].rsplit(b"/", 1)[-1] if argv and argv[0] else b""
    if b"python" in exe:
        return "agent"
    if exe == b"node":
        return "driver"
    kind = next((a[len(b"--type=") :] for a in argv if a.startswith(b"--type=")), None)
    if kind is None:
        return "browser" if b"chrom" in exe or b"headless" in exe else "other"
    return {
        b"renderer": "renderer",
        b"gpu-process": "gpu",
        b"utility": "utility",
        b"zygote": "browser",
    }.get(kind, "other")


def pss_kib(pid: int) -> int | None:
    """Proportional set size, or None where smaps_rollup cannot be read."""
    try:
        for line in (PROC / str(pid) / "smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


@dataclass
class MemoryPeak:
    rss_mib: float = 0.0
    pss_mib: float | None = None
    processes: int = 0
    pss_by_kind: dict[str, float] = field(default_factory=dict)
    """Each kind's own peak PSS (MiB) over the run; the kinds need not peak at the same moment."""
    pss_at_peak: dict[str, float] = field(default_factory=dict)
    """Each kind's PSS (MiB) in the sample where the whole tree's PSS peaked: what made the peak."""
    cpu_seen_s: float = 0.0
    """CPU of every process last seen in a sample: a cross-check of the exit status's figure."""


class TreeSampler(threading.Thread):
    """Samples the tree under `root` every `interval_s` until `stop()`; keeps the peaks."""

    def __init__(self, root: int, interval_s: float = 0.1, pss_every: int = 5) -> None:
        super().__init__(name="bench-sampler", daemon=True)
        self.root = root
        self.interval_s = interval_s
        self.pss_every = pss_every
        self._samples = 0
        self.peak = MemoryPeak()
        self._cpu_by_pid: dict[int, float] = {}
        self._kind_by_pid: dict[int, str] = {}
        self._stopped = threading.Event()

    def sample(self) -> None:
        pids = descendants(self.root)
        rss = sum(rss_kib(p) for p in pids)
        with_pss = self._samples % self.pss_every == 0
        self._samples += 1
        pss = {p: pss_kib(p) for p in pids} if with_pss else {}
        readable = [v for v in pss.values() if v is not None]
        for pid in pids:
            self._cpu_by_pid[pid] = max(self._cpu_by_pid.get(pid, 0.0), cpu_seconds(pid))
        peak = self.peak
        peak.rss_mib = max(peak.rss_mib, rss / 1024)
        if readable:
            by_kind: dict[str, float] = {}
            for pid, kib in pss.items():
                if kib is not None:
                    if pid not in self._kind_by_pid:
                        self._kind_by_pid[pid] = process_kind(pid)
                    kind = self._kind_by_pid[pid]
                    by_kind[kind] = by_kind.get(kind, 0.0) + kib / 1024
            for kind, mib in by_kind.items():
                peak.pss_by_kind[kind] = max(peak.pss_by_kind.get(kind, 0.0), mib)
            total = sum(readable) / 1024
            if total > (peak.pss_mib or 0.0):
                peak.pss_mib = total
                peak.pss_at_peak = by_kind
        peak.processes = max(peak.processes, len(pids))
        peak.cpu_seen_s = sum(self._cpu_by_pid.values())

    def run(self) -> None:
        while not self._stopped.is_set():
            self.sample()
            self._stopped.wait(self.interval_s)

    def stop(self) -> MemoryPeak:
        self._stopped.set()
        self.join(timeout=5)
        return self.peak
