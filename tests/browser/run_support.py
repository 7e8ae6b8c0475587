"""Helpers for the browser tests of `sc-cancel run`: scenario and rules files, a sandbox that outlives
agent runs (optionally with a test hook in front of it), and the agent run in a subprocess.

Why a subprocess: the Playwright sync API cannot be started twice in one thread, and pytest-playwright's
own `page` may be alive in the test process. Why a persistent in-process sandbox with `--base-url`: what
the agent did must be counted across several agent runs (and across a killed one), through
`/__sandbox/state`, the sandbox's own record of every submission.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from scenario_kit import NOW, iso, order_id
from scenario_kit import order as kit_order

from automation.sandbox.server import SandboxServer

AGENT_TIMEOUT_S = 120


def order(
    n: int,
    *,
    status: str = "unshipped",
    request: str | None = None,
    channel: str | None = None,
    sku: str | None = None,
    price: float = 12.5,
    quantity: int = 1,
) -> dict[str, Any]:
    """scenario_kit's order with the run tests' defaults: buyers named like people ("Buyer Number1", so
    the redaction tests have a name to look for), one price the rules' thresholds are written against,
    and requests made 40 minutes after buying."""
    return kit_order(
        n,
        status=status,
        request=request,
        channel=channel,
        sku=sku,
        price=price,
        quantity=quantity,
        buyer=f"Buyer Number{n}",
        request_after_minutes=40,
    )


def inquiry(
    n: int, body: str = "Hi, I ordered this by mistake. Can you please cancel my order? Thanks"
) -> dict[str, Any]:
    """A buyer's own message asking to cancel order `n` (an inquiry, never an official request)."""
    return {
        "order_id": order_id(n),
        "buyer_name": f"Buyer Number{n}",
        "subject": f"Inquiry from Amazon customer Buyer Number{n} (Order: {order_id(n)})",
        "body": body,
        "received_at": iso(NOW - timedelta(hours=n) + timedelta(minutes=50)),
    }


def write_yaml(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def rules(
    *rule_list: dict[str, Any], per_run: int = 20, per_day: int = 100, default: str = "hold"
) -> dict[str, Any]:
    return {
        "format": 1,
        "default": default,
        "limits": {"max_cancellations_per_run": per_run, "max_cancellations_per_day": per_day},
        "rules": list(rule_list),
    }


AUTO_CANCEL_OFFICIAL = {
    "name": "official unshipped cancel",
    "when": {"kind": "official", "order_status": ["unshipped"]},
    "then": "cancel",
    "approve": "auto",
}
MANUAL_CANCEL_OFFICIAL = {
    **AUTO_CANCEL_OFFICIAL,
    "name": "official unshipped need a person",
    "approve": "manual",
}
AUTO_REPLY_INQUIRY = {
    "name": "inquiries get the instructions",
    "when": {"kind": "inquiry", "order_status": ["unshipped"]},
    "then": "reply",
    "approve": "auto",
}


# -- the sandbox -------------------------------------------------------------------------------------

Hook = Callable[[str, str], float | None]
"""Called with (method, path) before the sandbox handles each request; may return a number of seconds
to hold the answer back after the sandbox has handled the request (None: answer at once)."""


async def _sleep_unless_gone(seconds: float, receive: Any) -> None:
    """Wait `seconds`, or less if the client disconnects (a killed agent), so that no held answer
    outlives its client and delays the sandbox's shutdown."""

    async def gone() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass

    waiter = asyncio.ensure_future(gone())
    try:
        await asyncio.wait({waiter}, timeout=seconds)
    finally:
        waiter.cancel()


class HookMiddleware:
    """Pure ASGI middleware calling `hook(method, path)` before the sandbox sees each HTTP request.

    It lets a test act at an exact point of the agent's run (ship an order the moment the agent re-reads
    it after the scan; hold an answer back so the agent can be killed after the sandbox acted), and count
    what reached the sandbox, without any change to the sandbox. Holding back awaits (never blocks), so
    the sandbox keeps answering other requests (the test's `/__sandbox/state` polls) meanwhile.
    """

    def __init__(self, app: Any, hook: Hook) -> None:
        self.app = app
        self.hook = hook

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        hold = self.hook(scope["method"], scope["path"])
        if not hold:
            await self.app(scope, receive, send)
            return

        async def held_send(message: Any) -> None:
            if message["type"] == "http.response.start":
                await _sleep_unless_gone(hold, receive)
            await send(message)

        await self.app(scope, receive, held_send)


@dataclass
class Sandbox:
    """A started sandbox, the scenario file it serves (for the agent's `--scenario`) and its state."""

    server: SandboxServer
    scenario_file: Path

    @property
    def base_url(self) -> str:
        return self.server.base_url

    def state(self) -> dict[str, Any]:
        with urllib.request.urlopen(self.base_url + "/__sandbox/state", timeout=10) as answer:
            document: dict[str, Any] = json.load(answer)
        return document

    def set_status(self, oid: str, status: str) -> None:
        """What `POST /__sandbox/orders/<id>` does, callable from inside a hook: a hook runs on the
        sandbox's own event loop, which must not wait for an HTTP call to itself."""
        from automation.sandbox.scenario import OrderStatus

        assert self.server.state.set_status(oid, OrderStatus(status)) is not None


def start_sandbox(path: Path, hook: Hook | None = None, maildir: Path | None = None) -> Sandbox:
    """Serve the scenario file `path` on loopback (stop it with `.server.stop()`); with `maildir`, the
    sandbox writes Amazon's e-mails to the seller there."""
    server = SandboxServer(path, maildir=maildir)
    if hook is not None:
        server.app.add_middleware(HookMiddleware, hook=hook)
    return Sandbox(server.start(), path)


SandboxMaker = Callable[..., Sandbox]


@pytest.fixture
def make_sandbox(tmp_path: Path) -> Iterator[SandboxMaker]:
    """`make_sandbox(scenario_dict, hook=None)`: writes the scenario into tmp_path, serves it on
    loopback, stops it after the test."""
    started: list[Sandbox] = []

    def make(data: dict[str, Any], hook: Hook | None = None, name: str = "scenario.yaml") -> Sandbox:
        started.append(start_sandbox(write_yaml(tmp_path / name, data), hook))
        return started[-1]

    yield make
    for sandbox in started:
        sandbox.server.stop()


# -- the agent -----------------------------------------------------------------------------------------


@dataclass
class AgentRun:
    returncode: int
    stdout: str
    stderr: str

    def json(self) -> dict[str, Any]:
        assert self.stdout.strip(), f"no JSON on standard output; stderr:\n{self.stderr}"
        document: dict[str, Any] = json.loads(self.stdout)
        return document

    def by_order(self) -> dict[str, dict[str, Any]]:
        return {r["order_id"]: r for r in self.json()["requests"]}


class Agent:
    """`sc-cancel` in a subprocess, with its data folder and working folder in the test's tmp_path."""

    def __init__(self, workdir: Path, sandbox: Sandbox | None = None) -> None:
        self.workdir = workdir
        self.data_dir = workdir / "data"
        self.sandbox = sandbox

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SC_CANCEL_")}
        env["SC_CANCEL_DATA_DIR"] = str(self.data_dir)
        if "SC_CANCEL_CHROMIUM" in os.environ:
            env["SC_CANCEL_CHROMIUM"] = os.environ["SC_CANCEL_CHROMIUM"]
        return env

    def target_args(self) -> list[str]:
        if self.sandbox is None:
            return []
        return ["--base-url", self.sandbox.base_url, "--scenario", str(self.sandbox.scenario_file)]

    def command(self, *args: str, target: bool = True) -> list[str]:
        return [sys.executable, "-m", "automation", *args, *(self.target_args() if target else [])]

    def __call__(self, *args: str, target: bool = True, env: dict[str, str] | None = None) -> AgentRun:
        """Run the agent to its end; `env` adds variables (an account's secrets) to its environment."""
        done = subprocess.run(
            self.command(*args, target=target),
            cwd=self.workdir,
            env={**self.env(), **(env or {})},
            capture_output=True,
            text=True,
            timeout=AGENT_TIMEOUT_S,
            check=False,
        )
        return AgentRun(done.returncode, done.stdout, done.stderr)

    def history(self, order_id: str) -> list[dict[str, Any]]:
        """`history --order ID --json`, oldest event first (the command lists the newest first)."""
        events = json.loads(self("history", "--order", order_id, "--json").stdout)
        return sorted(events, key=lambda e: e["event_id"])

    def run(self, rules_file: Path, *extra: str) -> AgentRun:
        """`sc-cancel run --json --rules FILE` plus `extra` (e.g. `--execute`)."""
        return self("run", "--json", "--rules", str(rules_file), *extra)

    def start(
        self, *args: str, target: bool = True, env: dict[str, str] | None = None
    ) -> subprocess.Popen[str]:
        """Start the agent without waiting, in its own process group (so that the test can kill it and
        its browser together, by that group's id); `env` adds variables as for a run to its end."""
        return subprocess.Popen(
            self.command(*args, target=target),
            cwd=self.workdir,
            env={**self.env(), **(env or {})},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )


def kill_group(process: subprocess.Popen[str]) -> None:
    """SIGKILL the agent and everything it started (its browser), by the process group it leads."""
    os.killpg(process.pid, signal.SIGKILL)
    process.communicate(timeout=30)


def accepted_cancellations(state: dict[str, Any]) -> list[str]:
    return [c["order_id"] for c in state["cancellations"] if c["accepted"]]


def assert_cancelled_once_by_reading(agent: Agent, state: dict[str, Any], order_id: str) -> None:
    """After a run killed right after submitting `order_id`'s cancellation, and the run that followed
    (`state`: the sandbox's then): submitted exactly once, the order canceled, and the ledger's action
    settled by reading the order again, never by a second submission."""
    submitted = [c["order_id"] for c in state["cancellations"]]
    assert submitted == [order_id], f"submitted exactly once: {submitted}"
    assert state["orders"][order_id]["status"] == "canceled", state["orders"][order_id]
    actions = [e for e in agent.history(order_id) if e["event"] == "action" and e["action"] == "cancel"]
    states = [e["state"] for e in actions]
    assert states == ["planned", "approved", "in_flight", "done"], states
    assert "re-read" in (actions[-1]["reason"] or ""), actions[-1]
