"""Scrubbing a captured HAR: planted secrets and personal data disappear, the HAR stays a valid HAR, and
the same value always gets the same fake (so replayed pages still read as they did)."""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import pytest

from automation.recording.html_text import SimpleSelector, element_texts
from automation.recording.scrub import (
    REDACTED,
    Pseudonyms,
    find_leftovers,
    redact_form_text,
    scrub_document,
    scrub_har,
)

ROOT = Path(__file__).resolve().parents[3]
SESSION = "eyJlbSI6InNlbGxlciJ9.c2lnbmF0dXJlLW9mLXRoZS1zZXNzaW9u"
CSRF = "hGk2Jd9wQpLm4TzX7aVbN0sR"
PASSWORD = "planted-pass-word-77"
NAME_SELECTORS = ["[data-test-id='buyer-name-with-link']", ".thread-buyer-name"]


def header(name: str, value: str) -> dict[str, str]:
    return {"name": name, "value": value}


def entry(
    method: str,
    url: str,
    *,
    body: str,
    mime: str,
    post: dict[str, Any] | None = None,
    request_headers: list[dict[str, str]] | None = None,
    response_headers: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    request: dict[str, Any] = {
        "method": method,
        "url": url,
        "httpVersion": "HTTP/1.1",
        "headers": request_headers or [header("Cookie", f"session-token={SESSION}")],
        "cookies": [{"name": "session-token", "value": SESSION}],
        "queryString": [],
        "headersSize": -1,
        "bodySize": 0,
    }
    if post is not None:
        request["postData"] = post
    return {
        "startedDateTime": "2026-11-26T12:00:00.000Z",
        "time": 5,
        "request": request,
        "response": {
            "status": 200,
            "statusText": "OK",
            "httpVersion": "HTTP/1.1",
            "headers": response_headers
            or [
                header("Content-Type", mime),
                header("Content-Length", str(len(body.encode()))),
                header("Set-Cookie", f"session-token={SESSION}; HttpOnly"),
            ],
            "cookies": [{"name": "session-token", "value": SESSION}],
            "content": {"size": len(body.encode()), "mimeType": mime, "text": body},
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": -1,
        },
        "cache": {},
        "timings": {"send": 0, "wait": 5, "receive": 0},
    }


ORDERS_JSON = {
    "orders": [
        {"amazonOrderId": "111-1234567-1234567", "buyerName": "Jane Doe", "orderStatus": "Unshipped"},
        {"amazonOrderId": "112-7654321-7654321", "buyerName": "Ann Lee", "orderStatus": "Unshipped"},
    ],
    "total": 2,
}
DETAIL_JSON = {
    "order": {
        "amazonOrderId": "111-1234567-1234567",
        "buyerName": "Jane Doe",
        "shippingAddress": ["Jane Doe", "12 Maple Ave", "Springfield 62704"],
        "phone": "+1 (206) 555-0199",
        "purchaseDate": "2026-11-25",
    }
}
THREAD_JSON = {
    "thread": {
        "id": "t-1",
        "subject": "Inquiry from Amazon customer Jane Doe (Order: 111-1234567-1234567)",
        "buyerName": "Jane Doe",
        "messages": [
            {
                "sender": "buyer",
                "senderName": "Jane Doe",
                "body": "Please cancel. Mail jane.doe@mail.example or call +44 20 7946 0958. Announcement",
            },
            {"sender": "seller", "senderName": "You", "body": "Done."},
        ],
    }
}
ORDERS_HTML = (
    "<html><body><table><tr><td><span data-test-id='buyer-name-with-link'>Rosa  Marquez</span></td>"
    "</tr></table><ul><li class='thread-item'><span class='thread-buyer-name'>Ann Lee</span></li></ul>"
    f"<form><input type='hidden' name='anti-csrftoken-a2z' value='{CSRF}'></form>"
    "<p>Rosa Marquez asked on 2026-11-25 about order 111-1234567-1234567 ($25.98).</p></body></html>"
)


@pytest.fixture
def captured() -> dict[str, Any]:
    return {
        "log": {
            "version": "1.2",
            "creator": {"name": "Playwright", "version": "1.65.2"},
            "pages": [{"id": "page@1", "title": "Manage Orders", "startedDateTime": "2026-11-26T12:00:00Z"}],
            "entries": [
                entry(
                    "POST",
                    "http://127.0.0.1:8765/ap/signin",
                    body="",
                    mime="text/html",
                    post={
                        "mimeType": "application/x-www-form-urlencoded",
                        "text": f"email=seller%40example.com&password={PASSWORD}",
                        "params": [
                            {"name": "email", "value": "seller@example.com"},
                            {"name": "password", "value": PASSWORD},
                        ],
                    },
                ),
                entry("GET", "http://127.0.0.1:8765/orders-v3", body=ORDERS_HTML, mime="text/html"),
                entry(
                    "GET",
                    "http://127.0.0.1:8765/orders-api/search?limit=15",
                    body=json.dumps(ORDERS_JSON),
                    mime="application/json",
                    request_headers=[header("Authorization", f"Bearer {SESSION}"), header("Accept", "*/*")],
                ),
                entry(
                    "GET",
                    "http://127.0.0.1:8765/orders-api/order/111-1234567-1234567",
                    body=json.dumps(DETAIL_JSON),
                    mime="application/json",
                ),
                entry(
                    "GET",
                    "http://127.0.0.1:8765/messaging/api/threads/t-1",
                    body=json.dumps(THREAD_JSON),
                    mime="application/json; charset=utf-8",
                    request_headers=[header("anti-csrftoken-a2z", CSRF)],
                ),
                entry("GET", "http://127.0.0.1:8765/orders-v3", body=ORDERS_HTML, mime="text/html"),
            ],
        }
    }


PLANTED = [
    SESSION,
    CSRF,
    PASSWORD,
    "Jane Doe",
    "Ann Lee",
    "Rosa Marquez",
    "Rosa  Marquez",
    "12 Maple Ave",
    "Springfield 62704",
    "+1 (206) 555-0199",
    "jane.doe@mail.example",
    "+44 20 7946 0958",
    "seller@example.com",
    "seller%40example.com",
]


def scrubbed_text(captured: dict[str, Any]) -> tuple[str, dict[str, Any], Any]:
    har, report, fakes = scrub_har(
        captured, account_email="seller@example.com", name_selectors=NAME_SELECTORS
    )
    return json.dumps(har, ensure_ascii=False), har, (report, fakes)


@pytest.mark.parametrize("secret", PLANTED)
def test_every_planted_secret_and_personal_value_is_gone(captured: dict[str, Any], secret: str) -> None:
    assert secret in json.dumps(captured)  # planted, so the test can fail
    text, _har, _ = scrubbed_text(captured)
    assert secret not in text


def test_the_result_is_still_a_valid_har(captured: dict[str, Any]) -> None:
    _text, har, _ = scrubbed_text(captured)
    log = har["log"]
    assert log["version"] == "1.2"
    assert log["creator"]["name"] == "Playwright"
    assert len(log["entries"]) == 5  # the repeated /orders-v3 entry became an exact repeat: dropped
    for item in log["entries"]:
        for key in ("startedDateTime", "time", "request", "response", "cache", "timings"):
            assert key in item
        assert {"method", "url", "headers", "cookies", "queryString"} <= set(item["request"])
        content = item["response"]["content"]
        assert content["size"] == len(content["text"].encode())
        lengths = [h["value"] for h in item["response"]["headers"] if h["name"].lower() == "content-length"]
        assert lengths == [str(content["size"])]
        if "json" in content["mimeType"]:
            json.loads(content["text"])


def test_urls_and_order_data_are_untouched(captured: dict[str, Any]) -> None:
    _text, har, _ = scrubbed_text(captured)
    urls = [e["request"]["url"] for e in har["log"]["entries"]]
    assert urls == [e["request"]["url"] for e in captured["log"]["entries"]][:5]
    orders = json.loads(har["log"]["entries"][2]["response"]["content"]["text"])["orders"]
    assert [o["amazonOrderId"] for o in orders] == ["111-1234567-1234567", "112-7654321-7654321"]
    html = har["log"]["entries"][1]["response"]["content"]["text"]
    assert "2026-11-25" in html
    assert "$25.98" in html


def test_names_get_the_same_fake_everywhere(captured: dict[str, Any]) -> None:
    _text, har, (_report, fakes) = scrubbed_text(captured)
    jane = fakes.names["Jane Doe"]
    assert jane.startswith("Buyer ")
    thread = json.loads(har["log"]["entries"][4]["response"]["content"]["text"])["thread"]
    assert thread["buyerName"] == jane
    assert thread["subject"] == f"Inquiry from Amazon customer {jane} (Order: 111-1234567-1234567)"
    assert thread["messages"][0]["senderName"] == jane
    assert thread["messages"][1]["senderName"] == "You"  # the seller is not a buyer
    assert thread["messages"][0]["body"].endswith("Announcement")  # "Ann" is replaced as a word only
    detail = json.loads(har["log"]["entries"][3]["response"]["content"]["text"])["order"]
    assert detail["shippingAddress"][0] == jane
    html = har["log"]["entries"][1]["response"]["content"]["text"]
    assert fakes.names["Rosa Marquez"] in html
    assert fakes.names["Ann Lee"] in html


def test_secrets_are_removed_not_faked(captured: dict[str, Any]) -> None:
    _text, har, (report, _fakes) = scrubbed_text(captured)
    for item in har["log"]["entries"]:
        for part in (item["request"], item["response"]):
            assert part["cookies"] == []
            names = {h["name"].lower() for h in part["headers"]}
            assert not names & {"cookie", "set-cookie", "authorization"}
    signin = har["log"]["entries"][0]["request"]["postData"]
    assert signin["text"] == ""
    assert signin["params"] == []
    thread_request = har["log"]["entries"][4]["request"]["headers"]
    assert header("anti-csrftoken-a2z", REDACTED) in thread_request
    assert f"value='{REDACTED}'" in har["log"]["entries"][1]["response"]["content"]["text"]
    assert report.counts["sign-in form bodies"] == 1
    assert report.counts["cookies"] == 12


def test_the_account_email_gets_the_seller_fake_in_other_files(captured: dict[str, Any]) -> None:
    _text, _har, (_report, fakes) = scrubbed_text(captured)
    document = {"format": 1, "account": "seller@example.com", "requests": []}
    assert scrub_document(document, fakes)["account"] == "seller@example.invalid"


def test_a_name_that_is_another_buyers_fake_does_not_chain() -> None:
    har = {
        "log": {
            "version": "1.2",
            "entries": [
                entry(
                    "GET",
                    "http://x/orders-api/search",
                    body=json.dumps({"orders": [{"buyerName": "Buyer 2"}, {"buyerName": "Buyer 1"}]}),
                    mime="application/json",
                )
            ],
        }
    }
    clean, _report, fakes = scrub_har(har)
    names = [
        o["buyerName"]
        for o in json.loads(clean["log"]["entries"][0]["response"]["content"]["text"])["orders"]
    ]
    assert names == [fakes.names["Buyer 2"], fakes.names["Buyer 1"]] == ["Buyer 1", "Buyer 2"]


def test_leftovers_are_found_as_whole_words_only() -> None:
    assert find_leftovers("Dear Jane Doe,", ["Jane Doe"]) == ["Jane Doe"]
    assert find_leftovers("Announcement", ["Ann"]) == []
    assert find_leftovers("Jane &amp; Co", ["Jane & Co"]) == ["Jane & Co"]


def test_form_fields_are_redacted_by_name() -> None:
    text = "openid.return_to=%2F&email=a%40b.c&password=p%26w&otpCode=123456&rememberDevice=true"
    assert redact_form_text(text) == (
        f"openid.return_to=%2F&email=a%40b.c&password={REDACTED}&otpCode={REDACTED}&rememberDevice=true"
    )


def test_pseudonyms_are_stable_and_numbered_per_kind() -> None:
    fakes = Pseudonyms("owner@shop.example")
    assert fakes.email("OWNER@shop.example") == "seller@example.invalid"
    assert fakes.email("a@x.example") == "person-1@example.invalid"
    assert fakes.email("a@x.example") == "person-1@example.invalid"
    assert fakes.email("b@x.example") == "person-2@example.invalid"
    assert fakes.name("Jane") == "Buyer 1"
    assert fakes.name("Jane") == "Buyer 1"


def test_simple_selectors_pick_element_texts() -> None:
    html = (
        "<div><span data-test-id='buyer-name-with-link'>Jane <b>Doe</b></span><br>"
        "<li class='thread-list-item unread'><span class='thread-buyer-name x'>Ann Lee</span></li>"
        "<span data-test-id='other'>Not a name</span></div>"
    )
    selectors = ["[data-test-id='buyer-name-with-link']", "span.thread-buyer-name", "#a > .b"]
    assert element_texts(html, selectors) == ["Jane Doe", "Ann Lee"]
    assert SimpleSelector.parse("#a > .b") is None  # combinators are skipped, never guessed
    assert SimpleSelector.parse('td[data-test-id="x"].c') == SimpleSelector(
        "td", (), ("c",), (("data-test-id", "x"),)
    )


@pytest.mark.parametrize("module", ["scrub.py", "personal_data.py", "trace_zip.py", "html_text.py"])
def test_scrubbing_imports_no_playwright(module: str) -> None:
    tree = ast.parse((ROOT / "automation" / "recording" / module).read_text(encoding="utf-8"))
    imported = [
        alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
    ] + [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert not [name for name in imported if name.startswith("playwright")]
