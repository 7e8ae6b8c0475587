"""Playwright traces of a session: sign-in is left out and scrubbed, the kept trace opens in the viewer,
and the modes keep or discard it as they say.

The browser runs in a subprocess (the sync API cannot start twice in one thread, and pytest-playwright's
may be alive here); the sandbox runs in this process, in a thread. The helpers at the top are shared
with test_headed.py.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from server_kit import free_port

TIMEOUT_S = 120
PASSWORD = "sandbox-password"  # the sandbox's own account, not a real credential
TOTP_SECRET = "ONRS2Y3BNZRWK3BNONQW4ZDCN54C2ZDF"


def small_scenario(*, totp: bool) -> dict[str, Any]:
    account: dict[str, Any] = {"email": "seller@example.com", "password": PASSWORD}
    if totp:
        account["totp_secret"] = TOTP_SECRET
    return {
        "format": 1,
        "locale": "en_US",
        "now": "2026-11-26T12:00:00Z",
        "rollout": "both",
        "account": account,
        "orders": [
            {
                "id": "111-1234567-1234567",
                "purchased_at": "2026-11-25T09:30:00Z",
                "status": "unshipped",
                "fulfillment": "mfn",
                "buyer_name": "Jane Doe",
                "items": [
                    {"sku": "MUG-1", "asin": "B0EXAMPL01", "title": "Mug", "quantity": 1, "price": 12.99}
                ],
                "cancel_request": {
                    "reason": "Order Created by Mistake",
                    "requested_at": "2026-11-25T10:00:00Z",
                },
            }
        ],
    }


def write_yaml(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def run_python(script: str, *args: str, cwd: Path) -> dict[str, Any]:
    """Run `script` in a fresh interpreter; it prints one JSON document last on standard output."""
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
    )
    assert done.returncode == 0, f"exit {done.returncode}\n{done.stderr[-4000:]}"
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def run_cli(workdir: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m automation ARGS` in `workdir`, data (and run folders) under `workdir/data`."""
    workdir.mkdir(parents=True, exist_ok=True)
    environ = {**os.environ, "SC_CANCEL_DATA_DIR": str(workdir / "data"), **(env or {})}
    environ.pop("SC_CANCEL_CONFIG", None)
    return subprocess.run(
        [sys.executable, "-m", "automation", *args],
        cwd=workdir,
        env=environ,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S * 2,
        check=False,
    )


@contextlib.contextmanager
def trace_viewer(trace: Path) -> Iterator[str]:
    """`playwright show-trace -h 127.0.0.1 -p PORT trace.zip` (environment.md gotcha 8), polled until it
    answers 200; yields the viewer's URL and stops the server afterwards."""
    port = free_port()
    playwright_cli = Path(sys.executable).with_name("playwright")
    server = subprocess.Popen(
        [str(playwright_cli), "show-trace", "-h", "127.0.0.1", "-p", str(port), str(trace)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=5) as answer:
                assert answer.status == 200
                yield answer.geturl()
                return
            assert server.poll() is None, (
                f"show-trace ended: {server.stderr.read().decode() if server.stderr else ''}"
            )
            assert time.monotonic() < deadline, "show-trace did not answer within 60 s"
            time.sleep(0.2)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, 15)
        server.wait(timeout=30)


VIEWER_SCRIPT = r"""
import json, sys
from playwright.sync_api import sync_playwright
from automation.browser.chromium import find_chromium

choice = find_chromium(headless=True)
with sync_playwright() as p:
    browser = p.chromium.launch(executable_path=str(choice.path) if choice.path else None)
    page = browser.new_page()
    page.goto(sys.argv[1])
    titles = page.locator(".action-title")
    titles.filter(has_text=sys.argv[2]).last.wait_for(timeout=60_000)
    print(json.dumps({"actions": titles.all_inner_texts()}))
    browser.close()
"""


def viewer_actions(url: str, cwd: Path, last_url: str) -> list[str]:
    """The action list the trace viewer shows, once it lists a navigation to `last_url`."""
    actions: list[str] = run_python(VIEWER_SCRIPT, url, last_url, cwd=cwd)["actions"]
    return actions


def zip_blobs(trace: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(trace) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name) for name in archive.namelist()}


SESSION_SCRIPT = r"""
import json, sys
from pathlib import Path
from automation.browser.session import BrowserSession, SessionOptions
from automation.browser.signin import SignIn
from automation.pages.base import PageContext
from automation.browser.account import credentials
from automation.runtime import Prepared
from automation.settings import REPO_SELECTORS
from automation.targets import resolve_targets

scenario, base_url, out = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
target = resolve_targets(scenario=scenario, base_url=base_url, settings=None, account=None, env={})[0]
market = target.marketplaces[0]
prepared = Prepared.load(REPO_SELECTORS)
pages = PageContext(prepared.selectors, prepared.lookup(market.locale), base_url)
options = SessionOptions(
    trace="on", trace_path=out / "trace.zip", storage_state=out / "state.json", loopback_only=True
)
with BrowserSession(options) as session:
    session.page.goto(pages.url("/orders-v3"))
    with session.untraced():
        # credentials() registers the password and TOTP secret, as the agent does; the session cookie
        # is NOT registered here: the trace's header and cookie scrubbing must catch it on its own.
        SignIn(session.page, pages).sign_in(credentials(target, market))
    session.page.goto(pages.url("/messaging/inbox"))
    session.page.locator("#threads-list").wait_for()
    session.save_storage_state()  # its result (the cookies) is recorded in the trace too
    cookie = next(c["value"] for c in session.context.cookies() if c["name"] == "session-token")
print(json.dumps({"cookie": cookie, "trace": str(session.trace_file)}))
"""


def test_a_signed_in_trace_holds_no_secret_and_opens_in_the_viewer(
    tmp_path: Path, sandbox_factory: Any
) -> None:
    scenario = write_yaml(tmp_path / "scenario.yaml", small_scenario(totp=True))
    sandbox = sandbox_factory(scenario)
    out = run_python(SESSION_SCRIPT, str(scenario), sandbox.base_url, str(tmp_path / "out"), cwd=tmp_path)
    trace = Path(out["trace"])
    assert trace == tmp_path / "out" / "trace.zip"
    blobs = zip_blobs(trace)
    # Sign-in split the trace into two chunks, merged into one zip the viewer reads whole.
    assert {"trace.trace", "trace.network", "trace-2.trace", "trace-2.network"} <= set(blobs)
    assert len(out["cookie"]) > 20
    for secret in (PASSWORD, TOTP_SECRET, out["cookie"]):
        leaks = [name for name, data in blobs.items() if secret.encode() in data]
        assert not leaks, f"{secret[:6]}... found in {leaks}"
    assert b"otpCode=[redacted]" in b"".join(blobs.values())  # the one-time code's form field, blanked
    assert not list((tmp_path / "out").glob(".trace-chunks-*"))  # the unscrubbed chunks are gone
    with trace_viewer(trace) as url:
        actions = viewer_actions(url, tmp_path, "/messaging/inbox")
    navigations = [a for a in actions if a.startswith("Navigate")]
    assert any("/orders-v3" in a for a in navigations)  # chunk 1
    assert any("/messaging/inbox" in a for a in navigations)  # chunk 2


MODES_SCRIPT = r"""
import json, sys
from pathlib import Path
from automation.browser.session import BrowserSession, SessionOptions

base_url, out = sys.argv[1], Path(sys.argv[2])
kept = {}
for name, mode, fail in [("on-ok", "on", False), ("retain-ok", "retain-on-failure", False),
                         ("retain-failed", "retain-on-failure", True), ("off-failed", "off", True)]:
    options = SessionOptions(trace=mode, trace_path=out / name / "trace.zip", loopback_only=True)
    try:
        with BrowserSession(options) as session:
            session.page.goto(base_url + "/ap/signin")
            if fail:
                raise RuntimeError("the run failed")
    except RuntimeError:
        pass
    kept[name] = sorted(p.name for p in (out / name).iterdir()) if (out / name).is_dir() else []
print(json.dumps(kept))
"""


def test_trace_modes_keep_or_discard(tmp_path: Path, sandbox_factory: Any) -> None:
    sandbox = sandbox_factory(small_scenario(totp=False))
    kept = run_python(MODES_SCRIPT, sandbox.base_url, str(tmp_path / "out"), cwd=tmp_path)
    assert kept == {
        "on-ok": ["trace.zip"],
        "retain-ok": [],
        "retain-failed": ["trace.zip"],
        "off-failed": [],
    }
    assert zip_blobs(tmp_path / "out" / "retain-failed" / "trace.zip")["trace.trace"]


@pytest.mark.parametrize("mode", ["sometimes", ""])
def test_an_unknown_trace_mode_is_refused_before_any_browser_starts(mode: str) -> None:
    from automation.browser.session import BrowserSession, SessionOptions

    with pytest.raises(ValueError, match="trace mode"):
        BrowserSession(SessionOptions(trace=mode)).__enter__()
