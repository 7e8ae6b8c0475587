"""`sc-cancel sandbox serve` with a port it cannot use: bad input (exit 2) with the reason and what to
do, said before any "serving at" banner, never a traceback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from sandbox_scenarios import order
from scenario_kit import scenario

from automation.errors import ExitCode

REPO = Path(__file__).resolve().parents[3]
BANNER = "Sandbox Seller Central:"


def _serve(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump(scenario([order(1)])), encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "automation", "sandbox", "serve", "--scenario", str(path), *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        timeout=30,
        check=False,
    )


@pytest.mark.parametrize("port", ["99999", "0", "-1"])
def test_a_port_out_of_range_is_bad_input(tmp_path: Path, port: str) -> None:
    done = _serve(tmp_path, "--port", port)
    assert done.returncode == ExitCode.BAD_INPUT, done.stderr
    assert "port must be 1-65535" in done.stderr
    assert BANNER not in done.stderr
    assert "Traceback" not in done.stderr


def test_a_port_in_use_is_bad_input_before_any_banner(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = _serve(tmp_path, "--port", str(port))
    assert done.returncode == ExitCode.BAD_INPUT, done.stderr
    assert f"port {port} is in use" in done.stderr
    assert BANNER not in done.stderr
    assert "Traceback" not in done.stderr


def test_a_maildir_that_cannot_be_made_is_bad_input_before_any_banner(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the Maildir should go")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    done = _serve(tmp_path, "--port", str(port), "--maildir", str(blocker))
    assert done.returncode == ExitCode.BAD_INPUT, done.stderr
    assert f"--maildir {blocker}: cannot use it as a Maildir" in done.stderr
    assert BANNER not in done.stderr
    assert "Traceback" not in done.stderr
