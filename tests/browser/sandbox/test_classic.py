"""The `classic` layout (scenario format 2): the same orders, threads and records as `spa`, drawn as a
server-rendered Seller Central. Lists change by loading a new document, the inbox's rows live in a
web component's open shadow root with no thread ids, and none of spa's ids or classes appear."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sandbox_builders import sign_in as spa_sign_in
from scenario_kit import NOW, iso, order, order_id, scenario

from automation.sandbox.server import SandboxServer

ROWS = "tr.oc-order"
THREAD_ROWS = "kat-table kat-table-row"
REQUESTED = (3, 9, 15, 21, 27, 33)  # official requests shown on Manage Orders
INQUIRIES = 41 - 2  # + 2 template threads = 41 threads: 25 + 16
# What a reader of the spa pages looks for; classic must show none of it.
SPA_MARKS = (
    "#sc-top-nav",
    "#MYO-app",
    "table#orders-table",
    "[data-test-id]",
    "#myo-table-results-per-page",
    ".a-pagination",
    "#messaging-app",
    "#threads-list",
    "[data-thread-id]",
    "#load-more-threads",
)


def _inquiry(i: int) -> dict:
    n = 1 + i % 30
    return {
        "order_id": order_id(n),
        "buyer_name": f"Buyer {n}",
        "subject": f"Inquiry from Amazon customer Buyer {n} (Order: {order_id(n)})",
        "body": f"Hello, question number {i}.\nThanks",
        "received_at": iso(NOW - timedelta(minutes=10 + 7 * i)),
    }


@pytest.fixture(scope="module")
def server(module_sandbox_factory) -> SandboxServer:
    orders = [order(n, request="Order Created by Mistake" if n in REQUESTED else None) for n in range(1, 41)]
    orders += [
        order(50, request="Shipping Cost Too High", channel="messages"),
        order(51, request="Other", channel="both"),
    ]
    data = scenario(orders, messages=[_inquiry(i) for i in range(INQUIRIES)], format=2, layout="classic")
    return module_sandbox_factory(data)


def sign_in(page: Page, base_url: str, *, path: str) -> None:
    spa_sign_in(page, base_url, path=path, top_bar="#sc-navbar-container")


def _marked(page: Page) -> None:
    """A flag that only the current document holds: gone after a navigation, kept by in-page updates."""
    page.evaluate("window.__sameDocument = true")


def _same_document(page: Page) -> bool:
    return bool(page.evaluate("window.__sameDocument === true"))


def test_manage_orders_pages_by_links_that_load_a_new_document(page: Page, server: SandboxServer) -> None:
    sign_in(page, server.base_url, path="/orders-v3")
    expect(page.locator("#sc-navbar-container")).to_be_visible()
    expect(page.locator(".oc-total")).to_have_text("42 orders")
    expect(page.locator(ROWS)).to_have_count(15)
    expect(page.locator(".oc-num-on")).to_have_text("1")
    _marked(page)
    page.locator("a.oc-next").click()
    expect(page).to_have_url(re.compile(r"/orders-v3\?page=2$"))
    expect(page.locator(".oc-num-on")).to_have_text("2")
    assert not _same_document(page)
    expect(page.locator(ROWS)).to_have_count(15)
    _marked(page)
    page.locator("a.oc-size", has_text="25").click()
    expect(page.locator(".oc-size-on")).to_have_text("25")
    assert not _same_document(page)
    expect(page.locator(ROWS)).to_have_count(25)
    page.locator("a.oc-num", has_text="2").click()
    expect(page.locator(ROWS)).to_have_count(17)
    expect(page.locator("span.oc-next.oc-off")).to_have_count(1)
    expect(page.locator("a.oc-next")).to_have_count(0)


def test_the_buyer_requested_cancel_filter_reloads_with_only_requests(
    page: Page, server: SandboxServer
) -> None:
    sign_in(page, server.base_url, path="/orders-v3/mfn/unshipped")
    page.locator("summary.oc-filters-toggle", has_text="Show filters").click()
    expect(page.locator("fieldset.oc-filter-group legend")).to_have_text("Pending Action")
    _marked(page)
    page.get_by_label("Buyer Requested Cancel").check()
    expect(page).to_have_url(re.compile(r"brc=1"))
    assert not _same_document(page)
    newest_first = [order_id(n) for n in sorted((*REQUESTED, 51))]  # order n was bought n hours ago
    expect(page.locator(f"{ROWS} a.oc-order-link")).to_have_text(newest_first)
    first = page.locator(ROWS).first
    expect(first.locator(".oc-request-text")).to_have_text(
        "The buyer has requested that this order be canceled. Canceling this order will not affect your "
        "Cancellation Rate metric."
    )
    expect(page.locator(f"{ROWS} .oc-request")).to_have_count(len(REQUESTED) + 1)
    expect(page.locator("summary.oc-filters-toggle")).to_have_text("Hide filters")


def test_the_inbox_rows_are_inside_a_shadow_root_paged_by_next(page: Page, server: SandboxServer) -> None:
    sign_in(page, server.base_url, path="/messaging/inbox?fi=all")
    expect(page.locator(THREAD_ROWS)).to_have_count(25)
    # A reader that does not enter shadow roots sees no rows; the kat-table's open root holds them.
    assert page.evaluate("document.querySelectorAll('kat-table-row').length") == 0
    assert (
        page.evaluate(
            "document.querySelector('kat-table').shadowRoot.querySelectorAll('kat-table-row').length"
        )
        == 25
    )
    expect(page.locator(".bx-range")).to_have_text("1–25 of 41")
    first = page.locator(THREAD_ROWS).first
    expect(first.locator(".bx-subject")).to_have_text(
        f"Inquiry from Amazon customer Buyer 1 (Order: {order_id(1)})"
    )
    expect(first.locator(".bx-preview")).to_have_text("Hello, question number 0.…")
    _marked(page)
    page.locator("a.bx-next").click()
    expect(page.locator(".bx-range")).to_have_text("26–41 of 41")
    assert not _same_document(page)
    expect(page.locator(THREAD_ROWS)).to_have_count(16)
    expect(page.locator("a.bx-next")).to_have_count(0)
    expect(page.locator("span.bx-next.bx-off")).to_have_count(1)


def test_no_thread_ids_and_order_ids_only_in_subjects(page: Page, server: SandboxServer) -> None:
    sign_in(page, server.base_url, path="/messaging/inbox?fi=all")
    rows = page.locator(THREAD_ROWS)
    expect(rows).to_have_count(25)
    attributes = rows.evaluate_all(
        "rows => rows.flatMap(r => [r, ...r.querySelectorAll('*')]).flatMap(e => [...e.attributes]"
        ".map(a => a.name + '=' + a.value))"
    )
    assert not [a for a in attributes if "thread" in a.lower() or re.search(r"t-\d+", a)]
    for row in rows.all()[:5]:
        order = re.search(r"\d{3}-\d{7}-\d{7}", row.inner_text())
        assert order is not None
        assert order.group() in row.locator(".bx-subject").inner_text()
        assert (
            order.group() not in row.locator(".bx-from").inner_text() + row.locator(".bx-when").inner_text()
        )


def test_classic_pages_show_none_of_spas_ids_or_classes(page: Page, server: SandboxServer) -> None:
    sign_in(page, server.base_url, path="/orders-v3")
    for path in (
        "/orders-v3",
        "/orders-v3/mfn/canceled",
        "/messaging/inbox?fi=all",
        "/messaging/inbox?fi=sent",
    ):
        page.goto(server.base_url + path)
        for mark in SPA_MARKS:
            expect(page.locator(mark), f"{mark} on {path}").to_have_count(0)


def test_a_thread_opens_on_its_own_page_and_reply_and_mark_are_recorded(
    page: Page, server: SandboxServer
) -> None:
    sign_in(page, server.base_url, path=f"/messaging/inbox?fi=search&ss={order_id(50)}")
    expect(page.locator(f"{THREAD_ROWS} .bx-subject")).to_have_text(
        [f"Order cancellation request from Amazon customer Buyer 50 (Order: {order_id(50)})"]
    )
    expect(page.locator(".bx-range")).to_have_text("1–1 of 1")
    page.goto(server.base_url + "/messaging/inbox?fi=all")
    page.locator(THREAD_ROWS).filter(has_text="Buyer 2 (Order").first.locator("a.bx-open").click()
    expect(page.locator("h1.bx-case-subject")).to_have_text(re.compile(r"Buyer 2 \(Order: "))
    expect(page.locator(".bx-msg-text")).to_have_text(re.compile(r"^Hello, question number \d+\.\s+Thanks$"))
    expect(page.locator(".bx-case-state")).to_have_text("Response needed")
    page.locator("#bx-reply-text").fill("We will cancel it.")
    page.locator("button.bx-send").click()
    expect(page.locator(".bx-case-state")).to_have_text("Replied")
    expect(page.locator(".bx-msg-seller .bx-msg-from")).to_have_text("You")
    page.locator("button.bx-resolve-go").click()
    expect(page.locator(".bx-case-state")).to_have_text("No response needed")
    state = server.state.document()
    assert [(r["order_id"], r["text"]) for r in state["replies"]] == [(order_id(2), "We will cancel it.")]
    assert [n["order_id"] for n in state["no_response_needed"]] == [order_id(2)]


def test_cancel_from_manage_orders_at_amazons_url_is_recorded(page: Page, server: SandboxServer) -> None:
    target = order_id(9)
    sign_in(page, server.base_url, path=f"/orders-v3/search?q={target}&qt=orderid")
    row = page.locator(ROWS, has_text=target)
    row.locator("a.oc-do-cancel").click()
    expect(page).to_have_url(re.compile(rf"/orders-v3/order/{target}/cancel-order$"))
    expect(page.locator("#cancel-reason")).to_be_disabled()
    expect(page.locator("#cancel-reason")).to_have_value("BuyerCanceled")
    page.locator("#cancel-order-submit").click()
    expect(page.locator('[data-test-id="cancel-confirmation"]')).to_have_text("The order has been canceled.")
    state = server.state.document()
    assert state["orders"][target] == {"status": "canceled"}
    assert [(c["order_id"], c["reason"], c["accepted"]) for c in state["cancellations"]] == [
        (target, "BuyerCanceled", True)
    ]
    page.goto(f"{server.base_url}/orders-v3/search?q={target}&qt=orderid")
    expect(page.locator(ROWS, has_text=target).locator(".oc-state-text")).to_have_text("Canceled")
    expect(page.locator(ROWS, has_text=target).locator("a.oc-do-cancel")).to_have_count(0)
