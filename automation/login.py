"""`sc-cancel login`: sign in once, with a person where one is needed, and save the session.

Headless runs stop at captchas and verification pages (exit code 3). This command gets a person through
them in one of two ways, then saves the storage state the headless runs go on with:

- `--prompt` (servers): headless; whatever Seller Central asks a person for, the terminal asks
  (automation/login_prompt.py). Without a terminal it refuses at once.
- `--headed` (a machine with a screen): the browser window opens, sc-cancel fills in what it can and
  waits, for at most `--wait` seconds, for the person to finish in the window. Where no display exists
  it refuses at once; on a virtual screen (`xvfb-run`), which nobody sees, it warns.
"""

from __future__ import annotations

import dataclasses
import sys
from typing import TextIO

from loguru import logger
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from automation.browser.account import credentials, serve_sandbox_if_needed, session_options
from automation.browser.display import no_display, virtual_display
from automation.browser.interstitials import InterstitialError
from automation.browser.navigation import open_url
from automation.browser.session import BrowserSession
from automation.browser.signin import SignIn
from automation.errors import BadInputError, PersonNeededError, ScCancelError
from automation.login_prompt import TerminalPerson
from automation.runtime import Prepared, Runtime
from automation.targets import Target

DEFAULT_WAIT_SECONDS = 300.0
PROMPT_HINT = (
    "run `sc-cancel login --prompt` in a terminal instead: it asks there for what Seller Central wants"
)


def check_headed(rt: Runtime) -> None:
    """Refuse a headed sign-in nobody could see, before any browser starts."""
    if no_display(rt.env):
        raise BadInputError(
            "`sc-cancel login --headed` (or the setting browser.headless: false) needs a screen, and "
            f"there is none here (neither DISPLAY nor WAYLAND_DISPLAY is set); {PROMPT_HINT}"
        )
    if virtual_display(rt.env):
        rt.announce(
            "sc-cancel: this display is a virtual screen made by xvfb-run: nobody sees the browser window "
            f"unless connected to it (e.g. with x11vnc); if a person is needed, {PROMPT_HINT}"
        )


def login(
    target: Target,
    rt: Runtime,
    *,
    wait_seconds: float | None = None,
    prompt: bool = False,
    stdin: TextIO = sys.stdin,
) -> None:
    wait = DEFAULT_WAIT_SECONDS if wait_seconds is None else wait_seconds
    if wait <= 0:
        raise BadInputError(f"--wait {wait:g}: give a number of seconds above 0")
    person = TerminalPerson.at_terminal(rt.data_dir, stdin) if prompt else None
    if prompt:
        rt = dataclasses.replace(rt, browser=rt.browser.model_copy(update={"headless": True}))
    elif not rt.browser.headless:
        check_headed(rt)
    prepared = Prepared.load(rt.selectors_dir)
    market = target.marketplaces[0]
    try:
        with serve_sandbox_if_needed(target, rt) as sandbox_url:
            base_url = sandbox_url or market.base_url or ""
            with BrowserSession(session_options(rt, target, market, base_url)) as session:
                from automation.pages.base import PageContext

                pages = PageContext(prepared.selectors, prepared.lookup(market.locale), base_url)
                page = session.page
                open_url(page, pages.url("/home"))
                signed_in = SignIn(page, pages).signed_in()
                try:
                    with session.untraced():  # the password and the codes are typed here
                        SignIn(page, pages, person).sign_in(credentials(target, market))
                except InterstitialError as exc:
                    if rt.browser.headless:
                        raise
                    _announce_wait(rt, f"Seller Central asks for {exc.what}", wait)
                except ScCancelError:
                    if rt.browser.headless:
                        raise
                    _announce_wait(rt, "the sign-in needs a person", wait)
                try:
                    signed_in.first.wait_for(state="visible", timeout=wait * 1000)
                except PlaywrightTimeoutError:
                    raise PersonNeededError(
                        f"nobody finished the sign-in in the browser window within {wait:g} s; the "
                        f"session was not saved (give more time with --wait SECONDS, or {PROMPT_HINT})"
                    ) from None
                session.save_storage_state()
    finally:
        if person is not None:
            person.forget()
    logger.info("signed in to {}; session saved for the headless runs", base_url)
    rt.announce(f"sc-cancel: signed in as {target.email}; session saved for the headless runs")


def _announce_wait(rt: Runtime, what: str, wait: float) -> None:
    rt.announce(
        f"sc-cancel: {what}: finish the sign-in in the browser window; the session is saved as soon as "
        f"Seller Central's home page shows (waiting up to {wait:g} s; --wait SECONDS to change)"
    )
