"""The one way page objects find, test, click, wait for and read elements of their selector file.

Each verb takes a key of the page's selector file (`common:<key>` for selectors/common.yaml) and chooses
its own path: where every candidate of the elements involved can be queried in the page (CSS, or a test
id written as CSS) it runs one in-page script (`inpage.py`, one round trip, open shadow roots entered);
otherwise, or where the CSS candidates find nothing and others (roles, labels, texts, XPath) remain, it
uses Playwright locators joined with `or_()` (`locators.resolve`), which try every candidate. Callers
never choose, so a page whose selectors an operator rewrote with roles is read the same way, only
slower.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from playwright.sync_api import Error as PlaywrightError

from automation.locators import SelectorFile, TextLookup, locate, resolve
from automation.pages import inpage
from automation.pages.inpage import BLOCKED

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

__all__ = ["BLOCKED", "INTERSTITIALS", "Elements"]

INTERSTITIALS = ("signin_form", "captcha", "verification", "error_alert")
"""Elements of selectors/common.yaml that may stand where a page was expected."""

COMMON = "common:"


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


class Elements:
    """A page's elements by selector key: `present`, `click`, `wait_until`, `read_rows` and their kin."""

    def __init__(self, page: Page, sel: SelectorFile, common: SelectorFile, texts: TextLookup) -> None:
        self.page = page
        self.sel = sel
        self.common = common
        self.texts = texts

    def _file(self, key: str) -> tuple[SelectorFile, str]:
        if key.startswith(COMMON):
            return self.common, key[len(COMMON) :]
        return self.sel, key

    def locator(self, key: str, root: Page | Locator | None = None) -> Locator:
        """The element as a Playwright locator: every candidate, joined with `or_()`."""
        selector_file, name = self._file(key)
        return resolve(root or self.page, selector_file.candidates(name), self.texts)

    def every(self, key: str) -> Locator:
        """Every element any candidate matches, not only the first (`locator`): the page-size links,
        the numbered page links, where the one wanted is found by its text."""
        selector_file, name = self._file(key)
        combined: Locator | None = None
        for candidate in selector_file.candidates(name):
            found = locate(self.page, candidate, self.texts)
            combined = found if combined is None else combined.or_(found)
        assert combined is not None  # a selector file's elements list at least one candidate
        return combined

    def css(self, key: str) -> list[str]:
        return css_candidates(*self._file(key))

    def _only_css(self, keys: Sequence[str]) -> bool:
        return all(only_css(selector_file, [name]) for selector_file, name in map(self._file, keys))

    def interstitials(self) -> Locator:
        """What may stand where a page was expected, as one locator."""
        combined = self.locator(COMMON + INTERSTITIALS[0])
        for name in INTERSTITIALS[1:]:
            combined = combined.or_(self.locator(COMMON + name))
        return combined

    def stops(self) -> list[str]:
        """What ends an in-page wait early: the sign-in form, a captcha or verification, an error alert."""
        return [css for name in INTERSTITIALS for css in self.css(COMMON + name)]

    def present(self, keys: Sequence[str]) -> Callable[[str], bool]:
        """Whether each of `keys` and the interstitials (`common:<name>`) is on the page.

        A locator count per element walks the whole page each time: 50-100 ms apiece on a 3,000-entry
        inbox, and six of them per check (bench/scan.py, 2026-11-26). The CSS candidates of every element
        are queried at once; only an element they do not find, and which has other kinds of candidates
        (roles, labels, texts), is then counted with all its candidates.
        """
        names = [*(COMMON + n for n in INTERSTITIALS), *keys]
        try:
            quick = inpage.present(self.page, {key: self.css(key) for key in names})
        except PlaywrightError:  # a navigation under way: count with locators, which wait it out
            quick = {}

        def there(key: str) -> bool:
            if quick.get(key):
                return True
            if quick.get(key) is False and self._only_css([key]):
                return False
            return bool(self.locator(key).count())

        return there

    def clicker(self, key: str) -> Callable[[], Any] | None:
        """The click on a shown element, for a wait that must start before it (`reload.py`); None when
        the page does not show it (the last page's missing "Next")."""
        if self._only_css([key]):
            # In the page, one round trip: locator calls cost 20-90 ms apiece on a page of 100 rows.
            css = self.css(key)
            if not inpage.present(self.page, {key: css}).get(key):
                return None
            return lambda: inpage.click_matching(self.page, css)
        control = self.locator(key)
        if not control.count() or not control.first.is_visible():
            return None
        return control.first.click

    def click(self, key: str) -> bool:
        """Click the element if the page shows it; False when it does not."""
        action = self.clicker(key)
        if action is None:
            return False
        action()
        return True

    def click_row(self, rows: str, attribute: str, value: str) -> bool:
        """Click the row of field `rows` whose `attribute` is `value`; False when none is listed."""
        return inpage.click_matching(self.page, self.sel.field(rows), attribute, value)

    def count_rows(self, rows: str) -> int:
        """How many rows field `rows` matches (its first matching candidate's)."""
        count: int = inpage.run(self.page, "count", self.sel.field(rows))
        return count

    def count_each(self, rows: str) -> list[tuple[str, int]]:
        """Each candidate of field `rows` with how many elements it matches (-1: not valid CSS)."""
        css = self.sel.field(rows)
        return list(zip(css, inpage.run(self.page, "count_each", css), strict=True))

    def click_growing(self, key: str, rows: str) -> int | None:
        """Click a shown control that appends rows of field `rows`; the number of rows just before, or
        None when the page shows no such control (the end of the list)."""
        before = inpage.click_counting(self.page, self.css(key), self.sel.field(rows))
        if before is not None:
            return before
        # No CSS candidate finds a shown control: all candidates are tried (the end of the list, once).
        button = self.locator(key)
        if not button.count() or not button.is_visible():
            return None
        before = self.count_rows(rows)
        button.dispatch_event("click")
        return before

    def wait_until(self, keys: Sequence[str], *, gone: str | None = None) -> None:
        """Wait until `gone` (a loading indicator) is not on the page and one of `keys` is, or until an
        interstitial shows. Raises Playwright's TimeoutError after the context's default timeout."""
        if self._only_css([*keys, *([gone] if gone else [])]):
            ready = [css for key in keys for css in self.css(key)]
            inpage.wait_until_settled(self.page, self.css(gone) if gone else [], ready, self.stops())
            return
        if gone is not None:
            self.locator(gone).wait_for(state="hidden")
        waiting = self.interstitials()
        for key in keys:
            waiting = waiting.or_(self.locator(key))
        waiting.first.wait_for(state="visible")

    def wait_until_grown(self, rows: str, before: int) -> str:
        """Wait until field `rows` matches more than `before` (`"grown"`) or an interstitial shows
        (`BLOCKED`). Raises Playwright's TimeoutError after the context's default timeout."""
        return inpage.wait_for_more(self.page, self.sel.field(rows), before, self.stops())

    def open_row(self, rows: str, attribute: str, value: str, view: str, subject: str | None) -> Any:
        """Click the row of field `rows` whose `attribute` is `value` and read the pane `view` as soon as
        it shows `subject` (any when None): the pane's raw strings, `BLOCKED` when an interstitial shows
        instead, or None when the row is not listed or the pane cannot be watched in the page (no CSS
        candidate): the caller then opens the row another way. Raises Playwright's TimeoutError after
        the context's default timeout."""
        css = self.css(view)
        if not css or not self.click_row(rows, attribute, value):
            return None
        return inpage.wait_for_thread_view(self.page, self.sel.fields, css, subject, self.stops())

    def wait_until_text(self, field: str, text: str) -> None:
        """Wait until an element of `field` reads `text` (spacing ignored; Playwright's timeout)."""
        inpage.wait_for_message_body(self.page, self.sel.field(field), text)

    def read_rows(self, reader: str, *args: Any) -> Any:
        """Rows read in one round trip by `js/<reader>.js` with the file's fields (raw strings)."""
        return inpage.run(self.page, reader, [self.sel.fields, *args] if args else self.sel.fields)
