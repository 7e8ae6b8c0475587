"""Scenario dicts for the sandbox's unit tests (the browser tests have their own builders)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import yaml
from scenario_kit import EMAIL, NOW, PASSWORD, iso

from automation.sandbox.scenario import Scenario, parse_scenario


def oid(n: int) -> str:
    return f"111-{n:07d}-{n * 3 % 10_000_000:07d}"


def order(
    n: int,
    *,
    status: str = "unshipped",
    fulfillment: str = "mfn",
    hours_ago: float | None = None,
    request: str | None = None,
    channel: str | None = None,
    ship_by: str | None = None,
    sku: str | None = None,
) -> dict[str, Any]:
    purchased = NOW - timedelta(hours=n if hours_ago is None else hours_ago)
    data: dict[str, Any] = {
        "id": oid(n),
        "purchased_at": iso(purchased),
        "status": status,
        "fulfillment": fulfillment,
        "buyer_name": f"Buyer {n}",
        "items": [
            {
                "sku": sku or f"SKU-{n}",
                "asin": f"B0{n:08d}",
                "title": f"Product {n}",
                "quantity": 2,
                "price": "12.99",
            }
        ],
    }
    if ship_by:
        data["ship_by"] = ship_by
    if request:
        data["cancel_request"] = {"reason": request, "requested_at": iso(purchased + timedelta(minutes=30))}
        if channel:
            data["cancel_request"]["channel"] = channel
    return data


def message(n: int, *, minutes_ago: float, body: str = "Hello", order_n: int | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "buyer_name": f"Buyer {n}",
        "subject": f"Inquiry from Amazon customer Buyer {n}",
        "body": body,
        "received_at": iso(NOW - timedelta(minutes=minutes_ago)),
    }
    if order_n is not None:
        data["order_id"] = oid(order_n)
    return data


def scenario_dict(orders: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    account = {"email": EMAIL, "password": PASSWORD, **extra.pop("account", {})}
    return {"format": 1, "locale": "en_US", "now": iso(NOW), "account": account, "orders": orders, **extra}


def build(orders: list[dict[str, Any]], **extra: Any) -> Scenario:
    """Validated like a scenario file; large ones skip the YAML round trip (it dominates their cost)."""
    data = scenario_dict(orders, **extra)
    if len(orders) > 200:
        return Scenario.model_validate(data)
    return parse_scenario(yaml.safe_dump(data, allow_unicode=True))
