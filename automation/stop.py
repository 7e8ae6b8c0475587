"""The kill switch: a file named `STOP` in the data folder halts all actions of that machine, the STOP
switch held in the ledger (`sc-cancel ledger stop`) those of every machine sharing the ledger, and the
`actions_enabled: false` setting those of whoever reads that settings file.

A file is what an operator can create in a hurry from any shell, or a deployment can drop in, without
restarting the scheduled loop; the ledger's switch is the same for a fleet of workers sharing one
PostgreSQL ledger. Meant to be checked before every action, not only at start, so that it takes effect
within one action.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from automation.errors import StoppedError


class StopSwitchSource(Protocol):
    """What holds the shared switch (the ledger): the switch while set, else None."""

    def stop_switch(self) -> Any: ...


STOP_FILE_NAME = "STOP"


def stop_file(data_dir: Path) -> Path:
    return Path(data_dir) / STOP_FILE_NAME


def stop_requested(
    data_dir: Path, *, actions_enabled: bool = True, ledger: StopSwitchSource | None = None
) -> bool:
    """True when the setting disables actions, the STOP file exists (any kind of file; its content is
    free for a note on why), or the ledger's STOP switch is set."""
    return (
        not actions_enabled
        or stop_file(data_dir).exists()
        or (ledger is not None and ledger.stop_switch() is not None)
    )


LIFTING = (
    "lift the switch the error names: delete the STOP file, set actions_enabled: true, "
    "or run `sc-cancel ledger resume` for the ledger's switch"
)
"""How to lift each switch, for advice written later from an exit code alone (the report, the
notifications), where `halted_by`'s one cause is known only from the error's own message."""


def halted_by(
    data_dir: Path, *, actions_enabled: bool = True, ledger: StopSwitchSource | None = None
) -> str | None:
    """What halts actions now, and how to lift it, in one sentence (None when nothing does): the
    operator of a fleet must learn that the switch is the ledger's, set by whom, not look for a file."""
    if not actions_enabled:
        return "actions are halted by the setting actions_enabled: false; set it true to resume"
    if stop_file(data_dir).exists():
        return f"actions are halted by the file {stop_file(data_dir)}; delete it to resume"
    switch = ledger.stop_switch() if ledger is not None else None
    if switch is not None:
        why = f": {switch.reason}" if switch.reason else ""
        return (
            f"actions are halted by the STOP switch in the ledger, set by {switch.set_by}{why}; "
            "`sc-cancel ledger resume` lifts it"
        )
    return None


def raise_if_stopped(
    data_dir: Path, *, actions_enabled: bool = True, ledger: StopSwitchSource | None = None
) -> None:
    """Raise `StoppedError` (exit code 10), saying how to resume, when actions are halted."""
    why = halted_by(data_dir, actions_enabled=actions_enabled, ledger=ledger)
    if why is not None:
        raise StoppedError(why)
