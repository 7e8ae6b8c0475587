"""Recording every response body of a session, working around Chromium's HAR-body race.

With only `record_har_path`, Chromium drops the body of a fetch/XHR whose page navigates right away
(environment.md gotcha 9: 25-50 % of sign-in POSTs lost it), and a replay of that flow then breaks.
The workaround measured reliable (15/15): a context route that performs every request itself with
`route.fetch()` and fulfills the browser with the answer, so Playwright holds each body before the page
can move on; the context's own HAR recorder then writes those bodies. `max_redirects=0` hands
redirects to the browser unchanged, which follows them itself (Playwright does not route a redirect's
target, so those documents are recorded from the network, where the race does not bite: nothing reads
a document's body and navigates away within the same task). `har_problems` checks the result anyway, and
`sc-cancel record` refuses a capture with holes rather than committing one that cannot replay.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from loguru import logger

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Route

NO_BODY_STATUSES = frozenset({204, 205, 304})


def _fetch_and_fulfill(route: Route) -> None:
    from playwright.sync_api import Error as PlaywrightError

    try:
        response = route.fetch(max_redirects=0)
    except PlaywrightError as exc:
        logger.debug("capture: {} {} failed: {}", route.request.method, route.request.url, exc.message)
        with contextlib.suppress(PlaywrightError):
            route.abort("failed")
        return
    with contextlib.suppress(PlaywrightError):  # the page may be gone already
        route.fulfill(response=response)


def install_capture(context: BrowserContext) -> None:
    """Route every request of `context` through `route.fetch()` (see the module's docstring)."""
    context.route("**/*", _fetch_and_fulfill)


def _has_body(entry: dict[str, Any]) -> bool:
    content = entry.get("response", {}).get("content", {})
    return bool(content.get("text")) or bool(content.get("_file"))


def har_problems(path: Path) -> list[str]:
    """Entries a replay would need but that have no body (empty when the capture is complete)."""
    har = json.loads(path.read_text(encoding="utf-8"))
    problems = []
    for entry in har.get("log", {}).get("entries", []):
        response = entry.get("response", {})
        status = int(response.get("status", 0))
        if status <= 0:  # cancelled by the page itself; a replay aborts it the same way
            continue
        if 300 <= status < 400 or status in NO_BODY_STATUSES:
            continue
        declared = response.get("content", {}).get("size", -1)
        if not _has_body(entry) and declared != 0:
            problems.append(f"{entry['request']['method']} {entry['request']['url']}: body missing")
    return problems
