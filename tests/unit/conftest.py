"""Fixtures the ledger's, the actions' and the commands' unit tests share: a hand-moved clock at
ledger_kit's START (a module may override `clock` with its own start) and a ledger, once in a SQLite file
in a temporary folder and once in a fresh database on a real PostgreSQL server."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from ledger_kit import START, FakeClock
from pg_server import PgServer

from automation.ledger import Ledger, LedgerLocation


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def ledger(ledger_location: LedgerLocation, clock: FakeClock) -> Iterator[Ledger]:
    with Ledger.open(ledger_location, clock=clock) as opened:
        yield opened


@pytest.fixture(scope="session")
def pg_ledger_template(pg_server: PgServer) -> str:
    """A PostgreSQL database with the ledger's tables at the head revision, made once per session:
    each test's database is a copy of it (CREATE DATABASE ... TEMPLATE), which costs far less than
    running the migrations again."""
    name = "ledger_template"
    url = pg_server.create_database(name)
    Ledger.open(LedgerLocation(url, pg_server.password)).close()
    return name


@pytest.fixture(params=["sqlite", "postgresql"])
def ledger_location(request: pytest.FixtureRequest, tmp_path: Path) -> LedgerLocation:
    """Where a test's ledger lives: a SQLite file in tmp_path, or a fresh PostgreSQL database on the
    session's server (tests/pg_server.py): every ledger test runs against both."""
    if request.param == "sqlite":
        return LedgerLocation.sqlite(tmp_path / "ledger.sqlite3")
    server: PgServer = request.getfixturevalue("pg_server")
    template: str = request.getfixturevalue("pg_ledger_template")
    name = f"t_{uuid.uuid4().hex[:16]}"
    return LedgerLocation(server.create_database(name, template=template), server.password)
