"""What every page object shares: its selector file, element lookup, and the "is this the page?" wait.

A page that loaded but shows none of its landmarks is a *changed* page, never an empty one; a sign-in
form where a page was expected means the session is gone; a captcha means a person is needed. Page
objects raise those as errors and return plain data otherwise; they hold no business logic.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from automation.errors import PageChangedError, PersonNeededError, SessionExpiredError, SiteFailingError
from automation.locators import SelectorFile, TextLookup, resolve

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

    def el(self, name: str, root: Page | Locator | None = None) -> Locator:
        return resolve(root or self.page, self.sel.candidates(name), self.ctx.texts)

    def common_el(self, name: str) -> Locator:
        return resolve(self.page, self.common.candidates(name), self.ctx.texts)

    def has(self, name: str) -> bool:
        return self.el(name).count() > 0

    def landmark(self) -> Locator:
        names = self.sel.landmarks
        combined = self.el(names[0])
        for name in names[1:]:
            combined = combined.or_(self.el(name))
        return combined

    def wait_ready(self, extra: Locator | None = None) -> str:
        """Wait until the page shows a landmark; return which one, or raise what it shows instead."""
        target = self.landmark()
        if extra is not None:
            target = target.or_(extra)
        interstitials = (
            self.common_el("signin_form")
            .or_(self.common_el("captcha"))
            .or_(self.common_el("verification"))
            .or_(self.common_el("error_alert"))
        )
        try:
            target.or_(interstitials).first.wait_for(state="visible")
        except PlaywrightTimeoutError:
            if "loading" in self.sel.elements and self.has("loading"):
                raise TransientPageError(f"{self.page_key}: the page never finished loading") from None
            raise PageChangedError(
                f"{self.page_key}: the page at {self.page.url} loaded without any of its landmarks "
                f"({', '.join(self.sel.landmarks)}); Seller Central may have changed it. Update "
                f"selectors/{self.page_key}.yaml (see `sc-cancel selectors check`)",
                page_key=self.page_key,
            ) from None
        except PlaywrightError as exc:
            raise TransientPageError(f"{self.page_key}: {exc.message}") from None
        return self.classify_visible()

    def classify_visible(self) -> str:
        """Name what the page shows now: a landmark, or raise for an interstitial."""
        if self.common_el("captcha").count() or self.common_el("verification").count():
            raise PersonNeededError(
                "Seller Central asks for a captcha or an identity verification that only a person can "
                "answer. Run `sc-cancel login --headed` and finish the sign-in by hand; the saved session "
                "is then used by the headless runs"
            )
        if self.common_el("signin_form").count():
            raise SessionExpiredError(f"{self.page_key}: the session is no longer signed in")
        for name in self.sel.landmarks:
            if self.el(name).count():
                return name
        if self.common_el("error_alert").count():
            raise TransientPageError(f"{self.page_key}: Seller Central showed an error alert")
        return ""

    def goto(self, path: str) -> None:
        try:
            self.page.goto(self.ctx.url(path), wait_until="domcontentloaded")
        except PlaywrightTimeoutError:
            raise TransientPageError(f"{self.page_key}: {path} timed out") from None
        except PlaywrightError as exc:
            raise TransientPageError(f"{self.page_key}: {path}: {exc.message}") from None
