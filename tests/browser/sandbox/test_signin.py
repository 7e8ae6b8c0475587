"""Sign-in like Seller Central's: password, one-time code, remembered device, account picker, expiry."""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import Browser, Page, expect
from sandbox_builders import sign_in, wait_rendered
from scenario_kit import EMAIL, PASSWORD, TOTP_SECRET, order, scenario

from automation.sandbox import totp

ERROR_BOX = "#auth-error-message-box"


def _plain() -> dict:
    return scenario([order(1)])


def test_protected_page_redirects_to_sign_in_with_return_url_then_comes_back(
    page: Page, sandbox_factory
) -> None:
    server = sandbox_factory(_plain())
    page.goto(server.base_url + "/orders-v3/mfn/unshipped?page=1")
    assert urlsplit(page.url).path == "/ap/signin"
    query = parse_qs(urlsplit(page.url).query)
    assert query["openid.return_to"] == ["/orders-v3/mfn/unshipped?page=1"]
    assert query["openid.assoc_handle"] == ["sc_na_amazon_v2"]
    expect(page).to_have_title("Amazon Sign-In")
    expect(page.locator('form[name="signIn"] label[for="rememberMe"]')).to_have_text("Keep me signed in")
    page.locator("#ap_email").fill(EMAIL)
    page.locator("#ap_password").fill(PASSWORD)
    page.locator("#signInSubmit").click()
    expect(page).to_have_url(re.compile(r"/orders-v3/mfn/unshipped\?page=1$"))
    wait_rendered(page)
    expect(page.locator('tr[data-test-id="order-row"]')).to_have_count(1)
    expect(page.locator("#sc-mkt-picker-switcher-select")).to_have_text("Sandbox Store - US")


def test_wrong_password_and_unknown_email_show_the_error_box(page: Page, sandbox_factory) -> None:
    server = sandbox_factory(_plain())
    page.goto(server.base_url + "/ap/signin")
    page.locator("#ap_email").fill(EMAIL)
    page.locator("#ap_password").fill("not-the-password")
    page.locator("#signInSubmit").click()
    expect(page.locator(f"{ERROR_BOX} h4")).to_have_text("There was a problem")
    expect(page.locator(ERROR_BOX)).to_contain_text("Your password is incorrect")
    page.locator("#ap_email").fill("someone-else@example.com")
    page.locator("#ap_password").fill(PASSWORD)
    page.locator("#signInSubmit").click()
    expect(page.locator(ERROR_BOX)).to_contain_text("We cannot find an account with that email address")
    assert all(c["name"] != "session-token" for c in page.context.cookies())


def test_keep_me_signed_in_decides_whether_the_cookie_outlives_the_browser(
    browser: Browser, sandbox_factory
) -> None:
    server = sandbox_factory(_plain())
    for remember, persistent in ((False, False), (True, True)):
        context = browser.new_context()
        page = context.new_page()
        sign_in(page, server.base_url, remember=remember)
        cookie = next(c for c in context.cookies() if c["name"] == "session-token")
        assert cookie["httpOnly"] is True
        assert (cookie["expires"] > 0) is persistent
        context.close()


def test_one_time_code_wrong_then_right_and_remembered_device_skips_it(page: Page, sandbox_factory) -> None:
    server = sandbox_factory(scenario([order(1)], account={"totp_secret": TOTP_SECRET}))
    page.goto(server.base_url + "/home")
    page.locator("#ap_email").fill(EMAIL)
    page.locator("#ap_password").fill(PASSWORD)
    page.locator("#signInSubmit").click()
    expect(page).to_have_url(re.compile(r"/ap/mfa$"))
    expect(page).to_have_title("Two-Step Verification")
    expect(page.locator("label[for=auth-mfa-remember-device]")).to_have_text(
        "Don't require OTP on this browser"
    )
    right = totp.current_code(TOTP_SECRET)
    page.locator("#auth-mfa-otpcode").fill(f"{(int(right) + 500_000) % 1_000_000:06d}")
    page.locator("#auth-signin-button").click()
    expect(page.locator(ERROR_BOX)).to_contain_text("The One Time Password (OTP) you entered is not valid.")
    page.locator("#auth-mfa-otpcode").fill(totp.current_code(TOTP_SECRET))
    page.locator("#auth-mfa-remember-device").check()
    page.locator("#auth-signin-button").click()
    expect(page.locator("#sc-home")).to_be_visible()
    trust = next(c for c in page.context.cookies() if c["name"] == "sc-device-trust")
    assert trust["expires"] > time.time() + 300 * 86400

    page.locator('[data-test-tag="settings-menu-trigger"]').click()
    page.locator('a[data-test-tag="sign-out"]').click()
    expect(page).to_have_url(re.compile(r"/ap/signin$"))
    sign_in(page, server.base_url, path="/messaging/inbox")  # no code asked this time
    expect(page).to_have_url(re.compile(r"/messaging/inbox$"))


def test_without_remembering_the_device_the_code_is_asked_again(browser: Browser, sandbox_factory) -> None:
    server = sandbox_factory(scenario([order(1)], account={"totp_secret": TOTP_SECRET}))
    for _ in range(2):
        context = browser.new_context()
        page = context.new_page()
        sign_in(page, server.base_url, totp_secret=TOTP_SECRET)
        context.close()


def test_account_picker_marks_a_store_and_shows_it_in_the_top_bar(page: Page, sandbox_factory) -> None:
    stores = ["Example Store - United States", "Example Store - Canada"]
    server = sandbox_factory(scenario([order(1)], account={"stores": stores}))
    page.goto(server.base_url + "/orders-v3")
    page.locator("#ap_email").fill(EMAIL)
    page.locator("#ap_password").fill(PASSWORD)
    page.locator("#signInSubmit").click()
    expect(page).to_have_url(
        re.compile(r"/authorization/select-account\?returnTo=%2Forders-v3&mons_redirect=remedy_url")
    )
    expect(page.locator("#picker-container .picker-name")).to_have_text(stores)
    select = page.locator("button.picker-switch-accounts-button")
    expect(select).to_be_disabled()
    canada = page.locator("button.picker-button", has_text="Canada")
    canada.click()
    expect(canada).to_have_attribute("aria-pressed", "true")
    expect(canada).to_have_class(re.compile(r"\bpicker-selected\b"))
    select.click()
    expect(page).to_have_url(re.compile(r"/orders-v3$"))
    expect(page.locator("#sc-mkt-picker-switcher-select")).to_have_text("Example Store - Canada")


def test_an_expired_session_sends_pages_to_sign_in_with_the_return_url(page: Page, sandbox_factory) -> None:
    server = sandbox_factory(_plain(), session_minutes=1.5 / 60)
    sign_in(page, server.base_url)
    page.goto(server.base_url + "/messaging/inbox?fi=all")
    wait_rendered(page)
    page.wait_for_timeout(1700)  # let the 1.5-second session lapse (the one deliberate wait in the suite)
    page.goto(server.base_url + "/orders-v3/mfn/pending?page=2")
    assert urlsplit(page.url).path == "/ap/signin"
    assert parse_qs(urlsplit(page.url).query)["openid.return_to"] == ["/orders-v3/mfn/pending?page=2"]
    api = page.request.get(server.base_url + "/orders-api/search")
    assert api.status == 401
    assert api.json() == {"reason": "sign_in"}


def test_sign_out_ends_the_session(page: Page, sandbox_factory) -> None:
    server = sandbox_factory(_plain())
    sign_in(page, server.base_url)
    page.locator('[data-test-tag="settings-menu-trigger"]').click()
    page.locator('a[data-test-tag="sign-out"]').click()
    expect(page).to_have_url(re.compile(r"/ap/signin$"))
    page.goto(server.base_url + "/home")
    assert urlsplit(page.url).path == "/ap/signin"
