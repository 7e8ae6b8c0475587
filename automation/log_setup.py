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
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from loguru import logger

from automation.redact import REDACTOR

if TYPE_CHECKING:
    from loguru import Record

ROTATION_BYTES = 10 * 1000 * 1000
RETENTION_FILES = 5

_file_sink: tuple[int, Path] | None = None
"""The rotating file sink's loguru id and path, for `in_forked_worker`."""


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
        _file_sink = (sink, log_file)


def in_forked_worker() -> None:
    """In a process forked from the one that configured logging: append to its log file, never rotate it
    (see the module's docstring). Outside such a fork, or without a log file, nothing changes."""
    global _file_sink  # noqa: PLW0603 - this process's own configuration from now on
    if _file_sink is None:
        return
    sink, log_file = _file_sink
    _file_sink = None
    try:
        logger.remove(sink)  # closes this process's copy of the file; the parent's stays open
    except ValueError:  # removed since (loguru reconfigured without `configure_logging`): nothing to do
        return
    logger.add(log_file, level="DEBUG", serialize=True, watch=True, backtrace=False, diagnose=False)
