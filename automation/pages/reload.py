"""Waiting for a list to reload after a control changed it, the way its selector file says it reloads.

A single-page table re-fetches its rows in place (the `response` glob, or any fetch/XHR answer); a
server-rendered one loads a new document. `reload: either` waits for whichever the click starts: the
first request it causes is either the main frame's new document or a fetch, and that request says
which wait follows, so neither kind of page waits for a timeout. The old document is marked before the
click, so a new document is known by the mark being gone, never by a landmark the old page still shows.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from playwright.sync_api import Error as PlaywrightError

from automation.pages.inpage import script
from automation.selector_keys import ListSpec, Reload

if TYPE_CHECKING:
    from playwright.sync_api import Page, Request

FETCHES = ("fetch", "xhr")


@lru_cache(maxsize=32)
def glob_regex(glob: str) -> re.Pattern[str]:
    """A URL glob as Playwright reads one: `**` any characters, `*` any but `/`, the rest literal."""
    parts = re.split(r"(\*\*|\*)", glob)
    body = "".join(".*" if p == "**" else "[^/]*" if p == "*" else re.escape(p) for p in parts)
    return re.compile(body)


def _main_frame_document(request: Request) -> bool:
    try:
        return request.is_navigation_request() and request.frame.parent_frame is None
    except PlaywrightError:  # a service worker's request has no frame
        return False


def wait_for_reload(page: Page, spec: ListSpec, pattern: str | None, action: Callable[[], Any]) -> None:
    """Run `action` (the click) and return once the list's new rows have come: the awaited answer in
    place, or the new document loaded. What the page shows then is the caller's to check.

    Raises Playwright's errors (its timeout when the click starts no reload at all).
    """
    if spec.reload is Reload.IN_PLACE:
        # Today's single-page tables: one expectation, as before these keys existed.
        expected: Any = pattern or (lambda r: r.request.resource_type in FETCHES)
        with page.expect_response(expected):
            action()
        return
    matches = glob_regex(pattern) if pattern else None
    in_place = spec.reload is Reload.EITHER

    def starts_reload(request: Request) -> bool:
        if _main_frame_document(request):
            return True
        if not in_place or request.resource_type not in FETCHES:
            return False
        return matches is None or matches.fullmatch(request.url) is not None

    page.evaluate(script("mark_document"))
    with page.expect_request(starts_reload) as started:
        action()
    request = started.value
    if _main_frame_document(request):
        page.wait_for_function(script("new_document")).dispose()
    else:
        request.response()
