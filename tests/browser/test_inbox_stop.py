"""The inbox listing stops at a thread already seen, unchanged, only where the list shows itself sorted
newest first: on a list in another order a new thread below the seen one is still read.

Each test serves a one-page inbox (the shipped selectors of the Messages page fit it) through a route
and lists it with the agent's own Messages source, as a scan does.
"""

from __future__ import annotations

from datetime import datetime

from playwright.sync_api import Page, Route

from automation.ledger.records import ThreadKind, ThreadMark
from automation.pages.base import PageContext
from automation.parsers.messages import parse_thread_item
from automation.runtime import Prepared
from automation.settings import REPO_SELECTORS
from automation.sources import messages
from automation.sources.context import SourceContext

BASE = "http://sc.test"
ZONE = "America/Los_Angeles"
ROW = (
    '<li class="thread-list-item" data-thread-id="{id}"><span class="thread-subject">Question {id}</span>'
    '<span class="thread-order-id">111-0000000-000000{n}</span><span class="thread-date">{date}</span>'
    '<span class="thread-snippet">Where is my package?</span></li>'
)


def _context(page: Page, rows: list[tuple[str, str]]) -> SourceContext:
    html = "".join(ROW.format(id=tid, n=n, date=date) for n, (tid, date) in enumerate(rows))
    body = f'<!doctype html><html><body><ul id="threads-list">{html}</ul></body></html>'

    def answer(route: Route) -> None:
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body=body)

    page.route(f"{BASE}/**", answer)
    prepared = Prepared.load(REPO_SELECTORS)
    pages = PageContext(prepared.selectors, prepared.lookup("en_US"), BASE, selectors_dir=REPO_SELECTORS)
    texts = prepared.texts["en_US"]
    return SourceContext(page, pages, texts, prepared.texts, ZONE, reauthenticate=lambda: None)


def _seen(ctx: SourceContext, thread_id: str, date: str) -> dict[str, ThreadMark]:
    """The ledger's mark of a thread classified earlier with this last activity."""
    listed = ctx.parse(parse_thread_item, {"thread_id": thread_id, "subject": "Question", "date": date})
    assert isinstance(listed.received_at, datetime)
    return {
        thread_id: ThreadMark(thread_id=thread_id, last_activity=listed.received_at, kind=ThreadKind.OTHER)
    }


def _listed(ctx: SourceContext, marks: dict[str, ThreadMark]) -> tuple[list[str], bool]:
    reading = messages.read_requests(ctx, marks, knows_details=lambda _oid: False)
    return [m.thread_id for m in reading.marks], reading.stopped_at_seen


def test_a_newest_first_list_stops_at_the_seen_thread(page: Page) -> None:
    rows = [("t1", "11/26/2026 10:00 AM"), ("t0", "11/25/2026 10:00 AM"), ("t2", "11/24/2026 10:00 AM")]
    ctx = _context(page, rows)
    assert _listed(ctx, _seen(ctx, "t0", "11/25/2026 10:00 AM")) == (["t1"], True)


def test_a_list_in_another_order_is_read_past_the_seen_thread(page: Page) -> None:
    # t2, below the seen t0, is newer than it: the list is not newest first, so t2 may be new.
    rows = [("t1", "11/26/2026 10:00 AM"), ("t0", "11/25/2026 10:00 AM"), ("t2", "11/27/2026 10:00 AM")]
    ctx = _context(page, rows)
    assert _listed(ctx, _seen(ctx, "t0", "11/25/2026 10:00 AM")) == (["t1", "t2"], False)
