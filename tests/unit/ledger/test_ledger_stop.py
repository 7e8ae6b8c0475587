"""The STOP file beside the ledger, and the setting that does the same."""

from __future__ import annotations

from pathlib import Path

import pytest

from automation.errors import ExitCode, StoppedError
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
