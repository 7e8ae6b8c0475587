"""A real IMAP server for the e-mail channel's tests: the package's Dovecot starter
(automation/sandbox/mail_server.py), which `make demo` uses too, so tests and demo start it alike."""

from __future__ import annotations

from automation.sandbox.mail_server import (
    MailServer,
    free_port,
    prepare_maildir,
    running_mail_server,
)

__all__ = ["MailServer", "free_port", "prepare_maildir", "running_mail_server"]
