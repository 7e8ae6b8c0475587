"""The demo's three channels: `sc-cancel run` with no settings serves the built-in sandbox, gives it a
mailbox that a throwaway Dovecot serves, and the run reads it, so e-mail shows among the requests'
sources; the Dovecot and its temporary folder are gone once the run ends, and a second run does the same.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from run_support import Agent, AgentRun

from automation.targets import DEMO_SCENARIO

EXAMPLE_RULES = DEMO_SCENARIO.parents[3] / "rules.example.yaml"
MAIL_FOLDER_PREFIX = "sc-cancel-sandbox-mail-"


@pytest.fixture
def reachable_tmp() -> Iterator[Path]:
    """The agent's TMPDIR: a folder of the test's that Dovecot's own users can reach (pytest's tmp_path
    sits below a 0700 folder of root's), so what the agent leaves there can be looked at."""
    with tempfile.TemporaryDirectory(prefix="sc-cancel-demo-mail-") as name:
        Path(name).chmod(0o755)
        yield Path(name)


def processes_under(folder: Path) -> list[str]:
    """Every process started in `folder` or naming it on its command line (Dovecot's master names its
    config file there; all its processes work in folders below it)."""
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            cwd = os.readlink(proc / "cwd")
            command = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if str(folder) in cwd or str(folder) in command:
            found.append(f"{proc.name}: {command} (in {cwd})")
    return found


def imap_port(run: AgentRun) -> int:
    found = re.search(r"Dovecot serves that mailbox at imap://127\.0\.0\.1:(\d+)", run.stderr)
    assert found, f"no mailbox announced; stderr:\n{run.stderr}"
    return int(found[1])


def refused(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            return False
    except OSError:
        return True


def test_the_demo_reads_the_sandbox_mailbox_and_leaves_no_dovecot(
    tmp_path: Path, reachable_tmp: Path
) -> None:
    agent = Agent(tmp_path)
    for attempt in ("first", "second"):
        run = agent(
            "run", "--json", "--execute", "--rules", str(EXAMPLE_RULES), env={"TMPDIR": str(reachable_tmp)}
        )
        assert run.returncode == 0, f"{attempt} run:\n{run.stderr}"
        requests = run.by_order()
        assert requests, attempt
        with_email = sorted(oid for oid, r in requests.items() if "email" in r["sources"])
        assert with_email, f"{attempt} run: no request has email among its sources"
        official = [r for r in requests.values() if r["kind"] == "official"]
        assert all("email" in r["sources"] for r in official), official
        assert run.json()["stats"]["emails_seen"], run.json()["stats"]
        assert refused(imap_port(run)), f"{attempt} run: its Dovecot still answers"
        assert processes_under(reachable_tmp) == [], attempt
        assert list(reachable_tmp.glob(f"{MAIL_FOLDER_PREFIX}*")) == [], attempt


def test_ctrl_c_stops_and_removes_the_dovecot(
    tmp_path: Path, reachable_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TMPDIR", str(reachable_tmp))
    process = Agent(tmp_path).start("run", "--execute", "--rules", str(EXAMPLE_RULES))
    assert process.stderr is not None
    said = ""
    while "signing in" not in said:  # the mailbox is announced before the sign-in
        line = process.stderr.readline()
        assert line, f"the agent ended early:\n{said}"
        said += line
    assert "Dovecot serves that mailbox" in said, said
    assert list(reachable_tmp.glob(f"{MAIL_FOLDER_PREFIX}*")), "no mail folder while the run lasts"
    os.killpg(process.pid, signal.SIGINT)
    _, rest = process.communicate(timeout=60)
    assert process.returncode == 130, said + rest
    assert processes_under(reachable_tmp) == []
    assert list(reachable_tmp.glob(f"{MAIL_FOLDER_PREFIX}*")) == []


def test_no_mail_runs_the_demo_without_the_e_mail_channel(tmp_path: Path) -> None:
    run = Agent(tmp_path)("run", "--json", "--no-mail", "--rules", str(EXAMPLE_RULES))
    assert run.returncode == 0, run.stderr
    assert "Dovecot" not in run.stderr
    assert not any("email" in r["sources"] for r in run.by_order().values())
    assert run.json()["stats"]["emails_seen"] is None
