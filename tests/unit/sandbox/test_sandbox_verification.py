"""The sandbox's e-mailed verification code ("Verify it's you"), a sandbox-only switch: off unless a test
or a person turns it on through `/__sandbox/verification`, where the codes "sent" can be read."""

from __future__ import annotations

import re
import warnings

import pytest
from sandbox_scenarios import build, order
from scenario_kit import EMAIL, PASSWORD, TOTP_SECRET

from automation.sandbox import totp
from automation.sandbox.app import create_app
from automation.sandbox.scenario import Scenario

with warnings.catch_warnings():  # Starlette 1.x prefers httpx2 for its TestClient; httpx still works
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient


def _client(scenario: Scenario) -> TestClient:
    return TestClient(create_app(scenario), follow_redirects=False)


def _sign_in(client: TestClient) -> str:
    form = {"email": EMAIL, "password": PASSWORD, "openid.return_to": "/home"}
    location: str = client.post("/ap/signin", data=form).headers["location"]
    return location


def _switch_on(client: TestClient) -> None:
    answer = client.post("/__sandbox/verification", json={"enabled": True})
    assert (answer.status_code, answer.json()["enabled"]) == (200, True)


@pytest.fixture
def scenario() -> Scenario:
    return build([order(1, request="Order Created by Mistake")])


def test_off_by_default_so_format_1_scenarios_sign_in_as_before(scenario: Scenario) -> None:
    client = _client(scenario)
    assert client.get("/__sandbox/verification").json() == {"enabled": False, "sent": []}
    assert _sign_in(client) == "/home"


def test_the_code_sent_is_readable_and_only_it_passes(scenario: Scenario) -> None:
    client = _client(scenario)
    _switch_on(client)

    assert _sign_in(client) == "/ap/cvf/verify"
    page = client.get("/ap/cvf/verify").text
    assert 'id="cvf-input-code"' in page
    assert 'name="code"' in page
    assert 'id="cvf-submit-otp-button"' in page
    assert "<h1>Verify it&#x27;s you</h1>" in page
    assert "s***@example.com" in page  # the address, masked as Amazon shows it
    (sent,) = client.get("/__sandbox/verification").json()["sent"]
    assert sent["to"] == EMAIL
    assert re.fullmatch(r"\d{6}", sent["code"])
    assert sent["code"] not in page
    assert client.get("/home").status_code == 302  # no session before the code

    wrong = "000000" if sent["code"] != "000000" else "111111"
    refused = client.post("/ap/cvf/verify", data={"code": wrong})
    assert refused.status_code == 200
    assert 'id="auth-error-message-box"' in refused.text
    assert "Invalid OTP" in refused.text

    accepted = client.post("/ap/cvf/verify", data={"code": f" {sent['code']} "})
    assert accepted.headers["location"] == "/home"
    assert "session-token=" in accepted.headers["set-cookie"]
    assert client.get("/home").status_code == 200


def test_verification_comes_before_the_one_time_code(scenario: Scenario) -> None:
    client = _client(
        scenario.model_copy(
            update={"account": scenario.account.model_copy(update={"totp_secret": TOTP_SECRET})}
        )
    )
    _switch_on(client)
    assert _sign_in(client) == "/ap/cvf/verify"
    (sent,) = client.get("/__sandbox/verification").json()["sent"]
    assert client.post("/ap/cvf/verify", data={"code": sent["code"]}).headers["location"] == "/ap/mfa"
    code = totp.current_code(TOTP_SECRET)
    assert client.post("/ap/mfa", data={"otpCode": code}).headers["location"] == "/home"


def test_a_bad_switch_request_says_what_to_send(scenario: Scenario) -> None:
    client = _client(scenario)
    answer = client.post("/__sandbox/verification", json={"enabled": "yes"})
    assert answer.status_code == 400
    assert "enabled" in answer.json()["error"]
