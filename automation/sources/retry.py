"""Running one step of a scan with session recovery and backoff. Pure: no browser access.

A session that expired mid-step is signed in again, at most once per step, and the step goes on where it
was; signing in again is not a failure of the site, so it does not use up a try. A failure of the site
(`SiteFailingError`, of which the pages' `TransientPageError` is one: an error alert, a timeout, a 5xx) is
retried with tenacity's exponential backoff and, when it persists, reported as "the site kept failing"
(exit code 5). Anything else, a changed page above all, is never retried.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import NoReturn, TypeVar

from loguru import logger
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from automation.errors import SessionExpiredError, SiteFailingError

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    """`attempts` tries in all; the waits between them double from `first_delay_s` up to `max_delay_s`."""

    attempts: int = 5
    first_delay_s: float = 0.5
    max_delay_s: float = 8.0

    def scaled(self, factor: float | None) -> RetryPolicy:
        """The same tries with the waits multiplied by `factor` (None: unchanged)."""
        if factor is None:
            return self
        return replace(self, first_delay_s=self.first_delay_s * factor, max_delay_s=self.max_delay_s * factor)


def run_step(
    label: str,
    step: Callable[[int], T],
    *,
    policy: RetryPolicy,
    reauthenticate: Callable[[], None],
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Run `step(attempt)` until it returns, signing in again once and retrying the site's failures.

    `attempt` is 0 the first time; a step that is called again (after an error alert, a timeout or a new
    sign-in) uses it to resume in place, e.g. reload the view rather than click "Next" twice.
    """
    attempt = 0
    signed_in_again = False

    def signed_in_step() -> T:
        nonlocal attempt, signed_in_again
        while True:
            try:
                return step(attempt)
            except SessionExpiredError:
                if signed_in_again:
                    raise
                logger.info("{}: Seller Central asks to sign in (no saved session, or it expired)", label)
                reauthenticate()
                signed_in_again = True
            finally:
                attempt += 1

    def before_sleep(state: RetryCallState) -> None:
        wait = state.next_action.sleep if state.next_action else 0.0
        logger.warning("{}: {}; retrying in {:.1f}s", label, _failure(state), wait)

    def gave_up(state: RetryCallState) -> NoReturn:
        raise SiteFailingError(
            f"{label}: Seller Central kept failing after {policy.attempts} tries ({_failure(state)})"
        ) from None

    retrying = Retrying(
        retry=retry_if_exception_type(SiteFailingError),
        stop=stop_after_attempt(policy.attempts),
        wait=wait_exponential(multiplier=policy.first_delay_s, max=policy.max_delay_s),
        sleep=sleep,
        before_sleep=before_sleep,
        retry_error_callback=gave_up,
    )
    return retrying(signed_in_step)


def _failure(state: RetryCallState) -> BaseException | None:
    """The exception the last try ended with."""
    return state.outcome.exception() if state.outcome else None
