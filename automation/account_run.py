"""An account opened for one run: lock, ledger, sandbox, browser and the run's own records, in one block.

`open_account` holds the account's lock, opens the ledger, starts the built-in sandbox where the target
asks for it, records the run, opens the browser, and hides the run's buyer names from every log while it
lasts. Whatever happens inside, leaving the block closes the run in the ledger, writes its report and
lets the caller's hook notify; an error keeps evidence of the page first. Inside, `scan()` reads and
records the requests; a `run` then acts on `shares()`.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from loguru import logger
from sqlalchemy import Engine

from automation.actions.cancel import OrderView, read_order_view
from automation.actions.outcome import RunState
from automation.artifacts import RunFolder
from automation.browser.account import AccountBrowser, session_options
from automation.browser.sandbox_mailbox import serve_sandbox_for_run, wants_mailbox
from automation.browser.session import BrowserSession
from automation.errors import InterruptedRunError, PageChangedError, exit_code_for
from automation.ledger import Ledger
from automation.ledger.engine import make_engine
from automation.locks import LockWait, account_lock
from automation.models import Order, ScanStats
from automation.pages.text_check import gathered
from automation.parsers.email_texts import load_email_texts
from automation.redact import REDACTOR, RunValues
from automation.report import PhaseTimer, ReportTrigger, build_report, write_reports
from automation.runtime import Prepared, Runtime
from automation.scan import MarketScan, ScanResult, merge_markets, scan_market
from automation.scan_email import EmailCheck, check_emails, missing_notices, missing_warning, read_emails
from automation.site_clock import SiteClock
from automation.sources.email import MailboxRead, MailboxWarning
from automation.targets import Target


@dataclass
class RunBook:
    """One run's bookkeeping: its id and folder, clocks and timings, closed by `finish` whatever happens.

    (The ledger's `RunRecord` is the stored row of a run; this is the run while it is under way.)"""

    ledger: Ledger
    rt: Runtime
    target: Target
    command: str
    run_id: str
    folder: RunFolder
    base_urls: list[str]
    started_at: datetime
    trigger: ReportTrigger | None = None
    """What started a targeted run (`watch`'s e-mails); None for a full run."""
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
        if error is None and run is not None:
            # A run that got to its end but whose actions failed (9) or were halted (10): the report and
            # the ledger say so, as the process's exit code does.
            error = run.error()
        try:
            cause = {} if self.trigger is None else {"trigger": self.trigger.model_dump(mode="json")}
            if error is None and result is not None:
                stats = {**result.stats.model_dump(), **self.site_clock.stats(), **cause}
                self.ledger.finish_run(self.run_id, status="ok", exit_code=0, stats=stats)
            else:
                code = exit_code_for(error)
                scanned = result.stats.model_dump() if result is not None else {}  # a halted run's too
                stats = {
                    **scanned,
                    "error": REDACTOR(str(error))[:500],
                    "seconds": self.seconds(),
                    **self.site_clock.stats(),
                    **cause,
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
                trigger=self.trigger,
                unconfirmed=[u.as_report() for u in result.unconfirmed] if result else (),
                warnings=[w.as_report() for w in result.warnings] if result else (),
            )
            write_reports(self.folder, report)
        except Exception as exc:  # the report must never hide the run's own outcome
            logger.warning("could not finish the run's records: {}", exc)
            _name_screenshot(error, getattr(error, "screenshot", None) or "")  # the folder stays here
            return
        if self.rt.store is not None:  # the finished folder goes to the artifact store (never raises)
            self.rt.store.publish(self.folder.path)
        self._name_screenshot(error)
        if self.rt.after_run is not None:
            try:
                self.rt.after_run(report, self.ledger)
            except Exception as exc:  # notifications and clean-up never fail a run
                logger.warning("after-run step failed: {}", exc)

    def _name_screenshot(self, error: BaseException | None) -> None:
        """The changed page's screenshot named where it is now the run is over: in the bucket once the
        folder is uploaded (the local file is gone; `report` shows the page embedding it), else here."""
        kept = getattr(error, "screenshot", None)
        if not isinstance(kept, str) or not kept:
            return
        store, path = self.rt.store, self.folder.path
        if store is None or path.exists():  # no store, or the upload failed: the folder waits here
            _name_screenshot(error, kept)
            return
        relative = Path(kept).relative_to(path).as_posix()
        where = store.location(self.run_id, relative)
        _name_screenshot(error, f"{where}; `sc-cancel report {self.run_id}` shows it")


def _name_screenshot(error: BaseException | None, where: str) -> None:
    """A changed page's message ends with where its screenshot is, as people read it in the terminal."""
    if isinstance(error, PageChangedError) and where and error.args:
        error.screenshot = where.partition(";")[0]
        error.args = (f"{error.args[0]} (screenshot: {where})", *error.args[1:])


@dataclass
class OpenAccount:
    """An account open for one run: its browser (one `AccountBrowser` per marketplace, one session)."""

    book: RunBook
    session: BrowserSession
    browsers: list[AccountBrowser]
    hidden: RunValues
    """The run's own redaction values (buyer names), forgotten when the run ends."""
    found: ScanResult | None = None
    markets: list[MarketScan] = field(default_factory=list)
    just_read: dict[str, OrderView] = field(default_factory=dict)
    """The details pages this run read to check e-mails, by order id and stamped with when: a targeted
    run's cancellations take them instead of reading the same page again (`OrderView`)."""

    @property
    def ledger(self) -> Ledger:
        return self.book.ledger

    @property
    def timer(self) -> PhaseTimer:
        return self.book.timer

    def scan(self) -> ScanResult:
        """Read every marketplace (switching store where there are several), merge, record in the ledger."""
        book, target = self.book, self.book.target
        for browser in self.browsers:
            with book.timer.phase(f"scan {browser.label}"):
                browser.ensure_store(several=len(self.browsers) > 1)
                self.markets.append(scan_market(browser, book.ledger, target, self.hidden))
        emails = self._check_emails()
        return self._conclude(emails, targeted=False)

    def check_orders(self, order_ids: Collection[str], read: MailboxRead) -> ScanResult:
        """A targeted run's scan (`watch`): only the orders that new e-mails (`read`) named, each on its
        details page, where Amazon's banner confirms the request (an e-mail alone never does). No list is
        read, and the ledger's other requests stay as they are."""
        self.markets = [MarketScan(browser, [], 0, 0, []) for browser in self.browsers]
        emails = self._check_emails(read, only=set(order_ids))
        return self._conclude(emails, targeted=True)

    def _conclude(self, emails: EmailCheck, *, targeted: bool) -> ScanResult:
        """Merge the markets, record the scan in the ledger, and move the mailbox's reading position."""
        book, target = self.book, self.book.target
        self.session.save_storage_state()
        requests = merge_markets(self.markets)
        late = (
            []
            if targeted
            else missing_notices(
                requests, book.ledger, target, now=book.rt.clock(), site_now=book.site_clock.now()
            )
        )
        warnings = [*emails.warnings, *filter(None, [missing_warning(late, target)]), *self._texts_used()]
        stats = ScanStats(
            orders_seen=sum(s.orders_seen for s in self.markets),
            threads_seen=sum(s.threads_seen for s in self.markets),
            pages_visited=self.session.pages_visited,
            seconds=book.seconds(),
            emails_seen=emails.emails_seen,
        )
        markets = {m.marketplace for m in target.marketplaces if m.marketplace}
        only_market = next(iter(markets)) if len(markets) == 1 else None
        diff = book.ledger.record_scan(
            target.key, book.run_id, requests, marketplace=only_market, partial=targeted
        )
        for scan in self.markets:
            book.ledger.record_threads(scan.browser.marks_key, scan.marks, run_id=book.run_id)
        self.found = ScanResult(
            target=target,
            run_id=book.run_id,
            scanned_at=book.rt.clock(),
            requests=requests,
            new=set(diff.new) | set(diff.reopened),
            stats=stats,
            run_folder=book.folder.path,
            unconfirmed=emails.unconfirmed,
            warnings=warnings,
        )
        if emails.read is not None:
            emails.read.commit(book.ledger)  # the reading position moves only once the scan is done
        for warning in warnings:
            logger.warning("{}: {}", warning.channel, warning.message)
        return self.found

    def _texts_used(self) -> list[MailboxWarning]:
        """Where verified texts stood in for selectors that found nothing: the scan's result is right, but
        the selectors need an edit, which `--json` users and the report must see, not only the log."""
        stood_in = gathered([each for browser in self.browsers for each in browser.pages.stood_in])
        return [
            MailboxWarning(s.message(), channel=s.page_key, kind="verified_text_used", order_ids=s.orders)
            for s in stood_in
        ]

    def _check_emails(
        self, read: MailboxRead | None = None, *, only: Collection[str] | None = None
    ) -> EmailCheck:
        """Read the mailbox (when the account has one, unless `read` is what was read already) and check
        its e-mails (those naming `only`, when given) against the pages."""
        book, target = self.book, self.book.target
        if target.mailbox is None:
            return EmailCheck(None)
        with book.timer.phase("e-mail"):
            if read is None:
                texts = self.browsers[0].prepared.texts
                read = read_emails(target, book.ledger, book.rt.selectors_dir, texts, book.rt.clock())
            return check_emails(
                [m.requests for m in self.markets],
                [m.browser.market.marketplace for m in self.markets],
                ledger=book.ledger,
                target=target,
                read=read,
                lookup=self._look_up,
                now=book.rt.clock(),
                run_id=book.run_id,
                only=only,
            )

    def _look_up(self, order_id: str) -> tuple[int, Order] | None:
        """An order's details page, in each marketplace in turn until one knows the order."""
        for index, scan in enumerate(self.markets):
            if len(self.markets) > 1:
                scan.browser.ensure_store(several=True)
            view = read_order_view(scan.browser.source_context(), order_id)
            if view is not None:
                self.just_read[order_id] = view
                return index, view.order
        return None

    def shares(self) -> list[tuple[AccountBrowser, ScanResult]]:
        """Each marketplace's browser with its part of the scan (after `scan()`)."""
        assert self.found is not None, "scan() comes first"
        return [(m.browser, m.share(self.found)) for m in self.markets]


@contextlib.contextmanager
def open_account(
    target: Target,
    rt: Runtime,
    *,
    command: str,
    state: RunState | None = None,
    lock_wait: LockWait | None = None,
    trigger: ReportTrigger | None = None,
) -> Iterator[OpenAccount]:
    """Open `target` for one run (see the module's docstring); the block does the run's work.

    Selector files and texts are validated before the lock is taken or any browser starts. `lock_wait`:
    wait that long for a run holding the account's lock (e-mail triggers) instead of failing at once.
    `trigger`: what started a targeted run; the ledger records such a run under the command that
    started it (`watch`), so `last_run(..., "run")` still means the last full run."""
    prepared = Prepared.load(rt.selectors_dir)
    if target.mailbox is not None or wants_mailbox(target, rt):
        load_email_texts(rt.selectors_dir)  # its errors too come before any browser
    started_at = rt.clock()
    with (
        account_lock(rt.data_dir, target.key, name=target.name, wait=lock_wait, database=_shared_ledger(rt)),
        contextlib.closing(Ledger.open(rt.ledger_location, clock=rt.clock)) as ledger,
        serve_sandbox_for_run(target, rt) as (served, sandbox_url),
        REDACTOR.run_scope() as hidden,
    ):
        base_urls = [sandbox_url or m.base_url or "" for m in served.marketplaces]
        run_id = ledger.start_run(served.key, command if trigger is None else trigger.by)
        common = prepared.selectors["common"]
        folder = RunFolder.create(rt.runs_dir, run_id, tuple(common.fields.get("personal_data", ())))
        if rt.run_started is not None:
            rt.run_started(run_id, folder.path, trigger)
        book = RunBook(ledger, rt, served, command, run_id, folder, base_urls, started_at, trigger)
        logger.info(
            "{} {}: run {} against {}", command, served.name, run_id, ", ".join(sorted(set(base_urls)))
        )
        account: OpenAccount | None = None
        error: BaseException | None = None
        try:
            with _browser(book) as session:
                account = OpenAccount(book, session, _browsers(book, session, prepared), hidden)
                try:
                    yield account
                except Exception as exc:
                    _keep_evidence(session, folder, exc)
                    raise
        except BaseException as exc:
            error = exc
            _hide_in(exc, hidden)
            raise
        finally:
            # A failed run's report gives its error, not a part of its requests.
            found = account.found if account is not None and error is None else None
            book.finish(found, error, state)
        result = found
        if result is not None:
            logger.info(
                "{} {}: {} pending requests ({} new), {} orders and {} threads read, {} pages, {:.1f}s",
                command,
                served.name,
                len(result.requests),
                len(result.new),
                result.stats.orders_seen,
                result.stats.threads_seen,
                result.stats.pages_visited,
                result.stats.seconds,
            )


def _shared_ledger(rt: Runtime) -> Engine | None:
    """The ledger's database when it is a server (PostgreSQL), whose advisory lock every machine sharing
    it sees; None for the SQLite file, whose lock file in the data folder suffices (one machine)."""
    where = rt.ledger_location
    return None if where.sqlite_file is not None else make_engine(where.url, where.password)


def _browser(book: RunBook) -> BrowserSession:
    target, rt = book.target, book.rt
    options = replace(
        session_options(rt, target, target.marketplaces[0], book.base_urls[0]),
        trace_path=book.folder.file("trace.zip"),
        har_path=book.folder.file("capture/network.har") if rt.capture else None,
    )
    return BrowserSession(options, site_clock=book.site_clock)


def _browsers(book: RunBook, session: BrowserSession, prepared: Prepared) -> list[AccountBrowser]:
    return [
        AccountBrowser(session, book.target, market, base_url=base_url, prepared=prepared, rt=book.rt)
        for market, base_url in zip(book.target.marketplaces, book.base_urls, strict=True)
    ]


def _hide_in(error: BaseException, hidden: RunValues) -> None:
    """The error outlives the run, whose buyer names are then no longer hidden: hide them in it now."""
    error.args = tuple(hidden(a) if isinstance(a, str) else a for a in error.args)


def _keep_evidence(session: BrowserSession, folder: RunFolder, exc: BaseException) -> None:
    """A screenshot (buyer data masked) and the HTML of the page at the moment of failure."""
    name = f"error-{exc.page_key}" if isinstance(exc, PageChangedError) else "error"
    session.pause_if_asked(exc)
    try:
        files = folder.evidence(session.page, name)
    except AssertionError:
        return
    if isinstance(exc, PageChangedError) and files:
        exc.screenshot = str(files[0])  # named in the message once the run is over (`RunBook.finish`)
    logger.debug("evidence kept: {}", ", ".join(str(f) for f in files))
