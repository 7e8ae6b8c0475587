"""The floor: the same orders and threads fetched from the sandbox's JSON endpoints with plain HTTP.

No browser can read a page faster than its data arrives, so the scan's time is judged against this,
measured in the same run on the same machine (an absolute time says little on a shared, busy box). It
signs in the way a form post does (password, one-time code, account picker when the scenario has them),
then reads every page of the order views the agent reads and of the "All" inbox, at the largest page
size the UI offers (100 orders, 50 threads per "Load more").
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

import httpx

ORDER_PAGE_SIZE = 100
"""The largest "results per page" of Manage Orders (docs/sandbox-pages.md)."""
THREAD_PAGE_SIZE = 50
"""What one "Load more" brings in the inbox."""
ORDER_VIEWS: tuple[dict[str, str], ...] = (
    {"orderStatus": "unshipped", "fulfillmentType": "mfn"},
    {"orderStatus": "pending", "fulfillmentType": "mfn"},
    {"orderStatus": "shipped", "fulfillmentType": "mfn", "buyerRequestedCancel": "true"},
)
"""Every row of the tabs the scan reads in full, and the Shipped tab through the request filter."""


@dataclass(frozen=True)
class Account:
    email: str
    password: str
    totp_secret: str | None = None
    store_index: int = 0


@dataclass(frozen=True)
class FloorResult:
    seconds: float
    requests: int
    orders: int
    threads: int
    truncated_threads: int
    """Threads whose inbox preview was cut short: the ones a reader may have to open."""
    bodies_seconds: float
    """Reading those threads whole (`/messaging/api/threads/<id>`), after the lists."""


class FloorError(RuntimeError):
    """The plain-HTTP reader could not sign in or read a page."""


def _sign_in(client: httpx.Client, account: Account) -> int:
    """Sign in with form posts; returns how many requests it took."""
    answer = client.post(
        "/ap/signin",
        data={
            "email": account.email,
            "password": account.password,
            "rememberMe": "true",
            "openid.return_to": "/home",
        },
    )
    requests = 1 + len(answer.history)
    for _step in range(3):
        path = urlparse(str(answer.url)).path
        if path == "/ap/mfa":
            if account.totp_secret is None:
                raise FloorError("the sandbox asks for a one-time code and the scenario has no totp_secret")
            import pyotp

            code = pyotp.TOTP(account.totp_secret).now()
            answer = client.post("/ap/mfa", data={"otpCode": code, "rememberDevice": "true"})
        elif path == "/authorization/select-account":
            answer = client.post(
                "/authorization/select-account", data={"store": str(account.store_index), "returnTo": "/home"}
            )
        elif path.startswith("/ap/"):
            raise FloorError(f"sign-in stopped at {path} (a captcha or a rejected password?)")
        else:
            return requests
        requests += 1 + len(answer.history)
    raise FloorError("sign-in did not finish in three steps")


def _get_json(client: httpx.Client, path: str, params: dict[str, Any]) -> dict[str, Any]:
    answer = client.get(path, params=params)
    if answer.status_code != 200:
        raise FloorError(f"GET {path} answered {answer.status_code}: {answer.text[:200]}")
    document: dict[str, Any] = answer.json()
    return document


def measure_floor(base_url: str, account: Account) -> FloorResult:
    """Sign in and read every order page and every inbox page (timed: the floor), then the cut-off
    threads whole (timed apart: a reader opens some of them, but which depends on their words)."""
    started = time.perf_counter()
    with httpx.Client(base_url=base_url, follow_redirects=True, timeout=60) as client:
        requests = _sign_in(client, account)
        orders = 0
        for view in ORDER_VIEWS:
            offset = 0
            while True:
                page = _get_json(
                    client, "/orders-api/search", {**view, "limit": ORDER_PAGE_SIZE, "offset": offset}
                )
                requests += 1
                orders += len(page["orders"])
                offset += ORDER_PAGE_SIZE
                if offset >= page["total"]:
                    break
        threads = 0
        cut_short: list[str] = []
        offset = 0
        while True:
            page = _get_json(
                client,
                "/messaging/api/threads",
                {"folder": "all", "limit": THREAD_PAGE_SIZE, "offset": offset},
            )
            requests += 1
            threads += len(page["threads"])
            cut_short += [
                t["id"] for t in page["threads"] if str(t.get("snippet", "")).rstrip().endswith("…")
            ]
            offset += THREAD_PAGE_SIZE
            if offset >= page["total"]:
                break
        lists_done = time.perf_counter()
        for thread_id in cut_short:
            _get_json(client, f"/messaging/api/threads/{thread_id}", {})
    return FloorResult(
        seconds=lists_done - started,
        requests=requests,
        orders=orders,
        threads=threads,
        truncated_threads=len(cut_short),
        bodies_seconds=time.perf_counter() - lists_done,
    )
