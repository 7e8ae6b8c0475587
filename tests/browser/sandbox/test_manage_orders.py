"""Manage Orders: tabs, the Buyer Requested Cancel filter and banner, pagination, page size, sort,
search, the row menu inside a shadow root, and the order details page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sandbox_builders import sign_in, wait_rendered
from scenario_kit import order, order_id, scenario

from automation.sandbox.server import SandboxServer

ROWS = 'tr[data-test-id="order-row"]'
BANNER = 'div.buyer-requested-cancel[data-test-id="buyer-requested-cancel-banner"]'
NEXT = ".pagination-controls ul.a-pagination li.a-last"
BANNER_TEXT = (
    "The buyer has requested that this order be canceled. "
    "Canceling this order will not affect your Cancellation Rate metric."
)

# 101 unshipped MFN orders (every 7th with an official request: Manage Orders, Messages-only or both),
# 100 pending, 3 shipped, 2 canceled, 2 Amazon-fulfilled (one of them with the same SKU as order 1).
UNSHIPPED = 101
PENDING = 100


def _channel(n: int) -> str:
    return ("manage_orders", "messages", "both")[n // 7 % 3]


def _orders() -> list[dict]:
    orders = [
        order(
            n,
            request="Order Created by Mistake" if n % 7 == 0 else None,
            channel=_channel(n) if n % 7 == 0 else None,
        )
        for n in range(1, UNSHIPPED + 1)
    ]
    orders += [order(200 + n, status="pending", hours_ago=0.5 + n / 100) for n in range(PENDING)]
    orders += [
        order(400 + n, status="shipped", request="Found Cheaper Somewhere Else" if n == 0 else None)
        for n in range(3)
    ]
    orders += [order(500 + n, status="canceled", request="Other" if n == 0 else None) for n in range(2)]
    orders += [
        order(
            600,
            fulfillment="afn",
            items=[{"sku": "SKU-1", "asin": "B000000001", "title": "Product 1", "quantity": 1, "price": 11}],
        ),
        order(601, fulfillment="afn"),
    ]
    return orders


MO_REQUESTS = sorted(n for n in range(1, UNSHIPPED + 1) if n % 7 == 0 and _channel(n) != "messages")


@pytest.fixture(scope="module")
def server(module_sandbox_factory) -> SandboxServer:
    return module_sandbox_factory(scenario(_orders()))


@pytest.fixture
def orders_page(page: Page, server: SandboxServer) -> Page:
    sign_in(page, server.base_url, path="/orders-v3")
    wait_rendered(page)
    return page


def _ids(page: Page) -> list[str]:
    return page.locator(f'{ROWS} td[data-test-id="oth-order-details"] .cell-body-title a').all_inner_texts()


def _page_size(page: Page, size: int) -> None:
    page.locator("#myo-table-results-per-page").select_option(str(size))
    wait_rendered(page)


def test_unshipped_tab_renders_rows_with_the_contract_cells(orders_page: Page) -> None:
    page = orders_page
    expect(page.locator('a[data-test-id="tab-/mfn/unshipped"]')).to_have_text(f"Unshipped ({UNSHIPPED})")
    expect(page.locator('a[data-test-id="tab-/mfn/unshipped"]')).to_have_class(
        re.compile(r"\ba-tab-selected\b")
    )
    expect(page.locator(".total-orders-heading > span:first-child")).to_have_text(f"{UNSHIPPED} orders")
    expect(page.locator(ROWS)).to_have_count(15)  # the default page size
    first = page.locator(ROWS).first
    expect(first.locator('td[data-test-id="oth-order-date"] .cell-body > div')).to_have_text(
        ["1 hour ago", "Nov 26, 2026", "3:00 AM PST"]
    )
    expect(first.locator('[data-test-id="buyer-name-with-link"]')).to_have_text("Buyer 1")
    expect(first.locator("div.myo-fulfillment-method")).to_have_text("Fulfillment method: Seller")
    expect(
        first.locator(
            'td[data-test-id="oth-product-info"] .myo-list-orders-product-name-cell a[target=_blank]'
        )
    ).to_have_text("Product 1")
    expect(first.locator('td[data-test-id="oth-product-info"]')).to_contain_text("Item subtotal: $11.00")
    expect(
        first.locator('td[data-test-id="oth-order-status"] .order-status-column .main-status')
    ).to_have_text("Unshipped")
    assert first.locator("td").count() == 9
    assert _ids(page)[0] == order_id(1)


def test_banner_sits_right_above_its_order_row(orders_page: Page) -> None:
    page = orders_page
    _page_size(page, 50)
    banners = page.locator(f"tr.myo-banner-row {BANNER}")
    shown = [n for n in MO_REQUESTS if n <= 50]
    expect(banners).to_have_count(len(shown))
    expect(banners.first.locator("span.a-alert-content")).to_have_text(BANNER_TEXT)
    expect(banners.first.locator(".buyer-requested-cancel-order-status-message")).to_have_text(
        "Cancellation reason: Order Created by Mistake"
    )
    expect(banners.first.locator(".buyer-requested-cancel-date")).to_have_text(
        re.compile(r"^Request date: Nov 2\d, 2026 ")
    )
    # The row after each banner row is the order it belongs to.
    following = page.locator(f"tr.myo-banner-row:has({BANNER}) + tr[data-test-id=order-row]")
    assert following.evaluate_all("rows => rows.map(r => r.dataset.orderId)") == [order_id(n) for n in shown]


def test_buyer_requested_cancel_filter_lists_only_requests_shown_on_manage_orders(orders_page: Page) -> None:
    page = orders_page
    toggle = page.locator("#myo-filter-toggle")
    expect(toggle).to_have_text("Show filters")
    expect(page.locator("#myo-filter-pane")).to_be_hidden()
    toggle.click()
    expect(toggle).to_have_text("Hide filters")
    expect(toggle).to_have_attribute("value", "Hide filters")
    pane = page.locator("#myo-filter-pane")
    expect(pane).to_contain_text("Pending Action")
    expect(pane.locator('label[for="myo-filter-buyer-requested-cancel"]')).to_have_text(
        "Buyer Requested Cancel"
    )
    page.locator("#myo-filter-buyer-requested-cancel").check()
    wait_rendered(page)
    expect(page.locator("span.myo-active-filter")).to_have_text("Buyer Requested Cancel")
    expect(page.locator(".total-orders-heading > span:first-child")).to_have_text(
        f"{len(MO_REQUESTS)} orders"
    )
    assert sorted(_ids(page)) == sorted(order_id(n) for n in MO_REQUESTS)
    expect(page.locator(f"tr.myo-banner-row {BANNER}")).to_have_count(len(MO_REQUESTS))
    expect(page).to_have_url(re.compile(r"[?&]brc=1(&|$)"))
    page.reload()  # the view is in the URL: a reload shows the same filtered list
    wait_rendered(page)
    expect(page.locator("#myo-filter-buyer-requested-cancel")).to_be_checked()
    assert sorted(_ids(page)) == sorted(order_id(n) for n in MO_REQUESTS)


def test_filter_page_size_and_sort_survive_pagination(orders_page: Page) -> None:
    page = orders_page
    page.locator("#myo-table-sort-order").select_option("order_date_asc")
    wait_rendered(page)
    _page_size(page, 25)
    page.locator("#myo-filter-toggle").click()
    page.locator("#myo-filter-buyer-requested-cancel").check()
    wait_rendered(page)
    expect(page.locator(NEXT)).to_have_class(re.compile(r"\ba-disabled\b"))  # 10 requests fit on one page
    page.locator("#myo-filter-buyer-requested-cancel").uncheck()
    wait_rendered(page)
    assert _ids(page)[0] == order_id(UNSHIPPED)  # oldest first
    page.locator(f"{NEXT} a").click()
    wait_rendered(page)
    expect(page.locator(".a-pagination li.a-selected")).to_have_text("2")
    expect(page.locator(ROWS)).to_have_count(25)
    assert _ids(page)[0] == order_id(UNSHIPPED - 25)
    expect(page.locator("#myo-table-results-per-page")).to_have_value("25")
    expect(page.locator("#myo-table-sort-order")).to_have_value("order_date_asc")
    expect(page).to_have_url(re.compile(r"page=2.*sort=order_date_asc.*pageSize=25"))
    page.reload()
    wait_rendered(page)
    assert _ids(page)[0] == order_id(UNSHIPPED - 25)  # the state is in the URL too


@pytest.mark.parametrize(("tab", "count", "pages"), [("pending", PENDING, 1), ("unshipped", UNSHIPPED, 2)])
def test_pagination_edges_at_100_per_page(
    orders_page: Page, server: SandboxServer, tab: str, count: int, pages: int
) -> None:
    page = orders_page
    page.goto(f"{server.base_url}/orders-v3/mfn/{tab}")
    wait_rendered(page)
    _page_size(page, 100)
    expect(page.locator(ROWS)).to_have_count(100)
    expect(
        page.locator(".pagination-controls ul.a-pagination li.a-normal a, .a-pagination li.a-selected")
    ).to_have_count(pages)
    if pages == 1:
        expect(page.locator(NEXT)).to_have_class(re.compile(r"\ba-disabled\b"))
        expect(page.locator(f"{NEXT} a")).to_have_count(0)
        return
    page.locator(f"{NEXT} a").click()
    wait_rendered(page)
    expect(page.locator(ROWS)).to_have_count(count - 100)
    expect(page.locator(".a-pagination li.a-selected")).to_have_text("2")
    expect(page.locator(NEXT)).to_have_class(re.compile(r"\ba-disabled\b"))


def test_results_per_page_options(orders_page: Page) -> None:
    page = orders_page
    select = page.locator("select#myo-table-results-per-page[name=myo-table-results-per-page] option")
    expect(select).to_have_text(["15", "25", "50", "100"])
    _page_size(page, 25)
    expect(page.locator(ROWS)).to_have_count(25)
    _page_size(page, 50)
    expect(page.locator(ROWS)).to_have_count(50)


def test_row_menu_lives_in_an_open_shadow_root_and_opens_the_cancel_page(orders_page: Page) -> None:
    page = orders_page
    row = page.locator(f'{ROWS}[data-order-id="{order_id(2)}"]')
    menu = row.locator("td.myo-table-action-column kat-dropdown-button")
    assert menu.evaluate("el => el.shadowRoot !== null && el.shadowRoot.mode === 'open'")
    assert menu.evaluate("el => el.children.length") == 0  # everything is inside the shadow root
    expect(menu.locator('button[data-action="buyShipping"]')).to_have_text("Buy shipping")
    cancel = menu.locator('.options .option[data-action="cancelOrder"]')
    expect(cancel).to_be_hidden()
    menu.locator("button.indicator").click()
    expect(menu.locator(".options .option")).to_have_text(["Print packing slip", "Cancel order"])
    cancel.click()
    expect(page).to_have_url(re.compile(rf"/orders-v3/order/{order_id(2)}/cancel-order$"))
    expect(page.locator('span[data-test-id="cancel-order-id"]')).to_have_text(order_id(2))


def test_shipped_canceled_and_pending_rows_have_no_cancel_menu(
    orders_page: Page, server: SandboxServer
) -> None:
    page = orders_page
    for tab in ("shipped", "canceled", "pending"):
        page.goto(f"{server.base_url}/orders-v3/mfn/{tab}")
        wait_rendered(page)
        expect(page.locator(ROWS).first).to_be_visible()
        expect(page.locator("kat-dropdown-button")).to_have_count(0)
    # A request on a shipped order still shows its banner; one on a canceled order does not.
    page.goto(f"{server.base_url}/orders-v3/mfn/shipped")
    wait_rendered(page)
    expect(page.locator(BANNER)).to_have_count(1)
    page.goto(f"{server.base_url}/orders-v3/mfn/canceled")
    wait_rendered(page)
    expect(page.locator(BANNER)).to_have_count(0)
    expect(page.locator('a[data-test-id="tab-/mfn/canceled"]')).to_have_class(
        re.compile(r"\ba-tab-selected\b")
    )


def test_amazon_fulfilled_orders_appear_in_search_but_never_in_the_tabs(
    orders_page: Page, server: SandboxServer
) -> None:
    page = orders_page
    for tab in ("pending", "unshipped", "canceled", "shipped"):
        response = page.request.get(
            f"{server.base_url}/orders-api/search?orderStatus={tab}&fulfillmentType=mfn&limit=250"
        )
        assert all(o["fulfillmentChannel"] == "MFN" for o in response.json()["orders"])
    page.locator("#myo-search-input").fill("SKU-1")
    page.locator("#myo-search-type").select_option("sku")
    page.locator("#myo-search-button-announce").click()
    expect(page).to_have_url(re.compile(r"/orders-v3/search\?q=SKU-1&qt=sku"))
    wait_rendered(page)
    ids = _ids(page)
    assert order_id(600) in ids  # the AFN order
    assert order_id(1) in ids
    afn_row = page.locator(f'{ROWS}[data-order-id="{order_id(600)}"]')
    expect(afn_row.locator("div.myo-fulfillment-method")).to_have_text("Fulfillment method: Amazon")
    expect(afn_row.locator("kat-dropdown-button")).to_have_count(0)


def test_search_by_order_id_and_the_empty_state(orders_page: Page, server: SandboxServer) -> None:
    page = orders_page
    page.goto(f"{server.base_url}/orders-v3/search?q={order_id(42)}&qt=orderid")
    wait_rendered(page)
    assert _ids(page) == [order_id(42)]
    page.goto(f"{server.base_url}/orders-v3/search?q=999-9999999-9999999&qt=orderid")
    wait_rendered(page)
    expect(page.locator('div[data-test-id="myo-empty-state"]')).to_have_text("No orders found.")
    expect(page.locator("#orders-table")).to_have_count(0)


def test_order_details_page_and_its_cancel_button(orders_page: Page, server: SandboxServer) -> None:
    page = orders_page
    page.locator(
        f'{ROWS}[data-order-id="{order_id(14)}"] td[data-test-id="oth-order-details"] a'
    ).first.click()
    wait_rendered(page)
    expect(page.locator('[data-test-id="order-details-label"]')).to_have_text("Order details")
    expect(page.locator('span[data-test-id="order-id-value"]')).to_have_text(order_id(14))
    expect(page.locator('span[data-test-id="order-status-value"]')).to_have_text("Unshipped")
    expect(page.locator('span[data-test-id="order-summary-fulfillment-value"]')).to_have_text("Seller")
    expect(page.locator('span[data-test-id="order-summary-purchase-date-value"]')).to_have_text(
        "Wed, Nov 25, 2026, 2:00 PM PST"
    )
    expect(page.locator('div[data-test-id="shipping-section-buyer-address"]')).to_contain_text("Buyer 14")
    expect(page.locator(BANNER)).to_contain_text("Cancellation reason: Order Created by Mistake")
    expect(page.locator("table.a-keyvalue tbody tr td")).to_have_text(
        ["Product 14", "SKU-14", "B000000014", "1", "$10.00"]
    )
    page.locator('button[data-test-id="cancel-order-button"]').click()
    expect(page).to_have_url(re.compile(rf"/orders-v3/order/{order_id(14)}/cancel-order$"))
    page.goto(f"{server.base_url}/orders-v3/order/{order_id(401)}")
    wait_rendered(page)
    expect(page.locator('span[data-test-id="order-status-value"]')).to_have_text("Shipped")
    expect(page.locator('button[data-test-id="cancel-order-button"]')).to_have_count(0)
    page.goto(f"{server.base_url}/orders-v3/order/999-9999999-9999999")
    expect(page.locator('div[data-test-id="order-not-found"]')).to_be_visible()
