"""One browser session per account: Chromium, a context with the account's saved state, and a page.

The context carries what every page of a run needs: the marketplace's locale and time zone, a viewport
at least 1600 px wide (Seller Central's two-pane inbox collapses below ~1400 px), default timeouts, the
saved storage state (so a scan does not sign in every time), and, when asked, tracing and HAR capture.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from loguru import logger
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from automation.browser.chromium import ChromiumChoice, find_chromium
from automation.errors import NoBrowserError

VIEWPORT = {"width": 1600, "height": 1000}
# Playwright passes these blink settings in headless mode; a second --blink-settings flag would replace
# them (environment.md, gotcha 5), so ours repeats them and adds imagesEnabled=false, the cheapest way to
# skip images (route-based blocking costs 5-15 ms per navigation on local pages).
HEADLESS_BLINK = (
    "--blink-settings=primaryHoverType=2,availableHoverTypes=2,primaryPointerType=4,"
    "availablePointerTypes=4,imagesEnabled=false"
)
BASE_ARGS = ("--disable-gpu", "--disable-sync")
LOOPBACK_ONLY = "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"


@dataclass
class SessionOptions:
    """How to launch: mostly from settings, some from the command line."""

    headless: bool = True
    slow_mo_ms: int = 0
    timeout_seconds: float = 20.0
    navigation_timeout_seconds: float = 30.0
    executable: Path | None = None
    locale: str = "en_US"
    timezone: str | None = None
    storage_state: Path | None = None
    block_images: bool = True
    loopback_only: bool = False
    har_path: Path | None = None
    replay_har: Path | None = None
    env: dict[str, str] = field(default_factory=lambda: dict(os.environ))


def launch_args(options: SessionOptions) -> list[str]:
    args = list(BASE_ARGS)
    if options.headless and options.block_images:
        args.append(HEADLESS_BLINK)
    if options.loopback_only:
        args.append(LOOPBACK_ONLY)
    return args


def write_private(path: Path, data: bytes) -> None:
    """Write a file readable by its owner only (mode 0600), atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


class BrowserSession:
    """Context manager owning Playwright, the browser, one context and its page."""

    def __init__(self, options: SessionOptions) -> None:
        self.options = options
        self.pages_visited = 0
        self.chromium: ChromiumChoice | None = None
        self._pw: Playwright | None = None
        self._browser: Browser | None = None
        self._context: BrowserContext | None = None
        self._page: Page | None = None

    @property
    def page(self) -> Page:
        assert self._page is not None, "BrowserSession used outside its with-block"
        return self._page

    @property
    def context(self) -> BrowserContext:
        assert self._context is not None, "BrowserSession used outside its with-block"
        return self._context

    def __enter__(self) -> BrowserSession:
        opts = self.options
        if not opts.headless and not opts.env.get("DISPLAY") and not opts.env.get("WAYLAND_DISPLAY"):
            raise NoBrowserError(
                "a headed browser needs a display; on a server run the command under `xvfb-run -a`"
            )
        self._pw = sync_playwright().start()
        try:
            self._start(self._pw)
        except BaseException:
            self.close()
            raise
        return self

    def _start(self, pw: Playwright) -> None:
        opts = self.options

        def bundled() -> Path | None:
            path = Path(pw.chromium.executable_path)
            return path if path.is_file() else None

        self.chromium = find_chromium(
            headless=opts.headless, configured=opts.executable, env=opts.env, bundled=bundled
        )
        logger.debug("launching Chromium {} ({})", self.chromium.path or "bundled", self.chromium.origin)
        try:
            self._browser = pw.chromium.launch(
                executable_path=str(self.chromium.path) if self.chromium.path else None,
                headless=opts.headless,
                slow_mo=opts.slow_mo_ms or None,
                args=launch_args(opts),
                # Ctrl-C and SIGTERM are the scheduler's to handle: it finishes the current step and
                # closes the browser itself, rather than losing it mid-action.
                handle_sigint=False,
                handle_sigterm=False,
                handle_sighup=False,
            )
        except PlaywrightError as exc:
            raise NoBrowserError(f"Chromium {self.chromium.path} could not start: {exc.message}") from None
        context_args: dict[str, Any] = {
            "viewport": VIEWPORT,
            "locale": opts.locale.replace("_", "-"),
            "service_workers": "block",
        }
        if opts.timezone:
            context_args["timezone_id"] = opts.timezone
        if opts.storage_state is not None and opts.storage_state.is_file():
            context_args["storage_state"] = str(opts.storage_state)
        if opts.har_path is not None:
            context_args["record_har_path"] = str(opts.har_path)
            context_args["record_har_content"] = "embed"
        self._context = self._browser.new_context(**context_args)
        self._context.set_default_timeout(opts.timeout_seconds * 1000)
        self._context.set_default_navigation_timeout(opts.navigation_timeout_seconds * 1000)
        if opts.replay_har is not None:
            self._context.route_from_har(str(opts.replay_har), not_found="abort")
        self._page = self._context.new_page()
        self._page.on("domcontentloaded", self._count_document)

    def _count_document(self, _page: Page) -> None:
        self.pages_visited += 1

    def save_storage_state(self) -> None:
        """Keep cookies (refreshed on every call by the site) for the next run, mode 0600."""
        if self.options.storage_state is None or self._context is None:
            return
        state = self._context.storage_state()
        import json

        write_private(self.options.storage_state, json.dumps(state).encode())

    def forget_storage_state(self) -> None:
        if self.options.storage_state is not None:
            with contextlib.suppress(FileNotFoundError):
                self.options.storage_state.unlink()

    def close(self) -> None:
        for closer in (self._context, self._browser):
            if closer is not None:
                with contextlib.suppress(PlaywrightError):
                    closer.close()
        self._context = self._browser = self._page = None
        if self._pw is not None:
            with contextlib.suppress(Exception):
                self._pw.stop()
            self._pw = None

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
