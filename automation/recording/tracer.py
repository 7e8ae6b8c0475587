"""A browser context's Playwright trace, in chunks that leave sign-in out, kept or discarded at the end.

Modes (`--trace`): `on` keeps `trace.zip` always, with screenshots and DOM snapshots; `retain-on-failure`
records actions and network only (cheap) and keeps the trace only when the session ended with an error;
`off` never starts tracing. Chunks are written into a private temporary folder next
to the trace, then merged and scrubbed into one `trace.zip` (`automation.recording.trace_zip`).
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from loguru import logger

from automation.recording.trace_zip import merge_chunks
from automation.redact import REDACTOR

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext

TRACE_MODES = ("on", "off", "retain-on-failure")


class SessionTracer:
    """Owns the tracing of one context between `start()` and `finish()`."""

    def __init__(self, context: BrowserContext, mode: str, path: Path) -> None:
        if mode not in TRACE_MODES:
            raise ValueError(f"trace mode {mode!r} is not one of {', '.join(TRACE_MODES)}")
        self.context = context
        self.mode = mode
        self.path = path
        self.chunks: list[Path] = []
        self._chunk_open = False
        self._paused = 0
        self._folder: Path | None = None

    def start(self) -> None:
        from playwright.sync_api import Error as PlaywrightError

        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._folder = Path(tempfile.mkdtemp(prefix=".trace-chunks-", dir=self.path.parent))
        try:
            # Full DOM snapshots copy the whole page on every step: on a 3,000-thread inbox that made
            # a scan 4x slower (bench/scan.py). Unattended runs (`retain-on-failure`) keep the cheap
            # part, actions and network, next to the error's own screenshot and page HTML; `--trace on`
            # records everything for a person debugging.
            full = self.mode == "on"
            self.context.tracing.start(
                screenshots=full, snapshots=full, sources=full, title=self.path.parent.name
            )
        except PlaywrightError as exc:
            logger.warning("tracing could not start: {}", exc.message)
            return
        self._chunk_open = True

    def _stop_chunk(self, keep: bool) -> None:
        from playwright.sync_api import Error as PlaywrightError

        if not self._chunk_open or self._folder is None:
            return
        self._chunk_open = False
        chunk = self._folder / f"chunk-{len(self.chunks) + 1}.zip"
        try:
            self.context.tracing.stop_chunk(path=str(chunk) if keep else None)
        except PlaywrightError as exc:
            logger.debug("trace chunk not saved: {}", exc.message)
            return
        if keep:
            self.chunks.append(chunk)

    @contextlib.contextmanager
    def untraced(self) -> Iterator[None]:
        """Nothing in the block is traced (sign-in: the password and one-time code are typed there)."""
        from playwright.sync_api import Error as PlaywrightError

        self._paused += 1
        if self._paused == 1:
            self._stop_chunk(keep=True)  # kept or not is decided in finish(), when the outcome is known
        try:
            yield
        finally:
            self._paused -= 1
            if self._paused == 0 and self._folder is not None and not self._chunk_open:
                try:
                    self.context.tracing.start_chunk()
                    self._chunk_open = True
                except PlaywrightError as exc:
                    logger.debug("trace chunk not restarted: {}", exc.message)

    def finish(self, *, failed: bool) -> Path | None:
        """Stop tracing (before the context closes); the scrubbed trace.zip when it is kept, else None."""
        from playwright.sync_api import Error as PlaywrightError

        if self._folder is None:
            return None
        keep = self.mode == "on" or (self.mode == "retain-on-failure" and failed)
        try:
            self._stop_chunk(keep=keep)
            with contextlib.suppress(PlaywrightError):
                self.context.tracing.stop()
            if keep and self.chunks:
                merge_chunks(self.chunks, self.path, REDACTOR.secrets())
                logger.info(
                    "trace kept: {} (view it with `playwright show-trace -h 127.0.0.1 -p 9323 {}`)",
                    self.path,
                    self.path,
                )
                return self.path
            return None
        finally:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None
