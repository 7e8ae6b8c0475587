"""What a source needs to read a channel: the page, the selector files and texts, and the retry policy.

Two kinds of trouble are handled here, once, for every source: a session that expired mid-scan and the
site's transient failures go through `retrying` (`automation.sources.retry`: sign in again once, back off,
then "the site kept failing", exit code 5); parse errors mean the page no longer looks as the selectors
expect: "page changed".
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from playwright.sync_api import Page

from automation.errors import PageChangedError
from automation.pages.base import PageContext
from automation.parsers.locale_texts import LocaleTexts
from automation.sources.retry import RetryPolicy, run_step

T = TypeVar("T")


@dataclass
class SourceContext:
    page: Page
    pages: PageContext
    texts: LocaleTexts
    all_texts: Mapping[str, LocaleTexts]
    zone: str
    reauthenticate: Callable[[], None]
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    sleep: Callable[[float], None] = time.sleep
    reauthentications: int = 0
    list_step: Callable[[], None] = lambda: None
    """Called after each step of a long list (grown, a thread opened, a page of rows read): the
    browser uses it to keep the renderer's memory bounded (`automation.browser.memory`)."""
    seller_names: tuple[str, ...] = ()
    """The store's own names, so its replies in a thread are not read as the buyer's words."""

    def parse(self, parser: Callable[..., T], raw: Any) -> T:
        """Run a pure parser on raw strings; a part it cannot read means the page changed."""
        try:
            return parser(raw, self.texts, self.zone)
        except ValueError as exc:
            page_key = parser.__module__.rsplit(".", 1)[-1]
            raise PageChangedError(
                f"{page_key}: could not read {exc} on {self.page.url}; Seller Central may have changed "
                f"the page (check selectors/{page_key}.yaml and selectors/locales/)",
                page_key=page_key,
            ) from None

    def retrying(self, label: str, step: Callable[[int], T]) -> T:
        """Run `step(attempt)` with session recovery and backoff (see `automation.sources.retry`)."""
        return run_step(label, step, policy=self.retry, reauthenticate=self._sign_in_again, sleep=self.sleep)

    def _sign_in_again(self) -> None:
        self.reauthenticate()
        self.reauthentications += 1
