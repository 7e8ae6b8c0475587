"""`sc-cancel history`: newest first, with run ids, `--since` and `--run`, and ages people can read.

The ledger is filled through its own API with a clock the test sets; the command runs in-process.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from automation.cli import main
from automation.ledger import Ledger, ThreadKind, ThreadMark
from automation.models import CancellationRequest, Channel, RequestKind
from automation.targets import resolve_targets

T0 = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def request(order_id: str) -> CancellationRequest:
    return CancellationRequest(order_id=order_id, kind=RequestKind.OFFICIAL, sources=(Channel.MANAGE_ORDERS,))


def fill(path: Path, account: str) -> tuple[str, str]:
    """Two runs of `account`, 3 hours apart; the second classifies a thread. Returns their ids."""
    clock = Clock(T0)
    with Ledger.open(path, clock=clock) as ledger:
        first = ledger.start_run(account, "scan")
        ledger.record_scan(account, first, [request("111-0000001-0000001")], marketplace=None)
        ledger.finish_run(first, status="ok", exit_code=0, stats={})
        clock.now = T0 + timedelta(hours=3)
        second = ledger.start_run(account, "scan")
        ledger.record_scan(
            account,
            second,
            [request("111-0000001-0000001"), request("111-0000002-0000002")],
            marketplace=None,
        )
        mark = ThreadMark(
            thread_id="t-9", last_activity=clock.now, kind=ThreadKind.OFFICIAL, order_id="111-0000002-0000002"
        )
        ledger.record_threads(account, [mark], run_id=second)
        ledger.finish_run(second, status="ok", exit_code=0, stats={})
    return first, second


@pytest.fixture
def ledger_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "ledger.sqlite3"


def test_the_ledger_gives_history_newest_first_since_a_time_and_by_run(ledger_path: Path) -> None:
    first, second = fill(ledger_path, "acct")
    with Ledger.open(ledger_path) as ledger:
        newest = ledger.history("acct", newest_first=True)
        assert newest[0].event == "run_finished"
        assert newest[0].run_id == second
        assert [e.at for e in newest] == sorted((e.at for e in newest), reverse=True)
        assert [e.event for e in ledger.history("acct", newest_first=True, limit=1)] == ["run_finished"]
        late = ledger.history("acct", since=T0 + timedelta(hours=1))
        assert {e.run_id for e in late} == {second}
        by_run = ledger.history("acct", run_id=first)
        assert [e.event for e in by_run] == ["run_started", "request_new", "run_finished"]
        classified = [e for e in ledger.history("acct", run_id=second) if e.event == "thread_classified"]
        assert [e.thread_id for e in classified] == ["t-9"], "a thread's verdict belongs to its run"


@pytest.fixture
def agent_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.chdir(tmp_path)
    return {"SC_CANCEL_DATA_DIR": str(tmp_path / "data"), "HOME": str(tmp_path)}


def history(env: dict[str, str], capsys: pytest.CaptureFixture[str], *args: str) -> list[str]:
    code = main(["history", *args], environ=env)
    out = capsys.readouterr()
    assert code == 0, out.err
    return out.out.splitlines()


def demo_key(env: dict[str, str]) -> str:
    (target,) = resolve_targets(scenario=None, base_url=None, settings=None, account=None, env=env)
    return str(target.key)


def test_history_command_newest_first_with_run_ids_and_filters(
    agent_env: dict[str, str], ledger_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = fill(ledger_path, demo_key(agent_env))
    lines = history(agent_env, capsys)
    events = [line for line in lines if "run_" in line or "request_" in line or "thread_" in line]
    assert "run_finished" in events[0]
    assert second in events[0], "each line names its run"
    assert "run_started" in events[-1]
    assert first in events[-1]

    only_first = history(agent_env, capsys, "--run", first)
    assert only_first
    assert all(second not in line for line in only_first)
    assert any("request_new" in line and "111-0000001-0000001" in line for line in only_first)

    since = history(agent_env, capsys, "--since", (T0 + timedelta(hours=1)).isoformat())
    assert any(second in line for line in since)
    assert all(first not in line for line in since)


def test_history_shows_ages_in_hours_and_minutes(
    agent_env: dict[str, str], ledger_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fill(ledger_path, demo_key(agent_env))
    text = "\n".join(history(agent_env, capsys))
    assert " ago" in text
    assert " h " in text or " d " in text
    assert not re.search(r"\d+\.\d+ min", text), "no raw fractional minutes"


def test_a_bad_since_is_bad_input(
    agent_env: dict[str, str], ledger_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fill(ledger_path, demo_key(agent_env))
    assert main(["history", "--since", "last tuesday"], environ=agent_env) == 2
    assert "--since" in capsys.readouterr().err


def test_an_unknown_run_says_so(
    agent_env: dict[str, str], ledger_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fill(ledger_path, demo_key(agent_env))
    assert main(["history", "--run", "20990101T000000Z-ffff"], environ=agent_env) == 2
    assert "20990101T000000Z-ffff" in capsys.readouterr().err
