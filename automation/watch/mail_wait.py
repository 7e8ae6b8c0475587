"""Waiting on a mailbox folder for new mail: IMAP IDLE where the server offers it, polling otherwise.

One thread per (account, folder), since IDLE watches the one folder a connection has selected. The folder
is opened read-only (EXAMINE), like every read of the mailbox. New mail only *wakes* the account: what the
mail says is read afterwards by the same incremental reader as a scan's (`automation.sources.email`), so
nothing is missed or read twice however many wake-ups come. Each IDLE round ends after `IDLE_SECONDS`
(servers drop an IDLE after 30 minutes) with a STATUS check of UIDNEXT, so a message that landed between
two rounds still wakes the account. A mailbox that cannot be reached is retried after `RETRY_SECONDS`;
the scheduled full runs go on meanwhile and report the mailbox problem themselves.
"""

from __future__ import annotations

import contextlib
import imaplib
import threading
from collections.abc import Callable, Iterable
from typing import Literal

from imap_tools import BaseMailBox
from imap_tools.errors import ImapToolsError, MailboxLoginError
from loguru import logger

from automation.sources.email import connect, login_refused, unreachable
from automation.targets import MailboxTarget

IDLE_SECONDS = 60.0
POLL_SECONDS = 30.0
RETRY_SECONDS = 60.0

Mode = Literal["idle", "poll"]


def waiting_mode(capabilities: Iterable[str], *, poll: bool = False) -> Mode:
    """IDLE when the server lists it among its capabilities (and polling was not asked for). Pure."""
    if poll:
        return "poll"
    return "idle" if "IDLE" in {c.upper() for c in capabilities} else "poll"


def _capabilities(client: BaseMailBox) -> list[str]:
    """The capabilities after login (a server may list more than in its greeting)."""
    status, data = client.client.capability()
    if status != "OK" or not data or not isinstance(data[0], bytes):
        return list(client.client.capabilities)
    return data[0].decode("ascii", errors="replace").split()


def _has_new_mail(responses: Iterable[bytes]) -> bool:
    return any(r.rstrip().upper().endswith((b"EXISTS", b"RECENT")) for r in responses)


class _CannotWaitError(Exception):
    """The mailbox cannot be reached or refuses the login: the message names the setting to check."""


class MailWaiter(threading.Thread):
    """Calls `on_mail(account)` whenever new mail lands in `folder` of `mailbox`, until `stop` is set."""

    def __init__(
        self,
        account: str,
        mailbox: MailboxTarget,
        folder: str,
        on_mail: Callable[[str], None],
        stop: threading.Event,
        *,
        poll_seconds: float = POLL_SECONDS,
        force_poll: bool = False,
    ) -> None:
        # A daemon: a stop ends the process without waiting out an IDLE round.
        super().__init__(name=f"mail-wait {account} {folder}", daemon=True)
        self.account = account
        self.mailbox = mailbox
        self.folder = folder
        self.on_mail = on_mail
        self.stop = stop
        self.poll_seconds = poll_seconds
        self.force_poll = force_poll
        self.mode: Mode | None = None
        self.waiting = threading.Event()
        """Set once the folder is open and its UIDNEXT known: mail landing from then on wakes the account."""

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                self._watch()
            except _CannotWaitError as exc:
                problem = str(exc)
            except (OSError, imaplib.IMAP4.error, ImapToolsError) as exc:
                problem = f"cannot wait on {self.mailbox.setting} {self.folder} ({type(exc).__name__})"
            else:
                continue
            if self.stop.is_set():
                return
            logger.warning(
                "watch {}: {}; trying again in {:g} s, the scheduled runs go on",
                self.account,
                problem,
                RETRY_SECONDS,
            )
            self.stop.wait(RETRY_SECONDS)

    def _watch(self) -> None:
        try:
            client = connect(self.mailbox)
        except (OSError, imaplib.IMAP4.error, ImapToolsError) as exc:
            raise _CannotWaitError(unreachable(self.mailbox, exc)) from exc
        try:
            password = self.mailbox.password().get_secret_value()
            try:
                client.login(self.mailbox.username, password, initial_folder=None)
            except (MailboxLoginError, imaplib.IMAP4.error) as exc:
                raise _CannotWaitError(login_refused(self.mailbox, exc)) from exc
            self.mode = waiting_mode(_capabilities(client), poll=self.force_poll)
            client.folder.set(self.folder, readonly=True)  # EXAMINE: nothing in the folder changes
            last = self._uidnext(client)
            how = "IMAP IDLE" if self.mode == "idle" else f"polling every {self.poll_seconds:g} s"
            logger.info("watch {}: waiting for e-mail in {} ({})", self.account, self.folder, how)
            self.waiting.set()
            while not self.stop.is_set():
                if self.mode == "idle":
                    arrived = _has_new_mail(client.idle.wait(timeout=IDLE_SECONDS))
                else:
                    arrived = False
                    if self.stop.wait(self.poll_seconds):
                        return
                now = self._uidnext(client)
                if arrived or now != last:
                    last = now
                    logger.info("watch {}: new e-mail in {}", self.account, self.folder)
                    self.on_mail(self.account)
        finally:
            with contextlib.suppress(OSError, imaplib.IMAP4.error, ImapToolsError):
                client.logout()

    def _uidnext(self, client: BaseMailBox) -> int:
        """The folder's UIDNEXT, after a NOOP: a server may answer STATUS on the folder a connection has
        selected from what it knew at its last sync of that folder (Dovecot does, so a poll by STATUS
        alone never sees new mail), and NOOP is IMAP's way to ask it to look again."""
        client.client.noop()
        return int(client.folder.status(self.folder, ["UIDNEXT"])["UIDNEXT"])
