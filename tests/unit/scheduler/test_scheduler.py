"""The scheduled loop, on a fake clock: intervals and jitter, failures and locks that never stop the
loop, one round for cron, prompt and clean stops, and the one line each run leaves in the log."""

from __future__ import annotations

import itertools
import os
import random
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

from automation.errors import (
    ActionsFailedError,
    BadInputError,
    ExitCode,
    LockedError,
    PageChangedError,
    PersonNeededError,
    SiteFailingError,
    StoppedError,
)
from automation.locks import account_lock
from automation.scheduler import (
    MAX_NAP_SECONDS,
    JobOutcome,
    ScheduledJob,
    Scheduler,
    install_signal_handlers,
    job_for_target,
    round_exit_code,
)
from automation.settings import Schedule

REPO_ROOT = Path(__file__).resolve().parents[3]
START = datetime(2026, 11, 26, 12, 0, 0, tzinfo=UTC)


class FakeClock:
    """A clock that only moves when told: by a job "working" or by the loop "sleeping"."""

    def __init__(self) -> None:
        self.now = START
        self.naps: list[float] = []

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)

    def sleep(self, seconds: float) -> None:
        self.naps.append(seconds)
        self.advance(seconds)


class Log:
    def __init__(self) -> None:
        self.lines: list[tuple[str, str]] = []

    def __call__(self, level: str, message: str) -> None:
        self.lines.append((level, message))

    def runs(self) -> list[tuple[str, str]]:
        return [(lvl, msg) for lvl, msg in self.lines if msg.startswith("scheduled run ")]


def ok(
    account: str, clock: FakeClock, calls: list[datetime], seconds: float = 30.0
) -> Callable[[], JobOutcome]:
    def run() -> JobOutcome:
        started = clock()
        calls.append(started)
        clock.advance(seconds)
        return JobOutcome(
            account, 0, {"found": 1, "new": 0, "actions_done": 0, "actions_failed": 0}, started, clock()
        )

    return run


def stop_after(clock: FakeClock, stop: threading.Event, horizon: timedelta) -> Callable[[float], None]:
    """A fake sleep that ends the loop once the fake clock passes START + horizon."""

    def sleep(seconds: float) -> None:
        clock.sleep(seconds)
        if clock() >= START + horizon:
            stop.set()

    return sleep


def highest(low: float, high: float) -> float:
    return high


def lowest(low: float, high: float) -> float:
    return low


def test_runs_every_interval_plus_the_drawn_jitter_planned_from_the_end_of_the_previous_run() -> None:
    clock, calls, log, stop = FakeClock(), [], Log(), threading.Event()
    job = ScheduledJob("shop", timedelta(minutes=10), timedelta(minutes=1), ok("shop", clock, calls, 30))
    loop = Scheduler(
        [job], clock=clock, sleep=stop_after(clock, stop, timedelta(hours=1)), random=highest, log=log
    )
    assert loop.next_runs() == {"shop": START + timedelta(minutes=1)}  # first run at once, plus jitter
    loop.run_forever(stop)
    # jitter always drawn at its maximum: first at 1m, then 30 s of work + 10 m + 1 m after each end.
    expected = [START + timedelta(minutes=1) + i * timedelta(minutes=11, seconds=30) for i in range(6)]
    assert calls == expected[: len(calls)]
    assert len(calls) == 6
    assert all(nap <= MAX_NAP_SECONDS for nap in clock.naps)


def test_jitter_is_redrawn_for_every_run_and_stays_within_its_bounds() -> None:
    clock, calls, stop = FakeClock(), [], threading.Event()
    interval, jitter, work = timedelta(minutes=10), timedelta(minutes=2), 5.0
    job = ScheduledJob("shop", interval, jitter, ok("shop", clock, calls, work))
    rng = random.Random(20261126)
    loop = Scheduler(
        [job], clock=clock, sleep=stop_after(clock, stop, timedelta(days=1)), random=rng.uniform, log=Log()
    )
    loop.run_forever(stop)
    assert len(calls) > 100
    gaps = [(b - a - timedelta(seconds=work)) for a, b in itertools.pairwise(calls)]
    assert all(interval <= gap <= interval + jitter for gap in gaps)
    assert len({round(g.total_seconds(), 3) for g in gaps}) > len(gaps) // 2  # drawn anew, not once


def test_no_jitter_means_exactly_the_interval() -> None:
    clock, calls, stop = FakeClock(), [], threading.Event()
    job = ScheduledJob("shop", timedelta(seconds=90), timedelta(0), ok("shop", clock, calls, 0))
    loop = Scheduler([job], clock=clock, sleep=stop_after(clock, stop, timedelta(minutes=10)), log=Log())
    loop.run_forever(stop)
    assert calls[:3] == [START, START + timedelta(seconds=90), START + timedelta(seconds=180)]


def test_a_run_longer_than_its_interval_is_not_followed_by_a_burst_of_missed_runs() -> None:
    clock, calls, stop = FakeClock(), [], threading.Event()
    durations = iter([3600.0] + [10.0] * 100)  # the first run takes six intervals

    def run() -> JobOutcome:
        calls.append(clock())
        clock.advance(next(durations))
        return JobOutcome("shop", 0)

    job = ScheduledJob("shop", timedelta(minutes=10), timedelta(0), run)
    loop = Scheduler([job], clock=clock, sleep=stop_after(clock, stop, timedelta(minutes=95)), log=Log())
    loop.run_forever(stop)
    # After the long run (ending at 60 min) the next comes 10 minutes later, not six times at once.
    assert calls[:3] == [START, START + timedelta(minutes=70), START + timedelta(minutes=80, seconds=10)]


def test_one_failing_account_never_stops_the_others() -> None:
    clock, log, stop = FakeClock(), Log(), threading.Event()
    good_calls: list[datetime] = []
    failures = iter([PageChangedError("no orders table", page_key="manage_orders"), RuntimeError("boom")])
    bad_calls: list[datetime] = []

    def bad() -> JobOutcome:
        bad_calls.append(clock())
        clock.advance(5)
        raise next(failures, SiteFailingError("503 after retries"))

    jobs = [
        ScheduledJob("bad", timedelta(minutes=5), timedelta(0), bad),
        ScheduledJob("good", timedelta(minutes=5), timedelta(0), ok("good", clock, good_calls, 5)),
    ]
    loop = Scheduler(jobs, clock=clock, sleep=stop_after(clock, stop, timedelta(minutes=16)), log=log)
    loop.run_forever(stop)
    assert len(bad_calls) == len(good_calls) == 4
    runs = log.runs()
    bad_lines = [(lvl, msg) for lvl, msg in runs if msg.startswith("scheduled run bad:")]
    assert [lvl for lvl, _ in bad_lines] == ["ERROR"] * 4
    assert "exit=4" in bad_lines[0][1]
    assert "error=no orders table" in bad_lines[0][1]
    assert "exit=1" in bad_lines[1][1]
    assert "failed: bug" in bad_lines[1][1]
    assert "exit=5" in bad_lines[2][1]
    assert all(lvl == "INFO" for lvl, msg in runs if msg.startswith("scheduled run good:"))
    assert loop.last_outcomes()["bad"].exit_code == ExitCode.SITE_FAILING
    assert loop.last_outcomes()["good"].exit_code == ExitCode.OK


def test_an_account_still_running_elsewhere_is_skipped_not_failed(tmp_path: Path) -> None:
    """The real account lock, held as a manual `sc-cancel run` would hold it."""
    clock, log = FakeClock(), Log()
    attempts: list[str] = []

    def locked_run() -> JobOutcome:
        attempts.append("try")
        with account_lock(tmp_path, "seller@example.com"):
            return JobOutcome("shop", 0)

    loop = Scheduler(
        [ScheduledJob("shop", timedelta(minutes=10), timedelta(0), locked_run)], clock=clock, log=log
    )
    with account_lock(tmp_path, "seller@example.com"):
        (outcome,) = loop.run_once()
    assert attempts == ["try"]
    assert outcome.skipped
    assert not outcome.failed
    assert outcome.exit_code == ExitCode.LOCKED
    ((level, line),) = log.runs()
    assert level == "INFO"
    assert line.startswith("scheduled run shop: skipped: still running | exit=6")
    assert "error=" not in line
    assert round_exit_code([outcome]) == 0
    (again,) = loop.run_once()  # the lock is free now: the same job runs normally
    assert again.exit_code == 0
    assert not again.skipped


def test_run_once_runs_every_account_exactly_once_in_order_without_waiting() -> None:
    clock, log = FakeClock(), Log()
    order: list[str] = []

    def job(name: str, error: Exception | None = None) -> ScheduledJob:
        def run() -> JobOutcome:
            order.append(name)
            if error is not None:
                raise error
            return JobOutcome(name, 0)

        return ScheduledJob(name, timedelta(hours=1), timedelta(minutes=5), run)

    naps: list[float] = []
    loop = Scheduler(
        [job("a"), job("b", PersonNeededError("captcha")), job("c")], clock=clock, sleep=naps.append, log=log
    )
    outcomes = loop.run_once()
    assert order == ["a", "b", "c"]
    assert [(o.account, o.exit_code) for o in outcomes] == [("a", 0), ("b", 3), ("c", 0)]
    assert naps == []
    assert round_exit_code(outcomes) == ExitCode.PERSON_NEEDED
    assert len(log.runs()) == 3


def test_a_stop_during_a_round_lets_the_current_run_finish_and_starts_no_other() -> None:
    stop = threading.Event()
    order: list[str] = []

    def first() -> JobOutcome:
        order.append("first")
        stop.set()  # SIGTERM arrives while this account runs
        order.append("first finished")
        return JobOutcome("first", 0)

    def second() -> JobOutcome:
        order.append("second")
        return JobOutcome("second", 0)

    jobs = [
        ScheduledJob("first", timedelta(minutes=1), timedelta(0), first),
        ScheduledJob("second", timedelta(minutes=1), timedelta(0), second),
    ]
    outcomes = Scheduler(jobs, clock=FakeClock(), log=Log()).run_once(stop)
    assert order == ["first", "first finished"]
    assert [o.account for o in outcomes] == ["first"]
    clock = FakeClock()
    stop.clear()
    order.clear()
    Scheduler(jobs, clock=clock, sleep=clock.sleep, log=Log()).run_forever(stop)
    assert order == ["first", "first finished"]


def test_the_stop_event_ends_the_real_wait_promptly() -> None:
    """With the default wait (on the stop event) and a real clock, a stop an hour before the next run
    ends the loop at once."""
    stop, calls = threading.Event(), []

    def run() -> JobOutcome:
        calls.append(1)
        return JobOutcome("shop", 0)

    loop = Scheduler([ScheduledJob("shop", timedelta(hours=1), timedelta(0), run)], log=Log())
    worker = threading.Thread(target=loop.run_forever, args=(stop,))
    started = time.monotonic()
    worker.start()
    deadline = time.monotonic() + 5
    while not calls and time.monotonic() < deadline:
        time.sleep(0.01)
    stop.set()
    worker.join(timeout=5)
    assert not worker.is_alive()
    assert calls == [1]
    assert time.monotonic() - started < 5


def test_next_runs_lists_accounts_soonest_first() -> None:
    clock = FakeClock()
    jitters = iter([50.0, 10.0, 0.0, 0.0])
    jobs = [
        ScheduledJob("late", timedelta(minutes=10), timedelta(minutes=1), lambda: JobOutcome("late", 0)),
        ScheduledJob("early", timedelta(minutes=10), timedelta(minutes=1), lambda: JobOutcome("early", 0)),
    ]
    loop = Scheduler(jobs, clock=clock, random=lambda low, high: next(jitters), log=Log())
    assert list(loop.next_runs().items()) == [
        ("early", START + timedelta(seconds=10)),
        ("late", START + timedelta(seconds=50)),
    ]
    loop.run_once()
    assert loop.next_runs()["late"] == START + timedelta(minutes=10)  # an interval after it ran


def test_a_random_source_out_of_range_cannot_push_a_run_beyond_its_jitter() -> None:
    clock = FakeClock()
    job = ScheduledJob("shop", timedelta(minutes=10), timedelta(seconds=30), lambda: JobOutcome("shop", 0))
    loop = Scheduler([job], clock=clock, random=lambda low, high: high * 10, log=Log())
    assert loop.next_runs()["shop"] == START + timedelta(seconds=30)


def test_bad_schedules_are_refused() -> None:
    with pytest.raises(BadInputError, match="more than 0"):
        ScheduledJob("shop", timedelta(0), timedelta(0), lambda: JobOutcome("shop", 0))
    with pytest.raises(BadInputError, match="negative"):
        ScheduledJob("shop", timedelta(minutes=1), timedelta(seconds=-1), lambda: JobOutcome("shop", 0))
    with pytest.raises(BadInputError, match="no account"):
        Scheduler([])
    twice = ScheduledJob("shop", timedelta(minutes=1), timedelta(0), lambda: JobOutcome("shop", 0))
    with pytest.raises(BadInputError, match="shop appear twice"):
        Scheduler([twice, twice])


# ---- outcomes and their lines --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("exc", "code"),
    [
        (BadInputError("bad rules"), 2),
        (PersonNeededError("captcha"), 3),
        (PageChangedError("changed", page_key="messages"), 4),
        (SiteFailingError("503"), 5),
        (LockedError("busy"), 6),
        (ActionsFailedError("failed"), 9),
        (StoppedError("STOP file"), 10),
        (ValueError("a bug"), 1),
        (KeyError("x"), 1),
        (KeyboardInterrupt(), 130),
    ],
)
def test_outcome_from_exception_keeps_the_exit_code(exc: BaseException, code: int) -> None:
    outcome = JobOutcome.from_exception("shop", exc, started_at=START, finished_at=START)
    assert outcome.exit_code == code
    assert outcome.summary["error_type"] == type(exc).__name__


def test_outcome_error_is_one_short_line() -> None:
    exc = PageChangedError("first line\nsecond line " + "x" * 1000, page_key="manage_orders")
    outcome = JobOutcome.from_exception("shop", exc)
    line = outcome.line()
    assert "\n" not in line
    assert "error=first line second line xxx" in line
    assert line.endswith("...")
    assert len(outcome.summary["error"]) == 300


def run_result(requests: int, new: int, outcomes: dict[str, str | None], *, stopped: bool = False) -> object:
    """What the outcome reads of a `RunResult`: the scan's requests and new ones, each request's
    outcome, the failed ones (`RunResult.failed`: outcome failed or unknown) and the stop flag."""
    scan = SimpleNamespace(requests=[object()] * requests, new={f"n{i}" for i in range(new)}, run_id="r-1")
    return SimpleNamespace(
        scan=scan,
        outcomes={oid: SimpleNamespace(outcome=o) for oid, o in outcomes.items()},
        failed=[oid for oid, o in outcomes.items() if o in ("failed", "unknown")],
        stopped=stopped,
    )


def test_the_real_run_result_has_what_the_outcome_reads() -> None:
    """Guards the duck-typed fake above against the runner's own record."""
    from automation.actions.outcome import RequestOutcome, RunResult

    scan = SimpleNamespace(requests=[object()] * 2, new={"a"}, run_id="r-2")
    result = RunResult(
        scan=scan,  # type: ignore[arg-type]
        outcomes={
            "a": RequestOutcome("cancel", "young", "auto", "done"),
            "b": RequestOutcome("cancel", None, "auto", "unknown"),
        },
    )
    outcome = JobOutcome.from_run_result("shop", result)
    assert outcome.exit_code == ExitCode.ACTIONS_FAILED
    assert dict(outcome.summary) == {
        "found": 2,
        "new": 1,
        "actions_done": 1,
        "actions_failed": 1,
        "run_id": "r-2",
    }


def test_outcome_line_of_a_run_that_went_well() -> None:
    result = run_result(4, 2, {"a": "done", "b": "done", "c": "planned", "d": None})
    outcome = JobOutcome.from_run_result(
        "shop-us", result, started_at=START, finished_at=START + timedelta(seconds=41.24)
    )  # type: ignore[arg-type]
    assert outcome.line() == (
        "scheduled run shop-us: ok | exit=0 found=4 new=2 actions_done=2 actions_failed=0 seconds=41.2"
    )


def test_outcome_of_a_run_with_failed_or_held_actions() -> None:
    failed = JobOutcome.from_run_result("s", run_result(3, 0, {"a": "done", "b": "failed", "c": "unknown"}))  # type: ignore[arg-type]
    assert failed.exit_code == ExitCode.ACTIONS_FAILED
    assert "failed: actions failed | exit=9 found=3 new=0 actions_done=1 actions_failed=2" in failed.line()
    held = JobOutcome.from_run_result("s", run_result(1, 1, {"a": "planned"}, stopped=True))  # type: ignore[arg-type]
    assert held.exit_code == ExitCode.STOPPED


def test_a_failed_run_line_shows_dashes_for_what_it_never_counted() -> None:
    outcome = JobOutcome.from_exception(
        "shop", SiteFailingError("timeout"), started_at=START, finished_at=START + timedelta(seconds=3)
    )
    assert outcome.line() == (
        "scheduled run shop: failed: site failing | exit=5 found=- new=- actions_done=- actions_failed=-"
        " seconds=3.0 error=timeout"
    )


def test_stopped_runs_are_warnings_and_other_failures_errors() -> None:
    log = Log()
    jobs = [
        ScheduledJob("held", timedelta(minutes=1), timedelta(0), lambda: JobOutcome("held", 10)),
        ScheduledJob("fine", timedelta(minutes=1), timedelta(0), lambda: JobOutcome("fine", 0)),
    ]
    Scheduler(jobs, clock=FakeClock(), log=log).run_once()
    assert [lvl for lvl, _ in log.runs()] == ["WARNING", "INFO"]


def test_job_for_target_uses_the_accounts_schedule_and_times_the_run() -> None:
    clock = FakeClock()
    target = SimpleNamespace(name="shop-eu", schedule=Schedule(every="15m", jitter="45s"))
    seen: list[object] = []

    def run_target(t: object) -> object:
        seen.append(t)
        clock.advance(12)
        return run_result(2, 1, {"a": "done"})

    job = job_for_target(target, run_target, clock=clock)  # type: ignore[arg-type]
    assert (job.account, job.interval, job.jitter) == (
        "shop-eu",
        timedelta(minutes=15),
        timedelta(seconds=45),
    )
    outcome = job.run()
    assert seen == [target]
    assert outcome.started_at == START
    assert outcome.seconds == 12.0
    assert outcome.summary["found"] == 2
    assert outcome.summary["actions_done"] == 1


# ---- signals --------------------------------------------------------------------------------------


def test_first_ctrl_c_sets_the_stop_event_and_the_second_raises() -> None:
    stop, notices = threading.Event(), []
    restore = install_signal_handlers(stop, log=notices.append)
    try:
        signal.raise_signal(signal.SIGTERM)
        assert stop.is_set()
        assert "SIGTERM received" in notices[0]
        signal.raise_signal(signal.SIGTERM)  # a repeated SIGTERM is harmless
        with pytest.raises(KeyboardInterrupt):
            signal.raise_signal(signal.SIGINT)
    finally:
        restore()
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL


CHILD = """
import sys, threading, time
from datetime import timedelta
from automation.scheduler import JobOutcome, ScheduledJob, Scheduler, install_signal_handlers

def log(level, message):
    print(level, message, flush=True)

def run():
    print("run started", flush=True)
    time.sleep(1.0)  # a step in progress when SIGTERM arrives
    print("run finished", flush=True)
    return JobOutcome("shop", 0)

stop = threading.Event()
install_signal_handlers(stop, log=lambda m: print(m, flush=True))
Scheduler([ScheduledJob("shop", timedelta(seconds=1), timedelta(0), run)], log=log).run_forever(stop)
print("exited cleanly", flush=True)
"""


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_lets_the_running_job_finish_and_ends_the_loop(sig: signal.Signals) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(CHILD)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        cwd=REPO_ROOT,
    )
    assert proc.stdout is not None
    lines = []
    for line in proc.stdout:
        lines.append(line.strip())
        if line.strip() == "run started":
            proc.send_signal(sig)
            break
    rest, _ = proc.communicate(timeout=20)
    lines += rest.splitlines()
    assert proc.returncode == 0, lines
    assert lines.index("run started") < lines.index("run finished") < lines.index("exited cleanly")
    assert f"{sig.name} received" in " ".join(lines)
    assert lines.count("run started") == 1
    assert any(line.startswith("INFO scheduled run shop: ok | exit=0") for line in lines)


def test_each_run_is_followed_by_a_line_saying_when_that_account_runs_next() -> None:
    clock, calls, log, stop = FakeClock(), [], Log(), threading.Event()
    jobs = [
        ScheduledJob("shop-eu", timedelta(minutes=10), timedelta(minutes=1), ok("shop-eu", clock, calls, 30)),
        ScheduledJob("shop-na", timedelta(hours=2), timedelta(0), ok("shop-na", clock, calls, 30)),
    ]
    loop = Scheduler(
        jobs, clock=clock, sleep=stop_after(clock, stop, timedelta(minutes=30)), random=highest, log=log
    )
    loop.run_forever(stop)
    notes = [msg for _, msg in log.lines if ": next run at " in msg]
    # shop-na starts at once and ends at 12:00:30; shop-eu starts at 12:01 (jitter) and ends at 12:01:30.
    na_next = START + timedelta(seconds=30) + timedelta(hours=2)
    eu_next = START + timedelta(minutes=1, seconds=30) + timedelta(minutes=11)
    assert notes[:2] == [
        f"shop-na: next run at {na_next.astimezone():%H:%M} (in 2 h)",
        f"shop-eu: next run at {eu_next.astimezone():%H:%M} (in 11 min)",
    ]
    assert len(notes) == len(calls), "one line after every run"


def test_one_round_for_cron_says_nothing_about_a_next_run() -> None:
    clock, calls, log = FakeClock(), [], Log()
    job = ScheduledJob("shop", timedelta(minutes=10), timedelta(0), ok("shop", clock, calls))
    Scheduler([job], clock=clock, log=log).run_once()
    assert calls
    assert not [msg for _, msg in log.lines if "next run" in msg]


def test_the_loop_uses_only_schedules_public_job_api() -> None:
    """`schedule.Job`'s private methods may change in any release; the loop overrides none of them."""
    import schedule

    from automation.scheduler import loop

    jobs = [cls for cls in vars(loop).values() if isinstance(cls, type) and issubclass(cls, schedule.Job)]
    assert jobs, "the loop builds its jobs on schedule.Job"
    overridden = {name for cls in jobs for name in vars(cls) if hasattr(schedule.Job, name)}
    assert "run" in overridden
    assert not {name for name in overridden if name.startswith("_") and not name.startswith("__")}
