"""What a source needs to read a channel: the page, the selector files and texts, and the retry policy.

Two kinds of trouble are handled here, once, for every source: a session that expired mid-scan (sign in
again, at most once per step, then go on where the step was) and transient failures (the site's error
alert, timeouts, 5xx), retried with exponential backoff and then reported as "the site kept failing"
(exit code 5). Parse errors mean the page no longer looks as the selectors expect: "page changed".
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from loguru import logger
from playwright.sync_api import Page

from automation.errors import PageChangedError, SessionExpiredError, SiteFailingError
from automation.pages.base import PageContext, TransientPageError
from automation.parsers.locale_texts import LocaleTexts

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5
    first_delay_s: float = 0.5
    max_delay_s: float = 8.0

    def delay(self, attempt: int) -> float:
        return min(self.max_delay_s, self.first_delay_s * (2**attempt))

    def scaled(self, factor: float | None) -> RetryPolicy:
        """The same tries with the waits multiplied by `factor` (None: unchanged)."""
        if factor is None:
            return self
        return replace(self, first_delay_s=self.first_delay_s * factor, max_delay_s=self.max_delay_s * factor)


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
        """Run `step(attempt)` with session recovery and backoff.

        `attempt` is 0 the first time; a step that is called again (after an error alert, a timeout or
        a new sign-in) uses it to resume in place, e.g. reload the view rather than click "Next" twice.
        """
        attempt = 0
        failures = 0  # a new sign-in is not a failure of the site: it does not use up a try
        signed_in_again = False
        while True:
            try:
                return step(attempt)
            except SessionExpiredError:
                if signed_in_again:
                    raise
                logger.info("{}: Seller Central asks to sign in (no saved session, or it expired)", label)
                self.reauthenticate()
                self.reauthentications += 1
                signed_in_again = True
            except (TransientPageError, SiteFailingError) as exc:
                failures += 1
                if failures >= self.retry.attempts:
                    raise SiteFailingError(
                        f"{label}: Seller Central kept failing after {self.retry.attempts} tries ({exc})"
                    ) from None
                wait = self.retry.delay(failures - 1)
                logger.warning("{}: {}; retrying in {:.1f}s", label, exc, wait)
                self.sleep(wait)
            attempt += 1
