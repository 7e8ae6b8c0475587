"""The JSON log file of `sc-cancel worker`, shared by Celery's main process and its prefork pool
processes: every pool process's lines land in it (or in one of its rotated files) exactly once, and it
is rotated by the main process alone, which writes almost nothing itself, so a rotated file is always a
full one. A real Celery worker (`run_worker`, as the command starts it) on the real Redis of the tests,
two pool processes, tasks that write enough to rotate the file several times."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import timedelta
from pathlib import Path

import redis
from log_kit import ROTATION_BYTES, assert_every_line_once
from redis_server import RedisServer

from automation.fleet import make_app
from automation.fleet.app import enqueue

REPO_ROOT = Path(__file__).resolve().parents[2]
LINES = 150
"""Each task's lines: about 100 KB of JSON records, so the file is rotated several times over."""
ACCOUNTS = ("east", "west", "north", "south")
WAIT_S = 120.0

WORKER = """
import sys, time
from datetime import timedelta
from pathlib import Path
from loguru import logger
from automation.log_setup import configure_logging
from automation.fleet import make_app
from automation.fleet.pool import run_worker
from automation.scheduler import JobOutcome

broker, log_file, done, rotation = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])
configure_logging(quiet=True, log_file=log_file, rotation=rotation, retention=1000)

def run_one(account):
    for n in range(LINES):
        logger.debug("{} line {}", account, n)
        time.sleep(0.001)  # side by side with the other pool process, not one burst each
    (done / account).write_text("done")
    return JobOutcome(account, 0)

app = make_app(broker, run_timeout=timedelta(minutes=5), run_one=run_one)
sys.exit(run_worker(app, hostname="logs-test@localhost", concurrency=2, check_log_every=0.1))
""".replace("LINES", str(LINES))


def test_celery_pool_processes_append_to_the_log_and_only_the_main_process_rotates_it(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    url = redis_server.url_for(7)
    redis.Redis.from_url(url).flushdb()
    log_file = tmp_path / "logs" / "sc-cancel.jsonl"
    done = tmp_path / "done"
    done.mkdir()
    output = tmp_path / "worker.out"
    with output.open("w") as out:
        worker = subprocess.Popen(
            [
                sys.executable,
                "-c",
                textwrap.dedent(WORKER),
                url,
                str(log_file),
                str(done),
                str(ROTATION_BYTES),
            ],
            cwd=REPO_ROOT,
            env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        app = make_app(url, run_timeout=timedelta(minutes=5))
        for account in ACCOUNTS:
            enqueue(app, account)
        deadline = time.monotonic() + WAIT_S
        while len(list(done.iterdir())) < len(ACCOUNTS):
            assert worker.poll() is None, output.read_text()[-3000:]
            assert time.monotonic() < deadline, f"the tasks never ended:\n{output.read_text()[-3000:]}"
            time.sleep(0.1)
    finally:
        os.killpg(worker.pid, signal.SIGTERM)  # Celery's warm shutdown, pool processes included
        worker.wait(timeout=60)

    assert_every_line_once(log_file, {f"{account} line {n}" for account in ACCOUNTS for n in range(LINES)})
    assert "Logging error" not in output.read_text()
