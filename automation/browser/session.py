"""One browser session per account: Chromium, a context with the account's saved state, and a page.

The context carries what every page of a run needs: the marketplace's locale and time zone, a viewport
at least 1600 px wide (Seller Central's two-pane inbox collapses below ~1400 px), default timeouts, the
saved storage state (so a scan does not sign in every time), and, when asked, tracing and HAR capture.

Tracing runs in chunks that leave sign-in out (`untraced()`), and the kept `trace.zip` is scrubbed of
every registered secret besides (automation/recording/trace_zip.py says why both are needed). A HAR is
captured through `route.fetch()` so that no response body is lost (automation/recording/capture.py).
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from loguru import logger
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, Response, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from automation.browser.chromium import ChromiumChoice, find_chromium
from automation.errors import NoBrowserError
from automation.recording.tracer import TRACE_MODES, SessionTracer
from automation.redact import REDACTOR
from automation.site_clock import SiteClock

VIEWPORT = {"width": 1600, "height": 1000}
# Playwright passes these blink settings in headless mode; a second --blink-settings flag would replace
# them (environment.md, gotcha 5), so ours repeats them and adds imagesEnabled=false, the cheapest way to
# skip images (route-based blocking costs 5-15 ms per navigation on local pages).
HEADLESS_BLINK = (
    "--blink-settings=primaryHoverType=2,availableHoverTypes=2,primaryPointerType=4,"
    "availablePointerTypes=4,imagesEnabled=false"
)
# Web fonts (Seller Central's Amazon Ember, its icon font) are another download and decode per context
# that a headless reader never looks at; Chromium's own switch skips them with no per-request cost
# (checked on chromium-headless-shell 156: the @font-face URL is never requested).
NO_REMOTE_FONTS = "--disable-remote-fonts"
BASE_ARGS = ("--disable-gpu", "--disable-sync")
# Fewer processes for the same pages (bench/scan.py, per process kind): the GPU process, idle under
# --disable-gpu, costs 30-45 MiB PSS of its own, and the two zygotes (Chromium's process forks, needed only
# with its sandbox, which Playwright turns off) another few. Headless only: a headed browser draws.
SMALL_BROWSER_ARGS = ("--in-process-gpu", "--no-zygote")
NODE_HEAP_OPTION = "--max-semi-space-size=1"
"""For Playwright's Node driver: a 1 MiB young generation, collected often, instead of Node's 16 MiB
ones that the driver's stream of page reads fills with garbage (its PSS peaked at 200 MiB on 3,000
threads, 110-130 MiB with this)."""
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
    """Headless runs load no images and no web fonts."""
    loopback_only: bool = False
    har_path: Path | None = None
    """Capture every request and response, bodies included, into this HAR (`sc-cancel record`)."""
    replay_har: Path | None = None
    """Answer every request from this HAR and abort the rest (`--replay`): no network at all."""
    trace: str = "off"
    """`on`, `off` or `retain-on-failure` (keep the trace only when the session ends with an error)."""
    trace_path: Path | None = None
    """Where the kept trace goes (the run folder's `trace.zip`); tracing needs it."""
    pause_on_error: bool = False
    """Headed runs: open the Playwright Inspector at an error (`pause_if_asked`)."""
    env: dict[str, str] = field(default_factory=lambda: dict(os.environ))


def launch_args(options: SessionOptions) -> list[str]:
    args = list(BASE_ARGS)
    if options.headless:
        args += SMALL_BROWSER_ARGS
    if options.headless and options.block_images:
        args += [HEADLESS_BLINK, NO_REMOTE_FONTS]
    if options.loopback_only:
        args.append(LOOPBACK_ONLY)
    return args


def small_node_heap(env: MutableMapping[str, str]) -> None:
    """Add `NODE_HEAP_OPTION` to NODE_OPTIONS, which Playwright's driver inherits from this process
    (Playwright builds the driver's environment from `os.environ`); an operator's own young-generation
    size is kept. Idempotent, so sessions started one after another (or at once) set the same value."""
    current = env.get("NODE_OPTIONS", "")
    if "--max-semi-space-size" not in current:
        env["NODE_OPTIONS"] = f"{current} {NODE_HEAP_OPTION}".strip()


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

    def __init__(self, options: SessionOptions, *, site_clock: SiteClock | None = None) -> None:
        self.options = options
        self.pages_visited = 0
        self.site_clock = site_clock or SiteClock()
        """The site's time, set from the `Date` header of every document the session loads."""
        self.chromium: ChromiumChoice | None = None
        self._pw: Playwright | None = None
        self._browser: Browser | None = None
        self._context: BrowserContext | None = None
        self._page: Page | None = None
        self._tracer: SessionTracer | None = None
        self.trace_file: Path | None = None
        """The trace kept when the session closed (None when discarded or off)."""

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
        if opts.trace not in TRACE_MODES:
            raise ValueError(f"trace mode {opts.trace!r} is not one of {', '.join(TRACE_MODES)}")
        if not opts.headless and not opts.env.get("DISPLAY") and not opts.env.get("WAYLAND_DISPLAY"):
            raise NoBrowserError(
                "a headed browser needs a display; on a server run the command under `xvfb-run -a`"
            )
        small_node_heap(os.environ)
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
            opts.har_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            context_args["record_har_path"] = str(opts.har_path)
            context_args["record_har_content"] = "embed"
        self._context = self._browser.new_context(**context_args)
        self._context.set_default_timeout(opts.timeout_seconds * 1000)
        self._context.set_default_navigation_timeout(opts.navigation_timeout_seconds * 1000)
        if opts.replay_har is not None:
            self._context.route_from_har(str(opts.replay_har), not_found="abort")
        elif opts.har_path is not None:
            from automation.recording.capture import install_capture

            install_capture(self._context)
        self._start_tracing()
        self._page = self._context.new_page()
        self._page.on("domcontentloaded", self._count_document)
        self._page.on("response", self._read_site_time)

    def _start_tracing(self) -> None:
        opts = self.options
        if opts.trace == "off" or self._context is None:
            return
        if opts.trace_path is None:
            logger.debug("tracing asked for ({}) but no trace path given; not tracing", opts.trace)
            return
        self._tracer = SessionTracer(self._context, opts.trace, opts.trace_path)
        self._tracer.start()

    def untraced(self) -> contextlib.AbstractContextManager[None]:
        """A block left out of the trace: wrap sign-in in it (the password and one-time code are typed
        there). The trace then has one chunk before and one after, merged into one trace.zip."""
        if self._tracer is None:
            return contextlib.nullcontext()
        return self._tracer.untraced()

    def pause_if_asked(self, exc: BaseException) -> None:
        """With `--pause-on-error` on a headed run: open the Playwright Inspector at the failing page,
        before the evidence is saved, so a person can look around; the run goes on when they resume."""
        if not self.options.pause_on_error:
            return
        if self.options.headless:
            logger.warning("--pause-on-error needs --headed (a visible browser); not pausing")
            return
        if self._page is None or self._page.is_closed():
            return
        logger.warning(
            "paused at the error ({}): look around in the browser, then press Resume in the Playwright "
            "Inspector to save the evidence and end the run",
            type(exc).__name__,
        )
        with contextlib.suppress(PlaywrightError):
            self._page.pause()

    def _count_document(self, _page: Page) -> None:
        self.pages_visited += 1

    def _read_site_time(self, response: Response) -> None:
        """Documents only (sandbox-scenario.md, "Site time"): scripts and images may come from caches
        or other hosts with clocks of their own."""
        if response.request.resource_type == "document":
            self.site_clock.observe(response.headers.get("date"))

    def save_storage_state(self) -> None:
        """Keep cookies (refreshed on every call by the site) for the next run, mode 0600."""
        if self.options.storage_state is None or self._context is None:
            return
        state = self._context.storage_state()
        # Session cookies impersonate the account: hide their values from every log, report and trace.
        for cookie in state.get("cookies", []):
            REDACTOR.add(str(cookie.get("value", "")), "cookie")
        write_private(self.options.storage_state, json.dumps(state).encode())

    def forget_storage_state(self) -> None:
        if self.options.storage_state is not None:
            with contextlib.suppress(FileNotFoundError):
                self.options.storage_state.unlink()

    def close(self, *, failed: bool = False) -> None:
        """Stop tracing (keeping the trace as the mode says), then close the context (which writes the
        captured HAR), the browser and Playwright."""
        if self._tracer is not None:
            tracer, self._tracer = self._tracer, None
            try:
                self.trace_file = tracer.finish(failed=failed)
            except Exception as exc:  # a trace is evidence, never a reason to fail the run
                logger.warning("the trace could not be saved: {}", exc)
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
        self.close(failed=exc is not None)
