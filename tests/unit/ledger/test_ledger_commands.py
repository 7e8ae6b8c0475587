"""`sc-cancel ledger migrate | copy | stop | resume`, and the `ledger_url` / `ledger_password` settings:
SQLite files as sc-cancel made them before revisions upgrade in place; a copy from SQLite to a real
PostgreSQL loses nothing and never shows the password."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from ledger_kit import ACCOUNT, START, FakeClock, scanned_for_cancelling
from pg_server import PgServer

from automation.cli import main
from automation.ledger import ActionKind, Ledger, LedgerLocation
from automation.ledger.migrate import HEAD_REVISION, script_head
from automation.ledger.schema import MIGRATIONS, SCHEMA_VERSION
from automation.models import Outcome

PASSWORD_VARIABLE = "SC_TEST_LEDGER_PASSWORD"


def test_the_head_revision_known_without_alembic_is_alembics_head() -> None:
    assert script_head() == HEAD_REVISION


def old_ledger(path: Path, version: int) -> None:
    """A SQLite ledger as sc-cancel wrote it at schema `version`, before Alembic: a run, a request and a
    cached order in it."""
    raw = sqlite3.connect(path, isolation_level=None)
    try:
        for statements in MIGRATIONS[:version]:
            for statement in statements:
                raw.execute(statement)
        raw.execute(f"PRAGMA user_version = {version}")
        raw.execute(
            "INSERT INTO runs (run_id, account, command, started_at, status) VALUES (?, ?, ?, ?, ?)",
            ("20261126T120003Z-ab12", ACCOUNT, "scan", "2026-11-26T12:00:03.000000Z", "running"),
        )
        raw.execute(
            "INSERT INTO order_status_cache (account, order_id, status, checked_at) VALUES (?, ?, ?, ?)",
            (ACCOUNT, "A", "shipped", "2026-11-26T12:00:03.000000Z"),
        )
    finally:
        raw.close()


@pytest.mark.parametrize("version", [1, SCHEMA_VERSION])
def test_migrate_upgrades_an_old_sqlite_ledger_in_place_and_says_from_and_to(
    tmp_path: Path, version: int, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "data" / "ledger.sqlite3"
    path.parent.mkdir()
    old_ledger(path, version)
    env = {"HOME": str(tmp_path)}
    assert main(["ledger", "migrate", "--data-dir", str(path.parent)], environ=env) == 0
    out = capsys.readouterr().out
    assert f"-> {HEAD_REVISION}" in out
    assert "revision none" in out
    raw = sqlite3.connect(path)
    try:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert raw.execute("SELECT version_num FROM alembic_version").fetchone()[0] == HEAD_REVISION
        assert raw.execute("SELECT seq FROM runs").fetchall() == [(1,)]
    finally:
        raw.close()
    with Ledger.open(path, clock=FakeClock(START)) as ledger:
        last = ledger.last_run(ACCOUNT)
        assert last is not None
        assert last.run_id == "20261126T120003Z-ab12"
        assert ledger.cached_order(ACCOUNT, "A") is None  # a status-only row is looked up again, as before
        newer = ledger.start_run(ACCOUNT, "run")
        latest = ledger.last_run(ACCOUNT)
        assert latest is not None
        assert latest.run_id == newer  # same start instant order: the new run is the latest
    assert main(["ledger", "migrate", "--data-dir", str(path.parent)], environ=env) == 0
    assert f"already at revision {HEAD_REVISION}" in capsys.readouterr().out


def fill(path: Path) -> None:
    """A ledger with something in every kind of row: runs, requests, decisions, approvals, actions
    (with their audit), thread marks and the STOP switch."""
    clock = FakeClock(START)
    with Ledger.open(path, clock=clock) as ledger:
        run_id = scanned_for_cancelling(ledger, ACCOUNT, ["A", "B", "C"])
        ledger.approve(ACCOUNT, ["A", "B"], by="alice", note="checked")
        for order, states in (("A", ["approved", "in_flight", "done"]), ("B", ["approved", "in_flight"])):
            action = ledger.plan_action(ACCOUNT, order, ActionKind.CANCEL, run_id=run_id)
            for state in states:
                ledger.transition(action.action_id, state, by="alice")
        ledger.finish_run(run_id, status="ok", exit_code=0, stats={"requests": 3})
        ledger.set_stop(by="alice", reason="moving to PostgreSQL")


def snapshot(ledger: Ledger) -> dict[str, object]:
    return {
        "history": ledger.history(),
        "runs": ledger.recent_runs(),
        "open": ledger.open_requests(ACCOUNT),
        "pending": ledger.pending_approvals(ACCOUNT),
        "standings": ledger.standings(ACCOUNT),
        "unresolved": ledger.unresolved_actions(ACCOUNT),
        "approval": ledger.approval_of(ACCOUNT, "A"),
        "stop": ledger.stop_switch(),
    }


def test_copy_moves_a_sqlite_ledger_to_postgresql_losing_nothing_and_never_shows_the_password(
    tmp_path: Path, pg_server: PgServer, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "ledger.sqlite3"
    fill(source)
    target_url = pg_server.create_database("copy_target")
    env = {"HOME": str(tmp_path), PASSWORD_VARIABLE: pg_server.password}
    argv = ["ledger", "copy", "--from", f"sqlite:///{source}", "--to", target_url]

    assert main([*argv, "--to-password-env", PASSWORD_VARIABLE], environ=env) == 0
    out, err = capsys.readouterr()
    assert "actions: 2 rows" in out
    assert "row count checked" in out
    assert pg_server.password not in out + err

    target = LedgerLocation(target_url, pg_server.password)
    with Ledger.open(source) as before, Ledger.open(target) as after:
        assert snapshot(after) == snapshot(before)
        # ids went over as they were; new rows continue after them
        ledger_b = after.action_for(ACCOUNT, "B", ActionKind.CANCEL)
        assert ledger_b is not None
        assert (
            after.transition(ledger_b.action_id, Outcome.DONE, evidence="order shows Canceled").state
            is Outcome.DONE
        )
        planned = after.plan_action(ACCOUNT, "C", ActionKind.CANCEL, run_id="after-move")
        assert planned.action_id == 3

    # a second copy would merge two histories: refused (exit 2) unless told to replace
    assert main([*argv, "--to-password-env", PASSWORD_VARIABLE], environ=env) == 2
    assert "not empty" in capsys.readouterr().err
    assert main([*argv, "--to-password-env", PASSWORD_VARIABLE, "--replace"], environ=env) == 0
    with Ledger.open(source) as before, Ledger.open(target) as after:
        assert snapshot(after) == snapshot(before)
    # without the password the server refuses, and the message names where, not the password
    assert main(argv, environ=env) == 2
    assert "copy_target" in capsys.readouterr().err


def settings_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "settings.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_ledger_url_with_a_password_is_refused_naming_the_setting(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = settings_file(tmp_path, "ledger_url: postgresql+psycopg://sc:hunter2@db.example/sc\n")
    assert main(["ledger", "migrate", "--config", str(config)], environ={"HOME": str(tmp_path)}) == 2
    err = capsys.readouterr().err
    assert "ledger_url" in err
    assert "ledger_password" in err
    assert "hunter2" not in err


def test_stop_and_resume_through_a_postgresql_ledger_from_the_settings(
    tmp_path: Path, pg_server: PgServer, pg_ledger_template: str, capsys: pytest.CaptureFixture[str]
) -> None:
    url = pg_server.create_database("stop_switch", template=pg_ledger_template)
    config = settings_file(tmp_path, f"ledger_url: {url}\nledger_password: {{env: {PASSWORD_VARIABLE}}}\n")
    env = {"HOME": str(tmp_path), PASSWORD_VARIABLE: pg_server.password}
    common = ["--config", str(config), "--data-dir", str(tmp_path / "machine-1")]
    assert main(["ledger", "stop", *common, "--reason", "stock count", "--by", "alice"], environ=env) == 0
    assert "STOP set" in capsys.readouterr().out
    with Ledger.open(LedgerLocation(url, pg_server.password)) as another_machine:
        switch = another_machine.stop_switch()
        assert switch is not None
        assert (switch.set_by, switch.reason) == ("alice", "stock count")
    assert main(["ledger", "resume", *common], environ=env) == 0
    assert "lifted" in capsys.readouterr().out
    with Ledger.open(LedgerLocation(url, pg_server.password)) as another_machine:
        assert another_machine.stop_switch() is None
    # the reference unresolved: a clear message naming the variable, exit 2
    assert main(["ledger", "stop", *common], environ={"HOME": str(tmp_path)}) == 2
    assert PASSWORD_VARIABLE in capsys.readouterr().err
