"""The one place that wires a run together: target, lock, ledger, browser, sources, merge, record.

`scan_account` is the scan of issue 3 (both channels, one request per order, recorded in the ledger);
`run_account` (in `automation.run_flow`) builds on it with rules and actions. Everything is passed in
through `Runtime`; nothing here reads the environment or global settings.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from loguru import logger

from automation.artifacts import RunFolder
from automation.browser.navigation import open_url
from automation.browser.session import BrowserSession, SessionOptions
from automation.browser.signin import Credentials, SignIn
from automation.errors import InterruptedRunError, PageChangedError, exit_code_for
from automation.ledger import Ledger, ThreadMark
from automation.locators import SelectorFile, load_all_selector_files, resolve
from automation.locks import account_lock
from automation.models import CancellationRequest, Order, ScanStats
from automation.pages.base import PageContext, PageObject
from automation.parsers.locale_texts import LocaleTexts, load_all_locale_texts
from automation.redact import REDACTOR
from automation.report import PhaseTimer, RunReport, build_report, write_reports
from automation.settings import BrowserSettings
from automation.site_clock import SiteClock
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
    announce: Callable[[str], None] = field(default=logger.info)
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    sandbox_session_minutes: float = 720.0
    after_run: Callable[[RunReport, Ledger], None] | None = None
    """Called with every finished run's report (notifications, clean-up); its failures are logged only."""
    replay_har: Path | None = None
    """`scan --replay`: every request is answered from this HAR, the rest aborted (no site, no sign-in)."""
    capture: bool = False
    """`sc-cancel record`: capture the run's network, bodies included, into <run folder>/capture/."""

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


class HomeCheck(PageObject):
    """Any signed-in page: the top bar is the landmark (selectors/common.yaml)."""

    page_key = "common"


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
            selectors=prepared.selectors, texts=prepared.lookup(market.locale), base_url=base_url
        )
        self.sign_ins = 0

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


def _scan_market(browser: AccountBrowser, ledger: Ledger, target: Target) -> MarketScan:
    """Read both channels of one marketplace and merge them into one request per order."""
    ctx = browser.source_context()
    marks_key = browser.marks_key
    mo = mo_source.read_requests(ctx)
    msgs = msg_source.read_requests(
        ctx,
        ledger.thread_marks(marks_key),
        knows_details=lambda oid: (
            oid in mo.sightings
            and mo.sightings[oid].reason is not None
            and mo.sightings[oid].requested_at is not None
        ),
    )
    message_order_ids = {oid for oid, _ in msgs.sightings}
    cached: dict[str, Order] = {}
    for oid in message_order_ids - set(mo.orders):
        remembered = ledger.cached_order(target.key, oid)
        if remembered is not None:
            cached[oid] = remembered
    looked_up = mo_source.look_up_orders(ctx, mo, message_order_ids - set(cached))
    for order in looked_up.values():
        ledger.cache_order(target.key, order)
    orders = {**cached, **looked_up, **mo.orders}
    sightings = [*mo.sightings.items(), *msgs.sightings]
    requests = merge_requests(sightings, orders, marketplace=browser.market.marketplace)
    for request in requests:
        if request.buyer_name:
            REDACTOR.add(request.buyer_name, "buyer")
    logger.debug(
        "{}: manage_orders {} requests (filter {}), messages {} sightings, {} lookups",
        browser.market.marketplace or browser.pages.base_url,
        len(mo.sightings),
        "used" if mo.filter_used else "absent",
        len(msgs.sightings),
        len(looked_up),
    )
    return MarketScan(browser, requests, len(mo.orders), msgs.threads_listed, msgs.marks)


@dataclass
class MarketScan:
    browser: AccountBrowser
    requests: list[CancellationRequest]
    orders_seen: int
    threads_seen: int
    marks: list[ThreadMark]


def _merge_markets(scans: list[MarketScan]) -> list[CancellationRequest]:
    """All marketplaces' requests; an order id belongs to one marketplace (the first that showed it)."""
    merged: dict[str, CancellationRequest] = {}
    for scan in scans:
        for request in scan.requests:
            if request.order_id in merged:
                logger.warning("order {} shows in two marketplaces; kept the first", request.order_id)
                continue
            merged[request.order_id] = request
    return [merged[oid] for oid in sorted(merged)]


Then = Callable[[list[tuple["AccountBrowser", "ScanResult"]], Ledger], None]


@dataclass
class RunRecord:
    """One run's bookkeeping: its id and folder, clocks and timings, closed by `finish` whatever happens."""

    ledger: Ledger
    rt: Runtime
    target: Target
    command: str
    run_id: str
    folder: RunFolder
    base_urls: list[str]
    started_at: datetime
    started: float = field(default_factory=time.monotonic)
    timer: PhaseTimer = field(default_factory=PhaseTimer)
    site_clock: SiteClock = field(default_factory=SiteClock)
    """The site's time (Date headers), for the rules' ages; its offset is kept in the run's stats."""

    def seconds(self) -> float:
        return round(time.monotonic() - self.started, 3)

    def finish(self, result: ScanResult | None, error: BaseException | None, run: RunState | None) -> None:
        """Close the run in the ledger, write its report, let the caller notify. Never raises."""
        if isinstance(error, KeyboardInterrupt):
            error = InterruptedRunError("interrupted (Ctrl-C or SIGINT) before the run finished")
        try:
            if error is None and result is not None:
                stats = {**result.stats.model_dump(), **self.site_clock.stats()}
                self.ledger.finish_run(self.run_id, status="ok", exit_code=0, stats=stats)
            else:
                code = exit_code_for(error)
                stats = {
                    "error": REDACTOR(str(error))[:500],
                    "seconds": self.seconds(),
                    **self.site_clock.stats(),
                }
                self.ledger.finish_run(self.run_id, status="failed", exit_code=int(code), stats=stats)
            report = build_report(
                run_id=self.run_id,
                command=self.command,
                account=self.target.name,
                account_key=self.target.key,
                folder=self.folder.path,
                started_at=self.started_at,
                finished_at=self.rt.clock(),
                site_time=self.site_clock.now() if self.site_clock.seen else None,
                requests=result.requests if result else (),
                new=result.new if result else (),
                outcomes=run.outcomes if run else None,
                stats=result.stats if result else None,
                error=error if isinstance(error, Exception) else None,
                marketplaces=[m.marketplace or m.locale for m in self.target.marketplaces],
                base_url=self.base_urls[0] if self.base_urls else None,
                timings=self.timer.as_dict(),
                rules_path=run.rules_path if run else None,
                rules_sha256=run.rules_sha256 if run else None,
                execute=run.execute if run else None,
                stopped=bool(run and run.stopped),
            )
            write_reports(self.folder, report)
        except Exception as exc:  # the report must never hide the run's own outcome
            logger.warning("could not finish the run's records: {}", exc)
            return
        if self.rt.after_run is not None:
            try:
                self.rt.after_run(report, self.ledger)
            except Exception as exc:  # notifications and clean-up never fail a run
                logger.warning("after-run step failed: {}", exc)


def scan_account(
    target: Target,
    rt: Runtime,
    *,
    command: str = "scan",
    then: Then | None = None,
    run: RunState | None = None,
) -> ScanResult:
    """Scan one account: lock, sign in if needed, read both channels of every marketplace, merge,
    record in the ledger, write the run's report.

    `then` runs with the browser still open and the lock still held (the `run` command's actions), with
    each marketplace's browser and its share of the requests.
    """
    prepared = Prepared.load(rt.selectors_dir)
    started_at = rt.clock()
    with (
        account_lock(rt.data_dir, target.key, name=target.name),
        contextlib.closing(Ledger.open(rt.ledger_path, clock=rt.clock)) as ledger,
        serve_sandbox_if_needed(target, rt) as sandbox_url,
    ):
        base_urls = [sandbox_url or m.base_url or "" for m in target.marketplaces]
        run_id = ledger.start_run(target.key, command)
        common = prepared.selectors["common"]
        folder = RunFolder.create(rt.runs_dir, run_id, tuple(common.fields.get("personal_data", ())))
        record = RunRecord(ledger, rt, target, command, run_id, folder, base_urls, started_at)
        logger.info(
            "{} {}: run {} against {}", command, target.name, run_id, ", ".join(sorted(set(base_urls)))
        )
        result: ScanResult | None = None
        error: BaseException | None = None
        try:
            result = _scan_and_act(record, prepared, then)
        except BaseException as exc:
            error = exc
            raise
        finally:
            record.finish(result, error, run)
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


def _scan_and_act(record: RunRecord, prepared: Prepared, then: Then | None) -> ScanResult:
    target, rt, ledger = record.target, record.rt, record.ledger
    options = replace(
        session_options(rt, target, target.marketplaces[0], record.base_urls[0]),
        trace_path=record.folder.file("trace.zip"),
        har_path=record.folder.file("capture/network.har") if rt.capture else None,
    )
    with BrowserSession(options, site_clock=record.site_clock) as session:
        try:
            scans = []
            for market, base_url in zip(target.marketplaces, record.base_urls, strict=True):
                browser = AccountBrowser(session, target, market, base_url=base_url, prepared=prepared, rt=rt)
                with record.timer.phase(f"scan {browser.label}"):
                    browser.ensure_store(several=len(target.marketplaces) > 1)
                    scans.append(_scan_market(browser, ledger, target))
            session.save_storage_state()
            requests = _merge_markets(scans)
            stats = ScanStats(
                orders_seen=sum(s.orders_seen for s in scans),
                threads_seen=sum(s.threads_seen for s in scans),
                pages_visited=session.pages_visited,
                seconds=record.seconds(),
            )
            markets = {m.marketplace for m in target.marketplaces if m.marketplace}
            only_market = next(iter(markets)) if len(markets) == 1 else None
            diff = ledger.record_scan(target.key, record.run_id, requests, marketplace=only_market)
            for scan in scans:
                ledger.record_threads(scan.browser.marks_key, scan.marks, run_id=record.run_id)
            result = ScanResult(
                target=target,
                run_id=record.run_id,
                scanned_at=rt.clock(),
                requests=requests,
                new=set(diff.new) | set(diff.reopened),
                stats=stats,
                run_folder=record.folder.path,
            )
            if then is not None:
                with record.timer.phase("actions"):
                    then([(s.browser, _share(result, s)) for s in scans], ledger)
            return result
        except Exception as exc:
            _keep_evidence(session, record.folder, exc)
            raise


def _share(result: ScanResult, scan: MarketScan) -> ScanResult:
    """The part of an account's scan that belongs to one marketplace."""
    mine = {r.order_id for r in scan.requests}
    return replace(result, requests=[r for r in result.requests if r.order_id in mine])


def _keep_evidence(session: BrowserSession, folder: RunFolder, exc: BaseException) -> None:
    """A screenshot (buyer data masked) and the HTML of the page at the moment of failure."""
    name = f"error-{exc.page_key}" if isinstance(exc, PageChangedError) else "error"
    session.pause_if_asked(exc)
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
    earlier: bool = False
    """The outcome is an earlier run's (nothing is done twice); it does not make this run fail."""

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
    """A `run`: its scan, what happened to each request, and whether the STOP switch halted it."""

    scan: ScanResult
    outcomes: dict[str, RequestOutcome] = field(default_factory=dict)
    stopped: bool = False

    @property
    def failed(self) -> list[str]:
        """Orders whose action failed or was lost sight of in this run (exit code 9)."""
        return [
            oid for oid, o in self.outcomes.items() if o.outcome in ("failed", "unknown") and not o.earlier
        ]


@dataclass
class RunState:
    """What a `run` adds to its scan's report; filled in while the browser is still open."""

    rules_path: Path | None
    rules_sha256: str | None
    execute: bool
    outcomes: dict[str, RequestOutcome] = field(default_factory=dict)
    stopped: bool = False


def run_account(
    target: Target, rt: Runtime, rules: Any, *, execute: bool, actions_enabled: bool = True
) -> RunResult:
    """Scan, decide with the rules, and (only with `execute`) carry out what is approved."""
    from automation.actions.executor import Executor

    state = RunState(rules_path=rules.path, rules_sha256=rules.sha256, execute=execute)

    def act(shares: list[tuple[AccountBrowser, ScanResult]], ledger: Ledger) -> None:
        for browser, share in shares:
            if len(shares) > 1:
                browser.ensure_store(several=True)
            result = Executor(
                browser, ledger, share, rules, rt, execute=execute, actions_enabled=actions_enabled
            ).run()
            state.outcomes.update(result.outcomes)
            state.stopped |= result.stopped

    scan = scan_account(target, rt, command="run", then=act, run=state)
    return RunResult(scan=scan, outcomes=state.outcomes, stopped=state.stopped)
