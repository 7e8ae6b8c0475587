"""The STOP file beside the ledger, the STOP switch held in the ledger, and the setting that does the
same."""

from __future__ import annotations

from pathlib import Path

import pytest

from automation.errors import ExitCode, StoppedError
from automation.ledger import Ledger, LedgerLocation
from automation.stop import raise_if_stopped, stop_file, stop_requested


def test_no_stop_file_means_go(tmp_path: Path) -> None:
    assert stop_requested(tmp_path) is False
    raise_if_stopped(tmp_path)
    assert stop_requested(tmp_path / "missing-folder") is False


def test_a_stop_file_halts_actions_until_removed(tmp_path: Path) -> None:
    stop_file(tmp_path).write_text("halted during the stock count\n")
    assert stop_file(tmp_path) == tmp_path / "STOP"
    assert stop_requested(tmp_path) is True
    with pytest.raises(StoppedError) as caught:
        raise_if_stopped(tmp_path)
    assert caught.value.exit_code == ExitCode.STOPPED == 10
    assert str(tmp_path / "STOP") in str(caught.value)
    stop_file(tmp_path).unlink()
    assert stop_requested(tmp_path) is False


def test_an_empty_stop_folder_counts_too(tmp_path: Path) -> None:
    stop_file(tmp_path).mkdir()
    assert stop_requested(tmp_path) is True


def test_the_setting_halts_actions_without_a_file(tmp_path: Path) -> None:
    assert stop_requested(tmp_path, actions_enabled=False) is True
    with pytest.raises(StoppedError, match="actions_enabled"):
        raise_if_stopped(tmp_path, actions_enabled=False)


def test_the_ledgers_switch_halts_every_process_sharing_the_ledger_until_resumed(
    ledger_location: LedgerLocation, tmp_path: Path
) -> None:
    """Set from one machine (here: one connection), seen by another with its own data folder and no
    STOP file; lifted the same way. The file and the setting keep working beside it."""
    here, there = tmp_path / "here", tmp_path / "there"
    with Ledger.open(ledger_location) as operator, Ledger.open(ledger_location) as worker:
        assert stop_requested(there, ledger=worker) is False
        raise_if_stopped(there, ledger=worker)
        assert operator.set_stop(by="alice", reason="the stock count is wrong") is True
        assert operator.set_stop(by="bob") is False  # already set: the first reason stays
        assert stop_requested(there, ledger=worker) is True
        with pytest.raises(StoppedError) as caught:
            raise_if_stopped(there, ledger=worker)
        assert caught.value.exit_code == ExitCode.STOPPED == 10
        assert "STOP switch in the ledger" in str(caught.value)
        assert "alice: the stock count is wrong" in str(caught.value)
        assert "sc-cancel ledger resume" in str(caught.value)
        assert [(e.event, e.approver) for e in worker.history() if e.event.startswith("stop")] == [
            ("stop_set", "alice")
        ]
        assert operator.clear_stop(by="alice") is True
        assert operator.clear_stop(by="alice") is False
        assert stop_requested(there, ledger=worker) is False
        stop_file(here).parent.mkdir()
        stop_file(here).write_text("")
        assert stop_requested(here, ledger=worker) is True  # the file still halts its own machine
        assert stop_requested(there, actions_enabled=False, ledger=worker) is True
