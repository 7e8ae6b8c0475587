"""The built-in sandbox with its mailbox: the sandbox writes Amazon's e-mails into a Maildir that a
throwaway Dovecot serves on loopback, and the sandbox target reads it, so the demo (and a `--scenario`
run with `--mail`) shows all three channels.

Dovecot is started the way the tests start it (automation/sandbox/mail_server.py), in a temporary folder
of its own, with a password generated for this run, known only to this process and hidden from every
log; the server and its folder are gone when the run ends, whatever ends it. Where Dovecot cannot run,
the run goes on without the e-mail channel and says so once.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import SecretStr

from automation.browser.account import serve_sandbox_if_needed
from automation.parsers.email_senders import DEFAULT_SENDERS
from automation.redact import REDACTOR
from automation.runtime import Runtime
from automation.targets import MailboxTarget, Target

if TYPE_CHECKING:
    from automation.sandbox.mail_server import MailServer

SINCE_DAYS = 365
"""The Maildir is new and holds only this sandbox's mail: read all of it, whatever the scenario's clock."""
NOTICE_GRACE = timedelta(hours=2)
SETTING = "the built-in sandbox's mailbox"


def wants_mailbox(target: Target, rt: Runtime) -> bool:
    """The bundled demo's sandbox gets a mailbox, another built-in sandbox only when asked (`--mail`):
    a scenario's scan stays what the scenario's pages alone give unless e-mail is wanted."""
    if target.sandbox_scenario is None or target.mailbox is not None:
        return False
    return target.sandbox_mail if rt.sandbox_mail is None else rt.sandbox_mail


@contextlib.contextmanager
def serve_sandbox_for_run(target: Target, rt: Runtime) -> Iterator[tuple[Target, str | None]]:
    """`serve_sandbox_if_needed`, with the sandbox's mailbox where it can be had: yields the target to
    run (with a `mailbox` when the sandbox has one) and the sandbox's base URL (None for real sites)."""
    if not wants_mailbox(target, rt):
        with serve_sandbox_if_needed(target, rt) as base_url:
            yield target, base_url
        return
    with contextlib.ExitStack() as stack:
        mail = stack.enter_context(sandbox_mail_server(rt, username=target.email))
        maildir = mail.maildir if mail else None
        base_url = stack.enter_context(serve_sandbox_if_needed(target, rt, maildir=maildir))
        if mail is None:
            yield target, base_url
            return
        rt.announce(
            f"sc-cancel: the sandbox e-mails the seller as Amazon does; a throwaway Dovecot serves "
            f"that mailbox at imap://{mail.host}:{mail.port} and the scan reads it"
        )
        yield replace(target, mailbox=mailbox_target(mail)), base_url


@contextlib.contextmanager
def sandbox_mail_server(rt: Runtime, *, username: str) -> Iterator[MailServer | None]:
    """A Dovecot serving a new Maildir in a temporary folder, stopped and removed afterwards; None (said
    once through `rt.announce`) where Dovecot cannot run here."""
    from automation.sandbox.mail_server import MailServerError, dovecot_problem, running_mail_server

    problem = dovecot_problem()
    if problem is not None:
        rt.announce(f"sc-cancel: the e-mail channel is skipped: {problem}")
        yield None
        return
    password = secrets.token_urlsafe(18)
    REDACTOR.add(password, "mailbox-password")
    with tempfile.TemporaryDirectory(prefix="sc-cancel-sandbox-mail-") as name:
        if os.geteuid() == 0:
            Path(name).chmod(0o755)  # Dovecot's own users must reach the Maildir below it
        with contextlib.ExitStack() as stack:
            try:
                mail = stack.enter_context(
                    running_mail_server(Path(name) / "imap", username=username, password=password)
                )
            except MailServerError as exc:
                rt.announce(f"sc-cancel: the e-mail channel is skipped: {exc}")
                mail = None
            yield mail


def mailbox_target(mail: MailServer) -> MailboxTarget:
    """The sandbox target's mailbox: plain IMAP on loopback, the server's own password."""
    password = SecretStr(mail.password)
    return MailboxTarget(
        host=mail.host,
        port=mail.port,
        security="none",
        username=mail.username,
        password=lambda: password,
        folders=("INBOX",),
        since_days=SINCE_DAYS,
        senders=DEFAULT_SENDERS,
        notice_grace=NOTICE_GRACE,
        setting=SETTING,
    )
