"""Orders as the Manage Orders JSON endpoints answer them (ref §1.6), plus ready-made display strings.

The field names copy the internal API (`amazonOrderId`, `orderDate` in epoch seconds, `orderItems[]`
with `BuyerRequestedCancel`...). The `display` object carries the localized strings the page shows, so
dates and money are formatted once, in Python, against the contract's examples.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, time, timedelta
from typing import Any

from automation.sandbox.localfmt import LocalFormat
from automation.sandbox.orders_index import OrderEntry
from automation.sandbox.scenario import Fulfillment
from automation.sandbox.state import CANCEL_REASONS

DELIVERY_DAYS = 4
_STREETS = ("Maple Ave", "Oak Street", "Pine Road", "Cedar Lane", "Elm Drive", "Birch Way", "Lake View")
_CITIES = ("Springfield", "Riverside", "Fairview", "Greenville", "Madison", "Georgetown", "Clinton")


def _epoch(moment: datetime) -> float:
    return moment.astimezone(UTC).timestamp()


def _request(entry: OrderEntry) -> dict[str, Any] | None:
    """The request as the Manage Orders channel shows it; None where it is not shown there."""
    if entry.request is None or not entry.request_on_manage_orders:
        return None
    return {"reason": entry.request.reason, "requestedAt": _epoch(entry.request.requested_at)}


def summary(entry: OrderEntry, fmt: LocalFormat, now: datetime) -> dict[str, Any]:
    order = entry.order
    texts = fmt.texts
    request = _request(entry)
    ship_by = datetime.combine(entry.ship_by, time(), UTC)
    deliver_by = entry.ship_by + timedelta(days=DELIVERY_DAYS)
    items = [
        {
            "sellerSku": item.sku,
            "asin": item.asin,
            "productName": item.title,
            "quantityOrdered": item.quantity,
            "quantityCanceled": item.quantity if entry.status.value == "canceled" else 0,
            "itemPrice": float(item.price),
            "imageUrl": "/assets/product.svg",
            "BuyerRequestedCancel": (
                {"IsBuyerRequestedCancel": "true", "BuyerCancelReason": request["reason"]}
                if request
                else None
            ),
            "display": {"subtotal": fmt.money(item.price * item.quantity)},
        }
        for item in order.items
    ]
    display = {
        "age": fmt.age(order.purchased_at, now),
        "date": fmt.date(order.purchased_at),
        "time": fmt.time(order.purchased_at),
        "shipBy": fmt.date(entry.ship_by),
        "deliverBy": fmt.date(deliver_by),
        "status": texts(f"statuses.{entry.status.value}"),
        "fulfillment": texts("orders.fulfillment_seller" if entry.is_mfn else "orders.fulfillment_amazon"),
        "salesChannel": fmt.marketplace.storefront,
        "bannerDate": fmt.date_time(entry.request.requested_at) if request and entry.request else None,
    }
    return {
        "amazonOrderId": order.id,
        "orderDate": _epoch(order.purchased_at),
        "latestShipDate": ship_by.timestamp(),
        "orderStatus": entry.status.value.capitalize(),
        "fulfillmentChannel": "MFN" if order.fulfillment is Fulfillment.MFN else "AFN",
        "buyerName": order.buyer_name,
        "orderItems": items,
        "buyerRequestedCancel": request,
        "showBanner": entry.shows_banner,
        "actions": ["cancelOrder", "buyShipping", "printPackingSlip"] if entry.cancellable else [],
        "display": display,
    }


def _address(entry: OrderEntry) -> list[str]:
    """A made-up but stable address: the details page has one, its content does not matter."""
    digest = hashlib.sha256(entry.id.encode()).digest()
    street = f"{10 + digest[0] * 3} {_STREETS[digest[1] % len(_STREETS)]}"
    city = f"{_CITIES[digest[2] % len(_CITIES)]} {10000 + int.from_bytes(digest[3:5], 'big') % 89999}"
    return [entry.order.buyer_name, street, city]


def detail(entry: OrderEntry, fmt: LocalFormat, now: datetime) -> dict[str, Any]:
    data = summary(entry, fmt, now)
    data["possibleCancelReasons"] = list(CANCEL_REASONS)
    data["shippingAddress"] = _address(entry)
    data["display"]["purchaseDate"] = (
        f"{fmt.date_long(entry.order.purchased_at)}, {fmt.time(entry.order.purchased_at)}"
    )
    data["display"]["shipByLong"] = fmt.date_long(entry.ship_by)
    data["display"]["deliverByLong"] = fmt.date_long(entry.ship_by + timedelta(days=DELIVERY_DAYS))
    for item, source in zip(data["orderItems"], entry.order.items, strict=True):
        item["display"]["unitPrice"] = fmt.money(source.price)
    return data
