"""The order details page (raw strings from `pages.order_details`) into an `Order` record.

Used to look up an order seen only in Messages and to check an order right before cancelling it
(seller-central.md §1.7, sandbox-pages.md "Order details"). Item rows are table cells in the order
title, SKU, ASIN, quantity, unit price; cells may also carry their label ("SKU: …").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import tzinfo
from typing import TYPE_CHECKING, Any

from automation.models import Order, OrderItem
from automation.parsers.dates import parse_local_datetime
from automation.parsers.money import parse_money
from automation.parsers.normalize import compact, split_label
from automation.parsers.order_fields import (
    banner_details,
    fulfillment_from_text,
    is_request_banner,
    quantity_from_text,
    required_order_id,
    ship_by_date,
    status_from_text,
    text_of,
)
from automation.parsers.parse_error import ParseError

if TYPE_CHECKING:
    from automation.parsers.locale_texts import LocaleTexts

_CELLS = ("title", "sku", "asin", "quantity", "unit_price")


def _cell(value: object, labels: tuple[str, ...]) -> str:
    text = " ".join(str(value or "").split())
    stripped = split_label(text, labels) if labels else None
    return stripped if stripped is not None else text


def _is_header(cells: Sequence[object], texts: LocaleTexts) -> bool:
    quantity_labels = {compact(label) for label in texts.manage_orders.item_labels.quantity}
    return any(compact(str(cell or "")) in quantity_labels for cell in cells)


def _item(cells: Sequence[object], texts: LocaleTexts) -> OrderItem:
    if len(cells) < len(_CELLS):
        raise ParseError("item row", list(cells), f"expected {len(_CELLS)} cells: {', '.join(_CELLS)}")
    labels = texts.manage_orders.item_labels
    title = _cell(cells[0], ())
    sku = _cell(cells[1], labels.sku)
    asin = _cell(cells[2], labels.asin)
    quantity = quantity_from_text(_cell(cells[3], labels.quantity), "item quantity")
    price_text = _cell(cells[4], (*labels.unit_price, *labels.subtotal))
    if not sku:
        raise ParseError("item SKU", list(cells), "empty SKU cell")
    return OrderItem(
        sku=sku,
        asin=asin or None,
        title=title or None,
        quantity=quantity,
        price=parse_money(price_text, texts) if price_text else None,
    )


def parse_order_details(raw: Mapping[str, Any], texts: LocaleTexts, zone: str | tzinfo) -> Order:
    """The details page's fields into an `Order`; `cancellable` is whether "Cancel order" is offered."""
    purchase_text = text_of(raw, "purchase_date")
    ship_by_text = text_of(raw, "ship_by")
    rows = raw.get("items") or []
    items = tuple(_item(cells, texts) for cells in rows if cells and not _is_header(cells, texts))
    reason, requested_at = banner_details([str(x) for x in raw.get("banner_lines") or []], texts, zone)
    banner = raw.get("banner")
    has_cancel = raw.get("has_cancel_button")
    return Order(
        order_id=required_order_id(text_of(raw, "order_id")),
        status=status_from_text(text_of(raw, "status"), texts),
        fulfillment=fulfillment_from_text(text_of(raw, "fulfillment"), texts),
        purchased_at=(
            parse_local_datetime(purchase_text, None, texts, zone, field="purchase date")
            if purchase_text
            else None
        ),
        ship_by=ship_by_date(ship_by_text, texts) if ship_by_text else None,
        items=items,
        request_reason=reason,
        requested_at=requested_at,
        has_request_banner=is_request_banner(str(banner) if banner is not None else None, texts),
        cancellable=None if has_cancel is None else bool(has_cancel),
    )
