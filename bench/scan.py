"""Scan benchmark: how long a full scan takes against a floor measured in the same run.

Generates a large seeded scenario (default: 2,000 unshipped orders, 150 of them with requests in mixed
channels; 3,000 threads, 60 of them official requests and 40 buyer inquiries), serves it with
`sc-cancel sandbox serve` in a subprocess, and times, each in its own `sc-cancel scan --json` process:
the start-up (`--version`, and a scan of an empty store), a first full scan, and an immediate second
scan (nothing new: saved session, and the inbox stops at threads already seen). The floor is the same
orders and threads read from the sandbox's JSON endpoints with plain HTTP (bench/floor.py). Peak memory
is that of the agent and all its descendants (Node driver, Chromium), sampled from /proc every 100 ms.

A benchmark of a wrong scan is worthless, so every scan's requests are checked against what the
generator says a correct scan lists (OK / MISMATCH). Figures vary with the machine's load: read the
ratios to the floor and the CPU seconds, not the wall times alone.

    .venv/bin/python bench/scan.py [--seed N] [--orders N] [--threads N] [--repeat N] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from floor import Account, FloorResult, measure_floor
from process_tree import KINDS, MemoryPeak, TreeSampler, cpu_seconds

from automation.sandbox.generator import SANDBOX_ACCOUNT, dump_scenario, expected_requests, generate_scenario
from automation.sandbox.scenario import parse_scenario

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "browser")]  # the tests' rules builders
from run_support import AUTO_CANCEL_OFFICIAL, rules  # noqa: E402

AGENT = [sys.executable, "-m", "automation"]

GOAL_PSS_MIB = 450.0
"""Peak PSS of the agent's whole tree (agent, driver, Chromium) on the default store."""
GOAL_RESCAN = 1.3
"""An idle rescan (scan 2) against a scan of an empty store: a rescan costs what is new."""
GOAL_FLOOR = 40.0
"""A first full scan against the plain-HTTP floor."""
GOAL_PAGES_PER_CANCELLATION = 4.0
"""Documents the browser loads to cancel one approved request (the scan's own pages left out)."""


@dataclass
class AgentRun:
    """One agent process: wall and CPU time (its whole tree), peak memory, exit code and JSON."""

    label: str
    seconds: float
    cpu_s: float
    peak: MemoryPeak
    code: int
    document: dict[str, Any] | None
    stderr: str
    server_cpu_s: float = 0.0
    problems: list[str] = field(default_factory=list)

    @property
    def pages(self) -> int | None:
        return self.document["stats"]["pages_visited"] if self.document else None


def run_agent(
    label: str,
    args: list[str],
    workdir: Path,
    *,
    timeout_s: float,
    server_pid: int | None = None,
    agent_code: Path | None = None,
) -> AgentRun:
    """Run `python -m automation <args>` in its own session, sampling its tree until it exits.

    CPU is the larger of two counts: wait4()'s (the process and every descendant that was waited for)
    and the sum over every process of the tree of the CPU it had used when last sampled. The second is
    needed because Chromium's renderers are not all waited for by their parents (measured: wait4 gave
    24 s where the renderer alone had used 59 s); it misses at most one sampling interval per process.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "SC_CANCEL_DATA_DIR": str(workdir / "data")}
    if agent_code is not None:  # another `automation` package first on the path
        env["PYTHONPATH"] = os.pathsep.join(
            [str(agent_code.resolve()), *filter(None, [env.get("PYTHONPATH")])]
        )
    out_path, err_path = workdir / f"{label}.stdout", workdir / f"{label}.stderr"
    server_before = cpu_seconds(server_pid) if server_pid else 0.0
    with out_path.open("wb") as out, err_path.open("wb") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(
            [*AGENT, *args], cwd=workdir, env=env, stdout=out, stderr=err, start_new_session=True
        )
        sampler = TreeSampler(proc.pid)
        sampler.start()
        killer = threading.Timer(timeout_s, lambda: os.killpg(proc.pid, signal.SIGKILL))
        killer.start()
        _pid, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        killer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        peak = sampler.stop()
    stdout = out_path.read_text(encoding="utf-8", errors="replace")
    stderr = err_path.read_text(encoding="utf-8", errors="replace")
    document = json.loads(stdout) if proc.returncode == 0 and stdout.strip().startswith("{") else None
    return AgentRun(
        label=label,
        seconds=seconds,
        cpu_s=max(usage.ru_utime + usage.ru_stime, peak.cpu_seen_s),
        peak=peak,
        code=proc.returncode,
        document=document,
        stderr=stderr,
        server_cpu_s=(cpu_seconds(server_pid) - server_before) if server_pid else 0.0,
    )


# ---------------------------------------------------------------------------------------------------
# The scenario, its correct result, and the check


def _minute(value: str | None) -> str | None:
    """Pages show request times to the minute; the generator draws seconds too."""
    return value[:16] if value else None


def compare(document: dict[str, Any], expected: list[dict[str, Any]]) -> list[str]:
    """What differs between a scan's requests and the correct ones (empty when the scan is right).

    Compared: the set of orders, and per order `kind`, `sources`, `reason`, `order_status`, and for
    official requests `requested_at` to the minute. An inquiry's `requested_at` is the buyer message's
    time, which the generator's expected result leaves out, so it is not compared.
    """
    found = {r["order_id"]: r for r in document["requests"]}
    wanted = {r["order_id"]: r for r in expected}
    problems = [f"missing {oid}" for oid in sorted(set(wanted) - set(found))]
    problems += [f"unexpected {oid} ({found[oid]['kind']})" for oid in sorted(set(found) - set(wanted))]
    for oid in sorted(set(found) & set(wanted)):
        got, want = found[oid], wanted[oid]
        for key in ("kind", "sources", "reason", "order_status"):
            if got[key] != want[key]:
                problems.append(f"{oid}: {key} {got[key]!r}, expected {want[key]!r}")
        if want["kind"] == "official" and _minute(got["requested_at"]) != _minute(want["requested_at"]):
            problems.append(f"{oid}: requested_at {got['requested_at']}, expected {want['requested_at']}")
    return problems


def write_scenarios(
    folder: Path, args: argparse.Namespace
) -> tuple[Path, Path, list[dict[str, Any]], Account]:
    """The benchmark scenario, an empty one (start-up cost), and the benchmark's correct result."""
    data = generate_scenario(
        orders=args.orders,
        requests=args.requests,
        threads=args.threads,
        message_requests=args.message_requests,
        inquiries=args.inquiries,
        unshipped_only=True,
        seed=args.seed,
    )
    text = dump_scenario(data, data.parameters)
    path = folder / "scenario.yaml"
    path.write_text(text, encoding="utf-8")
    scenario = parse_scenario(text, path)
    expected = expected_requests(scenario, data.inquiry_order_ids)
    empty = folder / "empty.yaml"
    empty.write_text(
        dump_scenario({"format": 1, "locale": "en_US", "account": dict(SANDBOX_ACCOUNT), "orders": []}),
        encoding="utf-8",
    )
    account = scenario.account
    return path, empty, expected, Account(account.email, account.password, account.totp_secret)


# ---------------------------------------------------------------------------------------------------
# The sandbox in a subprocess


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_sandbox(scenario: Path, workdir: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    log = (workdir / "sandbox.log").open("wb")
    proc = subprocess.Popen(
        [*AGENT, "sandbox", "serve", "--scenario", str(scenario), "--port", str(port)],
        cwd=workdir,
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the sandbox exited with {proc.returncode}; see {workdir / 'sandbox.log'}")
        try:
            with urllib.request.urlopen(base_url + "/__sandbox/health", timeout=2) as answer:
                if answer.status == 200:
                    return proc, base_url
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("the sandbox did not answer within 60 s")


# ---------------------------------------------------------------------------------------------------
# Pages per cancellation


class DocumentCounter:
    """Pure ASGI middleware counting the documents the browser asks the sandbox for: requests whose
    `Sec-Fetch-Dest` is `document` (Chromium sends it to a loopback origin), so the JSON calls, scripts
    and styles of a page are not counted, and nothing else of the sandbox changes."""

    def __init__(self, app: Any, tally: list[str]) -> None:
        self.app = app
        self.tally = tally

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and (b"sec-fetch-dest", b"document") in scope.get("headers", ()):
            self.tally.append(scope["path"])
        await self.app(scope, receive, send)


@dataclass
class Cancellations:
    cancelled: int
    documents: int
    """Documents loaded by `run --execute` beyond those of an idle scan just before it."""
    problem: str = ""

    @property
    def per_cancellation(self) -> float:
        return self.documents / self.cancelled if self.cancelled else float("nan")


def measure_cancellations(workdir: Path, args: argparse.Namespace) -> Cancellations:
    """`run --execute` with rules that auto-cancel official requests, on a small store with
    `--cancellations` of them, after a first scan and an idle one; pages per cancellation is the run's
    documents minus the idle scan's (the run scans first, and finds nothing new), over the accepted
    cancellations (from `/__sandbox/state`). The sandbox runs embedded here, to count documents."""
    import yaml

    from automation.sandbox.server import SandboxServer

    folder = workdir / "cancellations"
    folder.mkdir()
    data = generate_scenario(
        orders=40, requests=args.cancellations, threads=40, message_requests=0, inquiries=0,
        unshipped_only=True, seed=args.seed,
    )  # fmt: skip
    path = folder / "scenario.yaml"
    path.write_text(dump_scenario(data, data.parameters), encoding="utf-8")
    rules_file = folder / "rules.yaml"
    auto_cancel = rules(AUTO_CANCEL_OFFICIAL, per_run=max(20, args.cancellations))
    rules_file.write_text(yaml.safe_dump(auto_cancel), encoding="utf-8")
    server = SandboxServer(path)
    documents: list[str] = []
    server.app.add_middleware(DocumentCounter, tally=documents)
    server.start()
    try:
        base = ["--base-url", server.base_url, "--scenario", str(path), "--data-dir", str(folder / "data")]
        options = {"timeout_s": args.timeout, "agent_code": args.agent_code}
        runs = []
        for label, command in (
            ("first", ["scan", "--json", *base]),
            ("idle", ["scan", "--json", *base]),
            ("execute", ["run", "--execute", "--json", "--rules", str(rules_file), *base]),
        ):
            before = len(documents)
            run = run_agent(f"cancel-{label}", command, folder, **options)
            runs.append((run, len(documents) - before))
            if args.verbose:
                print(f"{label}: {documents[before:]}", file=sys.stderr)
            if run.code != 0:
                return Cancellations(0, 0, f"{label}: exit code {run.code}: {run.stderr.strip()[-300:]}")
        with urllib.request.urlopen(server.base_url + "/__sandbox/state", timeout=10) as answer:
            state = json.load(answer)
        cancelled = sum(1 for c in state.get("cancellations", []) if c.get("accepted"))
        extra = runs[2][1] - runs[1][1]
        problem = "" if cancelled == args.cancellations else f"{cancelled} of {args.cancellations} cancelled"
        return Cancellations(cancelled, extra, problem)
    finally:
        server.stop()


# ---------------------------------------------------------------------------------------------------
# One round: two scans and the floor


@dataclass
class Round:
    scan1: AgentRun
    scan2: AgentRun
    floor: FloorResult


@dataclass(frozen=True)
class Target:
    """The served scenario and how to reach and sign in to it."""

    scenario: Path
    base_url: str
    account: Account
    server_pid: int


def scan_command(args: argparse.Namespace, *target: str) -> list[str]:
    """`scan --json` with the benchmark's pass-through options (`-v`, `--trace`, `--config`)."""
    command = [*(["-v"] if args.verbose else []), "scan", "--json", *target]
    command += ["--config", str(args.config.resolve())] if args.config else []
    return command + (["--trace", args.trace] if args.trace else [])


def one_round(number: int, target: Target, workdir: Path, args: argparse.Namespace) -> Round:
    folder = workdir / f"round-{number}"
    scan = scan_command(args, "--base-url", target.base_url, "--scenario", str(target.scenario))
    scan += ["--data-dir", str(folder / "data")]
    options = {"timeout_s": args.timeout, "server_pid": target.server_pid, "agent_code": args.agent_code}
    first = run_agent("scan1", scan, folder, **options)
    second = run_agent("scan2", scan, folder, **options)
    floor = measure_floor(target.base_url, target.account)
    return Round(first, second, floor)


def check(run: AgentRun, expected: list[dict[str, Any]]) -> str:
    if run.document is None:
        tail = "\n    ".join(run.stderr.strip().splitlines()[-8:])
        run.problems = [f"exit code {run.code}"]
        return f"FAILED (exit code {run.code}):\n    {tail}"
    run.problems = compare(run.document, expected)
    if not run.problems:
        return "OK"
    shown = "; ".join(run.problems[:5])
    return f"MISMATCH ({len(run.problems)}: {shown}{' ...' if len(run.problems) > 5 else ''})"


def verdict(checks: list[str]) -> str:
    """One verdict for all rounds: each different one once, in order."""
    return " / ".join(dict.fromkeys(checks))


# ---------------------------------------------------------------------------------------------------
# The table


def _median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def _row(label: str, runs: list[AgentRun], floor_s: float | None, verdict: str) -> str:
    wall = _median([r.seconds for r in runs])
    cpu = _median([r.cpu_s for r in runs])
    server = _median([r.server_cpu_s for r in runs])
    rss = _median([r.peak.rss_mib for r in runs])
    pss_values = [r.peak.pss_mib for r in runs if r.peak.pss_mib is not None]
    pss = f"{_median(pss_values):7.0f}" if pss_values else "      -"
    pages = [r.pages for r in runs if r.pages is not None]
    ratio = f"{wall / floor_s:7.1f}x" if floor_s else "        "
    procs = max(r.peak.processes for r in runs)
    shown_pages = int(_median(pages)) if pages else "-"
    return (
        f"{label:24s} {wall:8.2f} {cpu:7.1f} {server:7.1f} {ratio} {shown_pages:>5} "
        f"{rss:7.0f} {pss} {procs:5d}  {verdict}"
    )


def print_table(
    args: argparse.Namespace,
    version_s: float,
    empty: list[AgentRun],
    rounds: list[Round],
    verdicts: dict[str, str],
) -> None:
    floor_s = _median([r.floor.seconds for r in rounds])
    bodies_s = _median([r.floor.bodies_seconds for r in rounds])
    floor = rounds[0].floor
    stats1 = rounds[0].scan1.document["stats"] if rounds[0].scan1.document else {}
    stats2 = rounds[0].scan2.document["stats"] if rounds[0].scan2.document else {}
    print()
    print(
        f"sc-cancel scan benchmark: {args.orders} unshipped orders ({args.requests} with requests), "
        f"{args.threads} threads ({args.message_requests} official requests, {args.inquiries} inquiries), "
        f"seed {args.seed}, median of {len(rounds)}"
    )
    print(
        f"{'':24s} {'wall s':>8} {'cpu s':>7} {'srv cpu':>7} {'/floor':>8} {'pages':>5} "
        f"{'RSS MiB':>7} {'PSS MiB':>7} {'procs':>5}  result"
    )
    print(f"{'start-up (--version)':24s} {version_s:8.2f}")
    print(_row("start-up (empty store)", empty, None, verdicts["empty"]))
    print(_row("scan 1 (first)", [r.scan1 for r in rounds], floor_s, verdicts["scan1"]))
    print(_row("scan 2 (nothing new)", [r.scan2 for r in rounds], floor_s, verdicts["scan2"]))
    print(
        f"{'floor (plain HTTP)':24s} {floor_s:8.2f} {'':7} {'':7} {'':8} {floor.requests:>5}  "
        f"({floor.orders} order rows, {floor.threads} threads)"
    )
    print(
        f"{'  + cut-off threads':24s} {bodies_s:8.2f} {'':7} {'':7} {'':8} {floor.truncated_threads:>5}  "
        f"(their whole text; scan 1 / (floor + these) = "
        f"{_median([r.scan1.seconds for r in rounds]) / (floor_s + bodies_s):.1f}x)"
    )
    if stats1:
        print(
            f"scan 1 read {stats1['orders_seen']} order rows and {stats1['threads_seen']} threads; "
            f"scan 2 read {stats2.get('orders_seen')} rows and {stats2.get('threads_seen')} threads"
        )
    print_memory_by_kind(empty, rounds)
    print_goals(empty, rounds, floor_s)


def _kind_cell(runs: list[AgentRun], kind: str, at_peak: bool) -> str:
    values = [(r.peak.pss_at_peak if at_peak else r.peak.pss_by_kind).get(kind, 0.0) for r in runs]
    return f"{_median(values):8.0f}" if any(values) else f"{'-':>8}"


def print_memory_by_kind(empty: list[AgentRun], rounds: list[Round]) -> None:
    """Peak PSS per process kind: in the sample where the whole tree peaked (what the peak is made of),
    and each kind's own peak (kinds need not peak together, so those do not add up to the total)."""
    rows = [
        ("empty store", empty),
        ("scan 1", [r.scan1 for r in rounds]),
        ("scan 2", [r.scan2 for r in rounds]),
    ]
    print()
    print("PSS MiB by process kind, at the tree's peak (own peak of each kind in brackets):")
    print(f"{'':16s} " + " ".join(f"{kind:>17}" for kind in KINDS))
    for label, runs in rows:
        cells = [
            f"{_kind_cell(runs, kind, True)} [{_kind_cell(runs, kind, False).strip():>6}]" for kind in KINDS
        ]
        print(f"{label:16s} " + " ".join(cells))
    print(
        "(agent: Python; the empty store's agent also serves the embedded sandbox; driver: Playwright's "
        "Node; browser: Chromium's browser process and zygotes)"
    )


def _goal(label: str, value: float, goal: float, unit: str) -> str:
    met = "met" if value <= goal else "NOT met"
    return f"{label:44s} {value:8.1f}{unit:2s}  goal <= {goal:g}{unit:2s}  {met}"


def print_goals(empty: list[AgentRun], rounds: list[Round], floor_s: float) -> None:
    """Each figure of the speed and memory goals with its goal beside it."""
    scan1 = [r.scan1 for r in rounds]
    scan2 = [r.scan2 for r in rounds]
    peaks = [
        max(r.scan1.peak.pss_mib or 0.0, r.scan2.peak.pss_mib or 0.0)
        for r in rounds
        if r.scan1.peak.pss_mib is not None
    ]
    empty_s = _median([r.seconds for r in empty])
    empty_cpu = _median([r.cpu_s for r in empty])
    print()
    print("goals:")
    if peaks:
        print(_goal("peak PSS of scans 1 and 2 (MiB)", _median(peaks), GOAL_PSS_MIB, "M"))
    rescan = _median([r.seconds for r in scan2]) / empty_s
    rescan_cpu = _median([r.cpu_s for r in scan2]) / empty_cpu
    print(_goal("idle rescan / empty-store scan (wall)", rescan, GOAL_RESCAN, "x"))
    print(_goal("idle rescan / empty-store scan (CPU s)", rescan_cpu, GOAL_RESCAN, "x"))
    first = _median([r.seconds for r in scan1]) / floor_s
    print(_goal("first full scan / HTTP floor", first, GOAL_FLOOR, "x"))


# ---------------------------------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=7, help="scenario seed (default 7)")
    parser.add_argument("--orders", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=150, help="official requests among the orders")
    parser.add_argument("--threads", type=int, default=3000)
    parser.add_argument("--message-requests", type=int, default=60, help="official requests in Messages")
    parser.add_argument("--inquiries", type=int, default=40, help="buyer messages asking to cancel")
    parser.add_argument("--repeat", type=int, default=1, help="rounds; the table shows medians")
    parser.add_argument(
        "--cancellations",
        type=int,
        default=3,
        help="approved requests cancelled by `run --execute` on a small store, for pages per cancellation "
        "(0: skip)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs, ledgers)")
    parser.add_argument(
        "--trace", choices=("on", "off", "retain-on-failure"), help="pass --trace to the scans"
    )
    parser.add_argument(
        "--verbose", "-v", action="store_true", help="the scans log at DEBUG (kept with --keep)"
    )
    parser.add_argument(
        "--config",
        type=Path,
        help="a settings file passed to every scan, e.g. one holding `order_lookup_ttl: 15m` (cached order "
        "look-ups reused by scan 2); its accounts are not used (the scans name their sandbox)",
    )
    parser.add_argument("--timeout", type=float, default=1800, help="seconds before an agent run is killed")
    parser.add_argument(
        "--agent-code",
        type=Path,
        help="a folder holding another `automation` package (e.g. `git archive` of an older commit) for the "
        "agent runs; the sandbox, the scenario and the check stay this tree's",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="sc-cancel-bench-"))
    sandbox: subprocess.Popen[bytes] | None = None
    try:
        print(f"generating the scenario (seed {args.seed}) in {workdir} ...", file=sys.stderr)
        scenario, empty_scenario, expected, account = write_scenarios(workdir, args)
        code = args.agent_code
        version_runs = [
            run_agent(
                f"version-{i}", ["--version"], workdir / "startup", timeout_s=60, agent_code=code
            ).seconds
            for i in range(3)
        ]
        print("start-up: a scan of an empty store (embedded sandbox) ...", file=sys.stderr)
        empty_scan = scan_command(args, "--scenario", str(empty_scenario))
        empty = [
            run_agent("empty", empty_scan, workdir / f"empty-{i}", timeout_s=300, agent_code=code)
            for i in range(args.repeat)
        ]
        sandbox, base_url = start_sandbox(scenario, workdir)
        target = Target(scenario, base_url, account, sandbox.pid)
        rounds = []
        for number in range(1, args.repeat + 1):
            print(f"round {number}/{args.repeat}: scan 1, scan 2, floor ...", file=sys.stderr)
            rounds.append(one_round(number, target, workdir, args))
        verdicts = {
            "empty": "OK" if all(r.document and r.document["requests"] == [] for r in empty) else "FAILED",
            "scan1": verdict([check(r.scan1, expected) for r in rounds]),
            "scan2": verdict([check(r.scan2, expected) for r in rounds]),
        }
        cancels = None
        if args.cancellations:
            print(f"pages per cancellation: {args.cancellations} approved requests ...", file=sys.stderr)
            cancels = measure_cancellations(workdir, args)
            verdicts["cancellations"] = cancels.problem or "OK"
        print_table(args, _median(version_runs), empty, rounds, verdicts)
        if cancels is not None:
            print(
                _goal(
                    f"pages per cancellation ({cancels.cancelled} cancelled)",
                    cancels.per_cancellation,
                    GOAL_PAGES_PER_CANCELLATION,
                    "",
                )
                + (f"  {cancels.problem}" if cancels.problem else "")
            )
        ok = all(v == "OK" for v in verdicts.values())
        return 0 if ok else 1
    finally:
        if sandbox is not None:
            sandbox.terminate()
            sandbox.wait(timeout=10)
        if args.keep:
            print(f"kept {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
