"""What an exit code means and what a person should do about it, in one place for the HTML report,
the notifications and the run list, so the advice never disagrees between them."""

from __future__ import annotations

from automation.errors import ExitCode
from automation.stop import LIFTING

MEANINGS: dict[int, str] = {
    ExitCode.OK: "finished",
    ExitCode.BUG: "unexpected error (a bug)",
    ExitCode.BAD_INPUT: "bad input (settings, rules or selector file)",
    ExitCode.PERSON_NEEDED: "a person is needed (captcha, verification or one-time code)",
    ExitCode.PAGE_CHANGED: "a Seller Central page changed",
    ExitCode.SITE_FAILING: "Seller Central kept failing",
    ExitCode.LOCKED: "another run holds this account",
    ExitCode.SIGNIN_REJECTED: "sign-in rejected",
    ExitCode.NO_BROWSER: "no usable Chromium",
    ExitCode.ACTIONS_FAILED: "some actions failed",
    ExitCode.STOPPED: "actions halted by the STOP switch",
    ExitCode.INTERRUPTED: "interrupted (Ctrl-C or SIGINT)",
}


def meaning(exit_code: int) -> str:
    return MEANINGS.get(exit_code, f"exit code {exit_code}")


def what_to_do(exit_code: int, account: str, page_key: str | None = None) -> str:
    """One sentence with the command to run; empty when nothing needs doing."""
    where = f" --account {account}" if account else ""
    advice: dict[int, str] = {
        ExitCode.BUG: "Look at the log and the evidence below, and report it with the run id.",
        ExitCode.BAD_INPUT: "Fix the file named in the error, then run again.",
        ExitCode.PERSON_NEEDED: (
            f"Sign in by hand: run `sc-cancel login --headed{where}` (under xvfb-run -a on a server)."
        ),
        ExitCode.PAGE_CHANGED: (
            f"The page '{page_key or 'unknown'}' no longer matches its selectors: run "
            f"`sc-cancel selectors check --live{where}` and update selectors/{page_key or '<page_key>'}.yaml."
        ),
        ExitCode.SITE_FAILING: "Nothing to fix here if it passes: the next run retries.",
        ExitCode.LOCKED: "Wait for the other run to finish; if none is running, its lock is stale.",
        ExitCode.SIGNIN_REJECTED: (
            f"Check the account's e-mail, password and TOTP secret, then `sc-cancel login{where}`."
        ),
        ExitCode.NO_BROWSER: "Install Chromium or point SC_CANCEL_CHROMIUM at it.",
        ExitCode.ACTIONS_FAILED: (
            f"See the failed rows, then `sc-cancel history{where}`; unknown ones are checked next run."
        ),
        ExitCode.STOPPED: f"When actions may go on, {LIFTING}.",
        ExitCode.INTERRUPTED: (
            "Run it again: an action cut short is settled by reading the order, never submitted twice."
        ),
    }
    return advice.get(exit_code, "")
