"""Headed runs under `xvfb-run` (environment.md gotcha 7) write a trace the viewer opens, with no secret
in it; `--pause-on-error` opens the Inspector on headed runs only."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from test_trace import PASSWORD, TIMEOUT_S, TOTP_SECRET, small_scenario, trace_viewer, write_yaml

from automation.browser.session import BrowserSession, SessionOptions


@pytest.mark.skipif(
    shutil.which("xvfb-run") is None, reason="xvfb-run is not installed (apt-get install xvfb xauth)"
)
def test_a_headed_scan_under_xvfb_keeps_a_clean_trace_the_viewer_serves(tmp_path: Path) -> None:
    scenario = write_yaml(tmp_path / "scenario.yaml", small_scenario(totp=True))
    data = tmp_path / "data"
    done = subprocess.run(
        [
            *("xvfb-run", "-a", sys.executable, "-m", "automation", "scan", "--headed", "--json"),
            *("--scenario", str(scenario), "--trace", "on", "--data-dir", str(data)),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S * 2,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    assert [r["order_id"] for r in json.loads(done.stdout)["requests"]] == ["111-1234567-1234567"]
    traces = list((data / "runs").glob("*/trace.zip"))
    assert len(traces) == 1, "no trace.zip in the run folder: is --trace wired into SessionOptions (runner)?"
    trace = traces[0]
    (state,) = (data / "sessions").glob("*.json")
    cookie = next(
        c["value"] for c in json.loads(state.read_text())["cookies"] if c["name"] == "session-token"
    )
    with zipfile.ZipFile(trace) as archive:
        assert archive.testzip() is None
        blobs = {name: archive.read(name) for name in archive.namelist()}
    assert "trace.trace" in blobs
    for secret in (PASSWORD, TOTP_SECRET, cookie):
        assert not [name for name, data in blobs.items() if secret.encode() in data], secret[:6]
    with trace_viewer(trace) as url:
        assert "/trace/index.html" in url


class FakePage:
    def __init__(self) -> None:
        self.paused = 0

    def is_closed(self) -> bool:
        return False

    def pause(self) -> None:
        self.paused += 1


def session_with_page(**options: Any) -> tuple[BrowserSession, FakePage]:
    session = BrowserSession(SessionOptions(**options))
    page = FakePage()
    session._page = page  # type: ignore[assignment]  # the session's page, without a browser
    return session, page


def test_pause_on_error_opens_the_inspector_on_a_headed_run() -> None:
    session, page = session_with_page(headless=False, pause_on_error=True)
    session.pause_if_asked(RuntimeError("the landmark is missing"))
    assert page.paused == 1


def test_pause_on_error_is_ignored_with_a_warning_when_headless(caplog: pytest.LogCaptureFixture) -> None:
    from loguru import logger

    handler = logger.add(caplog.handler, level="WARNING", format="{message}")
    try:
        session, page = session_with_page(headless=True, pause_on_error=True)
        session.pause_if_asked(RuntimeError("boom"))
    finally:
        logger.remove(handler)
    assert page.paused == 0
    assert "--pause-on-error needs --headed" in caplog.text


def test_no_pause_unless_asked() -> None:
    session, page = session_with_page(headless=False, pause_on_error=False)
    session.pause_if_asked(RuntimeError("boom"))
    assert page.paused == 0
