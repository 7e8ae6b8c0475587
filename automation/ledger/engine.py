"""SQLAlchemy engines for the ledger: SQLite (the embedded default) or PostgreSQL (a ledger shared by
several machines), from the `ledger_url` and `ledger_password` settings.

The URL never carries the password: settings files get copied, pasted into issues and printed, so the
password comes from a secret reference (`ledger_password`) and is joined to the URL only here, in memory.

SQLite keeps the behaviour the ledger always had: WAL so readers never block the writer, a busy timeout
so a second process waits for a short write instead of failing, full sync so a committed `in_flight`
survives a power cut, and `BEGIN IMMEDIATE` for writes (taken through `write_transaction`) so a
transaction that will write holds the file's write lock from its first statement. Python's sqlite3
module is told to stay out of transaction handling, so the `BEGIN` SQLAlchemy asks for is the one sent.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from automation.errors import BadInputError

BUSY_TIMEOUT_MS = 10_000
"""How long a writer waits for another process's transaction (an `approve` beside a scheduled loop)."""

_IMMEDIATE = "sc_cancel_begin_immediate"
"""Key in a SQLite connection's `info`: the next BEGIN takes the write lock at once."""


def sqlite_url(path: Path) -> str:
    """The SQLAlchemy URL of the SQLite file at `path` (the default `ledger_url`)."""
    return f"sqlite:///{Path(path)}"


def parse_ledger_url(url: str, *, setting: str = "ledger_url") -> URL:
    """Parse and check a ledger URL: SQLite or PostgreSQL, and no password in it (it belongs in
    `ledger_password`). `postgresql://` means the psycopg 3 driver, the one sc-cancel ships with."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise BadInputError(
            f"{setting}: {url!r} is not a database URL; write sqlite:///PATH or postgresql+psycopg://USER@HOST/DB"
        ) from None
    if parsed.password is not None:
        raise BadInputError(
            f"{setting}: the URL contains a password; remove it and give it as ledger_password "
            "(a secret reference such as {env:SC_LEDGER_PASSWORD})"
        )
    backend = parsed.get_backend_name()
    if backend == "postgresql" and parsed.drivername in ("postgresql", "postgresql+psycopg2"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if backend not in ("sqlite", "postgresql"):
        raise BadInputError(
            f"{setting}: {backend!r} databases are not supported; use sqlite:/// or postgresql://"
        )
    if backend == "sqlite" and parsed.database in (None, "", ":memory:"):
        raise BadInputError(f"{setting}: a SQLite ledger needs a file: write sqlite:///PATH")
    return parsed


def safe_url(url: URL | str) -> str:
    """The URL as it may be printed or logged: never with a password."""
    return (make_url(url) if isinstance(url, str) else url).render_as_string(hide_password=True)


def make_engine(url: str | URL, password: str | None = None) -> Engine:
    """An Engine for the ledger at `url` (checked by `parse_ledger_url`), with `password` (already
    resolved from its secret reference) joined in memory. SQLite files are configured as described above;
    PostgreSQL connections are checked before reuse, since a shared server may restart under a worker."""
    parsed = parse_ledger_url(url) if isinstance(url, str) else url
    if password:
        parsed = parsed.set(password=password)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _configure_sqlite)
        event.listen(engine, "begin", _begin_sqlite)
        return engine
    return create_engine(parsed, pool_pre_ping=True)


def is_sqlite(engine_or_conn: Engine | Connection) -> bool:
    return engine_or_conn.dialect.name == "sqlite"


def sqlite_path(engine: Engine) -> Path | None:
    """The file of a SQLite engine, or None for any other database."""
    return Path(engine.url.database) if is_sqlite(engine) and engine.url.database else None


@contextmanager
def write_transaction(conn: Connection) -> Iterator[Connection]:
    """One short write transaction on `conn`, committed on leaving, rolled back on any exception. On
    SQLite it starts with `BEGIN IMMEDIATE`; on PostgreSQL with a plain BEGIN (read committed), where
    the statements that decide a change lock their rows (`FOR UPDATE`)."""
    if conn.in_transaction():
        conn.commit()  # a read left its transaction open: end it, so the write starts afresh
    conn.info[_IMMEDIATE] = True
    try:
        with conn.begin():
            conn.info[_IMMEDIATE] = False
            yield conn
    finally:
        conn.info[_IMMEDIATE] = False


def _configure_sqlite(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.isolation_level = None  # sqlite3 module: no implicit BEGIN/COMMIT of its own
    cursor = dbapi_conn.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
    finally:
        cursor.close()


def _begin_sqlite(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.get(_IMMEDIATE) else "BEGIN")
