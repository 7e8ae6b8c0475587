"""The classic layout over HTTP: the same state behind server-rendered lists that fetch nothing, and
spa's pages untouched by it."""

from __future__ import annotations

import re
import warnings

from sandbox_scenarios import build, message, order
from scenario_kit import EMAIL, PASSWORD, order_id

from automation.sandbox.app import create_app
from automation.sandbox.scenario import Scenario

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient


def _signed_in(scenario: Scenario) -> TestClient:
    client = TestClient(create_app(scenario), follow_redirects=False)  # type: ignore[arg-type]
    client.post("/ap/signin", data={"email": EMAIL, "password": PASSWORD, "openid.return_to": "/home"})
    return client


def _classic(**extra: object) -> Scenario:
    orders = [order(n, request="Other" if n == 2 else None) for n in range(1, 20)]
    messages = [message(n, minutes_ago=n, order_n=n) for n in range(1, 31)]
    return build(orders, messages=messages, format=2, layout="classic", **extra)


def test_classic_lists_fetch_nothing_and_their_json_is_not_served() -> None:
    client = _signed_in(_classic())
    for url in ("/orders-v3", "/messaging/inbox?fi=all"):
        page = client.get(url)
        assert page.status_code == 200
        assert "fetch" not in page.text
        assert "<script" not in page.text.split("</head>")[1]
    assert client.get("/orders-api/search").status_code == 404
    assert client.get("/messaging/api/threads").status_code == 404
    assert client.get("/orders-api/order/" + order_id(1)).status_code == 200  # the shared details page


def test_a_format_1_scenario_is_spa() -> None:
    client = _signed_in(build([order(1)]))
    assert 'id="sc-top-nav"' in client.get("/home").text
    assert client.get("/orders-api/search").status_code == 200
    # Amazon's cancel URL (ref §12.3) is every layout's, and the older one still answers.
    for tail in ("cancel-order", "cancel"):
        assert 'id="cancel-order-form"' in client.get(f"/orders-v3/order/{order_id(1)}/{tail}").text


def test_the_range_text_is_localized_and_counts_the_folder() -> None:
    page = _signed_in(_classic(locale="ja_JP")).get("/messaging/inbox?fi=all&page=2").text
    assert re.search(r'class="bx-range">30件中 26–30件<', page)
    assert 'class="bx-prev"' in page
    assert 'class="bx-next bx-off"' in page


def test_a_reply_posted_from_the_thread_page_is_in_the_state() -> None:
    client = _signed_in(_classic())
    listing = client.get("/messaging/inbox?fi=all").text
    case = re.search(r'href="/messaging/inbox\?fi=caseId&amp;cc=(\d+)"', listing)
    assert case is not None
    answer = client.post("/messaging/inbox/reply", data={"cc": case.group(1), "text": "Done."})
    assert answer.status_code == 302
    assert answer.headers["location"] == f"/messaging/inbox?fi=caseId&cc={case.group(1)}"
    state = client.get("/__sandbox/state").json()
    assert [(r["order_id"], r["text"]) for r in state["replies"]] == [(order_id(1), "Done.")]
