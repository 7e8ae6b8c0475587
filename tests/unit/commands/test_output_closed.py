"""Standard output closed early (`sc-cancel history | head -1`): the command stops quietly with exit code
141, as Unix tools killed by SIGPIPE do, instead of reporting a bug."""

from __future__ import annotations

from pathlib import Path

from closed_pipe import assert_quiet_stop, run_into_closed_pipe

from automation.ledger import Ledger


def test_history_into_a_closed_pipe_stops_quietly(tmp_path: Path) -> None:
    with Ledger.open(tmp_path / "ledger.sqlite3") as ledger:
        for _ in range(3):
            ledger.start_run("seller@example.com", "scan")
    assert_quiet_stop(run_into_closed_pipe("history", data_dir=tmp_path))


def test_a_generated_scenario_into_a_closed_pipe_stops_quietly(tmp_path: Path) -> None:
    generate = ("sandbox", "generate", "--orders", "50", "--requests", "3", "--threads", "10", "--seed", "1")
    assert_quiet_stop(run_into_closed_pipe(*generate, data_dir=tmp_path))
