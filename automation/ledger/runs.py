"""Runs: one row per `sc-cancel` command that touched an account, so reports and `history` can say
which run found, decided or did what, and the next scan knows when the previous one was."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from datetime import datetime
from typing import Any

from automation.ledger.records import RunRecord
from automation.ledger.store import LedgerBase, Record, from_db, from_db_or_none
from automation.site_clock import SiteClock

RUNNING = "running"
"""Status of a run until `finish_run`; a run killed on the way keeps it."""


def _run_from_row(row: Record) -> RunRecord:
    return RunRecord(
        run_id=row["run_id"],
        account=row["account"],
        command=row["command"],
        started_at=from_db(row["started_at"]),
        finished_at=from_db_or_none(row["finished_at"]),
        status=row["status"],
        exit_code=row["exit_code"],
        stats=json.loads(row["stats"]),
    )


class RunsMixin(LedgerBase):
    def start_run(self, account: str, command: str) -> str:
        """Record a run's start. The id (`20261126T120003Z-ab12`) sorts by time and reads well in logs;
        the random suffix keeps two runs started in the same second apart."""
        now = self._now()
        stamp = f"{now[0:4]}{now[5:7]}{now[8:10]}T{now[11:13]}{now[14:16]}{now[17:19]}Z"
        with self._write():
            while True:
                run_id = f"{stamp}-{secrets.token_hex(2)}"
                if self._conn.execute(
                    "INSERT INTO runs (run_id, account, command, started_at, status, seq)"
                    " VALUES (?, ?, ?, ?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM runs))"
                    " ON CONFLICT (run_id) DO NOTHING",
                    (run_id, account, command, now, RUNNING),
                ).rowcount:
                    break
                # the same second drew the same suffix: draw again
            self._audit(at=now, event="run_started", account=account, run_id=run_id, detail=command)
        return run_id

    def finish_run(self, run_id: str, *, status: str, exit_code: int, stats: dict[str, Any]) -> None:
        """Record how a run ended. `stats` is stored as JSON; values JSON cannot hold (Decimal, datetime)
        are stored as their text."""
        now = self._now()
        with self._write():
            row = self._conn.execute(
                "SELECT account, finished_at FROM runs WHERE run_id = ?", (run_id,)
            ).fetchone()
            if row is None:
                raise KeyError(f"no run {run_id!r} in the ledger")
            if row["finished_at"] is not None:
                raise ValueError(f"run {run_id!r} is already finished")
            self._conn.execute(
                "UPDATE runs SET finished_at = ?, status = ?, exit_code = ?, stats = ? WHERE run_id = ?",
                (now, status, exit_code, json.dumps(stats, default=str, sort_keys=True), run_id),
            )
            self._audit(
                at=now,
                event="run_finished",
                account=row["account"],
                run_id=run_id,
                outcome=status,
                detail=f"exit code {exit_code}",
            )

    def run(self, run_id: str) -> RunRecord | None:
        row = self._conn.execute("SELECT * FROM runs WHERE run_id = ?", (run_id,)).fetchone()
        return None if row is None else _run_from_row(row)

    def last_run(self, account: str, command: str | None = None) -> RunRecord | None:
        """The most recently started run of the account (of that command, if given), finished or not."""
        sql = "SELECT * FROM runs WHERE account = ?"
        params: list[Any] = [account]
        if command is not None:
            sql += " AND command = ?"
            params.append(command)
        row = self._conn.execute(f"{sql} ORDER BY started_at DESC, seq DESC LIMIT 1", params).fetchone()
        return None if row is None else _run_from_row(row)

    def site_clock(self, account: str, machine: Callable[[], datetime]) -> SiteClock:
        """The site's clock as the account's last run saw it (the offset of its Date headers), for
        commands that measure request ages without loading a page, such as `rules explain`."""
        last = self.last_run(account)
        return SiteClock.from_stats(last.stats if last is not None else {}, machine)

    def recent_runs(self, account: str | None = None, limit: int = 20) -> list[RunRecord]:
        """The latest runs, newest first."""
        sql = "SELECT * FROM runs"
        params: list[Any] = []
        if account is not None:
            sql += " WHERE account = ?"
            params.append(account)
        params.append(limit)
        rows = self._conn.execute(f"{sql} ORDER BY started_at DESC, seq DESC LIMIT ?", params)
        return [_run_from_row(row) for row in rows]
