"""Keeps the renderer small while a long list is read: a full garbage collection every few steps.

Measured with bench/scan.py (2,000 orders, 3,000 threads): the renderer grew from about 100 to 560 MiB
PSS while the inbox was listed, though its JavaScript heap stayed at 3-5 MiB. The growth is DOM garbage:
the inbox replaces all its list entries on every "Load more" and every opened thread, and Chromium
collects the replaced nodes (Blink's own heap) lazily. A full collection through the DevTools protocol
(`HeapProfiler.collectGarbage`) every few list steps keeps that garbage bounded; it changes nothing the
page shows, so the scan reads the same rows.

A collection costs in proportion to what is alive, not to the garbage: about 0.35 s on a loaded machine
with a 3,000-entry list shown (measured with 18,000 live nodes). Collecting every 5 steps on the inbox
and on every page of orders cost the first scan a third more CPU. So the inbox collects every 8 steps,
and a list on a new page (Manage Orders after the inbox) collects once when that page is first read,
when little is alive and the previous page's whole DOM is garbage.
"""

from __future__ import annotations

import contextlib

from loguru import logger
from playwright.sync_api import CDPSession, Page
from playwright.sync_api import Error as PlaywrightError

STEPS_PER_COLLECTION = 8
"""List steps ("Load more", an opened thread) between two collections."""


class RendererMemory:
    """Counts list steps on one page and collects the renderer's garbage every `every` of them."""

    def __init__(self, page: Page, every: int = STEPS_PER_COLLECTION) -> None:
        self.page = page
        self.every = every
        self.steps = 0
        self.collections = 0
        self._cdp: CDPSession | None = None
        self._unavailable = False

    def step(self, new_page: bool = False) -> None:
        """One more list step; every `every`-th collects the garbage, and so does the first read of a
        list on a newly loaded page (`new_page`)."""
        self.steps += 1
        if new_page or self.steps % self.every == 0:
            self.collect()

    def collect(self) -> None:
        """A full collection now; nothing where the browser offers no DevTools protocol session."""
        if self._unavailable or self.page.is_closed():
            return
        try:
            if self._cdp is None:
                self._cdp = self.page.context.new_cdp_session(self.page)
            self._cdp.send("HeapProfiler.collectGarbage")
            self.collections += 1
        except PlaywrightError as exc:
            # An optimisation only: a browser without the protocol (or a page gone) reads the same.
            logger.debug("renderer garbage collection unavailable: {}", exc)
            self._unavailable = True
            with contextlib.suppress(PlaywrightError):
                if self._cdp is not None:
                    self._cdp.detach()
            self._cdp = None
