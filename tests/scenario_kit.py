"""What every test's scenario shares: the sandbox clock, the sandbox account, and the order and scenario
builders the test helper modules specialise.

The sandbox's own account (not a real credential). Importable from any test module because pytest puts
`tests/` on the path (tests/conftest.py). One builder serves every suite, so a change to the scenario
format is made once; a suite's helper module only sets the defaults its tests read as (the run tests'
buyers, prices and request delays, the sandbox unit tests' quantities...).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
EMAIL = "seller@example.com"
PASSWORD = "sandbox-password"
TOTP_SECRET = "ONRS2Y3BNZRWK3BNONQW4ZDCN54C2ZDF"
PASSWORD_VAR = "SHOP_PASSWORD"
DEMO_INQUIRY_ORDER_IDS = frozenset(
    {
        "112-4407718-9935216",  # also has an official request
        "111-3358821-0047716",
        "114-6120935-7784402",
        "112-5093347-1186520",
        "113-2219408-6650813",
        "114-0839572-2261940",
        "111-9904126-5532708",  # order canceled: never listed
    }
)
"""The demo scenario's orders whose buyer asked to cancel in a message (an inquiry), as the tests know
them independently of the sandbox's generator."""
"""Where a settings file's sandbox account takes its password from (`settings_account`)."""


def settings_account(name: str, base_url: str, **fields: Any) -> dict[str, Any]:
    """A settings file's account on the sandbox at `base_url` (one US marketplace), signing in as the
    sandbox's account with the password in the environment variable SHOP_PASSWORD; `fields` add keys
    (rules, schedule, mailbox...) or replace these (another password)."""
    return {
        "name": name,
        "email": EMAIL,
        "password": {"env": PASSWORD_VAR},
        "marketplaces": [{"base_url": base_url, "marketplace": "ATVPDKIKX0DER", "locale": "en_US"}],
        **fields,
    }


def iso(moment: datetime) -> str:
    """A scenario timestamp: UTC, ISO 8601, with a Z."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def order_id(n: int, prefix: str = "111") -> str:
    """A well-formed, distinct order number for order `n` (3-7-7 digits, as Amazon's)."""
    return f"{prefix}-{n:07d}-{n * 7919 % 10_000_000:07d}"


def order(
    n: int,
    *,
    status: str = "unshipped",
    fulfillment: str = "mfn",
    hours_ago: float | None = None,
    buyer: str | None = None,
    items: list[dict[str, Any]] | None = None,
    sku: str | None = None,
    price: float | str | None = None,
    quantity: int = 1,
    ship_by: date | str | None = None,
    request: str | None = None,
    channel: str | None = None,
    requested_at: datetime | None = None,
    request_after_minutes: int = 45,
    prefix: str = "111",
) -> dict[str, Any]:
    """Order number `n`, bought `hours_ago` (default `n`) hours before NOW, so a larger n is older; one
    item unless `items` says otherwise. With `request` (the buyer's reason), an official cancellation
    request made `request_after_minutes` after buying (or at `requested_at`), in `channel` (default: the
    scenario's rollout). Whole minutes, since pages show request times to the minute."""
    purchased = NOW - timedelta(hours=n if hours_ago is None else hours_ago)
    data: dict[str, Any] = {
        "id": order_id(n, prefix),
        "purchased_at": iso(purchased),
        "status": status,
        "fulfillment": fulfillment,
        "buyer_name": buyer or f"Buyer {n}",
        "items": items
        or [
            {
                "sku": sku or f"SKU-{n}",
                "asin": f"B0{n:08d}",
                "title": f"Product {n}",
                "quantity": quantity,
                "price": price if price is not None else 10 + n % 7,
            }
        ],
    }
    if ship_by is not None:
        data["ship_by"] = ship_by if isinstance(ship_by, str) else ship_by.isoformat()
    if request is not None:
        when = requested_at or purchased + timedelta(minutes=request_after_minutes)
        data["cancel_request"] = {"reason": request, "requested_at": iso(when)}
        if channel is not None:
            data["cancel_request"]["channel"] = channel
    return data


def scenario(
    orders: list[dict[str, Any]],
    *,
    account: dict[str, Any] | None = None,
    messages: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A format-1 scenario in en_US at NOW, Manage Orders rollout, the sandbox account (with `account`'s
    additions: totp_secret, stores...); `extra` sets any other top-level key (locale, rollout, faults...)."""
    data: dict[str, Any] = {
        "format": 1,
        "locale": "en_US",
        "now": iso(NOW),
        "rollout": "manage_orders",
        "account": {"email": EMAIL, "password": PASSWORD, **(account or {})},
        "orders": orders,
    }
    if messages:
        data["messages"] = messages
    data.update({key: value for key, value in extra.items() if value is not None})
    return data
