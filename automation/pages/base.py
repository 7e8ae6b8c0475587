"""What every page object shares: its selector file, element lookup, and the "is this the page?" wait.

A page that loaded but shows none of its landmarks is a *changed* page, never an empty one; a sign-in
form where a page was expected means the session is gone; a captcha means a person is needed. Page
objects raise those as errors and return plain data otherwise; they hold no business logic.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from automation.browser.navigation import open_url, reason
from automation.errors import (
    BadInputError,
    PageChangedError,
    PersonNeededError,
    SessionExpiredError,
    SiteFailingError,
)
from automation.locators import SelectorFile, TextLookup
from automation.pages.element import Elements
from automation.pages.list_check import check_hint, element_tried
from automation.pages.text_check import StoodIn
from automation.selector_keys import ListSpec
from automation.verified_texts import VerifiedTexts, load_verified_texts

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page


class TransientPageError(SiteFailingError):
    """The page showed the site's own error alert or never finished loading; worth a retry."""


@dataclass(frozen=True)
class PageContext:
    """What a page object needs besides the `Page`: selector files and the locale's texts."""

    selectors: dict[str, SelectorFile]
    texts: TextLookup
    base_url: str
    selectors_dir: Path | None = None
    """Where the selector files came from: named in a changed page's advice."""
    locale: str | None = None
    """The store's locale: which of the folder's verified texts (`verified_texts.yaml`) apply."""
    stood_in: list[StoodIn] = field(default_factory=list, compare=False)
    """Where verified texts stood in for selectors that found nothing, gathered over the run for its
    warnings (the page objects add to it; the run reads it once the scan is done)."""

    @property
    def verified(self) -> VerifiedTexts | None:
        """The folder's verified texts (none without the file, or without `selectors_dir`)."""
        return load_verified_texts(self.selectors_dir)

    def url(self, path: str) -> str:
        return self.base_url.rstrip("/") + path


class PageObject:
    """Base class: `page_key` names the selector file, the parser, the recordings and the tests."""

    page_key = ""

    def __init__(self, page: Page, ctx: PageContext) -> None:
        self.page = page
        self.ctx = ctx
        self.sel = ctx.selectors[self.page_key]
        self.common = ctx.selectors["common"]
        self.dom = Elements(page, self.sel, self.common, ctx.texts)

    def el(self, name: str, root: Page | Locator | None = None) -> Locator:
        return self.dom.locator(name, root)

    def common_el(self, name: str) -> Locator:
        return self.dom.locator(f"common:{name}")

    def has(self, name: str) -> bool:
        return self.el(name).count() > 0

    def landmark(self) -> Locator:
        names = self.sel.landmarks
        combined = self.el(names[0])
        for name in names[1:]:
            combined = combined.or_(self.el(name))
        return combined

    def _interstitials(self) -> Locator:
        return self.dom.interstitials()

    def _changed(self) -> PageChangedError:
        """What the operator edits: each landmark's candidates with how many elements each matched."""
        tried = []
        for name in self.sel.landmarks:
            tried.append(f"{name}: {element_tried(self.page, self.sel, name, self.ctx.texts)}")
        return PageChangedError(
            f"{self.page_key}: the page at {self.page.url} loaded without any of its landmarks; Seller "
            f"Central may have changed it. Edit elements {', '.join(self.sel.landmarks)} in "
            f"selectors/{self.page_key}.yaml; candidates tried: {'; '.join(tried)}. Check the edit with "
            f"`{check_hint(self.ctx.selectors_dir)}`",
            page_key=self.page_key,
            element=self.sel.landmarks[0] if self.sel.landmarks else None,
        )

    def wait_ready(self, extra: Locator | None = None) -> str:
        """Wait until the page shows a landmark; return which one, or raise what it shows instead.

        A single-page screen whose selector file names a `rendered` element (the app without its
        loading indicator) is judged as soon as it has rendered: no landmark then means the page
        changed, said at once rather than after the full timeout (seen with the sandbox's
        `changed_layout` fault, 2026-11-26: 20 s lost per changed page).
        """
        target = self.landmark()
        if extra is not None:
            target = target.or_(extra)
        waiting = target.or_(self._interstitials())
        if "rendered" in self.sel.elements:
            waiting = waiting.or_(self.el("rendered"))
        try:
            waiting.first.wait_for(state="visible")
        except PlaywrightTimeoutError:
            if "loading" in self.sel.elements and self.has("loading"):
                raise TransientPageError(f"{self.page_key}: the page never finished loading") from None
            raise self._changed() from None
        except PlaywrightError as exc:
            raise TransientPageError(f"{self.page_key}: {reason(exc)}") from None
        shown = self.classify_visible()
        if not shown and not (extra is not None and extra.count()):
            raise self._changed()
        return shown

    def wait_for_part(self, part: Locator, what: str) -> None:
        """Wait for a part a click brings up (a thread's pane) or what the site shows instead.

        The site may answer the click with the sign-in form (the session ended), a captcha or its error
        alert; each is raised as such instead of waiting the full timeout for the part.
        """
        try:
            part.or_(self._interstitials()).first.wait_for(state="visible")
        except PlaywrightTimeoutError:
            raise TransientPageError(f"{self.page_key}: {what} did not appear") from None
        except PlaywrightError as exc:
            raise TransientPageError(f"{self.page_key}: {what}: {reason(exc)}") from None
        if not part.count():
            self.classify_visible()
            if self.common_el("error_alert").count():
                raise TransientPageError(f"{self.page_key}: Seller Central showed an error alert for {what}")
            raise TransientPageError(f"{self.page_key}: {what} did not appear")

    def list_spec(self, name: str) -> ListSpec:
        """The selector file's `lists.<name>`, or the page's own description of today's page."""
        spec = self.sel.lists.get(name) or self.default_lists.get(name)
        if spec is None:
            raise BadInputError(f"selectors/{self.page_key}.yaml has no lists.{name} (the agent needs it)")
        return spec

    default_lists: ClassVar[Mapping[str, ListSpec]] = {}
    """Used for a selector file written before `lists` existed."""

    def presence(self, names: Sequence[str]) -> Callable[[str], bool]:
        """Whether elements of this page's file (and the interstitials, `common:<name>`) are on the
        page, with the page's landmarks, from one in-page query where their candidates allow it
        (`Elements.present`)."""
        return self.dom.present([*self.sel.landmarks, *names])

    def classify_visible(self) -> str:
        """Name what the page shows now: a landmark, or raise for an interstitial."""
        there = self.presence([])
        if there("common:captcha") or there("common:verification"):
            raise PersonNeededError(
                "Seller Central asks for a captcha or an identity verification that only a person can "
                "answer. Run `sc-cancel login --headed` and finish the sign-in by hand; the saved session "
                "is then used by the headless runs"
            )
        if there("common:signin_form"):
            raise SessionExpiredError(f"{self.page_key}: the session is no longer signed in")
        for name in self.sel.landmarks:
            if there(name):
                return name
        if there("common:error_alert"):
            raise TransientPageError(f"{self.page_key}: Seller Central showed an error alert")
        return ""

    def goto(self, path: str) -> None:
        """Open a path of the site (or a whole URL the site linked to, such as a thread's page)."""
        try:
            open_url(self.page, path if "://" in path else self.ctx.url(path))
        except PlaywrightTimeoutError:
            raise TransientPageError(f"{self.page_key}: {path} timed out") from None
        except PlaywrightError as exc:
            raise TransientPageError(f"{self.page_key}: {path}: {reason(exc)}") from None
