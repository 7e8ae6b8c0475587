"""`plan`, `approve` and `rules explain` over a settings file with two accounts, and `plan` right after a
scan: the real command in a subprocess, on a real ledger file, no browser needed (none of these commands
talks to Seller Central when the ledger already has a scan)."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from ledger_kit import request, scanned_for_cancelling

from automation.ledger import Ledger
from automation.settings import load_settings
from automation.targets import resolve_targets

REPO_ROOT = Path(__file__).resolve().parents[3]
EAST_ONLY = "111-0000001-0007919"
WEST_ONLY = "111-0000002-0015838"
BOTH = "111-0000003-0023757"
"""Both accounts serve the same demo data in config.two-accounts.example.yaml, so an order id can be open
in both."""


@dataclass
class Done:
    returncode: int
    stdout: str
    stderr: str


@dataclass
class TwoAccounts:
    config: Path
    data_dir: Path
    keys: dict[str, str]

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SC_CANCEL_")}
        return {**env, "SC_CANCEL_DATA_DIR": str(self.data_dir)}

    def __call__(self, *args: str) -> Done:
        done = subprocess.run(
            [sys.executable, "-m", "automation", *args, "--config", str(self.config)],
            cwd=self.config.parent,
            env=self.env(),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        return Done(done.returncode, done.stdout, done.stderr)

    def ledger(self) -> Ledger:
        return Ledger.open(self.data_dir / "ledger.sqlite3")


def _account(name: str, port: int) -> dict[str, object]:
    return {
        "name": name,
        "email": "seller@example.com",
        "password": {"env": "SC_CANCEL_TEST_UNUSED"},
        "marketplaces": [
            {"base_url": f"http://127.0.0.1:{port}", "marketplace": "ATVPDKIKX0DER", "locale": "en_US"}
        ],
    }


def _settings(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    config = tmp_path / "sc-cancel.yaml"
    document = {"format": 1, "accounts": [_account("east", 8765), _account("west", 8766)]}
    config.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    settings, _doc = load_settings(config)
    targets = resolve_targets(scenario=None, base_url=None, settings=settings, account=None, env={})
    return config, {t.name: t.key for t in targets}


@pytest.fixture
def accounts(tmp_path: Path) -> TwoAccounts:
    """East has EAST_ONLY and BOTH waiting for approval, west WEST_ONLY and BOTH; each was scanned."""
    config, keys = _settings(tmp_path)
    two = TwoAccounts(config, tmp_path / "data", keys)
    with two.ledger() as ledger:
        for name, orders in (("east", [EAST_ONLY, BOTH]), ("west", [WEST_ONLY, BOTH])):
            run_id = scanned_for_cancelling(ledger, keys[name], orders)
            ledger.finish_run(run_id, status="ok", exit_code=0, stats={})
    return two


def _no_internal_key(two: TwoAccounts, *texts: str) -> None:
    for text in texts:
        for key in two.keys.values():
            assert key not in text, f"the internal key {key} shown to a person:\n{text}"


def test_plan_shows_every_account_by_its_name(accounts: TwoAccounts) -> None:
    plan = accounts("plan")

    assert plan.returncode == 0, plan.stderr
    east, west = plan.stdout.split("Account west")
    assert "Account east" in east
    assert EAST_ONLY in east
    assert BOTH in east
    assert WEST_ONLY not in east
    assert WEST_ONLY in west
    assert BOTH in west
    assert EAST_ONLY not in west
    _no_internal_key(accounts, plan.stdout, plan.stderr)
    documents = yaml.safe_load(accounts("plan", "--json").stdout)
    assert [(d["name"], [w["order_id"] for w in d["waiting"]]) for d in documents] == [
        ("east", [EAST_ONLY, BOTH]),
        ("west", [WEST_ONLY, BOTH]),
    ]


def test_approve_finds_the_account_that_owns_each_order(accounts: TwoAccounts) -> None:
    done = accounts("approve", EAST_ONLY, WEST_ONLY, "--by", "dana")

    assert done.returncode == 0, done.stderr
    assert f"east: {EAST_ONLY}: approved by dana" in done.stdout
    assert f"west: {WEST_ONLY}: approved by dana" in done.stdout
    with accounts.ledger() as ledger:
        assert ledger.approval_of(accounts.keys["east"], EAST_ONLY) is not None
        assert ledger.approval_of(accounts.keys["west"], WEST_ONLY) is not None
    _no_internal_key(accounts, done.stdout, done.stderr)


def test_an_order_open_in_two_accounts_without_a_terminal_is_refused_with_the_choices(
    accounts: TwoAccounts,
) -> None:
    done = accounts("approve", BOTH, EAST_ONLY, "--by", "dana")

    assert done.returncode == 2, done.stderr
    assert f"order {BOTH} is open in 2 accounts (east, west)" in done.stderr
    assert "--account NAME" in done.stderr
    _no_internal_key(accounts, done.stderr)
    with accounts.ledger() as ledger:  # all or nothing: EAST_ONLY was not approved either
        assert ledger.approval_of(accounts.keys["east"], EAST_ONLY) is None

    chosen = accounts("approve", BOTH, "--account", "west", "--by", "dana")
    assert chosen.returncode == 0, chosen.stderr
    with accounts.ledger() as ledger:
        assert ledger.approval_of(accounts.keys["west"], BOTH) is not None
        assert ledger.approval_of(accounts.keys["east"], BOTH) is None


def _read_until(controller: int, wanted: bytes) -> bytes:
    """What the command wrote on the terminal, up to `wanted`; fails if it ended without writing it."""
    seen = b""
    while wanted not in seen:
        ready, _, _ = select.select([controller], [], [], 60)
        assert ready, f"no question on the terminal: {seen!r}"
        try:
            chunk = os.read(controller, 1024)
        except OSError:  # the command ended and closed the terminal
            chunk = b""
        assert chunk, f"the command ended without asking: {seen!r}"
        seen += chunk
    return seen


def test_on_a_terminal_a_person_picks_the_account(accounts: TwoAccounts) -> None:
    controller, terminal = pty.openpty()
    command = [sys.executable, "-m", "automation", "approve", BOTH, "--by", "dana"]
    process = subprocess.Popen(
        [*command, "--config", str(accounts.config)],
        cwd=accounts.config.parent,
        env=accounts.env(),
        stdin=terminal,
        stdout=subprocess.PIPE,
        stderr=terminal,
        text=True,
    )
    os.close(terminal)
    try:
        asked = _read_until(controller, b"Which one")
        os.write(controller, b"2\n")
        stdout, _ = process.communicate(timeout=60)
    finally:
        process.kill()
        os.close(controller)

    assert process.returncode == 0
    assert b"1) east, 2) west" in asked
    assert f"{BOTH}: approved by dana" in stdout
    with accounts.ledger() as ledger:
        assert ledger.approval_of(accounts.keys["west"], BOTH) is not None
        assert ledger.approval_of(accounts.keys["east"], BOTH) is None


def test_an_unknown_order_names_the_accounts_searched(accounts: TwoAccounts) -> None:
    done = accounts("reject", "111-9999999-9999999")

    assert done.returncode == 2
    assert "no open cancellation request in any account (east, west)" in done.stderr
    _no_internal_key(accounts, done.stderr)


def test_rules_explain_explains_each_accounts_last_scan(accounts: TwoAccounts) -> None:
    done = accounts("rules", "explain", str(REPO_ROOT / "rules.example.yaml"))

    assert done.returncode == 0, done.stderr
    east, west = done.stdout.split("Account west")
    assert "Account east" in east
    assert EAST_ONLY in east
    assert WEST_ONLY not in east
    assert WEST_ONLY in west
    assert EAST_ONLY not in west
    _no_internal_key(accounts, done.stdout, done.stderr)


def test_history_shows_every_accounts_events_by_name_and_account_narrows_it(accounts: TwoAccounts) -> None:
    done = accounts("history")

    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "account" in lines[0]
    east = [line for line in lines if EAST_ONLY in line]
    west = [line for line in lines if WEST_ONLY in line]
    assert east
    assert all(" east " in line for line in east)
    assert west
    assert all(" west " in line for line in west)
    _no_internal_key(accounts, done.stdout, done.stderr)
    only_west = accounts("history", "--account", "west")
    assert only_west.returncode == 0, only_west.stderr
    assert WEST_ONLY in only_west.stdout
    assert EAST_ONLY not in only_west.stdout
    events = yaml.safe_load(accounts("history", "--json").stdout)
    assert {e["name"] for e in events if e["order_id"] == EAST_ONLY} == {"east"}
    assert {e["name"] for e in events if e["order_id"] == WEST_ONLY} == {"west"}


def test_plan_right_after_a_scan_says_what_is_not_decided_yet_and_what_decides_it(tmp_path: Path) -> None:
    config, keys = _settings(tmp_path)
    two = TwoAccounts(config, tmp_path / "data", keys)
    with two.ledger() as ledger:
        run_id = ledger.start_run(keys["east"], "scan")
        ledger.record_scan(keys["east"], run_id, [request(EAST_ONLY), request(BOTH)], marketplace=None)

    plan = two("plan", "--account", "east")

    assert plan.returncode == 0, plan.stderr
    assert "2 requests are not yet decided" in plan.stdout
    assert "`sc-cancel run` (a dry run, without --execute) decides them" in plan.stdout
    everything = yaml.safe_load(two("plan", "--all", "--json", "--account", "east").stdout)
    assert everything["not_decided"] == 2
    assert [(r["order_id"], r["decision"], r["status"]) for r in everything["requests"]] == [
        (EAST_ONLY, None, "not decided"),
        (BOTH, None, "not decided"),
    ]
