"""Order details (`/orders-v3/order/<id>`): the order's state right before and after a cancellation."""

from __future__ import annotations

from typing import Any

from automation.pages.base import PageObject


class OrderDetailsPage(PageObject):
    page_key = "order_details"

    def open(self, order_id: str) -> str:
        """Open an order; returns `details_label`, or `not_found` for an unknown order."""
        self.goto(f"/orders-v3/order/{order_id}")
        return self.wait_ready()

    def _text(self, name: str) -> str:
        loc = self.el(name)
        return loc.inner_text().strip() if loc.count() else ""

    def read(self) -> dict[str, Any]:
        """The raw fields `parsers.order_details` expects."""
        extras = self.dom.read_rows("order_detail_extras")
        return {
            "order_id": self._text("order_id"),
            "status": self._text("status"),
            "fulfillment": self._text("fulfillment"),
            "ship_by": self._text("ship_by"),
            "purchase_date": self._text("purchase_date"),
            "banner": extras["banner"],
            "banner_lines": extras["banner_lines"],
            "items": extras["items"],
            "has_cancel_button": self.el("cancel_button").count() > 0,
        }

    def start_cancel(self) -> None:
        """Click "Cancel order"; the cancel page object takes over."""
        self.el("cancel_button").click()
