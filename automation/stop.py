"""The kill switch: a file named `STOP` in the data folder (beside the ledger) halts all actions, as
does the `actions_enabled: false` setting.

A file is what an operator can create in a hurry from any shell, or a deployment can drop in, without
restarting the scheduled loop. Meant to be checked before every action, not only at start, so that it
takes effect within one action.
"""

from __future__ import annotations

from pathlib import Path

from automation.errors import StoppedError

STOP_FILE_NAME = "STOP"


def stop_file(data_dir: Path) -> Path:
    return Path(data_dir) / STOP_FILE_NAME


def stop_requested(data_dir: Path, *, actions_enabled: bool = True) -> bool:
    """True when the setting disables actions or the STOP file exists (any kind of file; its content is
    free for a note on why)."""
    return not actions_enabled or stop_file(data_dir).exists()


def raise_if_stopped(data_dir: Path, *, actions_enabled: bool = True) -> None:
    """Raise `StoppedError` (exit code 10), saying how to resume, when actions are halted."""
    if not actions_enabled:
        raise StoppedError("actions are halted by the setting actions_enabled: false; set it true to resume")
    if stop_file(data_dir).exists():
        raise StoppedError(f"actions are halted by the file {stop_file(data_dir)}; delete it to resume")
