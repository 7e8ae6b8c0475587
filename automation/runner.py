"""The one place that wires a run together: target, lock, ledger, browser, sources, merge, record.

`scan_account` is the scan of issue 3 (both channels, one request per order, recorded in the ledger);
`run_account` (in `automation.run_flow`) builds on it with rules and actions. Everything is passed in
through `Runtime`; nothing here reads the environment or global settings.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from loguru import logger

from automation.artifacts import RunFolder
from automation.browser.session import BrowserSession, SessionOptions
from automation.browser.signin import Credentials, SignIn
from automation.errors import PageChangedError, ScCancelError
from automation.ledger import Ledger
from automation.locators import SelectorFile, load_all_selector_files
from automation.locks import account_lock
from automation.models import CancellationRequest, Order, ScanStats
from automation.pages.base import PageContext
from automation.parsers.locale_texts import LocaleTexts, load_all_locale_texts
from automation.redact import REDACTOR
from automation.settings import BrowserSettings
from automation.sources import manage_orders as mo_source
from automation.sources import messages as msg_source
from automation.sources.context import RetryPolicy, SourceContext
from automation.sources.merge import merge_requests
from automation.targets import MarketplaceTarget, Target


@dataclass
class Runtime:
    """Everything a run needs from outside: folders, browser settings, clock, where to announce."""

    data_dir: Path
    runs_dir: Path
    selectors_dir: Path
    browser: BrowserSettings
    env: Mapping[str, str]
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    announce: Callable[[str], None] = field(default=lambda message: logger.info(message))
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    sandbox_session_minutes: float = 720.0

    @property
    def ledger_path(self) -> Path:
        return self.data_dir / "ledger.sqlite3"

    def storage_state(self, target: Target) -> Path:
        return self.data_dir / "sessions" / f"{target.key}.json"


@dataclass
class ScanResult:
    target: Target
    run_id: str
    scanned_at: datetime
    requests: list[CancellationRequest]
    new: set[str]
    stats: ScanStats
    run_folder: Path


@dataclass
class Prepared:
    """Selector files and texts, validated before any browser starts (bad input stops the run)."""

    selectors: dict[str, SelectorFile]
    texts: dict[str, LocaleTexts]

    @classmethod
    def load(cls, selectors_dir: Path) -> Prepared:
        return cls(load_all_selector_files(selectors_dir), load_all_locale_texts(selectors_dir))

    def lookup(self, locale: str) -> Callable[[str], list[str]]:
        texts = self.texts[locale]
        return texts.ui_texts


@contextlib.contextmanager
def serve_sandbox_if_needed(target: Target, rt: Runtime) -> Iterator[str | None]:
    """The built-in sandbox for targets that ask for it; yields its base URL (None for real sites)."""
    if target.sandbox_scenario is None:
        yield None
        return
    from automation.sandbox.server import SandboxServer

    with SandboxServer(target.sandbox_scenario, session_minutes=rt.sandbox_session_minutes) as server:
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
    )


def credentials(target: Target, market: MarketplaceTarget) -> Credentials:
    """Resolve the secrets at the moment of signing in, and hide them from every log from then on."""
    password = target.password()
    totp = target.totp_secret()
    REDACTOR.add(password.get_secret_value(), "password")
    if totp is not None:
        REDACTOR.add(totp.get_secret_value(), "totp-secret")
    REDACTOR.keep_emails.add(target.email)
    return Credentials(email=target.email, password=password, totp_secret=totp, store=market.store)


class AccountBrowser:
    """An open browser for one account and marketplace, signed in on demand."""

    def __init__(
        self,
        session: BrowserSession,
        target: Target,
        market: MarketplaceTarget,
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
            selectors=prepared.selectors, texts=prepared.lookup(market.locale), base_url=base_url
        )
        self.sign_ins = 0

    def sign_in(self) -> None:
        """Called when a page turned out to be the sign-in form: sign in, then save the session."""
        creds = credentials(self.target, self.market)
        logger.info("signing in to {} as {}", self.pages.base_url, self.target.email)
        SignIn(self.session.page, self.pages).sign_in(creds)
        self.sign_ins += 1
        self.session.save_storage_state()

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
        )


def _scan_with_browser(
    browser: AccountBrowser, ledger: Ledger, target: Target
) -> tuple[list[CancellationRequest], ScanStats, list[msg_source.ThreadMark]]:
    ctx = browser.source_context()
    mo = mo_source.read_requests(ctx)
    marks = ledger.thread_marks(target.key)
    msgs = msg_source.read_requests(
        ctx,
        marks,
        knows_details=lambda oid: oid in mo.sightings and mo.sightings[oid].reason is not None,
    )
    message_order_ids = {oid for oid, _ in msgs.sightings}
    cached: dict[str, Order] = {}
    for oid in message_order_ids - set(mo.orders):
        status = ledger.cached_order_status(target.key, oid)
        if status is not None:
            cached[oid] = Order(order_id=oid, status=status)
    looked_up = mo_source.look_up_orders(ctx, mo, message_order_ids - set(cached))
    for oid, order in looked_up.items():
        if order.status is not None:
            ledger.cache_order_status(target.key, oid, order.status)
    orders = {**cached, **looked_up, **mo.orders}
    sightings = [*mo.sightings.items(), *msgs.sightings]
    requests = merge_requests(sightings, orders, marketplace=browser.market.marketplace)
    for request in requests:
        if request.buyer_name:
            REDACTOR.add(request.buyer_name, "buyer")
    stats = ScanStats(
        orders_seen=len(mo.orders),
        threads_seen=msgs.threads_listed,
        pages_visited=browser.session.pages_visited,
    )
    logger.debug(
        "sources: manage_orders {} requests (filter {}), messages {} sightings, {} lookups",
        len(mo.sightings),
        "used" if mo.filter_used else "absent",
        len(msgs.sightings),
        len(looked_up),
    )
    return requests, stats, msgs.marks


def scan_account(
    target: Target,
    rt: Runtime,
    *,
    command: str = "scan",
    then: Callable[[AccountBrowser, Ledger, ScanResult], None] | None = None,
) -> ScanResult:
    """Scan one account: lock, sign in if needed, read both channels, merge, record in the ledger.

    `then` runs with the browser still open and the lock still held (the `run` command's actions).
    """
    prepared = Prepared.load(rt.selectors_dir)
    started = time.monotonic()
    with (
        account_lock(rt.data_dir, target.key),
        contextlib.closing(Ledger.open(rt.ledger_path, clock=rt.clock)) as ledger,
        serve_sandbox_if_needed(target, rt) as sandbox_url,
    ):
        market = target.marketplaces[0]
        base_url = sandbox_url or market.base_url or ""
        run_id = ledger.start_run(target.key, command)
        common = prepared.selectors["common"]
        folder = RunFolder.create(rt.runs_dir, run_id, tuple(common.fields.get("personal_data", ())))
        logger.info("{} {}: run {} against {}", command, target.name, run_id, base_url)
        try:
            with BrowserSession(session_options(rt, target, market, base_url)) as session:
                browser = AccountBrowser(session, target, market, base_url, prepared, rt)
                try:
                    requests, stats, marks = _scan_with_browser(browser, ledger, target)
                    session.save_storage_state()
                    stats = stats.model_copy(update={"seconds": round(time.monotonic() - started, 3)})
                    diff = ledger.record_scan(target.key, run_id, requests, marketplace=market.marketplace)
                    ledger.record_threads(target.key, marks)
                    result = ScanResult(
                        target=target,
                        run_id=run_id,
                        scanned_at=rt.clock(),
                        requests=requests,
                        new=set(diff.new) | set(diff.reopened),
                        stats=stats,
                        run_folder=folder.path,
                    )
                    if then is not None:
                        then(browser, ledger, result)
                except Exception as exc:
                    _keep_evidence(session, folder, exc)
                    raise
        except BaseException as exc:
            code = exc.exit_code if isinstance(exc, ScCancelError) else 1
            ledger.finish_run(
                run_id,
                status="failed",
                exit_code=int(code),
                stats={"error": str(exc)[:500], "seconds": round(time.monotonic() - started, 3)},
            )
            raise
        ledger.finish_run(run_id, status="ok", exit_code=0, stats=result.stats.model_dump())
        logger.info(
            "{} {}: {} pending requests ({} new), {} orders and {} threads read, {} pages, {:.1f}s",
            command,
            target.name,
            len(result.requests),
            len(result.new),
            result.stats.orders_seen,
            result.stats.threads_seen,
            result.stats.pages_visited,
            result.stats.seconds,
        )
        return result


def _keep_evidence(session: BrowserSession, folder: RunFolder, exc: BaseException) -> None:
    """A screenshot (buyer data masked) and the HTML of the page at the moment of failure."""
    name = f"error-{exc.page_key}" if isinstance(exc, PageChangedError) else "error"
    try:
        files = folder.evidence(session.page, name)
    except AssertionError:
        return
    if isinstance(exc, PageChangedError) and files:
        exc.screenshot = str(files[0])
        exc.args = (f"{exc.args[0]} (screenshot: {files[0]})",)
    logger.debug("evidence kept: {}", ", ".join(str(f) for f in files))


# ----------------------------------------------------------------------------------------------------
# `run`: the scan, then the rules, then (with --execute) the approved actions.


@dataclass
class RequestOutcome:
    """What the run did about one request: the fields `run --json` adds to the scan's entries."""

    decision: str
    rule: str | None
    approval: str | None
    outcome: str | None
    outcome_reason: str | None = None

    def as_json(self) -> dict[str, str | None]:
        entry: dict[str, str | None] = {
            "decision": self.decision,
            "rule": self.rule,
            "approval": self.approval,
            "outcome": self.outcome,
        }
        if self.outcome_reason is not None:
            entry["outcome_reason"] = self.outcome_reason
        return entry


@dataclass
class RunResult:
    scan: ScanResult
    outcomes: dict[str, RequestOutcome] = field(default_factory=dict)
    stopped: bool = False

    @property
    def failed(self) -> list[str]:
        return [oid for oid, o in self.outcomes.items() if o.outcome in ("failed", "unknown")]


def run_account(
    target: Target, rt: Runtime, rules: Any, *, execute: bool, actions_enabled: bool = True
) -> RunResult:
    """Scan, decide with the rules, and (only with `execute`) carry out what is approved."""
    holder: dict[str, RunResult] = {}

    def act(browser: AccountBrowser, ledger: Ledger, scan: ScanResult) -> None:
        from automation.actions.executor import Executor

        executor = Executor(
            browser, ledger, scan, rules, rt, execute=execute, actions_enabled=actions_enabled
        )
        holder["result"] = executor.run()

    scan_account(target, rt, command="run", then=act)
    return holder["result"]
