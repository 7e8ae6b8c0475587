"""A real PostgreSQL server for the tests: a throwaway cluster of Debian's postgresql-15 (installed by
scripts/setup.sh) on a free loopback port, in a temporary folder, stopped and removed afterwards.

`initdb` and `pg_ctl` refuse to run as root, so as root they run as the `postgres` user (`runuser`), with
the data folder owned by it and its parent traversable (shared/reference/environment.md). Connections over
TCP need the generated password (scram-sha-256), so a test that reaches the server proves the password
went through `ledger_password`; the URLs handed out never contain it. Durability is switched off
(fsync, synchronous_commit): the cluster dies with the test session anyway, and it keeps
`CREATE DATABASE ... TEMPLATE` (one fresh database per test) cheap.

Use the session fixture `pg_server` (tests/conftest.py), or `running_pg_server()` directly.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy
from server_kit import free_port

PG_BIN = Path("/usr/lib/postgresql/15/bin")
START_TIMEOUT_S = 30
SUPERUSER = "postgres"


def postgres_problem() -> str | None:
    """Why no PostgreSQL cluster can be started here, or None when one can."""
    for tool in ("initdb", "pg_ctl", "postgres"):
        if not (PG_BIN / tool).exists():
            missing = PG_BIN / tool
            return f"PostgreSQL 15 is not installed ({missing} not found; scripts/setup.sh installs it)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "the system user 'postgres' is missing (reinstall postgresql-common)"
    return None


@dataclass(frozen=True)
class PgServer:
    port: int
    folder: Path
    password: str
    """The superuser's password, needed over TCP; kept out of every URL."""

    def url(self, database: str = "postgres") -> str:
        """The SQLAlchemy URL of `database`, without the password (as `ledger_url` is written)."""
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def admin_engine(self) -> sqlalchemy.Engine:
        """An autocommit engine on the `postgres` database, for CREATE/DROP DATABASE."""
        url = sqlalchemy.engine.make_url(self.url()).set(password=self.password)
        return sqlalchemy.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sqlalchemy.pool.NullPool)

    def create_database(self, name: str, *, template: str | None = None) -> str:
        """Create the database `name` (a copy of `template` if given) and return its URL."""
        engine = self.admin_engine()
        try:
            with engine.connect() as conn:
                clause = f' TEMPLATE "{template}"' if template else ""
                conn.exec_driver_sql(f'CREATE DATABASE "{name}"{clause}')
        finally:
            engine.dispose()
        return self.url(name)

    def drop_database(self, name: str) -> None:
        engine = self.admin_engine()
        try:
            with engine.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            engine.dispose()


def _as_postgres(argv: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


def _run(argv: list[str], what: str) -> None:
    done = subprocess.run(_as_postgres(argv), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{what} failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")


@contextmanager
def running_pg_server() -> Iterator[PgServer]:
    """Start a cluster on a free loopback port and yield it; stop it and remove its folder afterwards."""
    problem = postgres_problem()
    if problem:
        raise RuntimeError(problem)
    folder = Path(tempfile.mkdtemp(prefix="sc-cancel-pg-"))
    folder.chmod(0o755)  # created 0700: the postgres user must get through it to its data folder
    data = folder / "data"
    data.mkdir(mode=0o700)
    if os.geteuid() == 0:
        entry = pwd.getpwnam("postgres")
        os.chown(data, entry.pw_uid, entry.pw_gid)
    password = secrets.token_urlsafe(18)
    pwfile = folder / "pwfile"
    pwfile.write_text(password + "\n", encoding="utf-8")
    if os.geteuid() == 0:
        os.chown(pwfile, entry.pw_uid, entry.pw_gid)
    port = free_port()
    started = False
    try:
        _run(
            [
                str(PG_BIN / "initdb"),
                "-D",
                str(data),
                "-U",
                SUPERUSER,
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                f"--pwfile={pwfile}",
                "--no-sync",
                "-E",
                "UTF8",
                "--locale=C",
            ],
            "initdb",
        )
        pwfile.unlink()
        options = (
            f"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off"
            " -c full_page_writes=off -c max_connections=200"
        )
        _run(
            [
                str(PG_BIN / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(data / "log"),
                "-w",
                "-t",
                str(START_TIMEOUT_S),
                "start",
            ],
            "pg_ctl start",
        )
        started = True
        yield PgServer(port=port, folder=folder, password=password)
    finally:
        if started:
            _run([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"], "pg_ctl stop")
        shutil.rmtree(folder, ignore_errors=True)
