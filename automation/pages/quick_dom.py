"""Steps repeated many times on very large pages, done with plain DOM queries: one round trip each.

Every Playwright locator call walks the whole document in the page (its CSS engine pierces shadow
roots, so it cannot simply call `querySelector`): on an inbox listing 3,000 threads one `count()` took
50-100 ms and a wait on an `or_()` of eight candidates 400 ms, against 2-7 ms for an `evaluate`
(bench/scan.py, 2026-11-26). Opening a thread and "Load more", repeated hundreds of times per scan, are
therefore done here with the CSS candidates of the selector files. Candidates that are not CSS (roles,
labels, texts) cannot be used in the page: where the CSS ones find nothing, callers fall back to the
locator path, which tries every candidate.

Clicks here are the element's `click()`: the page's own handler runs, as with a person's click, without
Playwright first scrolling the element into view and waiting for it to hold still, which on a long list
cost more than the rest of the step. Waiting is Playwright's `wait_for_function` (polled every frame,
bounded by the context's default timeout); no sleeps.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from automation.pages.extract import DOM_HELPERS, THREAD_VIEW_READER

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from automation.locators import SelectorFile

BLOCKED = "blocked"
"""What a wait returns when the page shows something in the way (sign-in form, captcha, error alert)."""

_FIND = r"""
const findIn = (sels, attr, value) => first(document, value == null ? sels
  : sels.map((s) => s + "[" + attr + "=\"" + CSS.escape(value) + "\"]"));
const anyPresent = (sels) => !!first(document, sels);
const same = (a, b) => (a || "").replace(/\s+/g, " ").trim() === (b || "").replace(/\s+/g, " ").trim();
"""

_CLICK_JS = (
    "([sels, attr, value]) => {"
    + DOM_HELPERS
    + _FIND
    + r"""
  const el = findIn(sels, attr, value);
  if (!el) return false;
  el.click();
  return true;
}"""
)

_CLICK_COUNTING_JS = (
    "([button, items]) => {"
    + DOM_HELPERS
    + _FIND
    + r"""
  const el = findIn(button, null, null);
  if (!el || el.getClientRects().length === 0) return null;
  const before = all(document, items).length;
  el.click();
  return before;
}"""
)

_GROWN_JS = (
    "([items, before, stops]) => {"
    + DOM_HELPERS
    + _FIND
    + r"""
  if (all(document, items).length > before) return "grown";
  return anyPresent(stops) ? "blocked" : false;
}"""
)

_VIEW_SHOWN_JS = (
    "([f, view, subject, stops]) => {"
    + DOM_HELPERS
    + THREAD_VIEW_READER
    + _FIND
    + r"""
  const ready = findIn(view, null, null)
    && (subject == null || same((first(document, f.view_subject) || {}).textContent, subject));
  if (ready) return readThreadView(f);
  return anyPresent(stops) ? "blocked" : false;
}"""
)


_PRESENT_JS = (
    "(groups) => {"
    + DOM_HELPERS
    + r"""
  const out = {};
  for (const [name, sels] of Object.entries(groups)) {
    try { sels.forEach((s) => document.querySelector(s)); out[name] = !!first(document, sels); }
    catch (e) { out[name] = null; }
  }
  return out;
}"""
)


_SETTLED_JS = (
    "([loading, ready, stops]) => {"
    + DOM_HELPERS
    + _FIND
    + " return anyPresent(stops) || (!anyPresent(loading) && anyPresent(ready)); }"
)

INTERSTITIALS = ("signin_form", "captcha", "verification", "error_alert")
"""Elements of selectors/common.yaml that may stand where a page was expected."""


def css_candidates(selector_file: SelectorFile, element: str) -> list[str]:
    """An element's candidates usable in the page: CSS, and test ids written as CSS."""
    found = []
    for candidate in selector_file.candidates(element):
        if candidate.css:
            found.append(candidate.css)
        elif candidate.test_id:
            found.append(f'[data-test-id="{candidate.test_id}"]')
    return found


def only_css(selector_file: SelectorFile, elements: Sequence[str]) -> bool:
    """Whether every candidate of these elements can be queried in the page (CSS or test id)."""
    return all(c.css or c.test_id for name in elements for c in selector_file.candidates(name))


def interstitial_css(common: SelectorFile) -> list[str]:
    """What ends a wait early: the sign-in form, a captcha or verification, the site's error alert."""
    return [css for name in INTERSTITIALS for css in css_candidates(common, name)]


def present(page: Page, groups: dict[str, list[str]]) -> dict[str, bool | None]:
    """Which named CSS candidate lists match anything, open shadow roots included, in one round trip.

    None for a list the browser's own `querySelector` cannot parse (a Playwright-only selector).
    """
    found: dict[str, bool | None] = page.evaluate(_PRESENT_JS, groups)
    return found


def click_matching(page: Page, css: Sequence[str], attr: str | None = None, value: str | None = None) -> bool:
    """Click the first element matching one of `css` (with `attr` equal to `value` if given)."""
    clicked: bool = page.evaluate(_CLICK_JS, [list(css), attr, value])
    return clicked


def click_counting(page: Page, button: Sequence[str], items: Sequence[str]) -> int | None:
    """Click a shown button and return how many `items` there were just before; None: no button shown."""
    before: int | None = page.evaluate(_CLICK_COUNTING_JS, [list(button), list(items)])
    return before


def wait_for_more(page: Page, items: Sequence[str], before: int, stops: Sequence[str]) -> str:
    """Wait until more than `before` items show (`"grown"`) or one of `stops` does (`BLOCKED`).

    Raises Playwright's TimeoutError after the context's default timeout.
    """
    handle = page.wait_for_function(_GROWN_JS, arg=[list(items), before, list(stops)])
    outcome: str = handle.json_value()
    handle.dispose()
    return outcome


def wait_until_settled(
    page: Page, loading: Sequence[str], ready: Sequence[str], stops: Sequence[str]
) -> None:
    """Wait until one of `stops` is on the page, or none of `loading` and one of `ready` is (raises
    Playwright's TimeoutError after the context's default timeout)."""
    page.wait_for_function(_SETTLED_JS, arg=[list(loading), list(ready), list(stops)]).dispose()


def wait_for_thread_view(
    page: Page, fields: dict[str, list[str]], view: Sequence[str], subject: str | None, stops: Sequence[str]
) -> dict[str, Any] | str:
    """The thread pane read as raw strings as soon as it shows `subject` (any thread's when None), or
    `BLOCKED`. Raises Playwright's TimeoutError after the context's default timeout."""
    handle = page.wait_for_function(_VIEW_SHOWN_JS, arg=[fields, list(view), subject, list(stops)])
    shown: dict[str, Any] | str = handle.json_value()
    handle.dispose()
    return shown
