"""The JSON log file of `sc-cancel worker`, shared by Celery's main process and its prefork pool
processes: every pool process's lines land in it (or in one of its rotated files) exactly once, and it
is rotated by the main process alone, which writes almost nothing itself, so a rotated file is always a
full one. A real Celery worker (`run_worker`, as the command starts it) on the real Redis of the tests,
two pool processes, tasks that write enough to rotate the file several times."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import timedelta
from pathlib import Path

import redis
from redis_server import RedisServer

from automation.fleet import make_app
from automation.fleet.app import enqueue

REPO_ROOT = Path(__file__).resolve().parents[2]
ROTATION_BYTES = 32 * 1024
LINES = 150
"""Each task's lines: about 100 KB of JSON records, so the file is rotated several times over."""
ACCOUNTS = ("east", "west", "north", "south")
LONGEST_LINE = 2048
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

    files = sorted(log_file.parent.glob("sc-cancel*.jsonl"), key=lambda p: p.stat().st_mtime)
    rotated = [f for f in files if f != log_file]
    assert len(rotated) >= 3, "the test wrote too little to rotate the file"
    seen: dict[str, int] = {}
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            assert len(line) < LONGEST_LINE
            message = json.loads(line)["record"]["message"]
            seen[message] = seen.get(message, 0) + 1
    expected = {f"{account} line {n}" for account in ACCOUNTS for n in range(LINES)}
    assert {m for m, count in seen.items() if count != 1} == set(), "a line written twice"
    assert expected - set(seen) == set(), "lines lost"
    # Only full files were rotated: no pool process rotated a file another had just started.
    small = {f.name: f.stat().st_size for f in rotated if f.stat().st_size < ROTATION_BYTES - LONGEST_LINE}
    assert small == {}
    assert "Logging error" not in output.read_text()
