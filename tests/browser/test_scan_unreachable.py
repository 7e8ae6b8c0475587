"""A Seller Central that cannot be reached (nothing listens at the base URL): one line saying which URL
and why, and asking whether the base_url is right; exit code 5; none of Playwright's call log. The same
for every command that opens the site."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from scan_support import mixed_store, run_agent, write_scenario

SITE_FAILING = 5


@pytest.fixture
def nobody_listens() -> Iterator[str]:
    """A loopback base URL whose port is bound but never listening: connections to it are refused."""
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{closed.getsockname()[1]}"


def _one_line(stderr: str, base_url: str) -> None:
    assert "Call log" not in stderr
    assert "navigating to" not in stderr
    assert "Traceback" not in stderr
    lines = [line for line in stderr.splitlines() if "cannot reach" in line]
    assert len(lines) == 1, stderr[-3000:]
    assert f"cannot reach {base_url}: " in lines[0]
    assert lines[0].endswith("; is the base_url right?")


def test_an_unreachable_site_is_one_line_naming_the_url(tmp_path: Path, nobody_listens: str) -> None:
    base_url = nobody_listens
    path = write_scenario(tmp_path, mixed_store())
    run = run_agent(tmp_path, scenario=path, base_url=base_url)

    assert run.code == SITE_FAILING, run.stderr[-3000:]
    _one_line(run.stderr, base_url)
    error = json.loads(run.stdout)["error"]
    assert error["exit_code"] == SITE_FAILING
    assert error["message"].startswith(f"cannot reach {base_url}: ")
    assert "\n" not in error["message"]


@pytest.mark.parametrize("command", [["login"], ["selectors", "check", "--live"]])
def test_other_commands_opening_an_unreachable_site_say_the_same(
    tmp_path: Path, nobody_listens: str, command: list[str]
) -> None:
    path = write_scenario(tmp_path, mixed_store())
    argv = [
        sys.executable,
        "-m",
        "automation",
        *command,
        "--scenario",
        str(path),
        "--base-url",
        nobody_listens,
    ]
    environ = {**os.environ, "SC_CANCEL_DATA_DIR": str(tmp_path / "data")}
    environ.pop("SC_CANCEL_CONFIG", None)
    done = subprocess.run(
        argv, cwd=tmp_path, env=environ, capture_output=True, text=True, timeout=240, check=False
    )

    assert done.returncode == SITE_FAILING, done.stderr[-3000:]
    _one_line(done.stderr, nobody_listens)
