"""Shared test helpers: paths into the repository, a real IMAP server, a real Redis."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from loguru import logger
from mail_server import MailServer, running_mail_server
from pg_server import PgServer, postgres_problem, running_pg_server
from redis_server import RedisServer, redis_problem, running_redis_server
from s3_server import S3Server, running_s3_server

if TYPE_CHECKING:
    from loguru import Record

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


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    """A real Redis (Debian's redis-server on a free loopback port, nothing saved), one for the session:
    tests keep apart by their own database number or key names. Stopped after the session."""
    problem = redis_problem()
    if problem:
        pytest.fail(problem)
    with running_redis_server() as server:
        yield server


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """A real PostgreSQL cluster (tests/pg_server.py) for the whole session: one start, stopped after.
    Fails, saying why, when PostgreSQL is not installed: scripts/setup.sh installs it, and a skip would
    let half of the ledger's tests vanish from a green run unnoticed."""
    problem = postgres_problem()
    if problem:
        pytest.fail(problem)
    with running_pg_server() as server:
        yield server


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    """A real S3 endpoint (moto's server, tests/s3_server.py) on a free loopback port, checking
    credentials, one for the session: tests keep apart by bucket. Stopped after the session."""
    with running_s3_server(tmp_path_factory.mktemp("moto")) as server:
        yield server


@pytest.fixture(autouse=True)
def _loguru_as_it_starts() -> Iterator[None]:
    """Put loguru back as a fresh process has it after each test. `cli.main()` configures logging for
    the process (the redacting patcher, sinks on the stderr of that moment), and tests call it in
    process: without this, every later test's log records would pass that redactor (a user name read
    as "[email]") and go to a stream pytest may have closed."""
    yield
    logger.remove()
    logger.configure(patcher=_leave_as_is)  # patcher=None would keep the one set (loguru's "unchanged")
    logger.add(sys.stderr)


def _leave_as_is(record: Record) -> None:
    """The patcher of a fresh process: none."""
