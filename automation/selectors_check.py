"""`sc-cancel selectors check`: every candidate of every selector, resolved separately, page by page.

At run time an element's candidates are joined with `or_()`, so a first candidate that stopped matching
goes unnoticed while a later one still does: the run works, on its last leg. This check opens each page
key's screen (sign-in, Manage Orders, one order's details, its cancel page without submitting anything,
Messages with a thread open), counts the matches of each candidate on its own and reports, per page
key, which elements match through their first candidate, which only through a fallback, and which not
at all. A page whose landmarks all match nothing is a changed page (exit code 4); other elements that
match nothing are listed: "absent, as expected" when the selector file lists them under
`may_be_absent` (an error box, an empty state, the one-time code step), "no match" otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from loguru import logger

from automation.errors import (
    BadInputError,
    PageChangedError,
    PersonNeededError,
    ScCancelError,
    SessionExpiredError,
    SignInRejectedError,
    SiteUnreachableError,
)
from automation.locators import SelectorFile, TextLookup, check_candidates

MAX_ORDERS_TRIED = 5


@dataclass(frozen=True)
class ElementResult:
    element: str
    landmark: bool
    counts: tuple[tuple[str, int], ...]
    """(candidate, matches) in preference order; -1 when the candidate's locale text is missing."""
    may_be_absent: bool = False
    """The selector file lists it under `may_be_absent`: matching nothing is the normal case."""

    @property
    def status(self) -> str:
        """`ok` (the first candidate matches), `fallback` (only a later one does) or `none`."""
        if self.counts and self.counts[0][1] > 0:
            return "ok"
        return "fallback" if any(n > 0 for _, n in self.counts) else "none"


@dataclass
class PageResult:
    page_key: str
    url: str | None = None
    elements: list[ElementResult] = field(default_factory=list)
    skipped: str | None = None
    """Why the page could not be checked (no cancellable order, signed out in a recording...)."""

    @property
    def landmark_found(self) -> bool:
        landmarks = [e for e in self.elements if e.landmark]
        return not landmarks or any(e.status != "none" for e in landmarks)

    @property
    def changed(self) -> bool:
        return self.skipped is None and not self.landmark_found


@dataclass
class CheckReport:
    source: str
    pages: list[PageResult] = field(default_factory=list)

    @property
    def changed_pages(self) -> list[str]:
        return [p.page_key for p in self.pages if p.changed]

    def as_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "changed_pages": self.changed_pages,
            "pages": [
                {
                    "page_key": p.page_key,
                    "url": p.url,
                    "skipped": p.skipped,
                    "landmark_found": p.landmark_found,
                    "elements": [
                        {
                            "element": e.element,
                            "landmark": e.landmark,
                            "status": e.status,
                            "may_be_absent": e.may_be_absent,
                            "candidates": [{"candidate": c, "matches": n} for c, n in e.counts],
                        }
                        for e in p.elements
                    ],
                }
                for p in self.pages
            ],
        }

    def lines(self) -> list[str]:
        """The report for people: per page key, every element and its candidates' match counts."""
        out = [f"Selector check against {self.source}"]
        for page in self.pages:
            out.append("")
            if page.skipped:
                out.append(f"{page.page_key}: not checked ({page.skipped})")
                continue
            verdict = "ok" if page.landmark_found else "PAGE CHANGED: no landmark matches"
            out.append(f"{page.page_key}: {verdict}  [{page.url}]")
            for e in page.elements:
                counts = ", ".join(f"{c} -> {n if n >= 0 else 'text missing'}" for c, n in e.counts)
                flag = " (landmark)" if e.landmark else ""
                if e.status == "none" and e.may_be_absent:
                    out.append(f"  {'-':<9} {e.element}{flag}: absent, as expected ({counts})")
                    continue
                mark = {"ok": "ok", "fallback": "FALLBACK", "none": "no match"}[e.status]
                out.append(f"  {mark:<9} {e.element}{flag}: {counts}")
        checked = [e for p in self.pages for e in p.elements]
        fallbacks = sum(e.status == "fallback" for e in checked)
        unexpected = sum(e.status == "none" and not e.may_be_absent for e in checked)
        out.append("")
        changed = f": {', '.join(self.changed_pages)}" if self.changed_pages else ""
        out.append(
            f"{len(self.changed_pages)} changed page(s){changed}; "
            f"{fallbacks} element(s) matched only through a fallback; "
            f"{unexpected} expected element(s) matched nothing (may be another state of the page)"
        )
        return out


def check_page(page: Any, selector_file: SelectorFile, texts: TextLookup) -> PageResult:
    """Count every candidate of every element of one selector file on the page as it stands."""
    by_element: dict[str, list[tuple[str, int]]] = {}
    for check in check_candidates(page, selector_file, texts):
        by_element.setdefault(check.element, []).append((check.candidate, check.matches))
    elements = [
        ElementResult(
            name, name in selector_file.landmarks, tuple(counts), name in selector_file.may_be_absent
        )
        for name, counts in by_element.items()
    ]
    return PageResult(selector_file.page, page.url, elements)


class PageWalk:
    """Opens each page key's screen through the page objects and checks it there.

    `sign_in` is called when a screen turns out to be the sign-in form (live sites); None in a replay,
    where that screen is reported as not checked.
    """

    def __init__(
        self, page: Any, pages: Any, selectors: dict[str, SelectorFile], sign_in: Callable[[], None] | None
    ) -> None:
        self.page = page
        self.pages = pages
        self.selectors = selectors
        self.sign_in = sign_in

    def _check(self, page_key: str) -> PageResult:
        return check_page(self.page, self.selectors[page_key], self.pages.texts)

    def _open(self, page_key: str, opener: Callable[[], Any]) -> str | None:
        """Open a screen; None when it is there to check, else why not. A changed page is checked too."""
        from playwright.sync_api import Error as PlaywrightError

        from automation.browser.navigation import reason

        for attempt in (1, 2):
            try:
                opener()
                return None
            except PageChangedError as exc:
                logger.warning("{}: {}", page_key, exc)
                return None
            except SessionExpiredError:
                if self.sign_in is None or attempt == 2:
                    return "the site showed the sign-in form (signed out)"
                self.sign_in()
            except (PersonNeededError, SignInRejectedError, BadInputError, SiteUnreachableError):
                raise  # no page can be checked without a person, with a wrong account or address
            except ScCancelError as exc:
                return f"could not open it: {exc}"
            except PlaywrightError as exc:
                return f"could not open it: {reason(exc)}"
        return "could not open it"  # pragma: no cover - the loop returns

    def run(self, source: str) -> CheckReport:
        from automation.pages.cancel_order import CancelOrderPage
        from automation.pages.manage_orders import ManageOrdersPage
        from automation.pages.messages import MessagesPage
        from automation.pages.order_details import OrderDetailsPage

        report = CheckReport(source)
        report.pages.append(self._signin_page())
        orders = ManageOrdersPage(self.page, self.pages)
        skipped = self._open("manage_orders", lambda: orders.open("unshipped"))
        for key in ("manage_orders", "common"):
            report.pages.append(PageResult(key, skipped=skipped) if skipped else self._check(key))
        order_ids = [] if skipped else [str(r["order_id"]) for r in orders.read_rows() if r.get("order_id")]
        report.pages.extend(self._order_pages(OrderDetailsPage, CancelOrderPage, order_ids))
        messages = MessagesPage(self.page, self.pages)
        skipped = self._open("messages", lambda: messages.open("all"))
        if skipped is None:
            items = messages.read_items()
            if items and items[0].get("thread_id"):
                self._open(
                    "messages", lambda: messages.open_thread(items[0]["thread_id"], items[0].get("subject"))
                )
        report.pages.append(PageResult("messages", skipped=skipped) if skipped else self._check("messages"))
        return report

    def _signin_page(self) -> PageResult:
        path = self.selectors["signin"].url_path or "/ap/signin"
        from automation.browser.navigation import open_url

        skipped = self._open("signin", lambda: open_url(self.page, self.pages.url(path), wait_until="load"))
        if skipped:
            return PageResult("signin", skipped=skipped)
        result = self._check("signin")
        if not result.landmark_found and self._check("common").landmark_found:
            return PageResult(
                "signin", skipped="the site showed a signed-in page instead of the sign-in form"
            )
        return result

    def _to_cancel_page(self, details: Any, cancel_page: Any) -> None:
        details.start_cancel()  # opens the cancel page; nothing is ever submitted there
        cancel_page(self.page, self.pages).wait()

    def _order_pages(self, details_page: Any, cancel_page: Any, order_ids: list[str]) -> list[PageResult]:
        if not order_ids:
            reason = "no order on the Unshipped tab to open"
            return [PageResult("order_details", skipped=reason), PageResult("cancel_order", skipped=reason)]
        details = details_page(self.page, self.pages)
        first: PageResult | None = None
        for order_id in order_ids[:MAX_ORDERS_TRIED]:
            skipped = self._open("order_details", partial(details.open, order_id))
            if skipped:
                return [
                    PageResult("order_details", skipped=skipped),
                    PageResult("cancel_order", skipped=skipped),
                ]
            result = self._check("order_details")
            first = first or result
            if details.has("cancel_button"):
                skipped = self._open("cancel_order", partial(self._to_cancel_page, details, cancel_page))
                cancel = (
                    PageResult("cancel_order", skipped=skipped) if skipped else self._check("cancel_order")
                )
                return [result, cancel]
        reason = f"none of the first {MAX_ORDERS_TRIED} orders offers 'Cancel order'"
        return [
            first or PageResult("order_details", skipped=reason),
            PageResult("cancel_order", skipped=reason),
        ]


def check_selectors(target: Any, rt: Any, *, recording: Any | None = None) -> CheckReport:
    """Open a browser on the target's site (or on a recording, offline) and check every page key."""
    import dataclasses

    from automation.browser.account import AccountBrowser, serve_sandbox_if_needed, session_options
    from automation.browser.session import BrowserSession
    from automation.runtime import Prepared

    prepared = Prepared.load(rt.selectors_dir)
    market = target.marketplaces[0]
    with serve_sandbox_if_needed(target, rt) as sandbox_url:
        base_url = sandbox_url or market.base_url or ""
        options = session_options(rt, target, market, base_url)
        if recording is not None:
            options = dataclasses.replace(options, replay_har=recording.har, storage_state=None, trace="off")
        source = f"the recording {recording.path}" if recording is not None else base_url
        with BrowserSession(options) as session:
            browser = AccountBrowser(session, target, market, base_url=base_url, prepared=prepared, rt=rt)
            walk = PageWalk(
                session.page, browser.pages, prepared.selectors, None if recording else browser.sign_in
            )
            report = walk.run(source)
            if recording is None:
                session.save_storage_state()
    return report


def changed_error(report: CheckReport) -> PageChangedError | None:
    """The error (exit code 4) a report with changed pages ends in; None when no page changed."""
    if not report.changed_pages:
        return None
    return PageChangedError(
        f"no landmark matches on: {', '.join(report.changed_pages)}; update those selector files",
        page_key=report.changed_pages[0],
    )


def raise_if_changed(report: CheckReport) -> None:
    error = changed_error(report)
    if error is not None:
        raise error
