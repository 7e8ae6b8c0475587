"""Alembic's entry for the ledger: migrations always run on the connection the ledger hands over (in
`config.attributes["connection"]`), inside the transaction it opened, so the check of the current
revision and the upgrade are one transaction that a second process waits for."""

from __future__ import annotations

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=None)
with context.begin_transaction():
    context.run_migrations()
