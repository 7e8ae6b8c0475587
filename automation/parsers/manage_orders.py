"""Manage Orders rows (raw strings from `pages.manage_orders`) into `Order` records.

A row is a plain dict of the texts on screen (sandbox-pages.md "Manage Orders", seller-central.md §1.3):
order id, date and time, buyer, fulfillment, status, ship-by, items with their labelled lines, the
buyer-request banner above the row with its reason and request date, and the actions menu's entries.
Absent optional parts become None; a part that is present but unreadable raises `ParseError`, because a
page that reads wrong must stop the run ("page changed") rather than pass for an order without a request.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import tzinfo
from typing import TYPE_CHECKING, Any

from automation.models import Order, OrderItem
from automation.parsers.dates import parse_local_datetime
from automation.parsers.normalize import split_label
from automation.parsers.order_fields import (
    banner_details,
    fulfillment_from_text,
    is_cancel_action,
    is_request_banner,
    item_from_lines,
    required_order_id,
    ship_by_date,
    status_from_text,
    text_of,
)
from automation.parsers.parse_error import ParseError

if TYPE_CHECKING:
    from automation.parsers.locale_texts import LocaleTexts

__all__ = ["is_request_banner", "parse_manage_orders_row"]


def _ship_by_text(raw: Mapping[str, Any], texts: LocaleTexts) -> str:
    """The ship-by text: a `ship_by` field, or the matching line of the customer-option cell."""
    if raw.get("ship_by"):
        return text_of(raw, "ship_by")
    for line in raw.get("customer_option_lines") or []:
        if line and split_label(str(line), texts.manage_orders.ship_by_prefixes) is not None:
            return str(line)
    return ""


def _items(raw: Mapping[str, Any], texts: LocaleTexts) -> tuple[OrderItem, ...]:
    items = raw.get("items") or []
    if not isinstance(items, list):
        raise ParseError("items", items, "expected a list of items")
    out = []
    for item in items:
        if not isinstance(item, Mapping):
            raise ParseError("item", item, "expected a title and lines")
        lines = [str(line) for line in item.get("lines") or [] if line is not None]
        out.append(item_from_lines(item.get("title"), lines, texts))
    return tuple(out)


def parse_manage_orders_row(raw: Mapping[str, Any], texts: LocaleTexts, zone: str | tzinfo) -> Order:
    """One order row, with its banner, into an `Order` (times in UTC, unit prices per item)."""
    order_id = required_order_id(text_of(raw, "order_id"))
    order_date, order_time = text_of(raw, "order_date"), text_of(raw, "order_time")
    purchased_at = (
        parse_local_datetime(order_date, order_time or None, texts, zone, field="order date")
        if order_date
        else None
    )
    ship_by_text = _ship_by_text(raw, texts)
    banner = raw.get("banner")
    reason, requested_at = banner_details([str(x) for x in raw.get("banner_lines") or []], texts, zone)
    actions = raw.get("actions")
    return Order(
        order_id=order_id,
        status=status_from_text(text_of(raw, "status"), texts),
        fulfillment=fulfillment_from_text(text_of(raw, "fulfillment"), texts),
        purchased_at=purchased_at,
        ship_by=ship_by_date(ship_by_text, texts) if ship_by_text else None,
        buyer_name=text_of(raw, "buyer_name") or None,
        items=_items(raw, texts),
        request_reason=reason,
        requested_at=requested_at,
        has_request_banner=is_request_banner(str(banner) if banner is not None else None, texts),
        cancellable=None if actions is None else any(is_cancel_action(str(a), texts) for a in actions),
    )
