"""The cancel page: what to cancel (where offered), reason drop-down, Submit, and what the site answers.

The page object reports what it sees (the selected reason, whether it is locked; whether the page offers
"Cancel entire order" or "Cancel items" and which is selected) and clicks what it is told; the decision
to submit belongs to `automation/actions/cancel.py`.
"""

from __future__ import annotations

from dataclasses import dataclass

from automation.pages.base import PageObject, TransientPageError
from automation.pages.inpage import evaluate_on


@dataclass(frozen=True)
class ReasonControl:
    value: str
    """The selected option's value (Seller Central uses the API codes, e.g. BuyerCanceled)."""
    label: str
    locked: bool
    options: tuple[str, ...]


@dataclass(frozen=True)
class ScopeControl:
    """The choice some marketplaces' cancel pages offer between cancelling the entire order and
    cancelling items (seller-central.md §12.3); a page without it offers neither."""

    entire_offered: bool
    items_offered: bool
    entire_selected: bool = False
    items_selected: bool = False


class CancelOrderPage(PageObject):
    page_key = "cancel_order"

    def open(self, order_id: str) -> bool:
        """Open the cancel page at its own URL where the selector file names one (`url_path`, Amazon's
        `/orders-v3/order/{order_id}/cancel-order`); False when it names none, for the caller to click
        the order details page's "Cancel order" instead."""
        if not self.sel.url_path:
            return False
        self.goto(self.sel.url_path.format(order_id=order_id))
        return True

    def wait(self) -> str:
        """`form`, `error` (the site refuses) or `confirmation`."""
        return self.wait_ready()

    def reason(self) -> ReasonControl:
        select = self.el("reason_select")
        info = evaluate_on(select, "select_state")
        return ReasonControl(
            value=info["value"],
            label=info["label"].strip(),
            locked=bool(info["locked"]),
            options=tuple(info["options"]),
        )

    def choose_reason(self, code: str) -> None:
        self.el("reason_select").select_option(code)

    def scope(self) -> ScopeControl:
        entire, items = self.el("scope_entire_order"), self.el("scope_items")
        entire_offered, items_offered = entire.count() > 0, items.count() > 0
        return ScopeControl(
            entire_offered=entire_offered,
            items_offered=items_offered,
            entire_selected=entire_offered and entire.is_checked(),
            items_selected=items_offered and items.is_checked(),
        )

    def choose_entire_order(self) -> None:
        self.el("scope_entire_order").check()

    def submit(self) -> None:
        """Click Submit. The caller records the attempt as in flight *before* calling this."""
        self.el("submit").click()

    def outcome(self) -> str:
        """After Submit: `confirmation`, else `error` (a refusal), read in that order.

        The site's answer is one of those two elements, never the form: a refused submission may come
        back as the cancel form again with the refusal above it, and the form is this page's first
        landmark, so reading the page by its landmarks would call that answer "the form" and lose the
        refusal. Waiting for the answer itself also covers a page that shows it in place. A page showing
        neither (the form again without a message, a changed page) raises `TransientPageError` after
        the timeout, and the caller re-reads the order to learn what happened.
        """
        self.wait_for_part(self.el("confirmation").or_(self.el("error")), "the answer to Submit")
        there = self.presence(["confirmation", "error"])
        for name in ("confirmation", "error"):
            if there(name):
                return name
        raise TransientPageError(f"{self.page_key}: the answer to Submit went away before it was read")

    def error_text(self) -> str:
        error = self.el("error")
        return error.inner_text().strip() if error.count() else ""
