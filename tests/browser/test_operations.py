"""Operations end to end: `schedule --once` over a two-account settings file against two sandboxes, and
notifications reaching a local receiver without buyer data or secrets."""

from __future__ import annotations

import json
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from run_support import (
    AUTO_CANCEL_OFFICIAL,
    Agent,
    SandboxMaker,
    accepted_cancellations,
    inquiry,
    make_sandbox,
    order,
    rules,
    write_yaml,
)
from scenario_kit import PASSWORD, order_id, scenario, settings_account

__all__ = ["make_sandbox"]  # the fixture, used by name


def _account(name: str, base_url: str, password_var: str) -> dict[str, Any]:
    return settings_account(
        name,
        base_url,
        password={"env": password_var},
        rules="rules.yaml",
        schedule={"every": "10m", "jitter": "1s"},
    )


def test_schedule_once_runs_every_account_of_a_two_account_settings_file(
    tmp_path: Path, make_sandbox: SandboxMaker
) -> None:
    east = make_sandbox(
        scenario([order(1, request="Order Created by Mistake"), order(2, request="Other"), order(3)]),
        name="east.yaml",
    )
    west = make_sandbox(
        scenario([order(4, request="Other"), order(5)], messages=[inquiry(5)]),
        name="west.yaml",
    )
    write_yaml(tmp_path / "rules.yaml", rules(AUTO_CANCEL_OFFICIAL))
    config = write_yaml(
        tmp_path / "sc-cancel.yaml",
        {
            "format": 1,
            "accounts": [
                _account("east", east.base_url, "EAST_PASSWORD"),
                _account("west", west.base_url, "WEST_PASSWORD"),
            ],
        },
    )
    agent = Agent(tmp_path)
    env = {**agent.env(), "EAST_PASSWORD": PASSWORD, "WEST_PASSWORD": PASSWORD}

    done = subprocess.run(
        agent.command("schedule", "--once", "--execute", "--config", str(config), target=False),
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    # Each account ran once, against its own sandbox, and said so in one line.
    assert sorted(accepted_cancellations(east.state())) == [order_id(1), order_id(2)]
    assert accepted_cancellations(west.state()) == [order_id(4)]
    lines = [line for line in done.stderr.splitlines() if "scheduled run" in line]
    assert len(lines) == 2, done.stderr
    assert any("east" in line for line in lines)
    assert any("west" in line for line in lines)
    # The password never reaches the log.
    assert PASSWORD not in done.stderr


class _Receiver(BaseHTTPRequestHandler):
    received: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        self.received.append(json.loads(self.rfile.read(length) or b"{}"))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    _Receiver.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"json://127.0.0.1:{server.server_address[1]}/notify", _Receiver.received
    server.shutdown()


def test_a_scan_notifies_new_requests_without_buyer_names(
    tmp_path: Path, make_sandbox: SandboxMaker, receiver: tuple[str, list[dict[str, Any]]]
) -> None:
    url, received = receiver
    sandbox = make_sandbox(
        scenario([order(1, request="Order Created by Mistake"), order(2)], messages=[inquiry(2)])
    )
    config = write_yaml(
        tmp_path / "sc-cancel.yaml",
        {"format": 1, "notifications": {"urls": [url], "daily_summary_at": None}},
    )
    agent = Agent(tmp_path, sandbox)

    first = agent("scan", "--json", "--config", str(config))
    second = agent("scan", "--json", "--config", str(config))

    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    titles = [message.get("title", "") for message in received]
    assert any("new" in title.lower() for title in titles), received
    text = json.dumps(received)
    assert order_id(1) in text
    assert order_id(2) in text
    # Buyer names ("Buyer Number1") and the password never leave the machine in a notification.
    assert "Number1" not in text
    assert "Number2" not in text
    assert PASSWORD not in text
    # Nothing new in the second scan: no second "new requests" notification.
    assert sum("new" in title.lower() for title in titles) == 1


def _all_text(root: Path) -> dict[str, bytes]:
    """Every file under `root`, zip archives (traces) opened entry by entry."""
    import zipfile

    found: dict[str, bytes] = {}
    for path in root.rglob("*"):
        if not path.is_file():
            continue
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                for entry in archive.namelist():
                    found[f"{path}!{entry}"] = archive.read(entry)
        else:
            found[str(path)] = path.read_bytes()
    return found


def test_no_artifact_of_a_run_holds_the_password_the_totp_secret_or_the_session_cookie(
    tmp_path: Path, make_sandbox: SandboxMaker
) -> None:
    totp_secret = "ONRS2Y3BNZRWK3BNONQW4ZDCN54C2ZDF"
    data = scenario([order(1, request="Order Created by Mistake"), order(2)], messages=[inquiry(2)])
    data["account"]["totp_secret"] = totp_secret
    sandbox = make_sandbox(data)
    agent = Agent(tmp_path, sandbox)

    ok = agent("scan", "--trace", "on")
    assert ok.returncode == 0, ok.stderr
    # A run that fails on a changed page keeps a screenshot, the page's HTML and its trace as well.
    changed = make_sandbox({**data, "faults": {"changed_layout": True}}, name="changed.yaml")
    failed = Agent(tmp_path, changed)("scan")
    assert failed.returncode == 4, failed.stderr

    cookies = [
        cookie["value"]
        for state in (agent.data_dir / "sessions").glob("*.json")
        for cookie in json.loads(state.read_text())["cookies"]
        if len(cookie["value"]) >= 8
    ]
    assert cookies, "the sandbox sets a session cookie, saved for the next run"

    artifacts = {**_all_text(agent.data_dir / "runs"), **_all_text(agent.data_dir / "logs")}
    assert any("trace.zip!" in name for name in artifacts)
    assert any(name.endswith("report.html") for name in artifacts)
    assert any(name.endswith(".png") for name in artifacts)
    assert any(name.endswith("sc-cancel.jsonl") for name in artifacts)
    # The search works (the order id is in the reports); the secrets are nowhere.
    assert any(order_id(1).encode() in content for content in artifacts.values())
    for secret in [PASSWORD, totp_secret, *cookies]:
        leaks = [name for name, content in artifacts.items() if secret.encode() in content]
        assert not leaks, f"{secret[:4]}... found in {leaks}"


def test_every_marketplace_of_a_unified_account_is_scanned_through_the_account_picker(
    tmp_path: Path, make_sandbox: SandboxMaker
) -> None:
    stores = ["Example Store - United States", "Example Store - Canada"]
    data = scenario([order(1, request="Order Created by Mistake"), order(2)])
    data["account"]["stores"] = stores
    sandbox = make_sandbox(data)
    account = _account("unified", sandbox.base_url, "UNIFIED_PASSWORD")
    account["marketplaces"] = [
        {"base_url": sandbox.base_url, "marketplace": "ATVPDKIKX0DER", "store": stores[0], "locale": "en_US"},
        {
            "base_url": sandbox.base_url,
            "marketplace": "A2EUQ1WTGCTBG2",
            "store": stores[1],
            "locale": "en_US",
        },
    ]
    write_yaml(tmp_path / "rules.yaml", rules(AUTO_CANCEL_OFFICIAL))
    config = write_yaml(tmp_path / "sc-cancel.yaml", {"format": 1, "accounts": [account]})
    agent = Agent(tmp_path)
    env = {**agent.env(), "UNIFIED_PASSWORD": PASSWORD}

    done = subprocess.run(
        agent.command("scan", "--json", "--config", str(config), target=False),
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    # Signed in with the first store, then switched to the second through the picker.
    assert f"switching to the store {stores[1]}" in done.stderr
    document = json.loads(done.stdout)
    assert [r["order_id"] for r in document["requests"]] == [order_id(1)]
