"""`sc-cancel worker` against a real Redis and the sandbox: a queued account is run by a worker process
and recorded in the ledger; a worker process killed (SIGKILL, browser and all) right after submitting a
cancellation has its task delivered again (late acknowledgement), and the run that follows settles the
in-flight cancellation by reading the order, never by submitting again; and two workers given the same
account at once, as on two machines sharing a PostgreSQL ledger, never both run it (the advisory lock:
the second logs "skipped: still running").

One worker start per test, few browser starts: the queue and the lock are what is tested here.
"""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

import pytest
from fleet_kit import (
    fleet_account,
    fleet_settings,
    queue_run,
    running_child,
    start_fleet_process,
    stop_fleet_process,
    tree,
)
from pg_server import PgServer
from redis_server import RedisServer
from run_support import (
    AUTO_CANCEL_OFFICIAL,
    Agent,
    SandboxMaker,
    assert_cancelled_once_by_reading,
    make_sandbox,
    order,
    rules,
    write_yaml,
)
from scenario_kit import PASSWORD, order_id, scenario

__all__ = ["make_sandbox"]  # the fixture, imported for pytest

KILLED = order_id(1)
WAIT_S = 120


def wait_for(what: str, check: Callable[[], object], log: Path, timeout: float = WAIT_S) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"never: {what}; worker log:\n{log.read_text()[-4000:]}"
        time.sleep(0.1)


LogOpener = Callable[[str], IO[str]]


@pytest.fixture
def logs(tmp_path: Path) -> Iterator[LogOpener]:
    """`logs(name)`: a log file tmp_path/NAME.log for a worker's output, closed after the test."""
    opened: list[IO[str]] = []

    def open_log(name: str) -> IO[str]:
        opened.append((tmp_path / f"{name}.log").open("w", encoding="utf-8"))
        return opened[-1]

    yield open_log
    for handle in opened:
        handle.close()


def test_a_killed_worker_process_has_its_run_delivered_again_and_the_cancellation_settled_once(
    tmp_path: Path, make_sandbox: SandboxMaker, redis_server: RedisServer, logs: LogOpener
) -> None:
    broker = redis_server.url_for(1)
    sandbox = make_sandbox(
        scenario([order(1, request="Order Created by Mistake")], faults={"cancel_confirm_delay_s": 5})
    )
    rules_file = write_yaml(tmp_path / "rules.yaml", rules(AUTO_CANCEL_OFFICIAL))
    config = fleet_settings(
        tmp_path / "sc-cancel.yaml",
        broker,
        [{**fleet_account("shop", sandbox.base_url), "rules": str(rules_file)}],
    )
    data_dir = tmp_path / "data"
    log_path = tmp_path / "worker.log"
    worker = start_fleet_process(
        "worker",
        config,
        data_dir,
        logs("worker"),
        "--execute",
        env={"SHOP_PASSWORD": PASSWORD},
    )
    try:
        queue_run(broker, "shop", mark=True)
        wait_for("the cancellation submitted", lambda: sandbox.state()["cancellations"], log_path)
        child = running_child(worker.pid)
        assert child is not None, "the run happens in a worker's pool process"
        for pid in tree(child):
            os.kill(pid, signal.SIGKILL)

        agent = Agent(tmp_path)
        agent.data_dir = data_dir

        def settled() -> bool:
            done = agent("history", "--order", KILLED, "--json", target=False)
            return done.returncode == 0 and any(
                e["event"] == "action" and e["state"] == "done" for e in json.loads(done.stdout)
            )

        wait_for("the redelivered run settling the cancellation", settled, log_path)
    finally:
        stop_fleet_process(worker)
    assert_cancelled_once_by_reading(agent, sandbox.state(), KILLED)
    log = log_path.read_text()
    assert "scheduled run shop: ok" in log, log[-4000:]
    assert "sandbox-password" not in log


def test_two_machines_workers_given_the_same_account_at_once_run_it_once(
    tmp_path: Path,
    make_sandbox: SandboxMaker,
    redis_server: RedisServer,
    pg_server: PgServer,
    logs: LogOpener,
) -> None:
    """Two workers as on two machines: each its own data folder (no lock file in common), one PostgreSQL
    ledger; its advisory lock lets one run the account and the other log the skip."""
    broker = redis_server.url_for(2)

    def slow_orders(method: str, path: str) -> float | None:
        return 2.0 if method == "GET" and "orders" in path else None

    sandbox = make_sandbox(scenario([order(1)]), hook=slow_orders)
    database = "fleet_" + os.urandom(4).hex()
    config = fleet_settings(
        tmp_path / "sc-cancel.yaml",
        broker,
        [fleet_account("shop", sandbox.base_url)],
        ledger_url=pg_server.create_database(database),
        ledger_password={"env": "LEDGER_PASSWORD"},
    )
    env = {"SHOP_PASSWORD": PASSWORD, "LEDGER_PASSWORD": pg_server.password}
    workers = [
        start_fleet_process("worker", config, tmp_path / f"machine-{n}", logs(f"worker{n}"), env=env)
        for n in (1, 2)
    ]
    paths = [tmp_path / f"worker{n}.log" for n in (1, 2)]
    try:
        time.sleep(3)  # both workers listening
        queue_run(broker, "shop")
        queue_run(broker, "shop")

        def both_ended() -> bool:
            text = "".join(p.read_text() for p in paths)
            return text.count("scheduled run shop:") >= 2

        wait_for("both runs ended", both_ended, paths[0])
    finally:
        for worker in workers:
            stop_fleet_process(worker)
        pg_server.drop_database(database)
    text = "".join(p.read_text() for p in paths)
    assert text.count("scheduled run shop: ok") == 1, text[-4000:]
    assert text.count("scheduled run shop: skipped: still running") == 1, text[-4000:]
    assert pg_server.password not in text
