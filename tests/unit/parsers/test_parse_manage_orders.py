"""Manage Orders rows and the order details page, from the raw strings the page objects return."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from automation.models import Fulfillment, OrderStatus
from automation.parsers.locale_texts import LocaleTexts, load_all_locale_texts
from automation.parsers.manage_orders import is_request_banner, parse_manage_orders_row
from automation.parsers.order_details import parse_order_details
from automation.parsers.parse_error import ParseError

SELECTORS = Path(__file__).resolve().parents[3] / "selectors"
US_BANNER = (
    "The buyer has requested that this order be canceled. "
    "Canceling this order will not affect your Cancellation Rate metric."
)


@pytest.fixture(scope="module")
def texts() -> dict[str, LocaleTexts]:
    return load_all_locale_texts(SELECTORS)


def us_row(**changes: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "order_id": "111-1234567-1234567",
        "order_date": "Nov 25, 2026",
        "order_time": "1:30 AM PST",
        "buyer_name": "  Jane   Doe ",
        "fulfillment": "Fulfillment method: Seller",
        "status": "Unshipped",
        "ship_by": "Ship by date: Fri, Nov 27, 2026",
        "items": [
            {
                "title": "Red ceramic mug",
                "lines": ["ASIN: B0EXAMPL01", "SKU: MUG-RED-01", "Quantity: 2", "Item subtotal: $25.98"],
            },
            {
                "title": "Blue plate",
                "lines": ["ASIN: B0EXAMPL02", "SKU: PLATE-BL", "Quantity: 4", "Item subtotal: $10.00"],
            },
        ],
        "banner": US_BANNER,
        "banner_lines": [
            "Cancellation reason: Order Created by Mistake",
            "Request date: Nov 25, 2026 2:00 AM PST",
        ],
        "actions": ["buyShipping", "printPackingSlip", "cancelOrder"],
    }
    row.update(changes)
    return row


def test_us_row_with_banner(texts: dict[str, LocaleTexts]) -> None:
    order = parse_manage_orders_row(us_row(), texts["en_US"], "America/Los_Angeles")
    assert order.order_id == "111-1234567-1234567"
    assert order.status is OrderStatus.UNSHIPPED
    assert order.fulfillment is Fulfillment.MFN
    assert order.purchased_at == datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
    assert order.ship_by == date(2026, 11, 27)
    assert order.buyer_name == "Jane Doe"
    assert order.has_request_banner is True
    assert order.request_reason == "Order Created by Mistake"
    assert order.requested_at == datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
    assert order.cancellable is True
    mug, plate = order.items
    assert (mug.sku, mug.asin, mug.title, mug.quantity, mug.price) == (
        "MUG-RED-01",
        "B0EXAMPL01",
        "Red ceramic mug",
        2,
        Decimal("12.99"),
    )
    assert (plate.quantity, plate.price) == (4, Decimal("2.50"))
    assert order.total == Decimal("35.98")


def test_indivisible_subtotal_is_rounded_to_the_cent(texts: dict[str, LocaleTexts]) -> None:
    item = {"title": "Plate", "lines": ["SKU: P", "Quantity: 3", "Item subtotal: $10.00"]}
    order = parse_manage_orders_row(us_row(items=[item]), texts["en_US"], "America/Los_Angeles")
    assert order.items[0].price == Decimal("3.33")


def test_row_without_banner_or_optional_parts(texts: dict[str, LocaleTexts]) -> None:
    row = {"order_id": " 112-0000000-0000001 ", "status": "Shipped", "items": []}
    order = parse_manage_orders_row(row, texts["en_US"], "America/Los_Angeles")
    assert order.order_id == "112-0000000-0000001"
    assert order.status is OrderStatus.SHIPPED
    assert order.has_request_banner is False
    assert (order.request_reason, order.requested_at, order.purchased_at, order.ship_by) == (
        None,
        None,
        None,
        None,
    )
    assert order.fulfillment is None
    assert order.cancellable is None  # the actions were not read


def test_ship_by_from_the_customer_option_lines(texts: dict[str, LocaleTexts]) -> None:
    row = us_row(
        ship_by=None,
        customer_option_lines=["Standard", "Ship by date: Nov 27, 2026", "Deliver by date: Dec 3, 2026"],
    )
    assert parse_manage_orders_row(row, texts["en_US"], "America/Los_Angeles").ship_by == date(2026, 11, 27)


def test_no_cancel_action_means_not_cancellable(texts: dict[str, LocaleTexts]) -> None:
    order = parse_manage_orders_row(
        us_row(actions=["printPackingSlip"]), texts["en_US"], "America/Los_Angeles"
    )
    assert order.cancellable is False
    by_label = parse_manage_orders_row(
        us_row(actions=["Cancel order"]), texts["en_US"], "America/Los_Angeles"
    )
    assert by_label.cancellable is True


def test_unknown_status_word_is_not_guessed(texts: dict[str, LocaleTexts]) -> None:
    order = parse_manage_orders_row(us_row(status="Awaiting Pickup"), texts["en_US"], "America/Los_Angeles")
    assert order.status is None


@pytest.mark.parametrize(
    ("locale", "word", "status"),
    [
        ("en_GB", "Cancelled", OrderStatus.CANCELED),
        ("en_US", "Canceled", OrderStatus.CANCELED),
        ("en_US", "  pending ", OrderStatus.PENDING),
        ("de_DE", "Nicht versandt", OrderStatus.UNSHIPPED),
        ("de_DE", "Ausstehend", OrderStatus.PENDING),
        ("de_DE", "Storniert", OrderStatus.CANCELED),
        ("fr_FR", "Non expédiée", OrderStatus.UNSHIPPED),
        ("fr_FR", "Expédiée", OrderStatus.SHIPPED),
        ("fr_FR", "En attente", OrderStatus.PENDING),
        ("es_ES", "Sin enviar", OrderStatus.UNSHIPPED),
        ("it_IT", "Annullato", OrderStatus.CANCELED),
        ("ja_JP", "未出荷", OrderStatus.UNSHIPPED),
        ("ja_JP", "キャンセル済み", OrderStatus.CANCELED),
        ("ja_JP", "出荷済み", OrderStatus.SHIPPED),
    ],
)
def test_status_words(texts: dict[str, LocaleTexts], locale: str, word: str, status: OrderStatus) -> None:
    row = {"order_id": "111-1234567-1234567", "status": word}
    assert parse_manage_orders_row(row, texts[locale], texts[locale].marketplace.zone).status is status


def test_german_row(texts: dict[str, LocaleTexts]) -> None:
    row = {
        "order_id": "302-1234567-1234567",
        "order_date": "25.11.2026",
        "order_time": "10:30 MEZ",
        "fulfillment": "Versand durch Amazon",
        "status": "Nicht versandt",
        "ship_by": "Versand bis: Fr., 27.11.2026",
        "items": [
            {
                "title": "Tasse",
                "lines": ["ASIN: B0EXAMPL01", "SKU: TASSE-1", "Menge: 2", "Zwischensumme: 1.234,56 €"],
            }
        ],
        "banner": (
            "Der Käufer möchte die Bestellung stornieren. Wenn Sie die Bestellung stornieren, wirkt sich "
            "dies nicht auf Ihre Stornorate aus."
        ),
        "banner_lines": ["Stornierungsgrund: Versehentlich bestellt", "Anfragedatum: 25.11.2026 11:00 MEZ"],
    }
    order = parse_manage_orders_row(row, texts["de_DE"], "Europe/Berlin")
    assert order.fulfillment is Fulfillment.AFN
    assert order.purchased_at == datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
    assert order.items[0].price == Decimal("617.28")
    assert order.has_request_banner is True
    assert order.request_reason == "Versehentlich bestellt"
    assert order.requested_at == datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


def test_japanese_row(texts: dict[str, LocaleTexts]) -> None:
    row = {
        "order_id": "503-1234567-1234567",
        "order_date": "2026/11/25",
        "order_time": "18:30 JST",
        "fulfillment": "出品者",
        "status": "未出荷",
        "items": [
            {"title": "マグ", "lines": ["ASIN: B0EXAMPL01", "SKU: MUG-1", "数量：1", "商品の小計：￥1,299"]}
        ],
        "banner": "購入者がこの注文のキャンセルをリクエストしました。",
        "banner_lines": ["キャンセル理由：注文の誤り"],
    }
    order = parse_manage_orders_row(row, texts["ja_JP"], "Asia/Tokyo")
    assert order.fulfillment is Fulfillment.MFN
    assert order.items[0].price == Decimal("1299")
    assert (order.has_request_banner, order.request_reason) == (True, "注文の誤り")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"order_id": ""}, "order id"),
        ({"order_id": "not an order"}, "order id"),
        ({"order_date": "yesterday"}, "order date"),
        ({"ship_by": "Ship by date: soon"}, "ship-by date"),
        ({"items": [{"title": "Mug", "lines": ["ASIN: B0X", "Quantity: 1"]}]}, "item SKU"),
        ({"items": [{"title": "Mug", "lines": ["SKU: A", "Item subtotal: $1"]}]}, "item quantity"),
        (
            {"items": [{"title": "Mug", "lines": ["SKU: A", "Quantity: 1", "Item subtotal: 12,99 €"]}]},
            "price",
        ),
        ({"banner_lines": ["Request date: whenever"]}, "request date"),
    ],
)
def test_unreadable_required_parts_raise(
    texts: dict[str, LocaleTexts], change: dict[str, Any], field: str
) -> None:
    with pytest.raises(ParseError) as caught:
        parse_manage_orders_row(us_row(**change), texts["en_US"], "America/Los_Angeles")
    assert caught.value.field == field
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    ("locale", "banner", "expected"),
    [
        ("en_US", US_BANNER, True),
        (
            "en_US",
            US_BANNER.replace("canceled", "cancelled").replace("Canceling", "Cancelling").upper(),
            True,
        ),
        ("en_US", "The buyer has requested that this order be  canceled", True),
        ("en_US", "  The buyer has requested that this order be canceled.\nCanceling this order will", True),
        ("en_US", "The buyer has requested that this order be shipped faster.", False),
        ("en_US", "This order is a business order.", False),
        ("en_US", "", False),
        (
            "en_GB",
            "The buyer has requested that this order be cancelled. Cancelling this order will not affect "
            "your cancellation rate metric.",
            True,
        ),
        ("fr_FR", "L’acheteur a demandé l’annulation de cette commande.", True),
        ("de_DE", "Der Kaufer mochte die Bestellung stornieren", True),
    ],
)
def test_is_request_banner(texts: dict[str, LocaleTexts], locale: str, banner: str, expected: bool) -> None:
    assert is_request_banner(banner, texts[locale]) is expected


def details(**changes: Any) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "order_id": "111-1234567-1234567",
        "status": "Unshipped",
        "fulfillment": "Seller",
        "ship_by": "Thu, Dec 5, 2019",
        "purchase_date": "Wed, Dec 4, 2019, 8:27 AM PST",
        "banner": US_BANNER,
        "banner_lines": ["Cancellation reason: Found cheaper somewhere else"],
        "items": [
            ["Title", "SKU", "ASIN", "Quantity", "Unit price"],
            ["Red ceramic mug", "MUG-RED-01", "B0EXAMPL01", "2", "$12.99"],
        ],
        "has_cancel_button": True,
    }
    raw.update(changes)
    return raw


def test_parse_order_details(texts: dict[str, LocaleTexts]) -> None:
    order = parse_order_details(details(), texts["en_US"], "America/Los_Angeles")
    assert order.status is OrderStatus.UNSHIPPED
    assert order.fulfillment is Fulfillment.MFN
    assert order.ship_by == date(2019, 12, 5)
    assert order.purchased_at == datetime(2019, 12, 4, 16, 27, tzinfo=UTC)
    assert (order.has_request_banner, order.request_reason, order.cancellable) == (
        True,
        "Found cheaper somewhere else",
        True,
    )
    (item,) = order.items  # the header row is skipped
    assert (item.sku, item.asin, item.quantity, item.price) == (
        "MUG-RED-01",
        "B0EXAMPL01",
        2,
        Decimal("12.99"),
    )


def test_parse_order_details_with_labelled_cells_and_no_banner(texts: dict[str, LocaleTexts]) -> None:
    raw = details(
        banner=None,
        banner_lines=[],
        has_cancel_button=False,
        fulfillment="Amazon",
        status="Shipped",
        items=[["Mug", "SKU: M-1", "ASIN: B0X", "Quantity: 1", "Unit price: $5.00"]],
    )
    order = parse_order_details(raw, texts["en_US"], "America/Los_Angeles")
    assert (order.has_request_banner, order.cancellable, order.fulfillment) == (False, False, Fulfillment.AFN)
    assert order.items[0].sku == "M-1"
    assert order.items[0].price == Decimal("5.00")


def test_parse_order_details_rejects_a_short_item_row(texts: dict[str, LocaleTexts]) -> None:
    with pytest.raises(ParseError, match="expected 5 cells"):
        parse_order_details(details(items=[["Mug", "M-1"]]), texts["en_US"], "America/Los_Angeles")


def test_parse_order_details_unknown_button_state(texts: dict[str, LocaleTexts]) -> None:
    raw = details()
    del raw["has_cancel_button"]
    assert parse_order_details(raw, texts["en_US"], "America/Los_Angeles").cancellable is None
