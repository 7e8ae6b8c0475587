"""`sc-cancel login`: sign in once, by hand where a person is needed, and save the session.

Headless runs stop at captchas and verification pages (exit code 3); this command opens the browser
headed, fills in what it can (e-mail, password, one-time code), and then waits for the person to finish
whatever Seller Central asks. The storage state saved afterwards lets the headless runs go on.
"""

from __future__ import annotations

from loguru import logger
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from automation.browser.session import BrowserSession
from automation.browser.signin import SignIn
from automation.errors import PersonNeededError, ScCancelError
from automation.locators import resolve
from automation.runner import Prepared, Runtime, credentials, serve_sandbox_if_needed, session_options
from automation.targets import Target


def login(target: Target, rt: Runtime, *, wait_seconds: float = 600) -> None:
    prepared = Prepared.load(rt.selectors_dir)
    market = target.marketplaces[0]
    with serve_sandbox_if_needed(target, rt) as sandbox_url:
        base_url = sandbox_url or market.base_url or ""
        with BrowserSession(session_options(rt, target, market, base_url)) as session:
            from automation.pages.base import PageContext

            pages = PageContext(prepared.selectors, prepared.lookup(market.locale), base_url)
            page = session.page
            page.goto(pages.url("/home"), wait_until="domcontentloaded")
            top_nav = resolve(page, prepared.selectors["common"].candidates("top_nav"), pages.texts)
            try:
                SignIn(page, pages).sign_in(credentials(target, market))
            except PersonNeededError:
                if rt.browser.headless:
                    raise
                rt.announce(
                    f"sc-cancel: finish the sign-in in the browser window (waiting {wait_seconds:.0f}s)"
                )
            except ScCancelError:
                if rt.browser.headless:
                    raise
                rt.announce("sc-cancel: sign-in needs a person; finish it in the browser window")
            try:
                top_nav.wait_for(state="visible", timeout=wait_seconds * 1000)
            except PlaywrightTimeoutError:
                raise PersonNeededError(
                    f"nobody finished the sign-in within {wait_seconds:.0f}s; the session was not saved"
                ) from None
            session.save_storage_state()
            logger.info("signed in to {}; session saved for the headless runs", base_url)
            rt.announce(f"sc-cancel: signed in as {target.email}; session saved for the headless runs")
