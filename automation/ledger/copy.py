"""Copying a whole ledger to another database (`sc-cancel ledger copy`), for moving an installation from
its SQLite file to a PostgreSQL server shared by several machines.

Both ledgers are first brought to the head revision, so their tables are the same; every table is then
copied row for row, ids included (actions and approvals point at decisions by id), in one transaction on
the target, and the row counts of every table are compared before it commits. A target that already
holds rows is refused unless `replace` is given, since mixing two ledgers would merge unrelated histories.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, MetaData, Table, func, select, text

from automation.errors import BadInputError
from automation.ledger.engine import is_sqlite, write_transaction
from automation.ledger.ledger import LedgerLocation, connect_and_upgrade

BATCH = 1000
"""Rows per INSERT round trip."""

_NOT_COPIED = frozenset({"alembic_version", "sqlite_sequence"})
"""Bookkeeping of the databases themselves: each side has its own."""


@dataclass(frozen=True)
class CopiedTable:
    name: str
    rows: int


def copy_ledger(
    source: LedgerLocation,
    target: LedgerLocation,
    *,
    replace: bool = False,
    progress: Callable[[str], None] = lambda _line: None,
) -> list[CopiedTable]:
    """Copy every table of `source` into `target`; return each table with its row count (the same on
    both sides, or nothing is committed)."""
    if source.url == target.url:
        raise BadInputError("ledger copy: --from and --to name the same ledger")
    src_engine, src, _ = connect_and_upgrade(source)
    dst_engine, dst, _ = connect_and_upgrade(target)
    try:
        tables = _tables(src)
        target_tables = {table.name: table for table in _tables(dst)}
        missing = [table.name for table in tables if table.name not in target_tables]
        if missing:
            raise BadInputError(f"{target}: the target lacks the tables {', '.join(missing)}")
        with write_transaction(dst):
            filled = {name: n for name, n in _counts(dst, target_tables.values()).items() if n}
            if filled and not replace:
                listed = ", ".join(f"{name} ({n} rows)" for name, n in sorted(filled.items()))
                raise BadInputError(
                    f"{target}: the target ledger is not empty ({listed}); copy into an empty database, "
                    "or give --replace to empty it first"
                )
            if filled:
                _empty(dst, list(target_tables.values()))
            copied = []
            for table in tables:
                rows = _copy_table(src, dst, table, target_tables[table.name])
                copied.append(CopiedTable(table.name, rows))
                progress(f"{table.name}: {rows} rows")
            _continue_ids(dst, list(target_tables.values()))
            _verify(src, dst, tables, target)
        src.commit()
        return copied
    finally:
        src.close()
        dst.close()
        src_engine.dispose()
        dst_engine.dispose()


def _tables(conn: Connection) -> list[Table]:
    """The ledger's tables, parents before the tables that point at them."""
    metadata = MetaData()
    metadata.reflect(conn)
    return [table for table in metadata.sorted_tables if table.name not in _NOT_COPIED]


def _counts(conn: Connection, tables: object) -> dict[str, int]:
    return {
        table.name: int(conn.execute(select(func.count()).select_from(table)).scalar_one())
        for table in tables  # type: ignore[attr-defined]
    }


def _copy_table(src: Connection, dst: Connection, table: Table, into: Table) -> int:
    columns = [column.name for column in table.columns]
    order = list(table.primary_key.columns) or list(table.columns)
    result = src.execute(select(table).order_by(*order)).mappings()
    copied = 0
    while batch := result.fetchmany(BATCH):
        dst.execute(into.insert(), [{name: row[name] for name in columns} for row in batch])
        copied += len(batch)
    return copied


def _empty(dst: Connection, tables: list[Table]) -> None:
    """Empty the target for `--replace`. TRUNCATE fires no row triggers, so the audit trail's
    append-only guard stays in place for everything else; SQLite has no such statement."""
    if is_sqlite(dst):
        raise BadInputError(
            "ledger copy --replace: a SQLite target is emptied by removing its file; remove it and copy again"
        )
    names = ", ".join(f'"{table.name}"' for table in tables)
    dst.execute(text(f"TRUNCATE {names} RESTART IDENTITY"))


def _continue_ids(dst: Connection, tables: list[Table]) -> None:
    """On PostgreSQL the copied ids were given explicitly: move each identity past the largest, so the
    next row inserted gets a new id."""
    if is_sqlite(dst):
        return
    for table in tables:
        if "id" in table.columns and table.columns["id"].primary_key:
            dst.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), COALESCE(MAX(id), 0) + 1,"
                    f' false) FROM "{table.name}"'
                )
            )


def _verify(src: Connection, dst: Connection, tables: list[Table], target: LedgerLocation) -> None:
    before = _counts(src, tables)
    after = _counts(dst, tables)
    wrong = [
        f"{name}: {before[name]} rows, {after.get(name)} copied"
        for name in before
        if before[name] != after.get(name)
    ]
    if wrong:
        raise RuntimeError(f"{target}: the copy lost rows ({'; '.join(wrong)}); nothing was committed")
