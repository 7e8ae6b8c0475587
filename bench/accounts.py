"""Several accounts in one scheduled round: `sc-cancel schedule --once` over 1, 5 and 10 accounts, each
against a sandbox of its own (served in its own process, not counted), with the goals beside each figure.

For each account count N it generates one small seeded store per account (different seeds, so no two
stores are alike), serves each with `sc-cancel sandbox serve`, writes a settings file with the N
accounts and runs one round, measuring:

| column | what |
|---|---|
| wall s | the round, from start to exit |
| cpu s | CPU of the agent's whole process tree (scheduler, workers, Node drivers, Chromium): the larger of
|         | `wait4()`'s count and the sum of each process's CPU as last sampled (Chromium does not reap all) |
| peak PSS | of that tree, sampled every 100 ms from /proc (bench/process_tree.py) |
| floor s | the CPU floor: N x one account's CPU seconds / cores (one account's from the N=1 row) |
| goal | N=1: none; N>1: wall <= 3 x one account's wall, or <= 1.2 x the CPU floor where that is higher; |
|      | peak PSS <= 900 MB |

Every round must end with exit 0 and one `scheduled run ...: ok` line per account, or the bench says
so and exits 1: a fast wrong round is worthless.

    .venv/bin/python bench/accounts.py                       # 1, 5, 10 accounts, the agent here
    .venv/bin/python bench/accounts.py --agent-code /tmp/acc-before   # the same with an older agent
    .venv/bin/python bench/accounts.py --counts 1,10 --concurrency 3

`--agent-code DIR` puts another copy's `automation` package first on the path (a `git worktree add`
checkout): that copy runs the rounds, this one serves the sandboxes. An agent without the
`concurrency` setting gets none written. Figures swing with the machine's load: compare rows measured
in the same session, and read the load average printed with each.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from process_tree import TreeSampler
from scan import start_sandbox

from automation.sandbox.generator import SANDBOX_ACCOUNT, dump_scenario, generate_scenario

AGENT = [sys.executable, "-m", "automation"]
WALL_GOAL_X = 3.0
FLOOR_GOAL_X = 1.2
PSS_GOAL_MB = 900.0


@dataclass
class Round:
    accounts: int
    wall_s: float
    cpu_s: float
    pss_mib: float | None
    processes: int
    ok: int
    exit_code: int
    load: float


def write_store(folder: Path, n: int, args: argparse.Namespace) -> Path:
    data = generate_scenario(
        orders=args.orders,
        requests=args.requests,
        threads=args.threads,
        seed=args.seed + n,
        unshipped_only=True,
    )
    path = folder / f"store-{n}.yaml"
    path.write_text(dump_scenario(data, data.parameters), encoding="utf-8")
    return path


def settings(base_urls: list[str], *, concurrency: str | None, run_timeout: str) -> dict[str, object]:
    doc: dict[str, object] = {
        "format": 1,
        "run_timeout": run_timeout,
        "accounts": [
            {
                "name": f"shop-{i + 1:02d}",
                "email": SANDBOX_ACCOUNT["email"],
                "password": {"env": "BENCH_SANDBOX_PASSWORD"},
                "marketplaces": [{"base_url": url, "marketplace": "ATVPDKIKX0DER", "locale": "en_US"}],
                "schedule": {"every": "10m", "jitter": "0s"},
            }
            for i, url in enumerate(base_urls)
        ],
    }
    if concurrency is not None:
        doc["concurrency"] = int(concurrency) if concurrency.isdigit() else concurrency
    return doc


def one_round(n: int, workdir: Path, args: argparse.Namespace) -> Round:
    folder = workdir / f"accounts-{n}"
    folder.mkdir()
    sandboxes = []
    try:
        for i in range(n):
            store = write_store(folder, i, args)
            (folder / f"sandbox-{i}").mkdir()
            sandboxes.append(start_sandbox(store, folder / f"sandbox-{i}"))
        config = folder / "sc-cancel.yaml"
        config.write_text(
            yaml.safe_dump(
                settings(
                    [url for _, url in sandboxes], concurrency=args.concurrency, run_timeout=args.run_timeout
                ),
                sort_keys=False,
            ),
            encoding="utf-8",
        )
        env = {k: v for k, v in os.environ.items() if not k.startswith("SC_CANCEL_")}
        env["BENCH_SANDBOX_PASSWORD"] = SANDBOX_ACCOUNT["password"]
        env["SC_CANCEL_DATA_DIR"] = str(folder / "data")
        if args.agent_code is not None:
            env["PYTHONPATH"] = os.pathsep.join([str(args.agent_code.resolve()), env.get("PYTHONPATH", "")])
        load = os.getloadavg()[0]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.monotonic()
        log = (folder / "schedule.log").open("w")
        proc = subprocess.Popen(
            [*AGENT, "schedule", "--once", "--config", str(config)],
            cwd=folder,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        sampler = TreeSampler(proc.pid)
        sampler.start()
        code = proc.wait(timeout=args.timeout)
        wall = time.monotonic() - started
        peak = sampler.stop()
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        log.close()
        reaped = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        text = (folder / "schedule.log").read_text()
        ok = sum(1 for line in text.splitlines() if "scheduled run" in line and ": ok |" in line)
        return Round(n, wall, max(reaped, peak.cpu_seen_s), peak.pss_mib, peak.processes, ok, code, load)
    finally:
        for proc, _url in sandboxes:
            proc.terminate()
        for proc, _url in sandboxes:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


def report(rounds: list[Round], cores: int) -> bool:
    one = next((r for r in rounds if r.accounts == 1), None)
    print(
        f"{'accounts':>8} {'load':>5} {'wall s':>7} {'cpu s':>7} {'peak PSS MB':>11} {'procs':>5} "
        f"{'floor s':>7} {'wall goal s':>11} {'wall':>5}  {'PSS goal':>8}  ok"
    )
    good = True
    for r in rounds:
        floor = r.accounts * one.cpu_s / cores if one else None
        goal = None
        if one is not None and floor is not None and r.accounts > 1:
            goal = max(WALL_GOAL_X * one.wall_s, FLOOR_GOAL_X * floor)
        met_wall = "-" if goal is None else ("met" if r.wall_s <= goal else "MISS")
        pss = "-" if r.pss_mib is None else f"{r.pss_mib:.0f}"
        met_pss = "-" if r.pss_mib is None else ("met" if r.pss_mib <= PSS_GOAL_MB else "MISS")
        right = r.exit_code == 0 and r.ok == r.accounts
        good &= right
        print(
            f"{r.accounts:>8} {r.load:>5.1f} {r.wall_s:>7.1f} {r.cpu_s:>7.1f} {pss:>11} {r.processes:>5} "
            f"{'-' if floor is None else f'{floor:.1f}':>7} {'-' if goal is None else f'{goal:.1f}':>11} "
            f"{met_wall:>5}  {'<= 900 ' + met_pss:>8}  "
            f"{'OK' if right else f'FAILED (exit {r.exit_code}, {r.ok}/{r.accounts} ok)'}"
        )
    if one is not None:
        print(
            f"goals: wall <= {WALL_GOAL_X:g} x one account's ({one.wall_s:.1f} s), or <= {FLOOR_GOAL_X:g} x "
            f"the CPU floor (N x {one.cpu_s:.1f} s / {cores} cores) where higher; "
            f"peak PSS <= {PSS_GOAL_MB:g} MB"
        )
    return good


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--counts", default="1,5,10", help="account counts, one round each (default 1,5,10)")
    parser.add_argument("--orders", type=int, default=60, help="unshipped orders per store")
    parser.add_argument("--requests", type=int, default=6, help="cancellation requests per store")
    parser.add_argument("--threads", type=int, default=40, help="message threads per store")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--concurrency", help="the concurrency setting (default: none: the agent's own)")
    parser.add_argument("--run-timeout", default="20m")
    parser.add_argument("--timeout", type=float, default=1800, help="give up on a round after this (s)")
    parser.add_argument("--agent-code", type=Path, help="run the rounds with the automation package in DIR")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs, ledgers)")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    workdir = Path(tempfile.mkdtemp(prefix="bench-accounts-"))
    agent = args.agent_code or Path(__file__).resolve().parents[1]
    print(f"agent: {agent}; {cores} cores; folder {workdir}", file=sys.stderr)
    rounds = []
    try:
        for n in (int(c) for c in args.counts.split(",")):
            print(f"round of {n} account(s) ...", file=sys.stderr)
            rounds.append(one_round(n, workdir, args))
        good = report(rounds, cores)
    finally:
        if args.keep:
            print(f"kept {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0 if good else 1


if __name__ == "__main__":
    sys.exit(main())
