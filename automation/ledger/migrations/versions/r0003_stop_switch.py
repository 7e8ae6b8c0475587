"""The STOP switch held in the ledger: one row while actions are halted, seen by every machine that
shares the ledger (the STOP file only halts the machine it is on).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.get_bind().exec_driver_sql(
        """CREATE TABLE stop_switch (
            name TEXT PRIMARY KEY,
            reason TEXT,
            set_by TEXT,
            set_at TEXT NOT NULL
        )"""
    )


def downgrade() -> None:
    raise NotImplementedError("the ledger is only ever upgraded; restore a backup to go back")
