"""The cancel page: reason drop-down, Submit, and what the site answers.

The page object reports what it sees (the selected reason, whether it is locked) and clicks what it is
told; the decision to submit belongs to `automation/actions/cancel.py`.
"""

from __future__ import annotations

from dataclasses import dataclass

from automation.pages.base import PageObject


@dataclass(frozen=True)
class ReasonControl:
    value: str
    """The selected option's value (Seller Central uses the API codes, e.g. BuyerCanceled)."""
    label: str
    locked: bool
    options: tuple[str, ...]


class CancelOrderPage(PageObject):
    page_key = "cancel_order"

    def wait(self) -> str:
        """`form`, `error` (the site refuses) or `confirmation`."""
        return self.wait_ready()

    def reason(self) -> ReasonControl:
        select = self.el("reason_select")
        info = select.evaluate(
            """s => ({value: s.value, label: s.selectedIndex >= 0 ? s.options[s.selectedIndex].text : '',
                      locked: s.disabled, options: Array.from(s.options).map(o => o.value)})"""
        )
        return ReasonControl(
            value=info["value"],
            label=info["label"].strip(),
            locked=bool(info["locked"]),
            options=tuple(info["options"]),
        )

    def choose_reason(self, code: str) -> None:
        self.el("reason_select").select_option(code)

    def submit(self) -> None:
        """Click Submit. The caller records the attempt as in flight *before* calling this."""
        self.el("submit").click()

    def outcome(self) -> str:
        """After Submit: `confirmation` or `error` (or `form` if the page did not move)."""
        return self.wait_ready()

    def error_text(self) -> str:
        error = self.el("error")
        return error.inner_text().strip() if error.count() else ""
