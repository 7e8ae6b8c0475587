"""E-mail-to-cancel benchmark: how long from Amazon's notice landing in the mailbox to the order
cancelled by `sc-cancel watch --execute`, and how many pages that took per order.

A real Dovecot (tests/mail_server.py, as the tests start it) serves the Maildir the sandbox writes its
e-mails into; `watch --execute` runs in a subprocess with a settings file whose account has that mailbox
and rules that auto-cancel official requests. Once its first full run has ended and it waits on the
mailbox (IMAP IDLE), the buyer of each order in turn asks to cancel (`POST /__sandbox/orders/<id>` with
`cancel_request`: the sandbox writes the notice into the Maildir). Per order: seconds from just before
that POST (the notice is written while it is answered) to the moment `/__sandbox/state` shows the
cancellation accepted (polled every 50 ms), and the documents the browser loaded from the sandbox
meanwhile (every request but the JSON API, assets and the benchmark's own `/__sandbox` calls). The goal
is printed beside each figure: under 10 s, at most 4 page loads per order.

    .venv/bin/python bench/email_to_cancel.py [--orders N] [--poll [--poll-every 5s]] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "browser")]  # the tests' Dovecot and hook

from mail_server import running_mail_server  # noqa: E402
from run_support import AUTO_CANCEL_OFFICIAL, HookMiddleware, rules  # noqa: E402
from scenario_kit import PASSWORD, order, order_id, scenario, settings_account  # noqa: E402

from automation.sandbox.server import SandboxServer  # noqa: E402

ASSET_PREFIXES = ("/assets", "/__sandbox", "/favicon")

GOAL_SECONDS = 10.0
GOAL_PAGES = 4
WAIT_S = 180.0
AUTO_CANCEL = rules(AUTO_CANCEL_OFFICIAL)
"""The tests' own rules file that auto-cancels official requests on unshipped orders."""


class Log:
    """The watch's standard error, for waiting on its lines."""

    def __init__(self, process: subprocess.Popen[str], echo: bool) -> None:
        self.lines: list[str] = []
        self._new: queue.Queue[str] = queue.Queue()
        assert process.stderr is not None
        stream = process.stderr

        def pump() -> None:
            for line in stream:
                if echo:
                    sys.stderr.write(line)
                self._new.put(line)

        threading.Thread(target=pump, daemon=True).start()

    def wait_for(self, text: str, count: int = 1) -> None:
        deadline = time.monotonic() + WAIT_S
        while sum(text in line for line in self.lines) < count:
            if time.monotonic() > deadline:
                raise SystemExit(f"the watch never logged {text!r}:\n{''.join(self.lines[-30:])}")
            try:
                self.lines.append(self._new.get(timeout=1.0))
            except queue.Empty:
                continue


def state(base_url: str) -> dict[str, Any]:
    with urllib.request.urlopen(base_url + "/__sandbox/state", timeout=10) as answer:
        document: dict[str, Any] = json.load(answer)
    return document


def ask_to_cancel(base_url: str, oid: str) -> list[str]:
    body = json.dumps({"cancel_request": {"reason": "Order Created by Mistake", "channel": "manage_orders"}})
    call = urllib.request.Request(
        f"{base_url}/__sandbox/orders/{oid}", data=body.encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(call, timeout=10) as answer:
        emails: list[str] = json.load(answer)["emails"]
    return emails


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=3, help="orders asked to cancel, one after another")
    parser.add_argument("--poll", action="store_true", help="watch --poll (no IMAP IDLE)")
    parser.add_argument("--poll-every", metavar="DURATION", help="watch --poll-every (default: watch's 30s)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("-v", "--verbose", action="store_true", help="echo the watch's log")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="sc-cancel-bench-email-"))
    folder.chmod(0o755)  # Dovecot's own users must reach the Maildir
    rows: list[tuple[str, float, int]] = []
    try:
        with running_mail_server(folder / "imap") as mail:
            scenario_file = folder / "scenario.yaml"
            orders = [order(n) for n in range(1, args.orders + 1)]
            scenario_file.write_text(yaml.safe_dump(scenario(orders), sort_keys=False), encoding="utf-8")
            server = SandboxServer(scenario_file, maildir=mail.maildir)
            seen: list[str] = []
            server.app.add_middleware(HookMiddleware, hook=lambda method, path: seen.append(path))
            server.start()
            try:
                rows = measure(args, folder, mail, server.base_url, seen)
            finally:
                server.stop()
    finally:
        if args.keep:
            print(f"kept {folder}", file=sys.stderr)
        else:
            shutil.rmtree(folder, ignore_errors=True)
    report(rows)
    return 0 if rows and all(s < GOAL_SECONDS and p <= GOAL_PAGES for _, s, p in rows) else 1


def measure(
    args: argparse.Namespace, folder: Path, mail: Any, base_url: str, seen: list[str]
) -> list[tuple[str, float, int]]:
    """Each order in turn: (order id, seconds from the notice to the cancellation, pages loaded)."""
    account = settings_account(
        "shop",
        base_url,
        password={"env": "BENCH_SHOP_PASSWORD"},
        schedule={"every": "1h", "jitter": "0s"},
        mailbox={
            "host": mail.host,
            "port": mail.port,
            "security": "none",
            "username": mail.username,
            "password": {"env": "BENCH_MAILBOX_PASSWORD"},
        },
    )
    config = folder / "sc-cancel.yaml"
    config.write_text(yaml.safe_dump({"format": 1, "accounts": [account]}), encoding="utf-8")
    rules_file = folder / "rules.yaml"
    rules_file.write_text(yaml.safe_dump(AUTO_CANCEL), encoding="utf-8")
    data_dir = folder / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SC_CANCEL_")}
    env.update(
        SC_CANCEL_DATA_DIR=str(data_dir), BENCH_SHOP_PASSWORD=PASSWORD, BENCH_MAILBOX_PASSWORD=mail.password
    )
    if "SC_CANCEL_CHROMIUM" in os.environ:
        env["SC_CANCEL_CHROMIUM"] = os.environ["SC_CANCEL_CHROMIUM"]
    command = [sys.executable, "-m", "automation", "watch", "--execute", "--config", str(config)]
    command += ["--rules", str(rules_file), *(["--poll"] if args.poll else [])]
    command += ["--poll-every", args.poll_every] if args.poll_every else []
    process = subprocess.Popen(
        command, cwd=folder, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
        start_new_session=True,
    )  # fmt: skip
    log = Log(process, args.verbose)
    rows = []
    try:
        log.wait_for("waiting for e-mail in INBOX")
        log.wait_for("shop: next run at")
        for n in range(1, args.orders + 1):
            oid = order_id(n)
            first = len(seen)
            landed = time.time()  # the notice is written while the POST is answered
            assert ask_to_cancel(base_url, oid), "the sandbox wrote no e-mail"
            deadline = time.monotonic() + WAIT_S
            while not any(c["order_id"] == oid and c["accepted"] for c in state(base_url)["cancellations"]):
                if time.monotonic() > deadline:
                    raise SystemExit(f"order {oid} was never cancelled:\n{''.join(log.lines[-30:])}")
                time.sleep(0.05)
            seconds = time.time() - landed
            log.wait_for("e-mail run shop:", count=n)
            pages = [p for p in seen[first:] if not p.startswith((*ASSET_PREFIXES, "/orders-api"))]
            if args.verbose:
                print(f"{oid}: {pages}", file=sys.stderr)
            rows.append((oid, seconds, len(pages)))
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
    return rows


def report(rows: list[tuple[str, float, int]]) -> None:
    print(f"{'order':<22} {'e-mail to cancelled':>20} {'goal':>7} {'page loads':>11} {'goal':>6}")
    for oid, seconds, pages in rows:
        print(f"{oid:<22} {seconds:>18.2f} s {'< 10 s':>7} {pages:>11} {'<= 4':>6}")
    if rows:
        median = statistics.median(s for _, s, _ in rows)
        print(f"{'median':<22} {median:>18.2f} s {'< 10 s':>7} {max(p for *_, p in rows):>11} {'<= 4':>6}")


if __name__ == "__main__":
    sys.exit(main())
