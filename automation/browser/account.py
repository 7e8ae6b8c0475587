"""An account's browser: its session options, its credentials, the built-in sandbox it may need, and the
signed-in browser of one marketplace that the sources and actions work through.

Credentials are resolved only at the moment of signing in, and registered with the process-wide
redactor from then on, so no log, report or trace shows them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from loguru import logger

from automation.browser.memory import RendererMemory
from automation.browser.navigation import open_url
from automation.browser.session import BrowserSession, SessionOptions
from automation.browser.signin import Credentials, SignIn
from automation.errors import PageChangedError
from automation.locators import resolve
from automation.pages.base import PageContext, PageObject
from automation.redact import REDACTOR
from automation.runtime import Prepared, Runtime
from automation.sources.context import SourceContext
from automation.targets import MarketplaceTarget, Target


class HomeCheck(PageObject):
    """Any signed-in page: the top bar is the landmark (selectors/common.yaml)."""

    page_key = "common"


@contextlib.contextmanager
def serve_sandbox_if_needed(
    target: Target, rt: Runtime, *, maildir: Path | None = None
) -> Iterator[str | None]:
    """The built-in sandbox for targets that ask for it; yields its base URL (None for real sites). With
    `maildir`, the sandbox writes Amazon's e-mails to the seller there."""
    if target.sandbox_scenario is None:
        yield None
        return
    from automation.sandbox.server import SandboxServer

    with SandboxServer(
        target.sandbox_scenario, session_minutes=rt.sandbox_session_minutes, maildir=maildir
    ) as server:
        rt.announce(
            f"sc-cancel: no Seller Central configured; serving the built-in sandbox "
            f"({target.sandbox_scenario.name}) at {server.base_url} and scanning it"
        )
        yield server.base_url


def session_options(rt: Runtime, target: Target, market: MarketplaceTarget, base_url: str) -> SessionOptions:
    b = rt.browser
    return SessionOptions(
        headless=b.headless,
        slow_mo_ms=b.slow_mo_ms,
        timeout_seconds=b.timeout_seconds,
        navigation_timeout_seconds=b.navigation_timeout_seconds,
        executable=b.executable,
        locale=market.locale,
        timezone=market.zone,
        storage_state=rt.storage_state(target),
        loopback_only=base_url.startswith(("http://127.0.0.1", "http://localhost", "http://[::1]")),
        env=dict(rt.env),
        trace=b.trace.value,
        pause_on_error=b.pause_on_error,
        replay_har=rt.replay_har,
    )


def credentials(target: Target, market: MarketplaceTarget) -> Credentials:
    """Resolve the secrets at the moment of signing in, and hide them from every log from then on."""
    password = target.password()
    totp = target.totp_secret()
    REDACTOR.add(password.get_secret_value(), "password")
    if totp is not None:
        REDACTOR.add(totp.get_secret_value(), "totp-secret")
    REDACTOR.keep_emails.add(target.email)
    return Credentials(
        email=target.email,
        password=password,
        totp_secret=totp,
        store=market.store,
        password_setting=target.password_setting,
        totp_setting=target.totp_setting,
    )


class AccountBrowser:
    """An open browser for one account and marketplace, signed in on demand."""

    def __init__(
        self,
        session: BrowserSession,
        target: Target,
        market: MarketplaceTarget,
        *,
        base_url: str,
        prepared: Prepared,
        rt: Runtime,
    ) -> None:
        self.session = session
        self.target = target
        self.market = market
        self.prepared = prepared
        self.rt = rt
        self.pages = PageContext(
            selectors=prepared.selectors,
            texts=prepared.lookup(market.locale),
            base_url=base_url,
            selectors_dir=rt.selectors_dir,
            locale=market.locale,
        )
        self.sign_ins = 0
        self._memory: RendererMemory | None = None

    @property
    def label(self) -> str:
        return self.market.store or self.market.marketplace or self.pages.base_url

    @property
    def marks_key(self) -> str:
        """Inbox marks are per marketplace when an account has several (each has its own inbox)."""
        if len(self.target.marketplaces) == 1:
            return self.target.key
        return f"{self.target.key}#{self.market.marketplace or self.market.store}"

    def ensure_store(self, *, several: bool) -> None:
        """Make this marketplace's store the active one (the account picker), signing in if needed.

        With one marketplace the sign-in's picker already chose it; with several, the top bar's store
        is checked and the picker reopened when another store is active.
        """
        if not several or not self.market.store:
            return
        page = self.session.page
        common = self.prepared.selectors["common"]
        store_name = resolve(page, common.candidates("store_name"), self.pages.texts)
        ctx = self.source_context()

        def current_store(_attempt: int) -> str:
            home = HomeCheck(page, self.pages)
            home.goto("/home")
            home.wait_ready()
            return " ".join(store_name.inner_text().split()) if store_name.count() else ""

        if ctx.retrying("store check", current_store) == self.market.store:
            return
        logger.info("switching to the store {}", self.market.store)
        picker = "/authorization/select-account?returnTo=%2Fhome&mons_redirect=remedy_url"
        open_url(page, self.pages.url(picker))
        with self.session.untraced():
            SignIn(page, self.pages).sign_in(credentials(self.target, self.market))
        if ctx.retrying("store check", current_store) != self.market.store:
            raise PageChangedError(
                f"the account picker did not switch to the store {self.market.store!r}", page_key="signin"
            )

    def sign_in(self) -> None:
        """Called when a page turned out to be the sign-in form: sign in, then save the session."""
        creds = credentials(self.target, self.market)
        logger.info("signing in to {} as {}", self.pages.base_url, self.target.email)
        with self.session.untraced():
            SignIn(self.session.page, self.pages).sign_in(creds)
        self.sign_ins += 1
        self.session.save_storage_state()

    def _list_step(self) -> None:
        page = self.session.page
        if self._memory is None or self._memory.page is not page:
            self._memory = RendererMemory(page)
        self._memory.step()

    def source_context(self) -> SourceContext:
        return SourceContext(
            page=self.session.page,
            pages=self.pages,
            texts=self.prepared.texts[self.market.locale],
            all_texts=self.prepared.texts,
            zone=self.market.zone,
            reauthenticate=self.sign_in,
            retry=self.rt.retry,
            seller_names=tuple(n for n in (self.market.store,) if n),
            list_step=self._list_step,
        )
