"""A live status line on the terminal during long work (scans of thousands of orders, the inbox).

It shows the latest step the sources and actions log ("manage_orders unshipped page 7: 100 rows"), so a
person watching a long scan sees it move. Only on a terminal: piped or scheduled output stays plain.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TextIO

from loguru import logger

if TYPE_CHECKING:
    from loguru import Message

SHOWN_MODULES = (
    "automation.sources",
    "automation.actions",
    "automation.browser.signin",
    "automation.browser.account",
    "automation.scan",
    "automation.account_run",
)


@contextmanager
def live_status(title: str, stream: TextIO | None = None, *, enabled: bool = True) -> Iterator[None]:
    """Show `title` and then each step as a spinner line on `stream` (stderr) when it is a terminal."""
    stream = stream or sys.stderr
    if not enabled or not stream.isatty():
        yield
        return
    from rich.console import Console

    console = Console(file=stream)
    with console.status(title) as status:

        def show(message: Message) -> None:
            record = message.record
            text = record["message"].splitlines()[0] if record["message"] else ""
            status.update(f"{title}: {text[:100]}")

        sink = logger.add(
            show,
            level="DEBUG",
            format="{message}",
            filter=lambda record: (record["name"] or "").startswith(SHOWN_MODULES),
        )
        try:
            yield
        finally:
            logger.remove(sink)
