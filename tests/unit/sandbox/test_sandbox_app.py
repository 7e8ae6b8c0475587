"""The sandbox app over HTTP without a browser: redirects and 401s, sign-in steps, restarts, the JSON
endpoints' parameters, inspection, faults on JSON only, cached assets and the scenario clock."""

from __future__ import annotations

import re
import time
import warnings
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest
from sandbox_scenarios import (
    build,
    message,
    order,
)
from scenario_kit import EMAIL, PASSWORD, TOTP_SECRET, order_id

from automation.sandbox import totp
from automation.sandbox.app import create_app, state_of
from automation.sandbox.scenario import Scenario

with warnings.catch_warnings():  # Starlette 1.x prefers httpx2 for its TestClient; httpx still works
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

SIGNIN_TAIL = "&openid.assoc_handle=sc_na_amazon_v2&openid.mode=checkid_setup&mons_redirect=sign_in"


def _client(scenario: Scenario, **options: object) -> TestClient:
    return TestClient(create_app(scenario, **options), follow_redirects=False)  # type: ignore[arg-type]


def _sign_in(client: TestClient, return_to: str = "/home", **extra: str) -> object:
    form = {"email": EMAIL, "password": PASSWORD, "openid.return_to": return_to, **extra}
    return client.post("/ap/signin", data=form)


@pytest.fixture
def scenario() -> Scenario:
    orders = [order(n, request="Order Created by Mistake" if n % 3 == 0 else None) for n in range(1, 31)]
    orders += [order(40, status="shipped"), order(41, fulfillment="afn")]
    messages = [message(n, minutes_ago=n, order_n=n) for n in range(1, 61)]
    return build(orders, messages=messages)


def test_protected_pages_redirect_and_json_answers_401(scenario: Scenario) -> None:
    client = _client(scenario)
    response = client.get("/orders-v3/mfn/unshipped?page=2&sort=order_date_asc")
    assert response.status_code == 302
    assert response.headers["location"] == (
        "/ap/signin?openid.return_to="
        + quote("/orders-v3/mfn/unshipped?page=2&sort=order_date_asc", safe="")
        + SIGNIN_TAIL
    )
    for url in ("/orders-api/search", "/orders-api/order/" + order_id(1), "/messaging/api/threads"):
        api = client.get(url)
        assert (api.status_code, api.json()) == (401, {"reason": "sign_in"})
    assert client.get("/").headers["location"] == "/home"


def test_sign_in_returns_to_the_page_and_only_to_this_site(scenario: Scenario) -> None:
    client = _client(scenario)
    wrong = _sign_in(client, password="nope")
    assert wrong.status_code == 200
    assert 'id="auth-error-message-box"' in wrong.text
    assert "Your password is incorrect" in wrong.text
    assert "We cannot find an account" in _sign_in(client, email="x@example.com").text
    ok = _sign_in(client, "/orders-v3/mfn/pending")
    assert ok.headers["location"] == "/orders-v3/mfn/pending"
    cookie = ok.headers["set-cookie"]
    assert "session-token=" in cookie
    assert "HttpOnly" in cookie
    assert "Max-Age" not in cookie.split(",")[0]
    assert client.get("/orders-v3").status_code == 200
    assert _sign_in(_client(scenario), "https://evil.example/").headers["location"] == "/home"
    assert _sign_in(_client(scenario), "//evil.example/").headers["location"] == "/home"
    remembered = _sign_in(_client(scenario, session_minutes=30), rememberMe="true")
    assert "Max-Age=1800" in remembered.headers["set-cookie"]


def test_a_restarted_sandbox_accepts_the_cookie_another_secret_does_not(scenario: Scenario) -> None:
    first = _client(scenario)
    _sign_in(first)
    token = first.cookies["session-token"]
    for options, expected in (({}, 200), ({"secret": b"another secret"}, 302)):
        restarted = _client(scenario, **options)
        restarted.cookies.set("session-token", token)
        assert restarted.get("/home").status_code == expected


def test_one_time_code_step_and_remembered_device(scenario: Scenario) -> None:
    with_code = scenario.model_copy(
        update={"account": scenario.account.model_copy(update={"totp_secret": TOTP_SECRET})}
    )
    client = _client(with_code)
    assert _sign_in(client, "/orders-v3").headers["location"] == "/ap/mfa"
    assert client.get("/home").status_code == 302  # not signed in yet
    wrong = client.post(
        "/ap/mfa", data={"otpCode": "000000" if totp.current_code(TOTP_SECRET) != "000000" else "111111"}
    )
    assert "The One Time Password (OTP) you entered is not valid." in wrong.text
    right = client.post("/ap/mfa", data={"otpCode": totp.current_code(TOTP_SECRET), "rememberDevice": "true"})
    assert right.headers["location"] == "/orders-v3"
    assert "sc-device-trust=" in right.headers["set-cookie"]
    trust = client.cookies["sc-device-trust"]
    again = _client(with_code)
    again.cookies.set("sc-device-trust", trust)
    assert _sign_in(again, "/orders-v3").headers["location"] == "/orders-v3"  # no code asked
    assert _client(with_code).get("/ap/mfa").status_code == 302  # no sign-in in progress


def test_account_picker_step(scenario: Scenario) -> None:
    stores = ["Store A", "Store B"]
    picked = scenario.model_copy(update={"account": scenario.account.model_copy(update={"stores": stores})})
    client = _client(picked)
    location = _sign_in(client, "/messaging/inbox").headers["location"]
    assert location == "/authorization/select-account?returnTo=%2Fmessaging%2Finbox&mons_redirect=remedy_url"
    assert (
        client.get("/home").headers["location"].startswith("/authorization/select-account?returnTo=%2Fhome")
    )
    page = client.get(location).text
    assert re.findall(r'<span class="picker-name">([^<]+)</span>', page) == stores
    assert (
        client.post("/authorization/select-account", data={"store": "7", "returnTo": "/home"}).status_code
        == 200
    )
    chosen = client.post("/authorization/select-account", data={"store": "1", "returnTo": "/messaging/inbox"})
    assert chosen.headers["location"] == "/messaging/inbox"
    assert (
        '<span id="sc-mkt-picker-switcher-select" class="nav-store">Store B</span>'
        in client.get("/home").text
    )


def test_captcha_step_needs_the_characters_of_the_picture(scenario: Scenario) -> None:
    faulty = scenario.model_copy(
        update={"faults": scenario.faults.model_copy(update={"captcha_at_signin": True})}
    )
    client = _client(faulty)
    assert _sign_in(client).headers["location"] == "/ap/captcha"
    page = client.get("/ap/captcha").text
    assert 'id="auth-captcha-image"' in page
    assert 'id="auth-captcha-guess"' in page
    assert "Enter the characters you see below" in page
    answer = "".join(re.findall(r"<text[^>]*>(.)</text>", client.get("/ap/captcha/image").text))
    assert answer not in page
    assert "auth-error-message-box" in client.post("/ap/captcha", data={"guess": "nope"}).text
    answer = "".join(re.findall(r"<text[^>]*>(.)</text>", client.get("/ap/captcha/image").text))  # a new one
    assert client.post("/ap/captcha", data={"guess": answer}).headers["location"] == "/home"


def test_search_json_parameters(scenario: Scenario) -> None:
    client = _client(scenario)
    _sign_in(client)
    body = client.get("/orders-api/search?limit=10&offset=0&orderStatus=unshipped&fulfillmentType=mfn").json()
    assert body["total"] == 30
    assert [o["amazonOrderId"] for o in body["orders"]] == [order_id(n) for n in range(1, 11)]
    assert body["counts"] == {"pending": 0, "unshipped": 30, "shipped": 1, "canceled": 0}
    last = client.get(
        "/orders-api/search?limit=10&offset=20&orderStatus=unshipped&fulfillmentType=mfn&sort=order_date_asc"
    ).json()
    assert [o["amazonOrderId"] for o in last["orders"]] == [order_id(n) for n in range(10, 0, -1)]
    brc = client.get("/orders-api/search?buyerRequestedCancel=true&limit=100").json()
    assert brc["total"] == 10
    first = brc["orders"][0]
    assert first["buyerRequestedCancel"]["reason"] == "Order Created by Mistake"
    assert first["orderItems"][0]["BuyerRequestedCancel"] == {
        "IsBuyerRequestedCancel": "true",
        "BuyerCancelReason": "Order Created by Mistake",
    }
    assert isinstance(first["orderDate"], float)
    assert first["fulfillmentChannel"] == "MFN"
    assert client.get("/orders-api/search?fulfillmentType=afn").json()["total"] == 1
    assert client.get(f"/orders-api/search?q={order_id(4)}&qt=orderid").json()["total"] == 1
    for bad in (
        "limit=0",
        "limit=x",
        "offset=-1",
        "sort=price",
        "orderStatus=lost",
        "fulfillmentType=x",
        "qt=zip",
    ):
        response = client.get("/orders-api/search?" + bad)
        assert response.status_code == 400, bad
        assert response.json()["error"]


def test_order_json_has_actions_and_reasons(scenario: Scenario) -> None:
    client = _client(scenario)
    _sign_in(client)
    unshipped = client.get(f"/orders-api/order/{order_id(1)}").json()["order"]
    assert "cancelOrder" in unshipped["actions"]
    assert unshipped["possibleCancelReasons"] == [
        "NoInventory",
        "BuyerCanceled",
        "GeneralAdjustment",
        "ShippingAddressUndeliverable",
        "CustomerExchange",
        "PricingError",
    ]
    assert client.get(f"/orders-api/order/{order_id(40)}").json()["order"]["actions"] == []
    assert client.get(f"/orders-api/order/{order_id(41)}").json()["order"]["actions"] == []
    assert client.get("/orders-api/order/999-9999999-9999999").status_code == 404


def test_threads_json_replies_and_marks(scenario: Scenario) -> None:
    client = _client(scenario)
    _sign_in(client)
    page = client.get("/messaging/api/threads?folder=all&offset=50&limit=50").json()
    assert page["total"] == 60
    assert len(page["threads"]) == 10
    assert client.get("/messaging/api/threads?folder=nope").status_code == 400
    assert client.get("/messaging/api/threads?limit=500").status_code == 400
    assert client.post("/messaging/api/threads/t-1/reply", json={"text": "   "}).status_code == 400
    replied = client.post("/messaging/api/threads/t-1/reply", json={"text": "Hi!"}).json()
    assert replied["thread"]["status"] == "replied"
    assert replied["thread"]["messages"][-1]["sender"] == "seller"
    assert replied["counts"]["responseNeeded"] == 59
    marked = client.post("/messaging/api/threads/t-2/no-response-needed").json()
    assert marked["thread"]["statusLabel"] == "No response needed"
    assert client.post("/messaging/api/threads/t-999/no-response-needed").status_code == 404
    state = client.get("/__sandbox/state").json()
    assert [(r["thread_id"], r["order_id"], r["text"]) for r in state["replies"]] == [
        ("t-1", order_id(1), "Hi!")
    ]
    assert [(m["thread_id"], m["order_id"]) for m in state["no_response_needed"]] == [("t-2", order_id(2))]


def test_inspection_endpoints(scenario: Scenario) -> None:
    client = _client(scenario)
    assert client.get("/__sandbox/health").json() == {"ok": True}
    state = client.get("/__sandbox/state").json()
    assert set(state) == {"orders", "cancellations", "replies", "no_response_needed"}
    assert state["orders"][order_id(1)] == {"status": "unshipped"}
    changed = client.post(f"/__sandbox/orders/{order_id(1)}", json={"status": "shipped"})
    assert changed.json() == {"order_id": order_id(1), "status": "shipped"}
    assert client.get("/__sandbox/state").json()["orders"][order_id(1)] == {"status": "shipped"}
    assert client.post(f"/__sandbox/orders/{order_id(1)}", json={"status": "lost"}).status_code == 400
    assert client.post(f"/__sandbox/orders/{order_id(1)}", content=b"{").status_code == 400
    assert client.post("/__sandbox/orders/999-9999999-9999999", json={"status": "shipped"}).status_code == 404


def test_errors_hit_json_only_and_follow_the_seed(scenario: Scenario) -> None:
    faults = scenario.faults.model_copy(update={"error_share": 0.5, "seed": 11})
    faulty = scenario.model_copy(update={"faults": faults})

    def statuses() -> list[int]:
        client = _client(faulty)
        _sign_in(client)
        codes = []
        for _ in range(20):
            codes.append(client.get("/orders-v3").status_code)
            codes.append(client.get("/orders-api/search").status_code)
        return codes

    first = statuses()
    assert first == statuses()
    assert all(code == 200 for code in first[0::2])  # pages
    assert {500, 503, 200} == set(first[1::2])  # JSON
    all_errors = scenario.model_copy(update={"faults": faults.model_copy(update={"error_share": 1.0})})
    client = _client(all_errors)
    assert client.get("/__sandbox/state").status_code == 200  # never faulted
    _sign_in(client)
    assert client.get("/messaging/api/threads").status_code in (500, 503)


def test_slow_share_delays_pages_and_json(scenario: Scenario) -> None:
    slow = scenario.model_copy(
        update={"faults": scenario.faults.model_copy(update={"slow_share": 1.0, "slow_seconds": 0.2})}
    )
    client = _client(slow)
    started = time.monotonic()
    client.get("/ap/signin")
    assert time.monotonic() - started >= 0.2
    started = time.monotonic()
    client.get("/orders-api/search")
    assert time.monotonic() - started >= 0.2
    started = time.monotonic()
    client.get("/__sandbox/health")
    assert time.monotonic() - started < 0.2


def test_assets_are_cached_and_pages_link_them_by_version(scenario: Scenario) -> None:
    client = _client(scenario)
    _sign_in(client)
    page = client.get("/orders-v3").text
    urls = re.findall(r'(?:src|href)="(/assets/[^"]+)"', page)
    assert {u.split("?")[0] for u in urls} == {
        "/assets/sc.css",
        "/assets/sc.js",
        "/assets/kat.js",
        "/assets/myo.js",
    }
    for url in urls:
        assert re.search(r"\?v=[0-9a-f]{10}$", url)
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert client.get("/assets/nothing.js").status_code == 404
    assert "http://" not in page
    assert "https://" not in page
    assert len(page.encode()) < 12_000


def test_pages_compute_with_the_scenario_clock_or_the_real_one(scenario: Scenario) -> None:
    client = _client(scenario)
    _sign_in(client)
    first = client.get("/orders-api/search?limit=1").json()["orders"][0]
    assert first["display"]["age"] == "1 hour ago"  # order 1: an hour before the scenario's `now`
    real_now = datetime.now(UTC)
    live = scenario.model_copy(
        update={
            "now": None,
            "orders": [
                scenario.orders[0].model_copy(
                    update={"purchased_at": real_now - timedelta(days=3, minutes=5)}
                )
            ],
        }
    )
    client = _client(live)
    _sign_in(client)
    assert client.get("/orders-api/search?limit=1").json()["orders"][0]["display"]["age"] == "3 days ago"


def test_the_state_of_an_app(scenario: Scenario) -> None:
    app = create_app(scenario)
    assert state_of(app).order(order_id(1)) is not None
