"""The cancel page: reasons, the lock on Buyer Canceled for requests shown on Manage Orders, the free
choice for requests seen only in Messages, refusals, and the state that records every submission."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sandbox_builders import sign_in, wait_rendered
from scenario_kit import order, order_id, scenario

from automation.sandbox.server import SandboxServer

REASONS = {
    "NoInventory": "No Inventory",
    "BuyerCanceled": "Buyer Canceled",
    "GeneralAdjustment": "General Adjustment",
    "ShippingAddressUndeliverable": "Shipping Address Undeliverable",
    "CustomerExchange": "Customer Exchange",
    "PricingError": "Pricing Error",
}


@pytest.fixture(scope="module")
def server(module_sandbox_factory) -> SandboxServer:
    orders = [
        order(1, request="Order Created by Mistake"),
        order(2),
        order(3, request="Need to Change Shipping Address", channel="messages"),
        order(4),
        order(5, status="shipped", request="Found Cheaper Somewhere Else"),
        order(6, fulfillment="afn"),
        order(7),
        order(8),
        order(9),
    ]
    return module_sandbox_factory(scenario(orders))


@pytest.fixture
def signed_in(page: Page, server: SandboxServer) -> Page:
    sign_in(page, server.base_url)
    return page


def _cancellations(server: SandboxServer, n: int) -> list[dict]:
    return [c for c in server.state.document()["cancellations"] if c["order_id"] == order_id(n)]


def _open(page: Page, server: SandboxServer, n: int) -> None:
    page.goto(f"{server.base_url}/orders-v3/order/{order_id(n)}/cancel")


def test_official_request_locks_the_reason_to_buyer_canceled_and_cancels(
    signed_in: Page, server: SandboxServer
) -> None:
    page = signed_in
    _open(page, server, 1)
    expect(page.locator("h1")).to_have_text("Cancel order")
    expect(page.locator("#cancel-scope")).to_have_count(0)  # the US page offers no partial cancellation
    select = page.locator("select#cancel-reason[name=cancelReason]")
    expect(select).to_be_disabled()
    expect(select).to_have_value("BuyerCanceled")
    expect(page.locator("#cancel-reason-locked")).to_have_text("The buyer requested this cancellation.")
    expect(page.locator('label[for="cancel-reason"]')).to_have_text("Reason for cancellation")
    expect(page.locator("#cancel-reason option")).to_have_text(["Select a reason", *REASONS.values()])
    assert page.locator("#cancel-reason option").evaluate_all("os => os.map(o => o.value)") == ["", *REASONS]
    expect(page.locator('input[type=hidden][name="anti-csrftoken-a2z"]')).to_have_count(1)
    page.locator("#cancel-order-submit").click()
    expect(page.locator('div[data-test-id="cancel-confirmation"]')).to_have_text(
        "The order has been canceled."
    )
    assert _cancellations(server, 1) == [
        {
            "order_id": order_id(1),
            "reason": "BuyerCanceled",
            "accepted": True,
            "at": _cancellations(server, 1)[0]["at"],
            "scope": "entire_order",
        }
    ]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", _cancellations(server, 1)[0]["at"])
    assert server.state.document()["orders"][order_id(1)] == {"status": "canceled"}
    page.goto(f"{server.base_url}/orders-v3/mfn/canceled")
    wait_rendered(page)
    expect(
        page.locator(f'tr[data-test-id="order-row"][data-order-id="{order_id(1)}"] .main-status')
    ).to_have_text("Canceled")


def test_a_request_seen_only_in_messages_leaves_the_reason_to_the_seller(
    signed_in: Page, server: SandboxServer
) -> None:
    """A request that came only as a thread in the legacy template: the form preselects nothing (ref
    §2.1: older pages have the seller pick Buyer Canceled), and the choice is what the state records."""
    page = signed_in
    _open(page, server, 3)
    select = page.locator("#cancel-reason")
    expect(select).to_be_enabled()
    expect(select).to_have_value("")
    expect(page.locator("#cancel-reason-locked")).to_have_count(0)
    select.select_option("BuyerCanceled")
    page.locator("#cancel-order-submit").click()
    expect(page.locator('div[data-test-id="cancel-confirmation"]')).to_be_visible()
    assert [(c["reason"], c["accepted"]) for c in _cancellations(server, 3)] == [("BuyerCanceled", True)]
    assert server.state.document()["orders"][order_id(3)] == {"status": "canceled"}


def test_a_second_submission_is_refused_and_recorded(signed_in: Page, server: SandboxServer) -> None:
    first = signed_in
    second = first.context.new_page()  # the same form open twice, as a double-clicking agent might
    for tab in (first, second):
        _open(tab, server, 7)
        tab.locator("#cancel-reason").select_option("NoInventory")
    first.locator("#cancel-order-submit").click()
    expect(first.locator('div[data-test-id="cancel-confirmation"]')).to_be_visible()
    second.locator("#cancel-order-submit").click()
    expect(second.locator("div#cancel-error.a-alert-error")).to_have_text(
        "This order has already been canceled."
    )
    assert [c["accepted"] for c in _cancellations(server, 7)] == [True, False]
    second.close()


def test_an_order_without_request_needs_a_reason_chosen(signed_in: Page, server: SandboxServer) -> None:
    page = signed_in
    _open(page, server, 2)
    select = page.locator("#cancel-reason")
    expect(select).to_be_enabled()
    expect(select).to_have_value("")
    expect(page.locator("#cancel-reason-locked")).to_have_count(0)
    page.locator("#cancel-order-submit").click()
    expect(page.locator("#cancel-error")).to_have_text("Select a reason for cancellation.")
    select.select_option("NoInventory")
    page.locator("#cancel-order-submit").click()
    expect(page.locator('div[data-test-id="cancel-confirmation"]')).to_be_visible()
    assert [(c["reason"], c["accepted"]) for c in _cancellations(server, 2)] == [
        ("", False),
        ("NoInventory", True),
    ]


def test_a_shipped_order_is_refused_and_the_refusal_recorded(signed_in: Page, server: SandboxServer) -> None:
    page = signed_in
    # The order ships while the cancel page is open: the submission is refused, and recorded.
    _open(page, server, 4)
    expect(page.locator("#cancel-order-form")).to_be_visible()
    shipped = page.request.post(
        f"{server.base_url}/__sandbox/orders/{order_id(4)}", data={"status": "shipped"}
    )
    assert shipped.json() == {"order_id": order_id(4), "status": "shipped"}
    page.locator("#cancel-reason").select_option("GeneralAdjustment")
    page.locator("#cancel-order-submit").click()
    expect(page.locator("div#cancel-error.a-alert-error")).to_have_text(
        "This order has already shipped and can no longer be canceled."
    )
    expect(page.locator("#cancel-order-form")).to_have_count(0)
    assert [(c["reason"], c["accepted"]) for c in _cancellations(server, 4)] == [("GeneralAdjustment", False)]
    assert server.state.document()["orders"][order_id(4)] == {"status": "shipped"}
    # Opening the cancel page of a shipped order shows the error and no form at all.
    _open(page, server, 5)
    expect(page.locator("#cancel-error")).to_contain_text("already shipped")
    expect(page.locator("#cancel-order-form")).to_have_count(0)


def test_amazon_fulfilled_orders_cannot_be_canceled_by_the_seller(
    signed_in: Page, server: SandboxServer
) -> None:
    page = signed_in
    _open(page, server, 6)
    expect(page.locator("#cancel-error")).to_have_text("This order cannot be canceled by the seller.")
    expect(page.locator("#cancel-order-form")).to_have_count(0)


def test_a_forged_submission_is_refused_and_recorded(signed_in: Page, server: SandboxServer) -> None:
    page = signed_in
    response = page.request.post(
        f"{server.base_url}/orders-v3/order/{order_id(8)}/cancel",
        form={"cancelReason": "BuyerCanceled", "anti-csrftoken-a2z": "forged"},
    )
    assert response.ok
    assert "This form has expired" in response.text()
    assert [(c["reason"], c["accepted"]) for c in _cancellations(server, 8)] == [("BuyerCanceled", False)]
    assert server.state.document()["orders"][order_id(8)] == {"status": "unshipped"}


# --- "Cancel entire order" or "Cancel items" (ref §12.3: the JP and NL pages) ---------------------------


@pytest.fixture(scope="module")
def jp_server(module_sandbox_factory) -> SandboxServer:
    two_items = [
        {"sku": "MUG-1", "asin": "B0MUG00001", "title": "Mug", "quantity": 2, "price": 1200},
        {"sku": "CUP-1", "asin": "B0CUP00001", "title": "Cup", "quantity": 1, "price": 800},
    ]
    orders = [order(n, request="Order Created by Mistake", items=two_items) for n in (1, 2, 3)]
    return module_sandbox_factory(scenario(orders, locale="ja_JP"))


def test_amazons_cancel_order_url_is_served_and_the_form_posts_back_to_it(
    signed_in: Page, server: SandboxServer
) -> None:
    page = signed_in
    page.goto(f"{server.base_url}/orders-v3/order/{order_id(9)}/cancel-order")
    form = page.locator("#cancel-order-form")
    expect(form).to_have_attribute("action", f"/orders-v3/order/{order_id(9)}/cancel-order")
    page.locator("#cancel-reason").select_option("NoInventory")
    page.locator("#cancel-order-submit").click()
    expect(page.locator('div[data-test-id="cancel-confirmation"]')).to_be_visible()
    assert [(c["reason"], c["accepted"]) for c in _cancellations(server, 9)] == [("NoInventory", True)]


def test_the_jp_page_asks_entire_order_or_items_and_records_which(
    page: Page, jp_server: SandboxServer
) -> None:
    sign_in(page, jp_server.base_url)
    base = f"{jp_server.base_url}/orders-v3/order"
    page.goto(f"{base}/{order_id(1)}/cancel-order")
    expect(page.locator("#cancel-scope legend")).to_have_text("キャンセルする対象")
    entire = page.get_by_label("注文全体をキャンセル")
    items = page.get_by_label("商品をキャンセル", exact=True)
    expect(entire).not_to_be_checked()  # nothing is chosen for the seller
    expect(items).not_to_be_checked()
    expect(page.locator("#cancel-items .cancel-item-asin")).to_have_text(["B0MUG00001", "B0CUP00001"])
    expect(page.locator("#cancel-reason")).to_have_value("BuyerCanceled")
    page.locator("#cancel-order-submit").click()  # no choice made: refused, the form stays
    expect(page.locator("#cancel-error")).to_have_text(
        "注文全体をキャンセルするか、商品をキャンセルするかを選択してください。"
    )
    items.check()
    page.get_by_label("Mug").check()
    page.locator("#cancel-order-submit").click()
    expect(page.locator('div[data-test-id="cancel-confirmation"]')).to_be_visible()
    document = jp_server.state.document()
    assert document["orders"][order_id(1)] == {"status": "unshipped"}, "items cancelled, not the order"
    assert [(c["accepted"], c["scope"]) for c in _cancellations(jp_server, 1)] == [
        (False, None),
        (True, "items"),
    ]
    page.goto(f"{base}/{order_id(2)}/cancel-order")
    page.get_by_label("商品をキャンセル", exact=True).check()
    page.locator("#cancel-order-submit").click()  # "Cancel items" with no item ticked
    expect(page.locator("#cancel-error")).to_have_text("キャンセルする商品を選択してください。")
    page.get_by_label("注文全体をキャンセル").check()
    page.locator("#cancel-order-submit").click()
    expect(page.locator('div[data-test-id="cancel-confirmation"]')).to_be_visible()
    assert [(c["accepted"], c["scope"]) for c in _cancellations(jp_server, 2)] == [
        (False, "items"),
        (True, "entire_order"),
    ]
    assert jp_server.state.document()["orders"][order_id(2)] == {"status": "canceled"}
