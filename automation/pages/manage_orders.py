"""Manage Orders (`/orders-v3`): tabs, the "Buyer Requested Cancel" filter, page size, pages of rows.

Returns raw rows (strings); `automation/parsers/manage_orders.py` turns them into records.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar
from urllib.parse import urlparse

from loguru import logger
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from automation.errors import PageChangedError
from automation.pages.base import PageObject, TransientPageError
from automation.pages.element import BLOCKED
from automation.pages.inpage import evaluate_all_on, evaluate_on
from automation.pages.list_check import candidates_tried, check_hint, verify_rows
from automation.pages.list_growth import more_click, number_shown
from automation.pages.reload import wait_for_reload
from automation.pages.text_check import StoodIn, reconcile
from automation.selector_keys import Growth, ListSpec
from automation.verified_texts import FILE_NAME as VERIFIED_FILE

TABS = {
    "pending": "/orders-v3/mfn/pending",
    "unshipped": "/orders-v3/mfn/unshipped",
    "shipped": "/orders-v3/mfn/shipped",
    "canceled": "/orders-v3/mfn/canceled",
}


class ManageOrdersPage(PageObject):
    page_key = "manage_orders"
    default_lists: ClassVar[Mapping[str, ListSpec]] = {
        "orders": ListSpec(
            landmark="orders_table",
            rows="rows",
            empty_state="empty_state",
            response="orders_search",
            growth=Growth.NEXT,
            more="next_page",
            current_page="current_page",
        )
    }

    _returned = 0
    """Rows of the list on screen already returned by `read_rows`: only a "Load more" keeps them, so
    every other way of changing the list (a page opened, reloaded or replaced) sets it back to 0."""

    def goto(self, path: str) -> None:
        self._returned = 0
        super().goto(path)

    def open(self, tab: str) -> str:
        """Open a tab; returns the landmark shown (`orders_table` or `empty_state`)."""
        self.goto(TABS[tab])
        return self.wait_ready()

    def search(self, query: str) -> str:
        """Open the search results for an order id (any status)."""
        from urllib.parse import quote

        self.goto(f"/orders-v3/search?page=1&q={quote(query)}&qt=orderid")
        return self.wait_ready()

    def _reloading(self, action: Any) -> str:
        """Run a click that reloads the table (new rows fetched in place, or a new document, as
        `lists.orders.reload` says); wait for them and the new render."""
        spec = self.list_spec("orders")
        pattern = self.sel.responses.get(spec.response) if spec.response else None
        self._returned = 0
        try:
            wait_for_reload(self.page, spec, pattern, action)
        except PlaywrightTimeoutError:
            self.classify_visible()  # the sign-in form or a captcha in its place says more than a timeout
            raise TransientPageError("manage_orders: the table did not reload") from None
        except PlaywrightError as exc:
            self.classify_visible()
            raise TransientPageError(f"manage_orders: {exc.message}") from None
        return self._settled()

    def _settled(self) -> str:
        """After the table reloaded: wait until the page has rendered, then name what it shows.

        One wait (`Elements.wait_until`, in the page where the candidates are CSS) for the loading
        indicator to go and the table, the empty state, the rendered app or an interstitial to be there,
        instead of a locator wait for each: on a page of 100 rows, each with an actions menu in a shadow
        root, those cost 80-130 ms apiece (bench/scan.py, 2026-11-26). Where the page shows no landmark,
        `wait_ready` decides.
        """
        ready = [*self.sel.landmarks, *(["rendered"] if "rendered" in self.sel.elements else [])]
        loading = "loading" if "loading" in self.sel.elements else None
        try:
            self.dom.wait_until(ready, gone=loading)
        except PlaywrightTimeoutError:
            self.classify_visible()
            raise TransientPageError("manage_orders: the table did not finish loading") from None
        return self.classify_visible() or self.wait_ready()

    def has_filter(self) -> bool:
        """Whether the "Buyer Requested Cancel" filter exists (it is absent on some accounts)."""
        if not self.has("filter_toggle"):
            return False
        checkbox = self.el("filter_buyer_requested_cancel")
        if checkbox.count() and checkbox.is_visible():
            return True
        self.el("filter_toggle").click()
        try:
            checkbox.wait_for(state="visible", timeout=3000)
        except PlaywrightTimeoutError:
            return False
        return True

    def apply_buyer_requested_cancel_filter(self) -> str:
        checkbox = self.el("filter_buyer_requested_cancel")
        if checkbox.is_checked():
            return self.wait_ready()
        # A click, not `check()`: `check()` waits to see the box ticked, and when the site answers the
        # reload by sending the browser to sign-in (the session ended) it waited the full timeout.
        return self._reloading(checkbox.click)

    def page_size_options(self) -> list[int]:
        """The sizes offered: a select's options, or the numbers of page-size links."""
        control = self.dom.every("results_per_page")
        if not control.count():
            return []
        if self._is_select(control):
            values = evaluate_all_on(control.first.locator("option"), "option_values")
        else:
            values = [t.strip() for t in control.all_inner_texts()]
        return sorted({int(v) for v in values if str(v).isdigit()})

    @staticmethod
    def _is_select(control: Any) -> bool:
        return bool(evaluate_on(control.first, "is_select"))

    def set_largest_page_size(self) -> int | None:
        """Choose the largest "results per page" offered: fewer pages to load.

        A select is set to it; page-size links are followed (the current size is often shown as plain
        text, not a link, and then there is nothing to do). A page without the control keeps its size.
        """
        options = self.page_size_options()
        if not options:
            return None
        largest = str(options[-1])
        control = self.dom.every("results_per_page")
        if self._is_select(control):
            if control.first.input_value() == largest:
                return options[-1]
            self._reloading(lambda: control.first.select_option(largest))
            return options[-1]
        for i in range(control.count()):
            choice = control.nth(i)
            if choice.inner_text().strip() == largest:
                if evaluate_on(choice, "in_link"):
                    self._reloading(choice.click)
                return options[-1]
        return options[-1]

    def read_rows(self) -> list[dict[str, Any]]:
        """The order rows on screen; none when the page shows its empty state.

        Checked against the page (`list_check`): a table shown with no rows read, or fewer than its
        count says, is a changed page.
        """
        verified = self.ctx.verified
        banners = verified.banners(self.ctx.locale) if verified else []
        pattern = verified.order_id.pattern if verified and verified.order_id else None
        start = self._returned
        found = {"banners": banners, "order_id": pattern, "start": start}
        raw: list[dict[str, Any]] = self.dom.read_rows("order_rows", found)
        rows = self._texts_over_structure(raw, banners, pattern)
        spec = self.list_spec("orders")
        self._returned = start + len(rows)
        # All of a "Load more" list is on screen once its control is gone: a bare total must be there.
        complete = spec.growth is Growth.SINGLE or (
            spec.growth is Growth.LOAD_MORE and not self._more_shown(spec)
        )
        verify_rows(self, "orders", spec, self._returned, only_page=complete)
        return rows

    def _more_shown(self, spec: ListSpec) -> bool:
        return spec.more is not None and self.presence([spec.more])(spec.more)

    def _texts_over_structure(
        self, raw: list[dict[str, Any]], banners: list[str], pattern: str | None
    ) -> list[dict[str, Any]]:
        """The rows with what the verified texts found where the structure found nothing (said in a
        warning); a changed page where the two disagree (`text_check`)."""
        checked = reconcile(raw, banners, pattern)
        hint = check_hint(self.ctx.selectors_dir)
        if checked.disagreements:
            first = checked.disagreements[0]
            tried = candidates_tried(self.dom.count_each(first.field))
            said = "; ".join(
                f"order {d.order}: field `{d.field}` reads {d.structure}, its verified text finds {d.text!r}"
                for d in checked.disagreements
            )
            raise PageChangedError(
                f"{self.page_key}: the page's structure and its verified texts disagree at {self.page.url} "
                f"({said}). sc-cancel does not choose between them: edit field `{first.field}` in "
                f"selectors/{self.page_key}.yaml (candidates tried: {tried}), or "
                f"the texts in selectors/{VERIFIED_FILE} if Amazon reworded them. Check the edit with "
                f"`{hint}`",
                page_key=self.page_key,
                element=first.field,
            )
        for field_name in sorted({f for _, f in checked.used}):
            orders = tuple(o for o, f in checked.used if f == field_name)
            stood = StoodIn(self.page_key, field_name, orders, hint)
            self.ctx.stood_in.append(stood)  # the scan's warning, said once the scan is done
            logger.debug("{} at {}: {}", self.page_key, self.page.url, stood.message())
        return checked.rows

    def total(self) -> int | None:
        return number_shown(self, "total_heading")

    def reload(self) -> str:
        """Reload the view as a person would after an error; the page keeps its state in the URL."""
        self._returned = 0
        try:
            self.page.reload(wait_until="domcontentloaded")
        except PlaywrightError as exc:
            raise TransientPageError(f"manage_orders: reload failed: {exc.message}") from None
        return self.wait_ready()

    def reload_view(self, tab: str) -> str:
        """Back to a tab's view after a failure: reload it (it keeps its state in the URL), or open the
        tab again when the browser is elsewhere (a new sign-in may land on another page)."""
        if urlparse(self.page.url).path.rstrip("/") != TABS[tab]:
            return self.open(tab)
        return self.reload()

    def filter_is_applied(self) -> bool:
        checkbox = self.el("filter_buyer_requested_cancel")
        return bool(checkbox.count()) and checkbox.is_checked()

    def page_size(self) -> int | None:
        select = self.el("results_per_page")
        value = select.first.input_value() if select.count() and self._is_select(select) else ""
        return int(value) if value.isdigit() else None

    def current_page_number(self) -> int | None:
        spec = self.list_spec("orders")
        return number_shown(self, spec.current_page) if spec.current_page else None

    def next_page(self) -> bool:
        """Go to the next page of results (or load more rows, as `lists.orders.growth` says); False
        when there is none.

        The disabled "Next" is rendered without a link (environment.md, gotcha 10), so the check is
        whether an enabled control exists, not a query that would wait for it.
        """
        spec = self.list_spec("orders")
        click = more_click(self, spec)
        if click is None:
            return False
        if spec.growth is not Growth.LOAD_MORE:
            self._reloading(click)
            return True
        before = self.dom.count_rows(spec.rows)
        click()
        try:
            outcome = self.dom.wait_until_grown(spec.rows, before)
        except PlaywrightTimeoutError:
            self.classify_visible()
            raise TransientPageError("manage_orders: 'more' brought no rows") from None
        if outcome == BLOCKED:
            self.classify_visible()
            raise TransientPageError("manage_orders: loading more rows failed (the site showed an error)")
        return True
