"""Load test of the fleet (not a test: it reports figures): 12 accounts on 12 sandboxes, 2 `sc-cancel
worker` processes and one `sc-cancel beat`, Redis and PostgreSQL (the shared ledger; `--ledger sqlite`:
one file) on loopback, 3 scheduled rounds; in round 2 the worker's pool process running a cancellation
is killed with SIGKILL (with its browser) just after the submission reached the sandbox.

Each sandbox serves 3 official requests and the rules cancel at most one per run, so every round has a
cancellation to make on every account. Reported: runs per minute, the largest delay of a due run (beat's
"queued" to the run's start in the ledger), peak memory (PSS of beat and both workers with everything
below them), and what must hold: every official request cancelled exactly once (each sandbox's
/__sandbox/state), nothing lost (every request cancelled, every cancellation `done` in the ledger), no
account run twice at once (the ledger's runs of each account never overlap).

    .venv/bin/python bench/fleet.py [--every 2m] [--accounts 12]
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import re
import signal
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "browser")]

from fleet_kit import (  # noqa: E402
    children,
    fleet_account,
    fleet_settings,
    start_fleet_process,
    stop_fleet_process,
    tree,
)
from pg_server import running_pg_server  # noqa: E402
from redis_server import running_redis_server  # noqa: E402
from run_support import AUTO_CANCEL_OFFICIAL, order, rules, start_sandbox, write_yaml  # noqa: E402
from scenario_kit import PASSWORD, scenario  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlalchemy.exc import DBAPIError  # noqa: E402

from automation.ledger import LedgerLocation  # noqa: E402
from automation.ledger.engine import make_engine  # noqa: E402

REQUESTS = 3
ROUNDS = 3


def state(base_url: str) -> dict[str, Any]:
    with urllib.request.urlopen(base_url + "/__sandbox/state", timeout=10) as answer:
        document: dict[str, Any] = json.load(answer)
    return document


def pss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def sockets_of(pid: int) -> set[str]:
    found = set()
    for fd in Path(f"/proc/{pid}/fd").glob("*"):
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            found.add(target[8:-1])
    return found


def talks_to(pid: int, port: int) -> bool:
    """Whether a process below `pid` has a TCP connection to loopback `port` (the sandbox it runs)."""
    inodes = set().union(*(sockets_of(p) for p in tree(pid)))
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[2].split(":")[1], 16) == port and fields[9] in inodes:
            return True
    return False


def parse_time(value: str | datetime) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def main() -> int:  # noqa: PLR0912, PLR0915 (one script's steps, in order)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--accounts", type=int, default=12)
    parser.add_argument("--every", default="2m", help="each account's schedule (default 2m)")
    parser.add_argument("--timeout", type=float, default=1200)
    parser.add_argument(
        "--ledger",
        choices=["postgresql", "sqlite"],
        default="postgresql",
        help="the shared ledger (default postgresql)",
    )
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="sc-cancel-fleet-"))
    sandboxes = []
    for n in range(args.accounts):
        orders = [order(i, request="Order Created by Mistake") for i in range(1, REQUESTS + 1)]
        data = scenario(orders, faults={"cancel_confirm_delay_s": 2})
        sandboxes.append(start_sandbox(write_yaml(work / f"scenario-{n:02d}.yaml", data)))
    rules_file = write_yaml(work / "rules.yaml", rules(AUTO_CANCEL_OFFICIAL, per_run=1))
    data_dir = work / "data"
    peak = 0
    killed: dict[str, Any] = {}
    with contextlib.ExitStack() as servers:
        redis = servers.enter_context(running_redis_server())
        extra: dict[str, Any] = {}
        env = {"SHOP_PASSWORD": PASSWORD}
        if args.ledger == "postgresql":
            pg = servers.enter_context(running_pg_server())
            ledger = LedgerLocation(pg.create_database("fleet"), pg.password)
            extra = {"ledger_url": ledger.url, "ledger_password": {"env": "SC_LEDGER_PASSWORD"}}
            env["SC_LEDGER_PASSWORD"] = pg.password
        else:
            ledger = LedgerLocation.sqlite(data_dir / "ledger.sqlite3")
        accounts = [
            {
                **fleet_account(f"shop-{n:02d}", s.base_url, every=args.every, jitter="10s"),
                "rules": str(rules_file),
            }
            for n, s in enumerate(sandboxes)
        ]
        config = fleet_settings(work / "fleet.yaml", redis.url, accounts, **extra)
        logs = {
            name: (work / f"{name}.log").open("w", encoding="utf-8")
            for name in ("worker1", "worker2", "beat")
        }
        workers = [
            start_fleet_process("worker", config, data_dir, logs[f"worker{n}"], "--execute", env=env)
            for n in (1, 2)
        ]
        time.sleep(3)
        started = time.monotonic()
        beat = start_fleet_process("beat", config, data_dir, logs["beat"], env=env)
        processes = [beat, *workers]
        stop_sampling = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not stop_sampling.wait(0.5):
                peak = max(peak, sum(pss_kib(p) for proc in processes for p in tree(proc.pid)))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        try:
            deadline = started + args.timeout
            while time.monotonic() < deadline:
                states = [state(s.base_url) for s in sandboxes]
                submitted = [len(st["cancellations"]) for st in states]
                if not killed and sum(submitted) > args.accounts:  # round 2 is submitting
                    for index, count in enumerate(submitted):
                        if count < 2:
                            continue
                        port = int(sandboxes[index].base_url.rsplit(":", 1)[1])
                        for worker in workers:
                            for child in children(worker.pid):
                                if not killed and talks_to(child, port):
                                    for pid in tree(child):
                                        os.kill(pid, signal.SIGKILL)
                                    killed = {"account": f"shop-{index:02d}", "pid": child}
                if (
                    all(count == REQUESTS for count in submitted)
                    and _rounds_done(ledger) >= ROUNDS * args.accounts
                ):
                    break
                time.sleep(0.1)
            elapsed = time.monotonic() - started
        finally:
            stop_sampling.set()
            for process in processes:
                stop_fleet_process(process)
            for handle in logs.values():
                handle.close()
        states = [state(s.base_url) for s in sandboxes]
        for s in sandboxes:
            s.server.stop()
        report = _report(work, ledger, states, elapsed, peak, killed, args.accounts)
        report["ledger"] = args.ledger
    print(json.dumps(report, indent=2))
    return 0 if report["holds"] else 1


def _query(ledger: LedgerLocation, sql: str) -> list[tuple[Any, ...]]:
    if not ledger.exists():
        return []
    engine = make_engine(ledger.url, ledger.password)
    try:
        with engine.connect() as db:
            return [tuple(row) for row in db.execute(text(sql))]
    except DBAPIError:  # no tables yet: no run has started
        return []
    finally:
        engine.dispose()


def _runs(ledger: LedgerLocation) -> list[tuple[Any, ...]]:
    return _query(ledger, "SELECT account, started_at, finished_at, status FROM runs ORDER BY started_at")


def _run_starts(ledger: LedgerLocation) -> list[tuple[Any, ...]]:
    return _query(ledger, "SELECT run_id, started_at FROM runs")


def _rounds_done(ledger: LedgerLocation) -> int:
    return sum(1 for _a, _s, finished, status in _runs(ledger) if finished and status == "ok")


def _report(  # noqa: PLR0917
    work: Path,
    ledger: LedgerLocation,
    states: list[dict[str, Any]],
    elapsed: float,
    peak_kib: int,
    killed: dict[str, Any],
    accounts: int,
) -> dict[str, Any]:
    runs = _runs(ledger)
    run_seconds = [
        float(m.group(1))
        for name in ("worker1", "worker2")
        for m in re.finditer(
            r"scheduled run shop-\d+: ok .* seconds=([\d.]+)", (work / f"{name}.log").read_text()
        )
    ]
    ok = [r for r in runs if r[3] == "ok"]
    # Beat's "queued" lines against the runs' starts, account by account, in order.
    queued: dict[str, list[datetime]] = {}
    day = datetime.now(UTC).date()
    for line in (work / "beat.log").read_text().splitlines():
        match = re.match(r"(\d\d:\d\d:\d\d) \w+ +beat (\S+): queued", line)
        if match:
            at = datetime.combine(day, datetime.strptime(match.group(1), "%H:%M:%S").time()).astimezone(UTC)
            queued.setdefault(match.group(2), []).append(at)
    started_at = {run_id: parse_time(started) for run_id, started in _run_starts(ledger)}
    starts: dict[str, list[datetime]] = {}
    for name in ("worker1", "worker2"):
        for match in re.finditer(r"run (shop-\d+): run (\S+) against", (work / f"{name}.log").read_text()):
            if match.group(2) in started_at:
                starts.setdefault(match.group(1), []).append(started_at[match.group(2)])
    overlaps = 0
    by_account: dict[str, list[tuple[datetime, datetime | None]]] = {}
    for account, started, finished, _status in runs:
        by_account.setdefault(account, []).append(
            (parse_time(started), parse_time(finished) if finished else None)
        )
    for spans in by_account.values():
        for (_s1, f1), (s2, _f2) in itertools.pairwise(spans):
            if f1 is not None and f1 > s2:
                overlaps += 1
    # Each queued turn against the first run of that account started after it (log times: whole seconds).
    delays = []
    for name, times in queued.items():
        for at in times:
            later = sorted(s for s in starts.get(name, []) if s >= at)
            if later:
                delays.append(round((later[0] - at).total_seconds(), 1))
    cancelled = [[c["order_id"] for c in st["cancellations"] if c["accepted"]] for st in states]
    exactly_once = all(len(ids) == len(set(ids)) == REQUESTS for ids in cancelled)
    all_cancelled = all(all(o["status"] == "canceled" for o in st["orders"].values()) for st in states)
    actions = dict(_query(ledger, "SELECT state, COUNT(*) FROM actions WHERE kind = 'cancel' GROUP BY state"))
    return {
        "accounts": accounts,
        "minutes": round(elapsed / 60, 2),
        "runs_ok": len(ok),
        "runs_per_minute": round(len(ok) / (elapsed / 60), 2),
        "mean_run_s": round(statistics.mean(r for r in run_seconds) if run_seconds else 0, 1),
        "largest_due_delay_s": max(delays) if delays else None,
        "peak_pss_mib": round(peak_kib / 1024),
        "killed": killed,
        "cancellations_submitted": sum(len(st["cancellations"]) for st in states),
        "ledger_cancel_actions": actions,
        "exactly_once": exactly_once,
        "nothing_lost": all_cancelled and set(actions) == {"done"},
        "no_overlap": overlaps == 0,
        "holds": exactly_once and all_cancelled and overlaps == 0 and set(actions) == {"done"},
        "work": str(work),
    }


if __name__ == "__main__":
    sys.exit(main())
