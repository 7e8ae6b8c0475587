"""The STOP switch held in the ledger: while set, every machine sharing the ledger halts its actions,
where the STOP file halts only the machine whose data folder holds it. Checked before every action,
like the file, so it takes effect within one action everywhere."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from automation.ledger.store import LedgerBase, from_db

_NAME = "stop"


@dataclass(frozen=True)
class StopSwitch:
    reason: str | None
    set_by: str | None
    set_at: datetime


class StopSwitchMixin(LedgerBase):
    def stop_switch(self) -> StopSwitch | None:
        """The switch while it is set, else None."""
        row = self._conn.execute(
            "SELECT reason, set_by, set_at FROM stop_switch WHERE name = ?", (_NAME,)
        ).fetchone()
        return None if row is None else StopSwitch(row["reason"], row["set_by"], from_db(row["set_at"]))

    def set_stop(self, *, by: str, reason: str | None = None) -> bool:
        """Halt all actions of every process sharing the ledger; False if it was set already (the first
        reason is kept)."""
        now = self._now()
        with self._write():
            done = self._conn.execute(
                "INSERT INTO stop_switch (name, reason, set_by, set_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (name) DO NOTHING",
                (_NAME, reason, by, now),
            ).rowcount
            if done:
                self._audit(at=now, event="stop_set", approver=by, reason=reason)
        return bool(done)

    def clear_stop(self, *, by: str) -> bool:
        """Let actions resume (as far as the ledger goes: a STOP file still halts its machine); False if
        the switch was not set."""
        now = self._now()
        with self._write():
            done = self._conn.execute("DELETE FROM stop_switch WHERE name = ?", (_NAME,)).rowcount
            if done:
                self._audit(at=now, event="stop_cleared", approver=by)
        return bool(done)
