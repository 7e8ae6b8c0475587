"""Lists read in the page: rows inside a web component's open shadow root are read, and a list that is
shown but reads no rows (or fewer than its own count says) is a changed page, never an empty one.

Each test serves a minimal inbox (the shipped selectors of the Messages page fit it) through a route
and reads it with the agent's own page object, as a scan does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, Route

from automation.errors import ExitCode, PageChangedError
from automation.locators import SelectorFile
from automation.pages.base import PageContext
from automation.pages.messages import MessagesPage
from automation.runtime import Prepared
from automation.settings import REPO_SELECTORS

BASE = "http://sc.test"

ROW = (
    '<li class="thread-list-item" data-thread-id="{id}"><span class="thread-subject">{subject}</span>'
    '<span class="thread-order-id">{order}</span><span class="thread-date">11/25/2026 10:00 AM</span>'
    '<span class="thread-snippet">Please cancel</span></li>'
)


def _rows(n: int) -> str:
    return "".join(
        ROW.format(id=f"t{i}", subject=f"Question {i}", order=f"111-0000000-000000{i}") for i in range(n)
    )


def _shadow_inbox(list_html: str, extra: str = "") -> str:
    """An inbox whose list lives in the open shadow root of a custom element, as Amazon's KAT ones do."""
    return f"""<!doctype html><html><body>{extra}
<sc-inbox></sc-inbox>
<script>
customElements.define("sc-inbox", class extends HTMLElement {{
  constructor() {{
    super();
    this.attachShadow({{ mode: "open" }}).innerHTML = {list_html!r};
  }}
}});
</script></body></html>"""


def _serve(page: Page, html: str) -> None:
    def answer(route: Route) -> None:
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)

    page.route(f"{BASE}/**", answer)


def _inbox(page: Page, edit: Callable[[dict[str, Any]], None] | None = None) -> MessagesPage:
    prepared = Prepared.load(REPO_SELECTORS)
    selectors = dict(prepared.selectors)
    if edit is not None:
        data = selectors["messages"].model_dump(exclude_none=True)
        edit(data)
        selectors["messages"] = SelectorFile.model_validate(data)
    ctx = PageContext(selectors, prepared.lookup("en_US"), BASE, selectors_dir=REPO_SELECTORS)
    return MessagesPage(page, ctx)


def test_rows_inside_a_shadow_root_are_read(page: Page) -> None:
    _serve(page, _shadow_inbox(f'<ul id="threads-list">{_rows(3)}</ul>'))
    inbox = _inbox(page)
    assert inbox.open("all") == "thread_list"
    items = inbox.read_items()
    assert [i["thread_id"] for i in items] == ["t0", "t1", "t2"]
    assert [i["subject"] for i in items] == ["Question 0", "Question 1", "Question 2"]
    assert inbox.item_count() == 3


def test_a_shown_list_without_rows_read_is_a_changed_page(page: Page) -> None:
    # The rows are there, but as elements the selectors do not know: the list reads none.
    renamed = _rows(2).replace("<li ", "<div ").replace("</li>", "</div>")
    _serve(page, _shadow_inbox(f'<ul id="threads-list">{renamed}</ul>'))
    inbox = _inbox(page)
    inbox.open("all")
    with pytest.raises(PageChangedError) as caught:
        inbox.read_items()
    error = caught.value
    assert error.exit_code == ExitCode.PAGE_CHANGED
    assert error.page_key == "messages"
    assert error.element == "items"
    message = str(error)
    assert "'ul#threads-list > li.thread-list-item' -> 0" in message
    assert f"sc-cancel selectors check --selectors {REPO_SELECTORS} --live" in message


def test_a_list_showing_its_empty_state_is_empty(page: Page) -> None:
    _serve(page, _shadow_inbox('<div id="threads-empty-state">None</div><ul id="threads-list"></ul>'))
    inbox = _inbox(page)
    inbox.open("all")
    assert inbox.read_items() == []


def test_fewer_rows_than_the_range_says_is_a_changed_page(page: Page) -> None:
    def with_range(data: dict[str, Any]) -> None:
        data["elements"]["range_text"] = [{"css": ".range"}]
        data["lists"]["threads"]["count"] = "range_text"

    html = _shadow_inbox(f'<ul id="threads-list">{_rows(3)}</ul>', extra='<p class="range">1–5 of 41</p>')
    _serve(page, html)
    inbox = _inbox(page, with_range)
    inbox.open("all")
    with pytest.raises(PageChangedError, match="3 rows were read where the page says '1–5 of 41'"):
        inbox.read_items()


def test_as_many_rows_as_the_range_says_are_read(page: Page) -> None:
    def with_range(data: dict[str, Any]) -> None:
        data["elements"]["range_text"] = [{"css": ".range"}]
        data["lists"]["threads"]["count"] = "range_text"

    _serve(
        page, _shadow_inbox(f'<ul id="threads-list">{_rows(3)}</ul>', extra='<p class="range">1–3 of 41</p>')
    )
    inbox = _inbox(page, with_range)
    inbox.open("all")
    assert len(inbox.read_items()) == 3


def test_a_page_without_its_landmarks_says_what_to_edit(page: Page) -> None:
    _serve(
        page,
        '<!doctype html><html><body><div id="messaging-app">'
        '<ol class="inbox"><li>A thread</li></ol></div></body></html>',
    )
    inbox = _inbox(page)
    with pytest.raises(PageChangedError) as caught:
        inbox.open("all")
    message = str(caught.value)
    assert caught.value.element == "thread_list"
    assert "selectors/messages.yaml" in message
    assert "thread_list: 'css=ul#threads-list' -> 0" in message
    assert "empty_state: 'css=#threads-empty-state' -> 0" in message
    assert f"sc-cancel selectors check --selectors {REPO_SELECTORS} --live" in message
