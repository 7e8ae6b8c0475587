"""Running `sc-cancel` with standard output a real pipe whose reading end is already closed, as with
`sc-cancel history | head -1` once `head` has its line; shared by the unit and browser tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from automation.errors import ExitCode

REPO = Path(__file__).resolve().parent.parent


def run_into_closed_pipe(*args: str, data_dir: Path, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    """Run `sc-cancel ARGS` (with `data_dir` as its data folder) writing into a pipe nobody reads."""
    reading, writing = os.pipe()
    os.close(reading)
    try:
        return subprocess.run(
            [sys.executable, "-m", "automation", *args],
            stdout=writing,
            stderr=subprocess.PIPE,
            text=True,
            cwd=cwd,
            env={**os.environ, "SC_CANCEL_DATA_DIR": str(data_dir)},
            timeout=240,
            check=False,
        )
    finally:
        os.close(writing)


def assert_quiet_stop(done: subprocess.CompletedProcess[str]) -> None:
    """Stopped as Unix tools do when their reader goes away: exit 141, nothing reported as a bug."""
    assert done.returncode == ExitCode.OUTPUT_CLOSED == 141, done.stderr
    assert "Traceback" not in done.stderr
    assert "bug" not in done.stderr
    assert "Exception ignored" not in done.stderr
