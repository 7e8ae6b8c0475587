"""Helpers for the scan's browser tests (tests/browser/test_scan_*.py): scenario builders and the agent
run in a subprocess.

The agent runs as `python -m automation` in its own process, because the Playwright sync API cannot be
started twice in one thread and pytest-playwright's `page` may be alive in the test process. Every run
gets its data folder and working folder under the test's `tmp_path`, so ledgers, saved sessions, locks
and run folders never leak between tests or into the repository.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from playwright.sync_api import Page, expect
from scenario_kit import EMAIL, NOW, PASSWORD, iso, order, scenario
from starlette.types import ASGIApp, Receive, Scope, Send

from automation.sandbox.faults import FaultDraw
from automation.sandbox.generator import dump_scenario
from automation.sandbox.scenario import parse_scenario
from automation.sandbox.server import SandboxServer
from automation.targets import resolve_targets

AGENT_TIMEOUT_S = 240
SIGNING_IN = "signing in to "
"""The agent's INFO log line each time it signs in (runner.AccountBrowser.sign_in)."""


def message(
    order: dict[str, Any] | None, subject: str, body: str, *, minutes_ago: int, buyer: str | None = None
) -> dict[str, Any]:
    """A thread the sandbox shows verbatim (a buyer's own message, a decoy...)."""
    entry: dict[str, Any] = {
        "buyer_name": buyer or (order["buyer_name"] if order else "A Shopper"),
        "subject": subject,
        "body": body,
        "received_at": iso(NOW - timedelta(minutes=minutes_ago)),
    }
    if order is not None:
        entry["order_id"] = order["id"]
    return entry


def asking_to_cancel(orders: list[dict[str, Any]], *, minutes_ago: int = 5) -> list[dict[str, Any]]:
    """A buyer's own message asking to cancel, one per order (an inquiry each), a minute apart, newest
    first."""
    return [
        message(
            o,
            f"Inquiry from Amazon customer {o['buyer_name']} (Order: {o['id']})",
            "Hi, could you please cancel this order? I ordered the wrong colour.",
            minutes_ago=minutes_ago + i,
        )
        for i, o in enumerate(orders)
    ]


def write_scenario(folder: Path, data: dict[str, Any], name: str = "scenario.yaml") -> Path:
    path = folder / name
    path.write_text(dump_scenario(data, {}), encoding="utf-8")
    return path


def official(order: dict[str, Any], sources: list[str]) -> dict[str, Any]:
    """The `scan --json` entry of an order's official request, as sandbox-scenario.md defines it."""
    request = order["cancel_request"]
    return {
        "order_id": order["id"],
        "kind": "official",
        "sources": sources,
        "reason": request["reason"],
        "requested_at": request["requested_at"],
        "order_status": order["status"],
    }


def inquiry(order: dict[str, Any], thread: dict[str, Any]) -> dict[str, Any]:
    """The entry of a buyer's own request: no reason; the time is the message's (to the minute)."""
    return {
        "order_id": order["id"],
        "kind": "inquiry",
        "sources": ["messages"],
        "reason": None,
        "requested_at": thread["received_at"],
        "order_status": order["status"],
    }


@dataclass(frozen=True)
class AgentRun:
    code: int
    stdout: str
    stderr: str

    def document(self) -> dict[str, Any]:
        """The `--json` document; fails the test (with the agent's stderr) when there is none."""
        assert self.code == 0, f"exit code {self.code}; stderr:\n{self.stderr[-4000:]}"
        document: dict[str, Any] = json.loads(self.stdout)
        return document

    def sign_ins(self) -> int:
        return self.stderr.count(SIGNING_IN)


def run_agent(
    workdir: Path,
    *args: str,
    scenario: Path | None = None,
    base_url: str | None = None,
    data_dir: Path | None = None,
    env: dict[str, str] | None = None,
    command: str = "scan",
    verbose: bool = False,
) -> AgentRun:
    """Run `sc-cancel [-v] <command> --json ...` in a subprocess, in `workdir`, with its data under it."""
    workdir.mkdir(parents=True, exist_ok=True)
    data_dir = data_dir or workdir / "data"
    argv = [sys.executable, "-m", "automation", *(["-v"] if verbose else []), command, "--json"]
    if scenario is not None:
        argv += ["--scenario", str(scenario)]
    if base_url is not None:
        argv += ["--base-url", base_url]
    argv += list(args)
    environ = {**os.environ, "SC_CANCEL_DATA_DIR": str(data_dir), **(env or {})}
    environ.pop("SC_CANCEL_CONFIG", None)
    done = subprocess.run(
        argv,
        cwd=workdir,
        env=environ,
        capture_output=True,
        text=True,
        timeout=AGENT_TIMEOUT_S,
        check=False,
    )
    return AgentRun(done.returncode, done.stdout, done.stderr)


def sign_in(page: Page, base_url: str) -> None:
    """Sign in by hand in the test's own browser (for tests that drive the agent's page objects)."""
    page.goto(base_url + "/home")
    page.locator("#ap_email").fill(EMAIL)
    page.locator("#ap_password").fill(PASSWORD)
    page.locator("#signInSubmit").click()
    expect(page.locator("#sc-top-nav")).to_be_visible()


class RequestLog:
    """ASGI middleware that writes down each request the sandbox gets: what the agent asked for, seen
    from the site's side (sign-ins, which result pages were fetched)."""

    def __init__(self, app: ASGIApp, log: list[tuple[str, str, dict[str, list[str]]]]) -> None:
        self.app = app
        self.log = log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
            self.log.append((scope["method"], scope["path"], query))
        await self.app(scope, receive, send)


@dataclass
class LoggedSandbox:
    server: SandboxServer
    requests: list[tuple[str, str, dict[str, list[str]]]]
    faults: list[FaultDraw]
    """The injected fault drawn for each counted request (mostly none), in order."""

    @property
    def base_url(self) -> str:
        return self.server.base_url

    def sign_ins(self) -> int:
        """Password forms posted: each is one sign-in."""
        return sum(1 for method, path, _ in self.requests if method == "POST" and path == "/ap/signin")

    def order_searches(self) -> list[dict[str, list[str]]]:
        return [query for method, path, query in self.requests if path == "/orders-api/search"]


@contextmanager
def logged_sandbox(data: dict[str, Any]) -> Iterator[LoggedSandbox]:
    """An in-process sandbox (like `sc-cancel sandbox serve`) serving `data`, logging every request."""
    server = SandboxServer(parse_scenario(dump_scenario(data, {})))
    requests: list[tuple[str, str, dict[str, list[str]]]] = []
    server.app.add_middleware(RequestLog, log=requests)
    faults: list[FaultDraw] = []
    plan = server.context.faults
    draw = plan.draw

    def recording_draw(*, is_json: bool) -> FaultDraw:
        drawn = draw(is_json=is_json)
        faults.append(drawn)
        return drawn

    plan.draw = recording_draw  # type: ignore[method-assign]
    with server:
        yield LoggedSandbox(server, requests, faults)


def account_key(scenario_file: Path, base_url: str | None = None) -> str:
    """The key the agent keeps an account's state (and lock) under, for a scenario file."""
    targets = resolve_targets(scenario=scenario_file, base_url=base_url, settings=None, account=None, env={})
    key: str = targets[0].key
    return key


# -- a small store with every kind of request, used by the session and fault tests ------------------

MIXED_BOTH = order(1, request="Other", channel="both")
MIXED_MESSAGES_ONLY = order(2, request="Order Created by Mistake", channel="messages")
MIXED_MANAGE_ORDERS_ONLY = order(3, request="Shipping Cost Too High", channel="manage_orders")
MIXED_ASKS = order(4)
# The first line alone does not say what the buyer wants, so the thread has to be opened.
MIXED_ASKS_MESSAGE = message(
    MIXED_ASKS,
    f"Inquiry from Amazon customer {MIXED_ASKS['buyer_name']} (Order: {MIXED_ASKS['id']})",
    "Hello,\nplease cancel this order, I bought it by mistake.",
    minutes_ago=30,
)
MIXED_PLAIN = order(5)
MIXED_EXPECTED = sorted(
    [
        official(MIXED_BOTH, ["manage_orders", "messages"]),
        official(MIXED_MESSAGES_ONLY, ["messages"]),
        official(MIXED_MANAGE_ORDERS_ONLY, ["manage_orders"]),
        inquiry(MIXED_ASKS, MIXED_ASKS_MESSAGE),
    ],
    key=lambda e: e["order_id"],
)
"""What a correct scan of `mixed_store()` lists."""


def mixed_store(**faults: Any) -> dict[str, Any]:
    """Requests in each channel and in both, an inquiry that needs its thread opened, a plain order."""
    orders = [MIXED_BOTH, MIXED_MESSAGES_ONLY, MIXED_MANAGE_ORDERS_ONLY, MIXED_ASKS, MIXED_PLAIN]
    return scenario(orders, messages=[MIXED_ASKS_MESSAGE], faults=faults)
