"""Buyer-Seller Messages: newest-first list with "Load more", the legacy request template, search by
order id, the thread view, replies and "No response needed" (both recorded in the state)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, Route, expect
from sandbox_builders import sign_in, wait_rendered
from scenario_kit import NOW, iso, order, order_id, scenario

from automation.sandbox.server import SandboxServer

ITEMS = "ul#threads-list li.thread-list-item"
INQUIRIES = 118  # + 3 template threads = 121 threads: 50 + 50 + 21
LONG_LINE = "I ordered the wrong size and would like to cancel the order before it ships, " * 3


def _inquiry(i: int) -> dict:
    n = 10 + i % 40
    body = f"Hello, question number {i}." if i % 2 else f"{LONG_LINE}\nThanks, buyer {n}"
    return {
        "order_id": order_id(n),
        "buyer_name": f"Buyer {n}",
        "subject": f"Inquiry from Amazon customer Buyer {n} (Order: {order_id(n)})",
        "body": body,
        "received_at": iso(NOW - timedelta(minutes=10 + 7 * i)),
    }


@pytest.fixture(scope="module")
def server(module_sandbox_factory) -> SandboxServer:
    orders = [
        order(1, request="Order Created by Mistake", channel="messages"),
        order(2, request="Shipping Cost Too High", channel="both"),
        order(3, request="Other", channel="manage_orders"),
        order(4, status="canceled", request="Found Cheaper Somewhere Else", channel="messages"),
        *[order(n) for n in range(10, 50)],
    ]
    return module_sandbox_factory(scenario(orders, messages=[_inquiry(i) for i in range(INQUIRIES)]))


@pytest.fixture
def inbox(page: Page, server: SandboxServer) -> Page:
    sign_in(page, server.base_url, path="/messaging/inbox?fi=all")
    wait_rendered(page)
    return page


def test_the_list_is_newest_first_and_loads_50_more_at_a_time(inbox: Page) -> None:
    page = inbox
    expect(page.locator('nav#folder-list a[data-folder="all"]')).to_have_class(
        re.compile(r"\bfolder-selected\b")
    )
    expect(page.locator(ITEMS)).to_have_count(50)
    first = page.locator(ITEMS).first
    expect(first.locator(".thread-subject")).to_have_text(
        f"Inquiry from Amazon customer Buyer 10 (Order: {order_id(10)})"
    )
    expect(first.locator(".thread-buyer-name")).to_have_text("Buyer 10")
    expect(first.locator(".thread-order-id")).to_have_text(order_id(10))
    expect(first.locator(".thread-date")).to_have_text("Nov 26, 2026 3:50 AM PST")
    page.locator("button#load-more-threads").click()
    expect(page.locator(ITEMS)).to_have_count(100)
    page.locator("button#load-more-threads").click()
    expect(page.locator(ITEMS)).to_have_count(121)
    expect(page.locator("button#load-more-threads")).to_have_count(0)
    ids = page.locator(ITEMS).evaluate_all("items => items.map(i => i.dataset.threadId)")
    assert len(set(ids)) == 121
    assert ids[:3] == ["t-4", "t-1", "t-5"]  # inquiry 0 (10 min ago), request 1 (15 min), inquiry 1 (17 min)
    # Nothing was sent yet: that folder is empty.
    page.locator('a[data-folder="sent"]').click()
    wait_rendered(page)
    expect(page.locator("div#threads-empty-state")).to_have_text("No messages found.")


def test_snippets_show_the_first_line_cut_at_120_characters(inbox: Page) -> None:
    page = inbox
    long_one = page.locator(f'{ITEMS}[data-thread-id="t-4"] .thread-snippet')  # inquiry 0: the long body
    expect(long_one).to_have_text(LONG_LINE[:120].rstrip() + "…")
    short_one = page.locator(f'{ITEMS}[data-thread-id="t-5"] .thread-snippet')
    expect(short_one).to_have_text("Hello, question number 1.")


def test_requests_in_the_messages_channel_arrive_in_the_legacy_template(
    inbox: Page, server: SandboxServer
) -> None:
    page = inbox
    page.goto(f"{server.base_url}/messaging/inbox?fi=search&ss={order_id(1)}")
    wait_rendered(page)
    item = page.locator(ITEMS)
    expect(item).to_have_count(1)
    expect(item.locator(".thread-subject")).to_have_text(
        f"Order cancellation request from Amazon customer Buyer 1 (Order: {order_id(1)})"
    )
    expect(item.locator(".thread-snippet")).to_have_text("The buyer has requested to cancel this order.…")
    item.click()
    body = page.locator("section#thread-view .message-item .message-body")
    expect(body).to_contain_text(f"Order ID: {order_id(1)}")
    expect(body).to_contain_text("Reason: Order Created by Mistake")
    expect(body).to_contain_text("Request date: Nov 26, 2026 3:45 AM PST")
    # Manage-Orders-only requests get no thread; a canceled order keeps its thread.
    assert server.state.threads.list("search", order_id(3), 0, 10)[1] == 0
    page.goto(f"{server.base_url}/messaging/inbox?fi=search&ss={order_id(4)}")
    wait_rendered(page)
    expect(page.locator(f"{ITEMS} .thread-subject")).to_have_text(
        [f"Order cancellation request from Amazon customer Buyer 4 (Order: {order_id(4)})"]
    )


def test_search_box_finds_the_threads_of_an_order(inbox: Page) -> None:
    page = inbox
    page.locator("#threads-list-search-bar #threads-search-input").fill(order_id(2))
    page.locator("#threads-search-button").click()
    expect(page).to_have_url(re.compile(rf"fi=search&ss={order_id(2)}"))
    wait_rendered(page)
    expect(page.locator(f"{ITEMS} .thread-order-id")).to_have_text([order_id(2)])


def test_reply_is_shown_recorded_and_leaves_response_needed(inbox: Page, server: SandboxServer) -> None:
    page = inbox
    page.goto(f"{server.base_url}/messaging/inbox?fi=responseNeeded")
    wait_rendered(page)
    target = page.locator(f'{ITEMS}[data-thread-id="t-6"]')
    target.click()
    view = page.locator("section#thread-view")
    expect(view.locator("h2.thread-view-subject")).to_contain_text(order_id(12))
    expect(view.locator(".message-body")).to_have_text(LONG_LINE + "\nThanks, buyer 12")  # the whole text
    expect(view.locator(".case-status-label")).to_have_text("Response needed")
    view.locator("#reply-send").click()
    expect(view.locator(".reply-error")).to_have_text("Write a reply before sending.")
    view.locator("textarea#reply-text").fill("Hello, your order is canceled.")
    view.locator("button#reply-send").click()
    expect(view.locator(".case-status-label")).to_have_text("Replied")
    expect(view.locator(".message-item").last.locator(".message-body")).to_have_text(
        "Hello, your order is canceled."
    )
    expect(view.locator(".message-item").last.locator(".message-sender")).to_have_text("You")
    expect(target).to_have_count(0)  # gone from "Response needed"
    replies = server.state.document()["replies"]
    assert [(r["thread_id"], r["order_id"], r["text"]) for r in replies] == [
        ("t-6", order_id(12), "Hello, your order is canceled.")
    ]
    page.reload()
    wait_rendered(page)
    expect(page.locator(f'{ITEMS}[data-thread-id="t-6"]')).to_have_count(0)
    page.goto(f"{server.base_url}/messaging/inbox?fi=sent")
    wait_rendered(page)
    expect(page.locator(ITEMS)).to_have_count(1)


def test_no_response_needed_is_recorded_and_resolves_the_thread(inbox: Page, server: SandboxServer) -> None:
    page = inbox
    page.goto(f"{server.base_url}/messaging/inbox?fi=responseNeeded&cc=t-1")
    wait_rendered(page)
    view = page.locator("section#thread-view")
    expect(view).to_have_attribute("data-thread-id", "t-1")
    view.locator("button#no-response-needed").click()
    expect(view.locator(".case-status-label")).to_have_text("No response needed")
    expect(page.locator(f'{ITEMS}[data-thread-id="t-1"]')).to_have_count(0)
    marks = server.state.document()["no_response_needed"]
    assert [(m["thread_id"], m["order_id"]) for m in marks] == [("t-1", order_id(1))]
    page.goto(f"{server.base_url}/messaging/inbox?fi=resolved")
    wait_rendered(page)
    expect(page.locator(f'{ITEMS}[data-thread-id="t-1"]')).to_have_count(1)
    expect(page.locator('.metrics-card [data-metric="responseNeeded"] .metric-value')).to_have_text("119")


def test_a_failed_load_more_keeps_the_list_and_the_button(inbox: Page) -> None:
    page = inbox
    failures = []

    def fail_once(route: Route) -> None:
        if not failures:
            failures.append(route.request.url)
            route.fulfill(status=503, json={"error": "ServiceUnavailable"})
        else:
            route.continue_()

    page.route(re.compile(r"/messaging/api/threads\?.*offset=50"), fail_once)
    page.locator("button#load-more-threads").click()
    expect(page.locator("div#sc-error-alert")).to_be_visible()
    expect(page.locator(ITEMS)).to_have_count(50)
    assert page.locator("div#sc-error-alert + .threads-list-box #threads-list").count() == 1  # above the list
    retry = page.locator("button#load-more-threads")
    expect(retry).to_be_enabled()
    retry.click()
    expect(page.locator(ITEMS)).to_have_count(100)
    expect(page.locator("div#sc-error-alert")).to_have_count(0)
    assert len(failures) == 1


def test_an_empty_response_needed_folder_says_so(page: Page, sandbox_factory) -> None:
    server = sandbox_factory(scenario([order(1)]))
    sign_in(page, server.base_url, path="/messaging/inbox")
    wait_rendered(page)
    expect(page.locator("div#threads-empty-state")).to_have_text("No messages need a response.")
    expect(page.locator("#threads-list")).to_have_count(0)
