"""Small builders for the scenario dicts the sandbox's browser tests write for themselves.

Tests state their own data (never the bundled demo scenario), so a test reads as what it checks.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from playwright.sync_api import Page, expect
from scenario_kit import EMAIL, NOW, PASSWORD, iso

from automation.sandbox import totp


def order_id(n: int, prefix: str = "111") -> str:
    return f"{prefix}-{n:07d}-{n * 7 % 10_000_000:07d}"


def order(
    n: int,
    *,
    status: str = "unshipped",
    fulfillment: str = "mfn",
    hours_ago: float | None = None,
    buyer: str | None = None,
    request: str | None = None,
    channel: str | None = None,
    items: list[dict[str, Any]] | None = None,
    prefix: str = "111",
) -> dict[str, Any]:
    """Order number `n`; purchased `hours_ago` (default n hours) before NOW, so a larger n is older."""
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
                "sku": f"SKU-{n}",
                "asin": f"B0{n:08d}",
                "title": f"Product {n}",
                "quantity": 1,
                "price": 10 + n % 7,
            }
        ],
    }
    if request is not None:
        data["cancel_request"] = {"reason": request, "requested_at": iso(purchased + timedelta(minutes=45))}
        if channel is not None:
            data["cancel_request"]["channel"] = channel
    return data


def scenario(orders: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    account = {"email": EMAIL, "password": PASSWORD, **extra.pop("account", {})}
    return {
        "format": 1,
        "locale": "en_US",
        "now": iso(NOW),
        "rollout": "manage_orders",
        "account": account,
        "orders": orders,
        **extra,
    }


def sign_in(
    page: Page,
    base_url: str,
    *,
    path: str = "/home",
    email: str = EMAIL,
    password: str = PASSWORD,
    remember: bool = False,
    totp_secret: str | None = None,
) -> None:
    """Sign in the way a person does: open a protected page, fill the form, type the code if asked."""
    page.goto(base_url + path)
    page.locator("#ap_email").fill(email)
    page.locator("#ap_password").fill(password)
    if remember:
        page.locator("#rememberMe").check()
    page.locator("#signInSubmit").click()
    if totp_secret is not None:
        expect(page.locator("#auth-mfa-otpcode")).to_be_visible()
        page.locator("#auth-mfa-otpcode").fill(totp.current_code(totp_secret))
        page.locator("#auth-signin-button").click()
    expect(page.locator("#sc-top-nav")).to_be_visible()


def wait_rendered(page: Page) -> None:
    """Single-page screens are ready when their loading spinner is gone."""
    expect(page.locator("#apploading")).to_have_count(0)
