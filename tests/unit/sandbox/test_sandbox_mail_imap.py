"""The sandbox's Maildir served by a real IMAP server (Dovecot, tests/mail_server.py), read as the agent
reads it: read-only, every e-mail there, dated by the scenario clock."""

from __future__ import annotations

import imaplib
import re
import tempfile
from collections.abc import Iterator
from datetime import datetime
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path

import pytest
from mail_server import running_mail_server
from sandbox_scenarios import build, message, order
from scenario_kit import order_id

from automation.sandbox.server import SandboxServer


@pytest.fixture
def reachable_dir() -> Iterator[Path]:
    """A folder Dovecot's own users can reach: pytest's tmp_path sits below a 0700 folder of root's."""
    with tempfile.TemporaryDirectory(prefix="sc-cancel-imap-") as name:
        Path(name).chmod(0o755)
        yield Path(name)


def test_dovecot_serves_every_email_the_sandbox_wrote(reachable_dir: Path) -> None:
    scenario = build(
        [order(1, request="Late"), order(2, request="Mistake", channel="messages"), order(3)],
        messages=[message(1, minutes_ago=5, body="Is it in stock?")],
        locale="de_DE",
    )
    with running_mail_server(reachable_dir / "imap") as mail:
        server = SandboxServer(scenario, maildir=mail.maildir)
        with imaplib.IMAP4(mail.host, mail.port) as imap:
            imap.login(mail.username, mail.password)
            status, count = imap.select("INBOX", readonly=True)
            assert status == "OK"
            assert int(count[0]) == 2 + len(server.state.threads.threads)
            status, data = imap.fetch("1:*", "(INTERNALDATE BODY.PEEK[HEADER])")
            assert status == "OK"
    fetched = [part for part in data if isinstance(part, tuple)]
    kinds = sorted(
        str(message_from_bytes(raw, policy=default_policy)["X-Space-Notification-Type"]) for _, raw in fetched
    )
    assert kinds == ["BBC_MESSAGE_SENT_TO_MERCHANT"] * 2 + ["BRC_SELLER_NOTIFICATION"] * 2
    subjects = " ".join(str(message_from_bytes(raw, policy=default_policy)["Subject"]) for _, raw in fetched)
    assert order_id(1) in subjects
    assert order_id(2) in subjects
    for meta, raw in fetched:
        sent = message_from_bytes(raw, policy=default_policy)["Date"].datetime
        found = re.search(rb'INTERNALDATE "([^"]+)"', meta)
        assert found is not None, meta
        assert datetime.strptime(found[1].decode(), "%d-%b-%Y %H:%M:%S %z") == sent
