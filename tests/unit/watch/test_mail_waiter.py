"""The mail waiter against a real Dovecot: in either mode (IDLE, or polling where the server lists no
IDLE), a message delivered into the folder it waits on wakes the account, and nothing wakes it before.

Waits are bounded by a generous deadline on the outcome; none is timed.
"""

from __future__ import annotations

import queue
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from email_kit import mailbox_for, request_notice
from loguru import logger
from mail_server import MailServer, running_mail_server

from automation.watch.mail_wait import MailWaiter

DEADLINE_S = 60.0
SUBJECT = "Order cancellation request from Amazon customer Ann Lee (Order: 401-1000001-2000001)"


@pytest.fixture(params=[True, False], ids=["idle", "no-idle"])
def server(request: pytest.FixtureRequest) -> Iterator[MailServer]:
    """Dovecot listing IDLE among its capabilities, or not (`imap_capability`)."""
    with tempfile.TemporaryDirectory(prefix="sc-cancel-dovecot-") as name:
        Path(name).chmod(0o755)
        with running_mail_server(Path(name) / "imap", idle=request.param) as started:
            yield started


def test_a_delivered_message_wakes_the_account_in_the_mode_the_server_allows(server: MailServer) -> None:
    woken: queue.Queue[str] = queue.Queue()
    stop = threading.Event()
    waiter = MailWaiter("shop", mailbox_for(server), "INBOX", woken.put, stop, poll_seconds=0.2)
    waiter.start()
    try:
        assert waiter.waiting.wait(DEADLINE_S)
        assert waiter.mode == ("idle" if "IDLE" in _listed(server) else "poll")
        # Rounds with no new mail wake nobody.
        with pytest.raises(queue.Empty):
            woken.get(timeout=1.0)

        server.deliver(request_notice(SUBJECT, "401-1000001-2000001"))

        assert woken.get(timeout=DEADLINE_S) == "shop"
    finally:
        stop.set()
        server.stop()  # ends an IDLE round at once (the connection drops) instead of at its timeout
        waiter.join(DEADLINE_S)
    assert not waiter.is_alive()


@pytest.mark.parametrize("server", [True], indirect=True, ids=["idle"])
def test_a_refused_login_names_the_password_setting_and_never_the_password(server: MailServer) -> None:
    """The scheduled runs go on meanwhile and say the same; the waiter tries again later."""
    said: list[str] = []
    sink = logger.add(lambda message: said.append(message.record["message"]), level="WARNING")
    stop = threading.Event()
    box = mailbox_for(server, password="not-the-password")
    waiter = MailWaiter("shop", box, "INBOX", lambda account: None, stop)
    try:
        waiter.start()
        deadline = time.monotonic() + DEADLINE_S
        while not said and waiter.is_alive() and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        logger.remove(sink)
        waiter.join(DEADLINE_S)
    (line,) = said
    assert line.startswith("watch shop: accounts[0].mailbox.password: the mailbox 127.0.0.1:"), line
    assert f"refused the login of {server.username}" in line
    assert "app password" in line
    assert "trying again in 60 s" in line
    assert "not-the-password" not in line
    assert waiter.mode is None
    assert not waiter.waiting.is_set()


def _listed(server: MailServer) -> set[str]:
    """What the server lists after login."""
    import imaplib

    with imaplib.IMAP4(server.host, server.port) as imap:
        imap.login(server.username, server.password)
        _, data = imap.capability()
    return set(data[0].decode().upper().split()) if isinstance(data[0], bytes) else set()
