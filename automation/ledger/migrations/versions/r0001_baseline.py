"""Baseline: the ledger as schema version 5 made it (automation/ledger/schema.py).

On SQLite the file may already hold some or all of it: the steps after its `user_version` run, and the
version is set to 5, so an older ledger upgrades in place and a current one is only stamped. On
PostgreSQL every step runs, spelled for PostgreSQL.

Revision ID: 0001
Revises:
Create Date: 2026-12-04
"""

from __future__ import annotations

from alembic import op

from automation.ledger.schema import MIGRATIONS, SCHEMA_VERSION, for_postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        version = int(bind.exec_driver_sql("PRAGMA user_version").scalar() or 0)  # checked by migrate.py
        for statements in MIGRATIONS[version:]:
            for statement in statements:
                bind.exec_driver_sql(statement)
        bind.exec_driver_sql(f"PRAGMA user_version = {SCHEMA_VERSION}")
        return
    for statements in MIGRATIONS:
        for statement in for_postgresql(statements):
            bind.exec_driver_sql(statement)


def downgrade() -> None:
    raise NotImplementedError("the ledger is only ever upgraded; restore a backup to go back")
