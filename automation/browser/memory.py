"""Keeps the renderer small while a long list is read: a full garbage collection once garbage piles up.

Measured with bench/scan.py (2,000 orders, 3,000 threads): the renderer grew from about 100 to 560 MiB
PSS while the inbox was listed, though its JavaScript heap stayed at 3-5 MiB. The growth is DOM garbage:
the inbox replaces all its list entries on every "Load more" and every opened thread, and Chromium
collects the replaced nodes (Blink's own heap) lazily. A full collection through the DevTools protocol
(`HeapProfiler.collectGarbage`) keeps that garbage bounded; it changes nothing the page shows, so the
scan reads the same rows.

A collection costs in proportion to what is alive, not to the garbage (about 0.2 s of renderer CPU with
a 3,000-entry list shown), so collecting on a fixed rhythm paid that price also where it freed little:
while the list was short, and on pages of orders that replace nothing. Instead, after each list step the
renderer's DOM node count is read (`Memory.getDOMCounters`: a counter, no collection), and a collection
runs only once the nodes beyond those alive after the last collection, which are the replaced entries
and the previous pages' documents, exceed a budget: a fixed floor, or a multiple of what was alive,
whichever is larger. The peak is then bounded by that budget, whatever the list's length.
"""

from __future__ import annotations

import contextlib
from typing import Any

from loguru import logger
from playwright.sync_api import CDPSession, Page
from playwright.sync_api import Error as PlaywrightError

GARBAGE_FLOOR_NODES = 30_000
"""Nodes beyond the live ones tolerated before a collection, however small the page (about 40 MiB of
renderer memory: a node with its layout and style measured about 1.4 KiB)."""
GARBAGE_PER_LIVE_NODE = 1.0
"""...or this many per node alive after the last collection, where that is more: a big list's
collection costs more, so it waits for more garbage; at 1.0, about one replaced copy of the list."""


class RendererMemory:
    """Watches one page's renderer node count after each list step; collects once garbage passes the
    budget: `floor` nodes, or `per_live` times the nodes alive after the last collection."""

    def __init__(
        self, page: Page, floor: int = GARBAGE_FLOOR_NODES, per_live: float = GARBAGE_PER_LIVE_NODE
    ) -> None:
        self.page = page
        self.floor = floor
        self.per_live = per_live
        self.steps = 0
        self.collections = 0
        self.live = 0
        """Nodes counted right after the last collection (0 before the first)."""
        self._cdp: CDPSession | None = None
        self._unavailable = False

    def budget(self) -> int:
        """Nodes beyond `live` tolerated before the next collection."""
        return max(self.floor, int(self.per_live * self.live))

    def step(self) -> None:
        """One more list step: collect if the node count shows more garbage than the budget."""
        self.steps += 1
        nodes = self.nodes()
        if nodes is not None and nodes - self.live > self.budget():
            self.collect()

    def nodes(self) -> int | None:
        """The renderer's DOM node count, garbage not yet collected included (None without DevTools)."""
        result = self._send("Memory.getDOMCounters")
        return int(result["nodes"]) if result is not None else None

    def collect(self) -> None:
        """A full collection now; nothing where the browser offers no DevTools protocol session."""
        before = self.live
        if self._send("HeapProfiler.collectGarbage") is None:
            return
        self.collections += 1
        self.live = self.nodes() or 0
        logger.debug("renderer garbage collected: {} nodes left ({} after the last)", self.live, before)

    def _send(self, method: str) -> dict[str, Any] | None:
        if self._unavailable or self.page.is_closed():
            return None
        try:
            if self._cdp is None:
                self._cdp = self.page.context.new_cdp_session(self.page)
            result: dict[str, Any] = self._cdp.send(method)
            return result
        except PlaywrightError as exc:
            # An optimisation only: a browser without the protocol (or a page gone) reads the same.
            logger.debug("renderer memory watch unavailable ({}): {}", method, exc)
            self._unavailable = True
            with contextlib.suppress(PlaywrightError):
                if self._cdp is not None:
                    self._cdp.detach()
            self._cdp = None
            return None
