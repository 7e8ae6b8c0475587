"""Logging, configured once by the CLI: readable lines on the terminal, JSON lines to a rotating file.

Every record goes through the redactor first, so secrets and buyer personal data never reach a sink.

The scheduler's worker processes are forks of it and write to the same file. Loguru rotates a file by
renaming it, from each process's own view: several processes rotating one file rename each other's
fresh files and fail on names already gone, losing lines. So a forked worker calls `in_forked_worker`:
it keeps appending to the file without ever rotating it, and reopens it once it has been rotated
(loguru's `watch`); only the process that configured logging rotates it (it looks at the file's real
size, the workers' lines included, each time it writes). Loguru's own answer, `enqueue=True`, sends every
line through a queue guarded by a lock shared between processes; a worker killed by `run_timeout` while
holding it would stop every other process's logging, so it is not used.

Celery's prefork pool (`sc-cancel worker`) is the same case the other way round: its pool processes,
forked from the main process, write nearly every line (`in_forked_worker` is called in each as it
starts), and the main process writes almost none, so its writes alone would seldom rotate the file.
`rotate_when_full` has it look at the file's size every so often and write one line once it is full,
which rotates it.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from loguru import logger

from automation.redact import REDACTOR

if TYPE_CHECKING:
    from loguru import Record

ROTATION_BYTES = 10 * 1000 * 1000
RETENTION_FILES = 5
ROTATION_CHECK_SECONDS = 30.0
"""How often `rotate_when_full` looks at the file's size."""

_file_sink: tuple[int, Path, int] | None = None
"""The rotating file sink's loguru id, path and rotation size, for `in_forked_worker` and
`rotate_when_full`."""


def _redact(record: Record) -> None:
    record["message"] = REDACTOR(record["message"])
    extra: dict[str, Any] = record["extra"]
    for key, value in list(extra.items()):
        if isinstance(value, str):
            extra[key] = REDACTOR(value)
    if record["exception"] is not None:
        exc = record["exception"]
        if exc.value is not None:
            exc.value.args = tuple(REDACTOR(a) if isinstance(a, str) else a for a in exc.value.args)


def configure_logging(
    *,
    verbose: int = 0,
    quiet: bool = False,
    log_file: Path | None = None,
    rotation: int = ROTATION_BYTES,
    retention: int = RETENTION_FILES,
) -> None:
    """stderr: INFO (DEBUG with -v, WARNING with -q); file: DEBUG as JSON lines, rotated at `rotation`
    bytes (10 MB), the `retention` newest rotated files kept."""
    global _file_sink  # noqa: PLW0603 - the one configuration of this process's logging
    logger.remove()
    _file_sink = None
    logger.configure(patcher=_redact)
    level = "WARNING" if quiet else ("DEBUG" if verbose else "INFO")
    logger.add(
        sys.stderr,
        level=level,
        format="<green>{time:HH:mm:ss}</green> <level>{level: <7}</level> {message}",
        colorize=None,
        backtrace=False,
        diagnose=False,
    )
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        sink = logger.add(
            log_file,
            level="DEBUG",
            serialize=True,
            rotation=rotation,
            retention=retention,
            backtrace=False,
            diagnose=False,
        )
        _file_sink = (sink, log_file, rotation)


def in_forked_worker() -> None:
    """In a process forked from the one that configured logging: append to its log file, never rotate it
    (see the module's docstring). Outside such a fork, or without a log file, nothing changes."""
    global _file_sink  # noqa: PLW0603 - this process's own configuration from now on
    if _file_sink is None:
        return
    sink, log_file, _rotation = _file_sink
    _file_sink = None
    try:
        logger.remove(sink)  # closes this process's copy of the file; the parent's stays open
    except ValueError:  # removed since (loguru reconfigured without `configure_logging`): nothing to do
        return
    logger.add(log_file, level="DEBUG", serialize=True, watch=True, backtrace=False, diagnose=False)


def rotate_when_full(every: float = ROTATION_CHECK_SECONDS) -> Callable[[], None]:
    """In the process that rotates the log file while its forked workers write most of it: look at the
    file's size every `every` seconds and, once it is full, write one line, on which loguru rotates it
    (it rotates only when this process writes). Returns a function that stops the looking. Without a
    rotating log file here (none configured, or this is a forked worker), nothing is done."""
    if _file_sink is None:
        return lambda: None
    _sink, log_file, rotation = _file_sink
    stop = threading.Event()

    def look() -> None:
        while not stop.wait(every):
            try:
                size = os.stat(log_file).st_size
            except OSError:  # between a rotation and the next line: nothing to rotate
                continue
            if size >= rotation:
                logger.debug("log file: rotated at {} bytes", size)

    threading.Thread(target=look, name="log-rotation", daemon=True).start()
    return stop.set
