"""The product's main path with its ledger on a real PostgreSQL (`ledger_url: postgresql+psycopg://…`,
`ledger_password: {env: …}`), through the CLI as an operator would use it: scan, a dry run, approve, a
run with --execute (the sandbox records one cancellation), history, plan and report; then the STOP
switch held in the ledger (`ledger stop`) halts the next `run --execute` with exit code 10, nothing
cancelled, until `ledger resume`. The ledger's password must show in none of the outputs.

The runs happen once for the module, in order, and each test checks one promise on what they left: one
sandbox, four browser runs.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from pg_server import PgServer
from run_support import (
    MANUAL_CANCEL_OFFICIAL,
    Agent,
    AgentRun,
    Sandbox,
    order,
    rules,
    start_sandbox,
    write_yaml,
)
from scenario_kit import PASSWORD, order_id, scenario, settings_account

from automation.ledger import Ledger, LedgerLocation

APPROVED = order_id(1)  # approved before the first run --execute: cancelled by it
LATER = order_id(2)  # approved while the ledger's STOP switch is set: never cancelled here
ACCOUNT_NAME = "shop"
PASSWORD_ENV = "SC_TEST_LEDGER_PASSWORD"


@dataclass
class MainPath:
    """Every command's result, by a name of the step, and the sandbox's state after the steps that act."""

    sandbox: Sandbox
    agent: Agent
    location: LedgerLocation
    runs: dict[str, AgentRun] = field(default_factory=dict)
    states: dict[str, dict[str, Any]] = field(default_factory=dict)


@pytest.fixture(scope="module")
def main_path(tmp_path_factory: pytest.TempPathFactory, pg_server: PgServer) -> Iterator[MainPath]:
    workdir = tmp_path_factory.mktemp("ledger-pg")
    database = f"main_path_{uuid.uuid4().hex[:12]}"
    url = pg_server.create_database(database)
    sandbox = start_sandbox(
        write_yaml(
            workdir / "scenario.yaml",
            scenario([order(1, request="Order Created by Mistake"), order(2, request="Found Cheaper")]),
        )
    )
    try:
        rules_file = write_yaml(workdir / "rules.yaml", rules(MANUAL_CANCEL_OFFICIAL))
        account = settings_account(ACCOUNT_NAME, sandbox.base_url, rules=str(rules_file))
        config = workdir / "sc-cancel.yaml"
        config.write_text(
            yaml.safe_dump(
                {
                    "format": 1,
                    "ledger_url": url,
                    "ledger_password": {"env": PASSWORD_ENV},
                    "accounts": [account],
                },
                sort_keys=False,
            ),
            encoding="utf-8",
        )
        agent = Agent(workdir)
        env = {"SHOP_PASSWORD": PASSWORD, PASSWORD_ENV: pg_server.password}
        done = MainPath(sandbox, agent, LedgerLocation(url, pg_server.password))

        def step(name: str, *args: str) -> AgentRun:
            done.runs[name] = agent(*args, "--config", str(config), target=False, env=env)
            return done.runs[name]

        step("scan", "scan", "--json")
        step("dry", "run", "--json")
        step("approve", "approve", APPROVED, "--by", "Dana", "--note", "checked the stock")
        step("execute", "run", "--json", "--execute")
        done.states["execute"] = sandbox.state()
        step("history", "history", "--order", APPROVED, "--json")
        step("history_text", "history")
        step("plan", "plan", "--json")
        step("report", "report")
        step("report_latest", "report", "--latest")
        step("stop", "ledger", "stop", "--by", "Dana", "--reason", "checking the rules")
        step("approve_later", "approve", LATER, "--by", "Dana")
        step("stopped", "run", "--json", "--execute")
        done.states["stopped"] = sandbox.state()
        step("stopped_report", "report", "--latest")
        step("resume", "ledger", "resume", "--by", "Dana")
        yield done
    finally:
        sandbox.server.stop()
        pg_server.drop_database(database)


def test_scan_and_dry_run_record_the_requests_in_postgresql(main_path: MainPath) -> None:
    scan, dry = main_path.runs["scan"], main_path.runs["dry"]
    assert scan.returncode == 0, scan.stderr
    assert sorted(r["order_id"] for r in scan.json()["requests"]) == sorted([APPROVED, LATER])
    assert dry.returncode == 0, dry.stderr
    for oid in (APPROVED, LATER):
        entry = dry.by_order()[oid]
        assert (entry["decision"], entry["approval"], entry["outcome"]) == ("cancel", "pending", "planned")
    with Ledger.open(main_path.location) as ledger:
        [account] = {e.account for e in ledger.history() if e.order_id is not None}
        assert account is not None
        seen = {oid for oid in (APPROVED, LATER) if ledger.seen_request(account, oid) is not None}
        still_open = [r.order_id for r in ledger.open_requests(account)]
    assert seen == {APPROVED, LATER}
    assert still_open == [LATER]  # the cancelled order's request was closed by the later runs


def test_an_approved_request_is_cancelled_once_by_run_execute(main_path: MainPath) -> None:
    approve, execute = main_path.runs["approve"], main_path.runs["execute"]
    assert approve.returncode == 0, approve.stderr
    assert execute.returncode == 0, execute.stderr
    cancellations = main_path.states["execute"]["cancellations"]
    assert [(c["order_id"], c["accepted"]) for c in cancellations] == [(APPROVED, True)]
    entry = execute.by_order()[APPROVED]
    assert (entry["approval"], entry["outcome"]) == ("manual", "done")
    assert execute.by_order()[LATER]["outcome"] == "planned"


def test_history_plan_and_report_read_the_postgresql_ledger(main_path: MainPath) -> None:
    history, plan, report = main_path.runs["history"], main_path.runs["plan"], main_path.runs["report"]
    assert history.returncode == 0, history.stderr
    events = json.loads(history.stdout)
    approvals = [e for e in events if e["event"] == "approval"]
    assert [(e["approver"], e["reason"]) for e in approvals] == [("Dana", "checked the stock")]
    states = [e["state"] for e in sorted(events, key=lambda e: e["event_id"]) if e["event"] == "action"]
    assert states[-2:] == ["in_flight", "done"]
    assert plan.returncode == 0, plan.stderr
    assert [w["order_id"] for w in json.loads(plan.stdout)["waiting"]] == [LATER]
    assert report.returncode == 0, report.stderr
    [done] = [e for e in events if e["event"] == "action" and e["state"] == "done"]
    assert done["run_id"] in report.stdout  # the run that cancelled, listed
    latest = main_path.runs["report_latest"]
    assert latest.returncode == 0, latest.stderr
    html = Path(latest.stdout.strip()).read_text(encoding="utf-8")
    assert APPROVED in html


def test_the_ledgers_stop_switch_halts_run_execute_with_exit_10_until_resumed(main_path: MainPath) -> None:
    assert main_path.runs["stop"].returncode == 0, main_path.runs["stop"].stderr
    assert main_path.runs["approve_later"].returncode == 0, main_path.runs["approve_later"].stderr
    stopped = main_path.runs["stopped"]
    assert stopped.returncode == 10, stopped.stderr
    assert main_path.states["stopped"]["cancellations"] == main_path.states["execute"]["cancellations"]
    assert stopped.by_order()[LATER]["outcome"] == "planned"
    assert "STOP" in stopped.by_order()[LATER]["outcome_reason"]
    # What halted it, and how to lift it, is said: not the STOP file this machine does not have.
    assert "STOP switch in the ledger, set by Dana: checking the rules" in stopped.stderr
    assert "sc-cancel ledger resume" in stopped.stderr
    # Its report says the same: failed with exit code 10, the switch named with how to lift it.
    page = Path(main_path.runs["stopped_report"].stdout.strip())
    report = json.loads((page.parent / "report.json").read_text(encoding="utf-8"))
    assert (report["status"], report["exit_code"], report["stopped"]) == ("failed", 10, True)
    assert "set by Dana: checking the rules" in report["error"]["message"]
    assert "sc-cancel ledger resume" in page.read_text(encoding="utf-8")
    resume = main_path.runs["resume"]
    assert resume.returncode == 0, resume.stderr
    assert "lifted" in resume.stdout
    with Ledger.open(main_path.location) as ledger:
        assert ledger.stop_switch() is None
        events = [e.event for e in ledger.history()]
    assert "stop_set" in events
    assert "stop_cleared" in events


def test_the_ledger_password_appears_in_no_output(main_path: MainPath) -> None:
    secret = main_path.location.password
    assert secret
    for name, run in main_path.runs.items():
        assert secret not in run.stdout, name
        assert secret not in run.stderr, name
    written = [
        path
        for path in main_path.agent.workdir.rglob("*")
        if path.is_file() and path.suffix in (".json", ".html", ".log", ".txt", ".jsonl", ".md")
    ]
    assert written, "the runs left no report or log files to check"
    for path in written:
        assert secret not in path.read_text(encoding="utf-8", errors="replace"), path
