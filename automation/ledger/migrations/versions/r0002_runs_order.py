"""Runs keep the order they were started in (`seq`), for runs started at the same instant.

SQLite's hidden `rowid` gave that order; PostgreSQL has no such column, so it becomes a real one, filled
from `rowid` for the runs already in a SQLite file.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    bind.exec_driver_sql("ALTER TABLE runs ADD COLUMN seq INTEGER")
    if bind.dialect.name == "sqlite":
        bind.exec_driver_sql("UPDATE runs SET seq = rowid")
    bind.exec_driver_sql("CREATE INDEX runs_by_seq ON runs (account, seq)")


def downgrade() -> None:
    raise NotImplementedError("the ledger is only ever upgraded; restore a backup to go back")
