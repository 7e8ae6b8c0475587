"""Helpers for the sandbox's browser tests: signing in as a person does, waiting for a page to render,
(the scenario builders are scenario_kit's).

Tests state their own data (never the bundled demo scenario), so a test reads as what it checks.
"""

from __future__ import annotations

from playwright.sync_api import Page, expect
from scenario_kit import EMAIL, PASSWORD

from automation.sandbox import totp


def sign_in(
    page: Page,
    base_url: str,
    *,
    path: str = "/home",
    email: str = EMAIL,
    password: str = PASSWORD,
    remember: bool = False,
    totp_secret: str | None = None,
    top_bar: str = "#sc-top-nav",
) -> None:
    """Sign in the way a person does: open a protected page, fill the form, type the code if asked;
    signed in once the layout's top bar (`top_bar`; classic's is `#sc-navbar-container`) shows."""
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
    expect(page.locator(top_bar)).to_be_visible()


def wait_rendered(page: Page) -> None:
    """Single-page screens are ready when their loading spinner is gone."""
    expect(page.locator("#apploading")).to_have_count(0)
