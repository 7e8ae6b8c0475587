"""The built-in sandbox's mailbox, in process: a real Dovecot serving the sandbox's Maildir with a password
that no log shows, gone with its folder afterwards; where Dovecot is missing, no mailbox and one line
that says why."""

from __future__ import annotations

import imaplib
import os
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from automation.browser.sandbox_mailbox import sandbox_mail_server, serve_sandbox_for_run
from automation.redact import REDACTOR
from automation.runtime import Runtime
from automation.sandbox import mail_server
from automation.settings import REPO_SELECTORS, BrowserSettings
from automation.targets import DEMO_SCENARIO, Target, resolve_targets


@pytest.fixture
def said() -> list[str]:
    return []


@pytest.fixture
def rt(tmp_path: Path, said: list[str]) -> Runtime:
    return Runtime(
        data_dir=tmp_path,
        runs_dir=tmp_path / "runs",
        selectors_dir=REPO_SELECTORS,
        browser=BrowserSettings(),
        env={},
        announce=said.append,
    )


@pytest.fixture
def demo() -> Target:
    return resolve_targets(scenario=None, base_url=None, settings=None, account=None, env={})[0]


@pytest.fixture
def own_tmp() -> Iterator[Path]:
    """Where the temporary folders go (TMPDIR), so that what is left there can be looked at."""
    with tempfile.TemporaryDirectory(prefix="sc-cancel-mailbox-test-") as name:
        Path(name).chmod(0o755)  # Dovecot's own users must reach the Maildir below it
        before = tempfile.tempdir
        tempfile.tempdir = name
        try:
            yield Path(name)
        finally:
            tempfile.tempdir = before


def answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            return True
    except OSError:
        return False


def test_the_sandbox_target_reads_a_mailbox_the_sandbox_fills(
    rt: Runtime, demo: Target, said: list[str], own_tmp: Path
) -> None:
    assert demo.mailbox is None
    with serve_sandbox_for_run(demo, rt) as (target, base_url):
        assert base_url is not None
        box = target.mailbox
        assert box is not None
        assert (box.host, box.security, box.folders) == ("127.0.0.1", "none", ("INBOX",))
        password = box.password().get_secret_value()
        with imaplib.IMAP4(box.host, box.port) as imap:
            imap.login(box.username, password)
            status, count = imap.select("INBOX", readonly=True)
        assert status == "OK"
        assert int(count[0]) > 0, "the sandbox wrote no e-mail"
        assert password not in REDACTOR(f"login {box.username} {password}")
        assert list(own_tmp.iterdir()), "the Maildir is not in a temporary folder"
    assert not answers(box.port)
    assert list(own_tmp.iterdir()) == []
    assert not any(password in line for line in said)
    assert any(f"imap://127.0.0.1:{box.port}" in line for line in said), said


def test_without_dovecot_the_run_has_no_mailbox_and_says_why_once(
    rt: Runtime, demo: Target, said: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(mail_server, "DOVECOT", tmp_path / "no-dovecot-here")
    with serve_sandbox_for_run(demo, rt) as (target, base_url):
        assert base_url is not None
        assert target.mailbox is None
    skipped = [line for line in said if "e-mail channel is skipped" in line]
    assert len(skipped) == 1, said
    assert "Dovecot is not installed" in skipped[0]
    assert "dovecot-imapd" in skipped[0]


def test_told_not_to_the_sandbox_gets_no_mailbox(rt: Runtime, demo: Target, said: list[str]) -> None:
    rt.sandbox_mail = False
    with serve_sandbox_for_run(demo, rt) as (target, _):
        assert target.mailbox is None
    assert not any("Dovecot" in line for line in said)


def test_a_scenario_sandbox_gets_a_mailbox_only_when_asked(rt: Runtime, said: list[str]) -> None:
    """`--scenario F` scans what F's pages give (tests compare it channel by channel); `--mail` adds
    the e-mail."""
    scenario = resolve_targets(scenario=DEMO_SCENARIO, base_url=None, settings=None, account=None, env={})[0]
    with serve_sandbox_for_run(scenario, rt) as (target, _):
        assert target.mailbox is None
    assert not any("Dovecot" in line or "e-mail" in line for line in said), said
    rt.sandbox_mail = True
    with serve_sandbox_for_run(scenario, rt) as (target, _):
        assert target.mailbox is not None


def test_a_failed_start_leaves_nothing_behind(
    rt: Runtime, said: list[str], own_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Dovecot that cannot start (here: its port already taken) is a skipped channel, not a crash."""
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        monkeypatch.setattr(mail_server, "free_port", lambda: busy.getsockname()[1])
        with sandbox_mail_server(rt, username="seller@example.com") as mail:
            assert mail is None
    assert any("e-mail channel is skipped" in line for line in said), said
    assert list(own_tmp.iterdir()) == []
    assert not [p for p in Path("/proc").glob("[0-9]*") if str(own_tmp) in _cwd(p)]


def _cwd(proc: Path) -> str:
    try:
        return os.readlink(proc / "cwd")
    except OSError:
        return ""
