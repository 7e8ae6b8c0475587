"""Bringing a ledger's tables up to date with Alembic, whose revisions ship inside the package
(automation/ledger/migrations/); no alembic.ini: the script folder is set here.

Every open runs `upgrade`: it is one query when the ledger is current. The check and the upgrade share
one write transaction (BEGIN IMMEDIATE on SQLite; a transaction-scoped advisory lock on PostgreSQL), so two
processes opening a fresh ledger at once cannot both create it. A SQLite file from before Alembic has no
revision yet: the baseline brings it from its `user_version` to version 5 and stamps it.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, inspect, text

from automation.errors import BadInputError
from automation.ledger.engine import is_sqlite, write_transaction
from automation.ledger.schema import SCHEMA_VERSION

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

MIGRATIONS_DIR = Path(__file__).with_name("migrations")

HEAD_REVISION = "0003"
"""The newest revision in migrations/versions (a test checks they agree). Known without loading
Alembic, which every process would otherwise import only to find that nothing needs doing."""

_MIGRATION_LOCK = 0x5C_CA_4C_ED
"""PostgreSQL advisory lock key held while checking and upgrading the tables."""


def alembic_config(conn: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if conn is not None:
        config.attributes["connection"] = conn
    return config


@functools.cache
def _scripts() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


def script_head() -> str | None:
    """The head revision as Alembic reads it from migrations/versions."""
    return _scripts().get_current_head()


def _known(revision: str) -> bool:
    from alembic.script.revision import ResolutionError

    try:
        return _scripts().get_revision(revision) is not None
    except ResolutionError:
        return False


def current_revision(conn: Connection) -> str | None:
    """The ledger's Alembic revision; None for an empty database or a SQLite file from before Alembic."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(conn: Connection, where: str) -> tuple[str | None, str]:
    """Upgrade the ledger on `conn` to the head revision; return (revision before, revision after).
    `where` names the ledger in messages (its file, or its URL without password)."""
    with write_transaction(conn):
        if not is_sqlite(conn):
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK})")
        before = current_revision(conn)
        head = HEAD_REVISION
        if is_sqlite(conn):
            version = int(conn.exec_driver_sql("PRAGMA user_version").scalar() or 0)
            if version > SCHEMA_VERSION:
                raise BadInputError(
                    f"{where}: the ledger has schema version {version}, newer than this sc-cancel knows "
                    f"({SCHEMA_VERSION}); upgrade sc-cancel or use another --data-dir"
                )
        if before == head:
            return before, head
        if before is not None and not _known(before):
            raise BadInputError(
                f"{where}: the ledger is at revision {before}, newer than this sc-cancel knows "
                f"({head}); upgrade sc-cancel or use another --data-dir"
            )
        from alembic import command

        command.upgrade(alembic_config(conn), "head")
    return before, head
