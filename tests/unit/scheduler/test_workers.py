"""Runs in worker processes and several accounts at once, without a browser: a worker's outcome comes
back, a worker outlasting `run_timeout` is stopped with everything it started (a process in a session
of its own included, as Playwright starts Chromium) and its lock is free again, and the loop runs
accounts side by side so that one account that hangs never holds up the others. A stop of the
scheduler reaches a worker waiting for its account's lock, and a stopped run's trigger reaches the
scheduler."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest

from automation.errors import (
    ExitCode,
    InterruptedRunError,
    LockedError,
    PageChangedError,
    RunTimeoutError,
    ScCancelError,
)
from automation.locks import LockWait, account_lock
from automation.report import ReportTrigger
from automation.scheduler import JobOutcome, ScheduledJob, Scheduler, concurrency_for, round_exit_code
from automation.scheduler.capacity import auto_concurrency
from automation.scheduler.worker import StartedRun, note_run_started, run_in_worker, stop_asked
from automation.settings import load_settings
from automation.yaml_source import YamlError

NEVER = timedelta(minutes=5)
"""A `run_timeout` no test reaches: the work ends long before."""


def no_stop(run: StartedRun | None, error: ScCancelError) -> None:
    raise AssertionError(f"nothing should have been stopped: {error}")


def test_a_workers_outcome_comes_back_to_the_parent() -> None:
    outcome = run_in_worker(
        "shop",
        lambda: JobOutcome("shop", 0, {"found": 2, "worker": os.getpid()}),
        timeout=NEVER,
        stopped=no_stop,
    )
    assert outcome is not None
    assert (outcome.account, outcome.exit_code, outcome.summary["found"]) == ("shop", 0, 2)
    assert outcome.summary["worker"] != os.getpid()  # it ran in a process of its own
    assert outcome.started_at is not None
    assert outcome.finished_at is not None


def test_an_error_in_a_worker_becomes_the_outcome_of_its_exit_code() -> None:
    def fails() -> JobOutcome:
        raise PageChangedError("the orders table is gone", page_key="manage_orders")

    outcome = run_in_worker("shop", fails, timeout=NEVER, stopped=no_stop)
    assert outcome is not None
    assert outcome.exit_code == ExitCode.PAGE_CHANGED
    assert "orders table is gone" in outcome.summary["error"]


def test_a_worker_past_its_timeout_is_stopped_with_all_it_started_and_its_lock_is_free(
    tmp_path: Path,
) -> None:
    pid_file = tmp_path / "browser.pid"

    def hangs() -> JobOutcome:
        with account_lock(tmp_path, "shop-key", name="shop"):
            note_run_started("20261126T120000Z-abcd", tmp_path / "runs" / "20261126T120000Z-abcd")
            # Like Playwright's Chromium: a process in a session of its own, below the worker.
            browser = subprocess.Popen(["sleep", "600"], start_new_session=True)
            pid_file.write_text(str(browser.pid))
            threading.Event().wait()  # hangs, as a page that never answers
        raise AssertionError("unreachable")

    stopped: list[tuple[StartedRun | None, ScCancelError]] = []
    outcome = run_in_worker(
        "shop",
        hangs,
        timeout=timedelta(seconds=2),
        stopped=lambda run, error: stopped.append((run, error)),
    )

    assert outcome is not None
    assert outcome.exit_code == ExitCode.RUN_TIMEOUT == 12
    assert "run_timeout" in outcome.summary["error"]
    assert outcome.status == "failed: run timeout"
    # The parent was told which run to close as failed.
    [(run, error)] = stopped
    assert run is not None
    assert run.run_id == "20261126T120000Z-abcd"
    assert isinstance(error, RunTimeoutError)
    assert "run_timeout" in str(error)
    # The process the worker started in a session of its own is gone too...
    assert _ends(int(pid_file.read_text()))
    # ...and the account's lock freed itself with the worker.
    with account_lock(tmp_path, "shop-key", name="shop"):
        pass


def test_an_abort_stops_a_worker_at_once_and_closes_its_run_as_interrupted(tmp_path: Path) -> None:
    pid_file = tmp_path / "browser.pid"

    def runs_on() -> JobOutcome:
        with account_lock(tmp_path, "shop-key", name="shop"):
            note_run_started("20261126T120000Z-abcd", tmp_path / "runs" / "20261126T120000Z-abcd")
            browser = subprocess.Popen(["sleep", "600"], start_new_session=True)
            pid_file.write_text(str(browser.pid))
            threading.Event().wait()  # a run far from its end
        raise AssertionError("unreachable")

    abort = threading.Event()
    stopped: list[tuple[StartedRun | None, ScCancelError]] = []

    def abort_once_started() -> None:
        while not pid_file.exists():
            time.sleep(0.05)
        abort.set()  # what the loop does on a second Ctrl-C

    threading.Thread(target=abort_once_started, daemon=True).start()
    outcome = run_in_worker(
        "shop", runs_on, timeout=NEVER, stopped=lambda run, error: stopped.append((run, error)), abort=abort
    )

    assert outcome is not None
    assert outcome.exit_code == ExitCode.INTERRUPTED == 130
    assert outcome.status == "failed: interrupted"
    [(run, error)] = stopped
    assert run is not None
    assert run.run_id == "20261126T120000Z-abcd"
    assert isinstance(error, InterruptedRunError)
    assert "Ctrl-C" in str(error)
    assert _ends(int(pid_file.read_text()))
    with account_lock(tmp_path, "shop-key", name="shop"):
        pass


def _ends(pid: int) -> bool:
    """Whether the process is gone (or a zombie) within a minute: a SIGKILL is delivered, not waited for."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.05)
    return False


def test_accounts_run_side_by_side_up_to_the_concurrency() -> None:
    """Two accounts that can only finish while the other is running too (a barrier of two): with
    concurrency 2 both finish; one after the other, neither could."""
    barrier = threading.Barrier(2, timeout=30)

    def job(name: str) -> ScheduledJob:
        def run() -> JobOutcome:
            barrier.wait()
            return JobOutcome(name, 0)

        return ScheduledJob(name, timedelta(minutes=10), timedelta(0), run)

    outcomes = Scheduler([job("a"), job("b")], log=lambda _l, _m: None, concurrency=2).run_once()
    assert [(o.account, o.exit_code) for o in outcomes] == [("a", 0), ("b", 0)]


def test_an_account_that_hangs_never_holds_up_the_others() -> None:
    """With concurrency 2, account `stuck` hangs until the test releases it; the other two accounts
    both run and finish meanwhile, one after the other in the second slot."""
    release, others_done = threading.Event(), threading.Event()
    finished: list[str] = []

    def stuck() -> JobOutcome:
        assert release.wait(timeout=60)
        finished.append("stuck")
        return JobOutcome("stuck", int(ExitCode.RUN_TIMEOUT), {"error": "stopped after run_timeout"})

    def quick(name: str) -> ScheduledJob:
        def run() -> JobOutcome:
            finished.append(name)
            if len(finished) == 2:
                others_done.set()
            return JobOutcome(name, 0)

        return ScheduledJob(name, timedelta(minutes=10), timedelta(0), run)

    jobs = [ScheduledJob("stuck", timedelta(minutes=10), timedelta(0), stuck), quick("b"), quick("c")]
    loop = Scheduler(jobs, log=lambda _l, _m: None, concurrency=2)
    result: list[list[JobOutcome]] = []
    round_thread = threading.Thread(target=lambda: result.append(loop.run_once()))
    round_thread.start()
    try:
        assert others_done.wait(timeout=60), "the other accounts waited for the hung one"
        assert finished == ["b", "c"]
    finally:
        release.set()
        round_thread.join(timeout=60)
    [outcomes] = result
    assert [o.account for o in outcomes] == ["stuck", "b", "c"]  # the settings' order
    assert round_exit_code(outcomes) == ExitCode.RUN_TIMEOUT


@pytest.mark.parametrize(
    ("cores", "free_mib", "expected"),
    [(2, 22_000, 2), (8, 22_000, 8), (8, 1_600, 3), (4, 100, 1), (2, None, 2)],
)
def test_auto_takes_the_cores_unless_the_free_memory_holds_fewer_runs(
    cores: int, free_mib: int | None, expected: int
) -> None:
    assert auto_concurrency(cores, free_mib) == expected


def test_concurrency_is_never_more_than_the_accounts_and_says_where_it_came_from() -> None:
    assert concurrency_for("auto", accounts=1, cores=8, free_mib=22_000)[0] == 1
    chosen, why = concurrency_for("auto", accounts=10, cores=2, free_mib=22_000)
    assert chosen == 2
    assert "auto = 2" in why
    assert "2 cores" in why
    assert "21.5 GB" in why
    assert concurrency_for(3, accounts=10) == (3, "concurrency 3 (settings)")


@pytest.mark.parametrize("value", ["lots", "0", "2.5", "-1", "true"])
def test_a_bad_concurrency_setting_is_named_with_its_place(tmp_path: Path, value: str) -> None:
    path = tmp_path / "sc-cancel.yaml"
    path.write_text(f"format: 1\nconcurrency: {value}\n", encoding="utf-8")
    with pytest.raises(YamlError, match=r"\.yaml:2:1: concurrency: expected a whole number of 1 or more"):
        load_settings(path)


def test_concurrency_is_auto_by_default_and_takes_a_number(tmp_path: Path) -> None:
    path = tmp_path / "sc-cancel.yaml"
    path.write_text("format: 1\n", encoding="utf-8")
    assert load_settings(path)[0].concurrency == "auto"
    path.write_text("format: 1\nconcurrency: 4\n", encoding="utf-8")
    assert load_settings(path)[0].concurrency == 4


def test_a_stop_ends_a_workers_wait_for_its_accounts_lock(tmp_path: Path) -> None:
    """The test holds the account's lock, as a run in another process would; a worker waits for it (up
    to five minutes). The scheduler's stop, set once the worker waits, reaches the worker, which gives
    up waiting: it never gets the lock, which the test gives back only after the worker has returned (or
    after a minute, when the worker would take it and the test fail)."""
    stop, returned = threading.Event(), threading.Event()
    waiting = tmp_path / "waiting"

    def waits() -> JobOutcome:
        waiting.touch()
        try:
            with account_lock(tmp_path, "shop-key", name="shop", wait=LockWait(NEVER, stop=stop_asked(stop))):
                return JobOutcome("shop", 0, {"got": "the lock"})
        except LockedError:
            return JobOutcome("shop", 0, {"got": "a stop"})

    def run() -> JobOutcome | None:
        try:
            return run_in_worker("shop", waits, timeout=NEVER, stopped=no_stop, stop=stop, lock_wait=NEVER)
        finally:
            returned.set()

    with account_lock(tmp_path, "shop-key", name="other run"):
        result: list[JobOutcome | None] = []
        worker = threading.Thread(target=lambda: result.append(run()))
        worker.start()
        deadline = time.monotonic() + 60
        while not waiting.exists():
            assert time.monotonic() < deadline, "the worker never started"
            time.sleep(0.05)
        stop.set()
        returned.wait(60)
    worker.join(60)
    [outcome] = result
    assert outcome is not None
    assert outcome.summary["got"] == "a stop"


def test_the_trigger_of_a_stopped_run_reaches_the_scheduler() -> None:
    trigger = ReportTrigger(order_ids=("111-0000000-0000001",))

    def hangs() -> JobOutcome:
        note_run_started("20261126T120000Z-abcd", Path("runs/20261126T120000Z-abcd"), trigger)
        threading.Event().wait()
        raise AssertionError("unreachable")

    stopped: list[StartedRun | None] = []
    outcome = run_in_worker(
        "shop", hangs, timeout=timedelta(seconds=1), stopped=lambda run, _error: stopped.append(run)
    )
    assert outcome is not None
    assert outcome.exit_code == ExitCode.RUN_TIMEOUT
    [run] = stopped
    assert run is not None
    assert run.trigger == trigger
