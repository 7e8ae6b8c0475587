"""Serving the sandbox: a fast background server for tests, the foreground `serve()` for people, and
enough speed for 2,000 orders and 3,000 threads."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
import yaml
from sandbox_scenarios import build, message, order
from scenario_kit import NOW, scenario

from automation.sandbox.errors import SandboxInputError
from automation.sandbox.server import SandboxServer


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_starts_fast_on_a_free_loopback_port_and_stops() -> None:
    started = time.monotonic()
    with SandboxServer(build([order(1)])) as server:
        assert time.monotonic() - started < 1.0
        assert server.base_url.startswith("http://127.0.0.1:")
        assert server.port > 0
        assert _get(server.base_url + "/__sandbox/health") == (200, b'{"ok":true}')
        assert server.state.order(build([order(1)]).orders[0].id) is not None
        url = server.base_url
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(url + "/__sandbox/health", timeout=2)


def test_every_response_carries_the_scenario_clock_in_one_date_header() -> None:
    """The site's time for the agent (sandbox-scenario.md, "Site time"): the scenario's `now`, advancing,
    in the one `Date` header of every answer, pages and JSON alike; without `now`, the real clock."""
    with SandboxServer(build([order(1)])) as server:
        for path in ("/__sandbox/health", "/home", "/no-such-page"):
            request = urllib.request.Request(server.base_url + path)
            try:
                response = urllib.request.urlopen(request, timeout=5)
            except urllib.error.HTTPError as error:
                response = error
            with response:
                dates = response.headers.get_all("Date") or []
            assert len(dates) == 1, (path, dates)
            sent = parsedate_to_datetime(dates[0])
            assert NOW <= sent <= NOW + timedelta(seconds=30), (path, dates)
    with SandboxServer(build([order(1)]).model_copy(update={"now": None})) as server:
        with urllib.request.urlopen(server.base_url + "/__sandbox/health", timeout=5) as response:
            sent = parsedate_to_datetime(response.headers["Date"])
        assert abs(sent - datetime.now(UTC)) < timedelta(seconds=30)


def test_two_servers_run_side_by_side_and_read_scenario_files(tmp_path: Path) -> None:
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump(scenario([order(1), order(2)])), encoding="utf-8")
    with SandboxServer(path) as first, SandboxServer(build([order(3)])) as second:
        assert first.port != second.port
        assert len(json.loads(_get(first.base_url + "/__sandbox/state")[1])["orders"]) == 2
        assert len(json.loads(_get(second.base_url + "/__sandbox/state")[1])["orders"]) == 1


def test_a_bad_scenario_file_is_bad_input(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "format: 1\nlocale: en_US\naccount: {email: seller@example.com, password: x}\nfaultz: {}\n"
    )
    with pytest.raises(SandboxInputError, match="faultz"):
        SandboxServer(path)


def test_serve_prints_the_url_and_account_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump(scenario([order(1)])), encoding="utf-8")
    with SandboxServer(build([order(1)])) as probe:  # borrow a free port, then release it
        port = probe.port
    code = (
        "from pathlib import Path; from automation.sandbox.server import serve; "
        f"serve(Path({str(path)!r}), port={port})"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", code],
        stderr=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[3],
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                if _get(f"http://127.0.0.1:{port}/__sandbox/health")[0] == 200:
                    break
            except urllib.error.URLError:
                pass
            assert time.monotonic() < deadline, "serve() did not start"
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    assert f"http://127.0.0.1:{port}/home" in stderr
    assert "seller@example.com" in stderr
    assert "sandbox-password" not in stderr
    assert process.returncode == 0


def _get_json(server: SandboxServer, path: str, token: str) -> tuple[dict, float]:
    request = urllib.request.Request(server.base_url + path, headers={"Cookie": f"session-token={token}"})
    began = time.monotonic()
    with urllib.request.urlopen(request, timeout=5) as response:
        body = json.loads(response.read())
    return body, time.monotonic() - began


def test_two_thousand_orders_and_three_thousand_threads_cost_little_per_request() -> None:
    orders = [
        order(
            n,
            hours_ago=n / 10,
            request="Other" if n % 9 == 0 else None,
            channel="both" if n % 18 == 0 else None,
        )
        for n in range(1, 2001)
    ]
    messages = [message(n, minutes_ago=n, order_n=n % 2000 + 1) for n in range(1, 2890)]
    started = time.monotonic()
    with SandboxServer(build(orders, messages=messages)) as server:
        assert time.monotonic() - started < 5.0
        token, _ = server.context.sessions.issue(store=0, persistent=False)
        timings, seen = [], 0
        for offset in range(0, 2000, 100):
            body, took = _get_json(
                server,
                f"/orders-api/search?orderStatus=unshipped&fulfillmentType=mfn&limit=100&offset={offset}",
                token,
            )
            seen += len(body["orders"])
            timings.append(took)
        assert seen == 2000
        threads = 0
        for offset in range(0, 3000, 50):
            body, took = _get_json(
                server, f"/messaging/api/threads?folder=all&offset={offset}&limit=50", token
            )
            threads += len(body["threads"])
            timings.append(took)
        assert threads == body["total"] >= 3000
        timings.sort()
        assert timings[len(timings) // 2] < 0.05, timings  # the median JSON answer
