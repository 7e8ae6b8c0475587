"""Logging, configured once by the CLI: readable lines on the terminal, JSON lines to a rotating file.

Every record goes through the redactor first, so secrets and buyer personal data never reach a sink.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from loguru import logger

from automation.redact import REDACTOR

if TYPE_CHECKING:
    from loguru import Record


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


def configure_logging(*, verbose: int = 0, quiet: bool = False, log_file: Path | None = None) -> None:
    """stderr: INFO (DEBUG with -v, WARNING with -q); file: DEBUG as JSON lines, rotated at 10 MB."""
    logger.remove()
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
        logger.add(
            log_file,
            level="DEBUG",
            serialize=True,
            rotation="10 MB",
            retention=5,
            backtrace=False,
            diagnose=False,
        )
