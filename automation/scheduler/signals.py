"""SIGTERM and Ctrl-C end the scheduled loop between runs, not in the middle of one.

Python's default for Ctrl-C raises `KeyboardInterrupt` wherever the main thread happens to be, which
could be between submitting a cancellation and recording it; `systemctl stop`, `docker stop` and
Kubernetes send SIGTERM, which by default kills the process outright. Both are turned into "set the stop
event": the run in progress finishes and records its outcome, and the loop exits. A second Ctrl-C means
the person really wants out now and raises `KeyboardInterrupt` as usual; the loop then aborts the runs
in progress (their processes stopped, their runs recorded as failed with exit code 130) and the command
exits with 130.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from types import FrameType

from loguru import logger

HANDLED_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def _warn(message: str) -> None:
    logger.warning(message)


def install_signal_handlers(
    stop: threading.Event, *, log: Callable[[str], None] = _warn
) -> Callable[[], None]:
    """Make SIGTERM and SIGINT set `stop`; returns a function that puts the previous handlers back.

    Must be called from the main thread (a Python rule for signal handlers).
    """

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        name = signal.Signals(signum).name
        if stop.is_set() and signum == signal.SIGINT:
            raise KeyboardInterrupt
        stop.set()
        log(f"scheduler: {name} received; finishing the current run, then exiting (Ctrl-C again to abort)")

    previous = {sig: signal.signal(sig, on_signal) for sig in HANDLED_SIGNALS}

    def restore() -> None:
        for sig, handler in previous.items():
            signal.signal(sig, handler)

    return restore
