"""Shared test helpers: paths into the repository, a real IMAP server."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from mail_server import MailServer, running_mail_server

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture
def mail_server() -> Iterator[MailServer]:
    """A real IMAP server (Dovecot on a free loopback port) serving an empty Maildir with one user, in a
    folder of its own that Dovecot's users can reach (pytest's tmp_path sits below a folder only root may
    enter); stopped and removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="sc-cancel-dovecot-") as name:
        Path(name).chmod(0o755)  # created 0700: Dovecot's users could not reach what is below it
        with running_mail_server(Path(name) / "imap") as server:
            yield server
