"""`sc-cancel watch --execute` end to end: a real Dovecot serves the sandbox's Maildir, the watch waits
on it with IMAP IDLE, and a request raised while it waits is cancelled by a targeted run: the order's
details page, never a Manage Orders list, and exactly one cancellation in at most 4 page loads (the
details page read once before the cancel page, once after its Submit). SIGTERM then ends it with 0.
A Dovecot that lists no IDLE is polled instead (no option needed), and a notice landing in its Maildir
still starts the targeted run. Each targeted run's report says what started it (`trigger`), one
stopped by `run_timeout` too; and SIGTERM ends an e-mail run's wait for its account's lock.

Every wait is bounded (the watch's log lines, the sandbox's state); none is timed.
"""

from __future__ import annotations

import json
import queue
import signal
import subprocess
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pytest
import test_email_scan
import yaml
from run_support import AUTO_CANCEL_OFFICIAL, accepted_cancellations, kill_group, order, rules, write_yaml
from scenario_kit import EMAIL, order_id
from test_email_scan import Shop

from automation.locks import account_lock
from automation.targets import state_key

shop = test_email_scan.shop  # the fixtures of the e-mail scan's tests: sandbox, Dovecot, settings file
reachable_dir = test_email_scan.reachable_dir

WAIT_S = 120.0
HANG_SECONDS = 600.0
RUN_TIMEOUT = "20s"
LIST_PATHS = ("/orders-v3/mfn", "/orders-v3/search", "/orders-api/search", "/messaging")


class Lines:
    """The watch's standard error, line by line as it comes, for bounded waits on its log."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.seen: list[str] = []
        self._new: queue.Queue[str] = queue.Queue()
        assert process.stderr is not None
        stream = process.stderr
        threading.Thread(target=lambda: [self._new.put(line) for line in stream], daemon=True).start()

    def wait_for(self, *texts: str) -> None:
        """Until every text has appeared in some line (at most WAIT_S)."""
        deadline = time.monotonic() + WAIT_S
        while not all(any(t in line for line in self.seen) for t in texts):
            left = deadline - time.monotonic()
            assert left > 0, f"never logged {texts}; stderr so far:\n{''.join(self.seen)}"
            try:
                self.seen.append(self._new.get(timeout=min(left, 1.0)))
            except queue.Empty:
                continue


def until(check: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while not check():
        assert time.monotonic() < deadline, f"never: {what}"
        time.sleep(0.2)


def raise_request(store: Shop, oid: str, reason: str) -> dict[str, Any]:
    """`POST /__sandbox/orders/<id>` with `cancel_request`: the sandbox writes Amazon's notice too."""
    body = json.dumps({"cancel_request": {"reason": reason, "channel": "manage_orders"}}).encode()
    call = urllib.request.Request(
        f"{store.sandbox.base_url}/__sandbox/orders/{oid}",
        data=body,
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(call, timeout=10) as answer:
        document: dict[str, Any] = json.load(answer)
    return document


@contextmanager
def watching(
    store: Shop, tmp_path: Path, *extra: str, **changes: Any
) -> Iterator[tuple[subprocess.Popen[str], Lines]]:
    """`watch --execute` auto-cancelling official requests, its full run due once an hour (`changes`:
    more settings); killed with its browser if the test fails before stopping it."""
    settings = yaml.safe_load(store.config.read_text(encoding="utf-8"))
    settings["accounts"][0]["schedule"] = {"every": "1h", "jitter": "0s"}
    write_yaml(store.config, {**settings, **changes})
    rules_file = write_yaml(tmp_path / "rules.yaml", rules(AUTO_CANCEL_OFFICIAL))
    process = store.agent.start(
        "watch", "--execute", "--rules", str(rules_file), "--config", str(store.config), *extra,
        target=False, env=store.secrets(),
    )  # fmt: skip
    try:
        yield process, Lines(process)
    finally:
        if process.poll() is None:
            kill_group(process)


def test_an_email_starts_a_targeted_run_that_cancels_the_order_once(shop: Any, tmp_path: Path) -> None:
    paths: list[str] = []
    gets: list[str] = []

    def hook(method: str, path: str) -> None:
        if not path.startswith("/__sandbox"):
            paths.append(path)
            if method == "GET":
                gets.append(path)

    store = shop([order(1), order(2)], hook)
    with watching(store, tmp_path) as (process, log):
        # The first full run (the reconciliation) has ended and the mailbox is being waited on.
        log.wait_for("waiting for e-mail in INBOX (IMAP IDLE)", "shop: next run at")
        before, gets_before = len(paths), len(gets)

        answer = raise_request(store, order_id(2), "Order Created by Mistake")
        assert answer["emails"], answer
        until(lambda: order_id(2) in accepted_cancellations(store.sandbox.state()), "the order is cancelled")
        log.wait_for("e-mail run shop: ok")

        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=WAIT_S)

    assert process.returncode == 0, "".join(log.seen) + err
    cancellations = [c for c in store.sandbox.state()["cancellations"] if c["order_id"] == order_id(2)]
    assert [c["accepted"] for c in cancellations] == [True]
    after = paths[before:]
    assert f"/orders-v3/order/{order_id(2)}" in after
    assert [p for p in after if p.startswith(LIST_PATHS)] == []
    assert not any(order_id(1) in p for p in after)
    reports = sorted((store.agent.data_dir / "runs").glob("*/report.json"), key=lambda p: p.stat().st_mtime)
    targeted = json.loads(reports[-1].read_text(encoding="utf-8"))
    assert (targeted["status"], targeted["stats"]["orders_seen"], targeted["stats"]["threads_seen"]) == (
        "ok",
        0,
        0,
    )
    assert [(r["order_id"], r["sources"], r["outcome"]) for r in targeted["requests"]] == [
        (order_id(2), ["email", "manage_orders"], "done")
    ]
    assert (targeted["command"], targeted["trigger"]) == (
        "run",
        {"by": "watch", "event": "email", "order_ids": [order_id(2)]},
    )
    # The ledger records it under the command that started it, so the last `run` stays the last full run.
    history = store.agent(
        "history", "--json", "--run", targeted["run_id"], "--config", str(store.config),
        target=False, env=store.secrets(),
    )  # fmt: skip
    assert history.returncode == 0, history.stderr
    assert [e["detail"] for e in json.loads(history.stdout) if e["event"] == "run_started"] == ["watch"]
    # The cancel step takes the details page just read to confirm the banner instead of reading it again.
    details = f"/orders-v3/order/{order_id(2)}"
    assert gets[gets_before:].count(details) == 2, gets[gets_before:]
    assert targeted["stats"]["pages_visited"] <= 4, targeted["stats"]


@pytest.fixture
def shop_without_idle(tmp_path: Path, reachable_dir: Path) -> Iterator[Any]:
    """`shop`, its Dovecot not listing IDLE among its capabilities (as some providers' servers do)."""
    with test_email_scan.shops(tmp_path, reachable_dir, idle=False) as make:
        yield make


def targeted_reports(store: Shop) -> list[dict[str, Any]]:
    """The reports of the runs `watch` started on e-mails, oldest first."""
    found = [
        json.loads(p.read_text(encoding="utf-8"))
        for p in (store.agent.data_dir / "runs").glob("*/report.json")
    ]
    return sorted((r for r in found if r["trigger"]), key=lambda r: r["started_at"])


def test_a_server_without_idle_is_polled_and_a_notice_still_starts_a_targeted_run(
    shop_without_idle: Any, tmp_path: Path
) -> None:
    """No `--poll`: the watch sees the server has no IDLE and polls. A notice from Amazon's address for
    an order with no request (anyone can forge one) starts a targeted run that cancels nothing and lists
    it unconfirmed; a real request's notice then gets its order cancelled."""
    store = shop_without_idle([order(1), order(2)])
    with watching(store, tmp_path, "--poll-every", "1s") as (process, log):
        log.wait_for("waiting for e-mail in INBOX (polling every 1 s)", "shop: next run at")

        store.send(kind="cancel_request", order_id=order_id(2))
        until(lambda: len(targeted_reports(store)) == 1, "a targeted run for the forged notice")
        raise_request(store, order_id(1), "Order Created by Mistake")
        until(lambda: order_id(1) in accepted_cancellations(store.sandbox.state()), "the order is cancelled")
        until(lambda: len(targeted_reports(store)) == 2, "the targeted run's report")

        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=WAIT_S)

    assert process.returncode == 0, "".join(log.seen) + err
    assert not any("IMAP IDLE" in line for line in log.seen)
    assert [c["order_id"] for c in store.sandbox.state()["cancellations"]] == [order_id(1)]
    forged, real = targeted_reports(store)
    assert forged["trigger"] == {"by": "watch", "event": "email", "order_ids": [order_id(2)]}
    assert (forged["status"], forged["requests"]) == ("ok", [])
    assert [(u["order_id"], u["why"]) for u in forged["unconfirmed"]] == [(order_id(2), "no_request_on_page")]
    assert real["trigger"] == {"by": "watch", "event": "email", "order_ids": [order_id(1)]}
    assert [(r["order_id"], r["outcome"]) for r in real["requests"]] == [(order_id(1), "done")]


def test_an_email_run_stopped_by_run_timeout_keeps_its_trigger_and_a_stop_ends_a_wait_for_the_lock(
    shop: Any, tmp_path: Path
) -> None:
    """The test holds the account's lock, as a manual run would: the first full run is skipped. A notice
    for order 2 starts an e-mail run that waits for the lock; once the test lets it go, the run starts,
    and its order's details page never answers: `run_timeout` stops it, and its report, rebuilt by the
    scheduler, still says what triggered it. With the lock held again, a notice for order 1 starts an
    e-mail run that waits; SIGTERM ends that wait at once (not after run_timeout) and the watch exits 0,
    having recorded no run for order 1 and cancelled nothing."""
    hung = f"/orders-v3/order/{order_id(2)}"
    store = shop([order(1), order(2)], lambda _method, path: HANG_SECONDS if path == hung else None)
    key = state_key(store.sandbox.base_url, EMAIL)
    data_dir = store.agent.data_dir
    changes = {
        "run_timeout": RUN_TIMEOUT,
        # Page waits longer than run_timeout: only run_timeout can end the hung run.
        "browser": {"timeout_seconds": HANG_SECONDS, "navigation_timeout_seconds": HANG_SECONDS},
    }
    with ExitStack() as held:
        held.enter_context(account_lock(data_dir, key, name="test"))
        with watching(store, tmp_path, **changes) as (process, log):
            log.wait_for(
                "waiting for e-mail in INBOX (IMAP IDLE)", "scheduled run shop: skipped: still running"
            )

            raise_request(store, order_id(2), "Order Created by Mistake")
            log.wait_for(f"watch shop: e-mail names a request for {order_id(2)}")
            held.close()  # the e-mail run takes the lock and runs into the page that never answers
            log.wait_for("e-mail run shop: failed: run timeout | exit=12")
            [stopped] = targeted_reports(store)

            held.enter_context(account_lock(data_dir, key, name="test"))
            raise_request(store, order_id(1), "Order Created by Mistake")
            log.wait_for(f"watch shop: e-mail names a request for {order_id(1)}")
            process.send_signal(signal.SIGTERM)
            log.wait_for(
                "watch shop: stopping; no longer waiting for the account's lock", "scheduler: stopped"
            )
            assert process.wait(timeout=WAIT_S) == 0, "".join(log.seen)

    assert stopped["trigger"] == {"by": "watch", "event": "email", "order_ids": [order_id(2)]}
    assert (stopped["status"], stopped["exit_code"]) == ("failed", 12)
    assert "run_timeout" in stopped["error"]["message"]
    assert targeted_reports(store) == [stopped]  # none for order 1: its run never started
    assert accepted_cancellations(store.sandbox.state()) == []
