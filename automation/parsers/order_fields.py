"""Reading the parts of an order that Manage Orders and the order details page show alike.

Both screens print the same things (status word, fulfillment, the buyer-request banner and its
"Cancellation reason:" and "Request date:" lines, item labels); this module reads them once so the two
parsers agree. Unknown status and fulfillment words become None, never a guess: an order of unknown
status must not be taken for an unshipped one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime, tzinfo
from decimal import ROUND_HALF_EVEN, Decimal
from typing import TYPE_CHECKING, Any

from automation.models import Fulfillment, OrderItem, OrderStatus
from automation.parsers.dates import find_local_dates, parse_local_datetime
from automation.parsers.money import parse_money
from automation.parsers.normalize import collapse_spaces, compact, find_order_ids, split_label
from automation.parsers.parse_error import ParseError

if TYPE_CHECKING:
    from datetime import date

    from automation.parsers.locale_texts import LocaleTexts

_SENTENCE_END = re.compile(r"[.。!！]")
_MIN_PARTIAL_BANNER = 20
"""A banner cut short on screen still counts when this many letters of it are shown."""
CANCEL_ACTION = "cancelOrder"
"""The actions menu's `data-action` for "Cancel order" (seller-central.md §1.3)."""


def text_of(raw: Mapping[str, Any], key: str) -> str:
    """A raw field as stripped text ("" when absent or null)."""
    value = raw.get(key)
    return collapse_spaces(str(value)) if value is not None else ""


def required_order_id(text: str, field: str = "order id") -> str:
    ids = find_order_ids(text)
    if not ids:
        raise ParseError(field, text, "no order id of the form 123-1234567-1234567")
    return ids[0]


def status_from_text(text: str, texts: LocaleTexts) -> OrderStatus | None:
    """The canonical status of a status word, or None for a word the locale file does not list."""
    words = texts.manage_orders.statuses
    candidates = [text, *(line for line in text.splitlines() if line.strip())]
    for candidate in candidates:
        key = compact(candidate)
        for status in OrderStatus:
            if any(compact(v) == key for v in getattr(words, status.value)):
                return status
    return None


def fulfillment_from_text(text: str, texts: LocaleTexts) -> Fulfillment | None:
    """ "Fulfillment method: Seller" -> MFN; None for an unknown word."""
    value = split_label(text, texts.manage_orders.fulfillment_prefixes)
    key = compact(value if value is not None else text)
    words = texts.manage_orders.fulfillment
    if any(compact(v) == key for v in words.mfn):
        return Fulfillment.MFN
    if any(compact(v) == key for v in words.afn):
        return Fulfillment.AFN
    return None


def is_request_banner(text: str | None, texts: LocaleTexts) -> bool:
    """Whether a banner is the buyer-request banner (§1.2), matched loosely.

    Case, spacing, punctuation and the canceled/cancelled spelling are ignored; the banner's first
    sentence suffices (the second, about the metric, has been reworded across locales), and so does a
    long enough start of a known banner when the page cuts it short.
    """
    if not text or not text.strip():
        return False
    shown = compact(text)
    for banner in texts.manage_orders.request_banners:
        first_sentence = compact(_SENTENCE_END.split(banner, maxsplit=1)[0])
        if first_sentence and first_sentence in shown:
            return True
        if len(shown) >= _MIN_PARTIAL_BANNER and shown in compact(banner):
            return True
    return False


def banner_details(
    lines: Sequence[str], texts: LocaleTexts, zone: str | tzinfo
) -> tuple[str | None, datetime | None]:
    """The buyer's reason and the request time from the banner's extra lines."""
    reason: str | None = None
    requested_at: datetime | None = None
    for line in lines:
        value = split_label(line, texts.manage_orders.reason_prefixes)
        if value is not None and reason is None:
            reason = value or None
            continue
        value = split_label(line, texts.manage_orders.request_date_prefixes)
        if value and requested_at is None:
            requested_at = parse_local_datetime(value, None, texts, zone, field="request date")
    return reason, requested_at


def ship_by_date(text: str, texts: LocaleTexts) -> date | None:
    """The latest ship date ("Ship by date: Fri, Nov 27, 2026", or the end of a range)."""
    value = split_label(text, texts.manage_orders.ship_by_prefixes)
    value = text if value is None else value
    if not value.strip():
        return None
    dates = find_local_dates(value, texts)
    if not dates:
        raise ParseError("ship-by date", text, f"no date in a {texts.locale} layout")
    return dates[-1]


def quantity_from_text(text: str, field: str = "quantity") -> int:
    match = re.search(r"\d+", text)
    if match is None or int(match.group(0)) < 1:
        raise ParseError(field, text, "not a positive whole number")
    return int(match.group(0))


def unit_price(subtotal: Decimal, quantity: int, texts: LocaleTexts) -> Decimal:
    """Subtotal / quantity in the currency's minor unit.

    Seller Central's item subtotal is the unit price times the quantity, so the division is exact on
    real pages; an indivisible subtotal (a promotion spread over the units) is rounded half-even.
    """
    return (subtotal / quantity).quantize(Decimal(1).scaleb(-texts.marketplace.minor_units), ROUND_HALF_EVEN)


def item_from_lines(title: str | None, lines: Sequence[str], texts: LocaleTexts) -> OrderItem:
    """One Manage Orders item from its labelled lines ("ASIN: …", "SKU: …", "Quantity: 2", …)."""
    labels = texts.manage_orders.item_labels
    found: dict[str, str] = {}
    for line in lines:
        for key in ("subtotal", "unit_price", "quantity", "sku", "asin"):
            value = split_label(line, getattr(labels, key))
            if value is not None:
                found.setdefault(key, value)
                break
    if not found.get("sku"):
        raise ParseError("item SKU", list(lines), "no SKU line")
    if "quantity" not in found:
        raise ParseError("item quantity", list(lines), "no quantity line")
    quantity = quantity_from_text(found["quantity"], "item quantity")
    price: Decimal | None = None
    if found.get("unit_price"):
        price = parse_money(found["unit_price"], texts)
    elif found.get("subtotal"):
        price = unit_price(parse_money(found["subtotal"], texts), quantity, texts)
    return OrderItem(
        sku=found["sku"],
        asin=found.get("asin") or None,
        title=collapse_spaces(title) if title and title.strip() else None,
        quantity=quantity,
        price=price,
    )


def is_cancel_action(action: str, texts: LocaleTexts) -> bool:
    """An actions-menu entry that cancels: its `data-action` code or its localized label."""
    return action.strip() == CANCEL_ACTION or any(
        compact(action) == compact(v) for v in texts.ui.cancel_order
    )
