"""What the fleet's tests and bench/fleet.py share: a settings file of sandbox accounts on a broker,
`sc-cancel worker`/`beat` as subprocesses, queueing a run the way beat does, and the process tree of a
worker's pool process (to kill the one running a cancellation, browser and all)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import IO, Any

import yaml
from scenario_kit import settings_account

from automation.fleet import QueuedMarks, make_app
from automation.fleet.app import enqueue

REPO_ROOT = Path(__file__).resolve().parent.parent


def fleet_account(name: str, base_url: str, *, every: str = "10m", jitter: str = "0s") -> dict[str, Any]:
    """A sandbox account signing in with the password in SHOP_PASSWORD."""
    return settings_account(name, base_url, schedule={"every": every, "jitter": jitter})


def fleet_settings(path: Path, broker_url: str, accounts: list[dict[str, Any]], **extra: Any) -> Path:
    data = {"format": 1, "broker_url": broker_url, "run_timeout": "5m", **extra, "accounts": accounts}
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def start_fleet_process(
    command: str, config: Path, data_dir: Path, log: IO[str], *args: str, env: dict[str, str] | None = None
) -> subprocess.Popen[str]:
    """`sc-cancel worker|beat --config F ARGS` in its own process group, logging to `log`."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("SC_CANCEL_")}
    if "SC_CANCEL_CHROMIUM" in os.environ:
        base["SC_CANCEL_CHROMIUM"] = os.environ["SC_CANCEL_CHROMIUM"]
    return subprocess.Popen(
        [sys.executable, "-m", "automation", command, "--config", str(config), *args],
        cwd=config.parent,
        env={**base, "SC_CANCEL_DATA_DIR": str(data_dir), "SC_CANCEL_RETRY_SCALE": "0.1", **(env or {})},
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def queue_run(broker_url: str, account: str, *, mark: bool = False) -> str:
    """Queue one run of `account` as beat does (with `mark`, beat's queued mark too)."""
    from datetime import timedelta

    app = make_app(broker_url, run_timeout=timedelta(minutes=5))
    if mark:
        QueuedMarks.on(broker_url, timedelta(minutes=30)).claim(account)
    return enqueue(app, account)


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def tree(pid: int) -> list[int]:
    """`pid` and every process below it (Playwright's driver and Chromium included)."""
    out = [pid]
    for child in children(pid):
        out += tree(child)
    return out


def running_child(worker_pid: int) -> int | None:
    """The pool process of a worker that has a process below it (a run's browser driver), if any."""
    for child in children(worker_pid):
        if children(child):
            return child
    return None


def stop_fleet_process(process: subprocess.Popen[str]) -> None:
    """Warm shutdown (SIGTERM: a run under way finishes), then whatever is left of its process group."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=30)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
