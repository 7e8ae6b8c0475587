"""One step of a scan: the site's failures retried with doubling waits and then "kept failing" (exit 5),
one new sign-in that does not use up a try, a changed page never retried, and the lines it logs."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from loguru import logger

from automation.errors import ExitCode, PageChangedError, SessionExpiredError, SiteFailingError
from automation.pages.base import TransientPageError
from automation.sources.retry import RetryPolicy, run_step


class Step:
    """A step that fails as told, one entry per call (None: succeed), recording the attempts it saw."""

    def __init__(self, *failures: BaseException | None) -> None:
        self.failures = list(failures)
        self.attempts: list[int] = []

    def __call__(self, attempt: int) -> str:
        self.attempts.append(attempt)
        failure = self.failures.pop(0) if self.failures else None
        if failure is not None:
            raise failure
        return f"done at {attempt}"


class Run:
    """`run_step` with its sleeps and sign-ins recorded instead of done."""

    def __init__(self, policy: RetryPolicy | None = None) -> None:
        self.policy = policy or RetryPolicy()
        self.sleeps: list[float] = []
        self.sign_ins = 0

    def sign_in(self) -> None:
        self.sign_ins += 1

    def __call__(self, step: Callable[[int], str]) -> str:
        return run_step(
            "orders", step, policy=self.policy, reauthenticate=self.sign_in, sleep=self.sleeps.append
        )


@pytest.fixture
def log() -> Iterator[list[str]]:
    lines: list[str] = []
    sink = logger.add(lambda m: lines.append(str(m).rstrip("\n")), level="INFO", format="{level} {message}")
    yield lines
    logger.remove(sink)


def test_a_step_that_works_runs_once_without_waiting(log: list[str]) -> None:
    run, step = Run(), Step(None)
    assert run(step) == "done at 0"
    assert (step.attempts, run.sleeps, run.sign_ins, log) == ([0], [], 0, [])


def test_the_sites_failures_are_retried_with_doubling_waits_and_the_step_resumes(log: list[str]) -> None:
    run = Run()
    step = Step(TransientPageError("error alert"), SiteFailingError("HTTP 503"), None)
    assert run(step) == "done at 2"
    assert step.attempts == [0, 1, 2]
    assert run.sleeps == [0.5, 1.0]
    assert log == [
        "WARNING orders: error alert; retrying in 0.5s",
        "WARNING orders: HTTP 503; retrying in 1.0s",
    ]


def test_a_failure_that_persists_is_the_site_failing_after_every_try(log: list[str]) -> None:
    run, step = Run(), Step(*[TransientPageError(f"alert {n}") for n in range(10)])
    with pytest.raises(SiteFailingError) as caught:
        run(step)
    assert str(caught.value) == "orders: Seller Central kept failing after 5 tries (alert 4)"
    assert caught.value.exit_code == ExitCode.SITE_FAILING
    assert caught.value.__cause__ is None
    assert step.attempts == [0, 1, 2, 3, 4]
    assert run.sleeps == [0.5, 1.0, 2.0, 4.0]  # four waits between the five tries
    assert sum("retrying in" in line for line in log) == 4


def test_the_waits_stop_growing_at_the_longest_and_scale_with_the_policy() -> None:
    run = Run(RetryPolicy(attempts=7).scaled(0.1))
    with pytest.raises(SiteFailingError, match="after 7 tries"):
        run(Step(*[SiteFailingError("down")] * 7))
    assert run.sleeps == pytest.approx([0.05, 0.1, 0.2, 0.4, 0.8, 0.8])


def test_an_expired_session_is_signed_in_again_once_without_using_up_a_try(log: list[str]) -> None:
    run = Run(RetryPolicy(attempts=2))
    step = Step(TransientPageError("timeout"), SessionExpiredError("sign in"), None)
    assert run(step) == "done at 2"
    assert run.sign_ins == 1
    assert run.sleeps == [0.5]
    assert "INFO orders: Seller Central asks to sign in (no saved session, or it expired)" in log


def test_a_session_that_expires_again_after_signing_in_is_not_retried() -> None:
    run = Run()
    step = Step(SessionExpiredError("sign in"), SessionExpiredError("sign in again"), None)
    with pytest.raises(SessionExpiredError, match="sign in again"):
        run(step)
    assert (step.attempts, run.sign_ins, run.sleeps) == ([0, 1], 1, [])


def test_a_changed_page_is_never_retried() -> None:
    run, step = Run(), Step(PageChangedError("manage_orders: no table", page_key="manage_orders"), None)
    with pytest.raises(PageChangedError):
        run(step)
    assert (step.attempts, run.sleeps) == ([0], [])
