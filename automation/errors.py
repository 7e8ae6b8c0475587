"""Error classes, each carrying the exit code of the table in docs/interfaces.md.

Every error the agent raises on purpose is an `ScCancelError`; the CLI prints its message and exits with
its code. Anything else is a bug and exits with 1.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Exit codes: a fixed interface (docs/interfaces.md)."""

    OK = 0
    BUG = 1
    BAD_INPUT = 2
    PERSON_NEEDED = 3
    PAGE_CHANGED = 4
    SITE_FAILING = 5
    LOCKED = 6
    SIGNIN_REJECTED = 7
    NO_BROWSER = 8
    ACTIONS_FAILED = 9
    STOPPED = 10
    ARTIFACTS_NOT_STORED = 11
    """The run's folder could not be put in the artifact store (`artifacts`); it stays on the machine."""
    RUN_TIMEOUT = 12
    """A run was still going after `run_timeout`: its process (and browser) was stopped."""
    INTERRUPTED = 130
    """Ctrl-C or SIGINT: 128 + the signal's number, as shells report a process a signal ended."""
    OUTPUT_CLOSED = 141
    """Standard output's reader went away (`| head`): 128 + SIGPIPE, as shells report for Unix tools."""


class ScCancelError(Exception):
    """Base of every deliberate failure; `exit_code` says how the process ends."""

    exit_code: ExitCode = ExitCode.BUG


class BadInputError(ScCancelError):
    """A command line, settings, scenario, selector or rules file is wrong. Nothing was done."""

    exit_code = ExitCode.BAD_INPUT


class PersonNeededError(ScCancelError):
    """A captcha, a verification page or a missing one-time code: only a person can go on."""

    exit_code = ExitCode.PERSON_NEEDED


class PageChangedError(ScCancelError):
    """A page loaded but lacks its landmark; never read as "nothing found"."""

    exit_code = ExitCode.PAGE_CHANGED

    def __init__(
        self, message: str, *, page_key: str, screenshot: str | None = None, element: str | None = None
    ) -> None:
        super().__init__(message)
        self.page_key = page_key
        self.screenshot = screenshot
        self.element = element
        """The element or field of the page's selector file that no longer fits, where one is known."""


class SiteFailingError(ScCancelError):
    """The site kept answering with errors or timing out after the retries."""

    exit_code = ExitCode.SITE_FAILING


class SiteUnreachableError(ScCancelError):
    """Nothing answers at the site's address, or the address is wrong. Not a `SiteFailingError`: trying
    again within the run does not help, so it ends the run at once, with the same exit code."""

    exit_code = ExitCode.SITE_FAILING


class LockedError(ScCancelError):
    """Another run holds this account's lock."""

    exit_code = ExitCode.LOCKED


class SignInRejectedError(ScCancelError):
    """Seller Central rejected the e-mail, password or one-time code."""

    exit_code = ExitCode.SIGNIN_REJECTED


class NoBrowserError(ScCancelError):
    """No usable Chromium was found."""

    exit_code = ExitCode.NO_BROWSER


class ActionsFailedError(ScCancelError):
    """The run finished but some actions failed."""

    exit_code = ExitCode.ACTIONS_FAILED


class StoppedError(ScCancelError):
    """Actions were halted by the STOP file or setting."""

    exit_code = ExitCode.STOPPED


class ArtifactStoreError(ScCancelError):
    """The artifact store (an S3 bucket) cannot be reached, refuses the credentials, or has no such
    bucket. A run's folder that could not be uploaded is kept on the machine and sent by the next run."""

    exit_code = ExitCode.ARTIFACTS_NOT_STORED


class RunTimeoutError(ScCancelError):
    """A run outlasted `run_timeout` and was stopped from outside: recorded as failed, never left running."""

    exit_code = ExitCode.RUN_TIMEOUT


class InterruptedRunError(ScCancelError):
    """Ctrl-C (SIGINT) stopped a run part-way: recorded as failed, never as a run that went fine."""

    exit_code = ExitCode.INTERRUPTED


class SessionExpiredError(ScCancelError):
    """The saved session is no longer valid (redirect to sign-in, 401). Caught and recovered once."""

    exit_code = ExitCode.PERSON_NEEDED


def exit_code_for(error: BaseException | None) -> ExitCode:
    """How a command that ended with `error` (None: no error) exits; anything unforeseen is a bug."""
    if error is None:
        return ExitCode.OK
    if isinstance(error, ScCancelError):
        return error.exit_code
    if isinstance(error, KeyboardInterrupt):
        return ExitCode.INTERRUPTED
    return ExitCode.BUG
