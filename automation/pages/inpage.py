"""The in-page scripts (`pages/js/*.js`): loaded once, run with one round trip each.

Every Playwright locator call walks the whole document in the page (its CSS engine pierces shadow
roots, so it cannot simply call `querySelector`): on an inbox listing 3,000 threads one `count()` took
50-100 ms and a wait on an `or_()` of eight candidates 400 ms, against 2-7 ms for an `evaluate`
(bench/scan.py, 2026-11-26); reading a 100-row table cell by cell costs a round trip per cell. So steps
repeated many times, and reading rows, run as scripts in the page with the CSS candidates of the
selector files. The scripts only copy text and click (no parsing, no decisions); parsing happens in
Python (`automation/parsers/`). Which path a step takes is `element.py`'s choice, never a caller's.

Each script file defines `function main(arg)`; page scripts also get `helpers.js` (queries that enter
open shadow roots, as Playwright's locators do). They are kept as files so they read, lint and diff as
JavaScript. Clicks are the element's `click()`: the page's own handler runs, as with a person's click,
without Playwright first scrolling the element into view. Waits are Playwright's `wait_for_function`
(polled every frame, bounded by the context's default timeout); no sleeps.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

BLOCKED = "blocked"
"""What a wait returns when the page shows something in the way (sign-in form, captcha, error alert)."""


def _source(name: str) -> str:
    return files("automation.pages").joinpath("js", f"{name}.js").read_text(encoding="utf-8")


@cache
def script(name: str) -> str:
    """`js/<name>.js` as a function of one argument, with the shared query helpers (read once)."""
    return f"(arg) => {{\n{_source('helpers')}\n{_source(name)}\nreturn main(arg);\n}}"


@cache
def element_script(name: str) -> str:
    """`js/<name>.js` as a function of the element(s) it is run on (`Locator.evaluate`)."""
    return f"(el) => {{\n{_source(name)}\nreturn main(el);\n}}"


def evaluate_on(locator: Locator, name: str) -> Any:
    return locator.evaluate(element_script(name))


def evaluate_all_on(locator: Locator, name: str) -> Any:
    return locator.evaluate_all(element_script(name))


def present(page: Page, groups: dict[str, list[str]]) -> dict[str, bool | None]:
    """Which named CSS candidate lists match anything, open shadow roots included, in one round trip.

    None for a list the browser's own `querySelector` cannot parse (a Playwright-only selector).
    """
    found: dict[str, bool | None] = page.evaluate(script("present"), groups)
    return found


def click_matching(page: Page, css: Sequence[str], attr: str | None = None, value: str | None = None) -> bool:
    """Click the first element matching one of `css` (with `attr` equal to `value` if given)."""
    clicked: bool = page.evaluate(script("click"), [list(css), attr, value])
    return clicked


def click_counting(page: Page, button: Sequence[str], items: Sequence[str]) -> int | None:
    """Click a shown button and return how many `items` there were just before; None: no button shown."""
    before: int | None = page.evaluate(script("click_counting"), [list(button), list(items)])
    return before


def _polled(page: Page, name: str, arg: Any) -> Any:
    handle = page.wait_for_function(script(name), arg=arg)
    value = handle.json_value()
    handle.dispose()
    return value


def wait_for_more(page: Page, items: Sequence[str], before: int, stops: Sequence[str]) -> str:
    """Wait until more than `before` items show (`"grown"`) or one of `stops` does (`BLOCKED`).

    Raises Playwright's TimeoutError after the context's default timeout.
    """
    outcome: str = _polled(page, "grown", [list(items), before, list(stops)])
    return outcome


def wait_until_settled(
    page: Page, loading: Sequence[str], ready: Sequence[str], stops: Sequence[str]
) -> None:
    """Wait until one of `stops` is on the page, or none of `loading` and one of `ready` is (raises
    Playwright's TimeoutError after the context's default timeout)."""
    page.wait_for_function(script("settled"), arg=[list(loading), list(ready), list(stops)]).dispose()


def wait_for_thread_view(
    page: Page, fields: dict[str, list[str]], view: Sequence[str], subject: str | None, stops: Sequence[str]
) -> dict[str, Any] | str:
    """The thread pane read as raw strings as soon as it shows `subject` (any thread's when None), or
    `BLOCKED`. Raises Playwright's TimeoutError after the context's default timeout."""
    shown: dict[str, Any] | str = _polled(page, "view_shown", [fields, list(view), subject, list(stops)])
    return shown


def wait_for_message_body(page: Page, css: list[str], body: str) -> None:
    """Wait until a message body equal to `body` (spacing ignored) is shown (Playwright's timeout)."""
    page.wait_for_function(script("message_shown"), arg=[css, body]).dispose()


def run(page: Page, name: str, arg: Any = None) -> Any:
    """Run a reading script (`order_rows`, `thread_rows`, `thread_view`, `count`, `count_each`, ...)."""
    return page.evaluate(script(name), arg)
