"""Scenarios for the sandbox's unit tests: scenario_kit's builders with these tests' defaults, validated."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import yaml
from scenario_kit import NOW, iso, order_id, scenario
from scenario_kit import order as kit_order

from automation.sandbox.scenario import Scenario, parse_scenario


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
    """scenario_kit's order with these tests' item (two at 12.99, so totals differ from unit prices) and
    requests made 30 minutes after buying."""
    return kit_order(
        n,
        status=status,
        fulfillment=fulfillment,
        hours_ago=hours_ago,
        request=request,
        channel=channel,
        ship_by=ship_by,
        sku=sku,
        quantity=2,
        price="12.99",
        request_after_minutes=30,
    )


def message(n: int, *, minutes_ago: float, body: str = "Hello", order_n: int | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "buyer_name": f"Buyer {n}",
        "subject": f"Inquiry from Amazon customer Buyer {n}",
        "body": body,
        "received_at": iso(NOW - timedelta(minutes=minutes_ago)),
    }
    if order_n is not None:
        data["order_id"] = order_id(order_n)
    return data


def build(orders: list[dict[str, Any]], **extra: Any) -> Scenario:
    """Validated like a scenario file; large ones skip the YAML round trip (it dominates their cost)."""
    data = scenario(orders, **extra)
    if len(orders) > 200:
        return Scenario.model_validate(data)
    return parse_scenario(yaml.safe_dump(data, allow_unicode=True))
