"""The ledger's tables as sc-cancel created them before Alembic: the steps from schema version 0 to 5.

Until version 5 a SQLite file carried its version in `user_version` and was brought up to date by these
steps. They are now the Alembic baseline (migrations/versions/0001_baseline.py): on SQLite it runs the
steps a file still lacks and stamps it, so any older file upgrades in place; on PostgreSQL it runs them
all, spelled for PostgreSQL by `for_postgresql`. Never edit a step: later changes are Alembic revisions.
"""

from __future__ import annotations

_V1 = (
    """CREATE TABLE runs (
        run_id TEXT PRIMARY KEY,
        account TEXT NOT NULL,
        command TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        status TEXT NOT NULL,
        exit_code INTEGER,
        stats TEXT NOT NULL DEFAULT '{}'
    )""",
    "CREATE INDEX runs_by_account ON runs (account, command, started_at)",
    # One row per (account, order): the request as of its last scan, in `record` (JSON of a
    # CancellationRequest); `sources` is the union of every channel it was ever seen in.
    """CREATE TABLE requests (
        account TEXT NOT NULL,
        order_id TEXT NOT NULL,
        marketplace TEXT,
        kind TEXT NOT NULL,
        sources TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        first_run_id TEXT,
        last_run_id TEXT,
        closed_at TEXT,
        record TEXT NOT NULL,
        personal_purged_at TEXT,
        PRIMARY KEY (account, order_id)
    )""",
    "CREATE INDEX requests_open ON requests (account, closed_at)",
    """CREATE TABLE request_observations (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        account TEXT NOT NULL,
        order_id TEXT NOT NULL,
        run_id TEXT,
        at TEXT NOT NULL,
        event TEXT NOT NULL,
        kind TEXT NOT NULL,
        sources TEXT NOT NULL,
        order_status TEXT
    )""",
    "CREATE INDEX request_observations_by_order ON request_observations (account, order_id, id)",
    """CREATE TABLE threads (
        account TEXT NOT NULL,
        thread_id TEXT NOT NULL,
        last_activity TEXT NOT NULL,
        kind TEXT NOT NULL,
        order_id TEXT,
        reason TEXT,
        requested_at TEXT,
        recorded_at TEXT NOT NULL,
        PRIMARY KEY (account, thread_id)
    )""",
    """CREATE TABLE order_status_cache (
        account TEXT NOT NULL,
        order_id TEXT NOT NULL,
        status TEXT NOT NULL,
        checked_at TEXT NOT NULL,
        PRIMARY KEY (account, order_id)
    )""",
    """CREATE TABLE decisions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        account TEXT NOT NULL,
        marketplace TEXT,
        order_id TEXT NOT NULL,
        decision TEXT NOT NULL,
        rule TEXT,
        approve TEXT,
        explanation TEXT NOT NULL,
        rules_sha256 TEXT NOT NULL,
        request_kind TEXT,
        run_id TEXT,
        decided_at TEXT NOT NULL,
        last_decided_at TEXT NOT NULL,
        last_run_id TEXT
    )""",
    "CREATE INDEX decisions_by_order ON decisions (account, order_id, id)",
    """CREATE TABLE approvals (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        account TEXT NOT NULL,
        order_id TEXT NOT NULL,
        decision_id INTEGER NOT NULL REFERENCES decisions (id),
        verdict TEXT NOT NULL CHECK (verdict IN ('approved', 'rejected')),
        by TEXT NOT NULL,
        note TEXT,
        at TEXT NOT NULL
    )""",
    "CREATE INDEX approvals_by_order ON approvals (account, order_id, id)",
    # `target` is the idempotency key's object: the order for `cancel`, the thread otherwise. The partial
    # unique index lets at most one live (not failed) action exist per key, whatever process asks.
    """CREATE TABLE actions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        account TEXT NOT NULL,
        marketplace TEXT,
        order_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        target TEXT NOT NULL,
        thread_id TEXT,
        state TEXT NOT NULL,
        reason TEXT,
        evidence TEXT,
        run_id TEXT,
        decision_id INTEGER REFERENCES decisions (id),
        attempt INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        in_flight_at TEXT
    )""",
    "CREATE UNIQUE INDEX actions_one_live ON actions (account, kind, target) WHERE state <> 'failed'",
    "CREATE INDEX actions_by_key ON actions (account, kind, target, id)",
    "CREATE INDEX actions_by_state ON actions (account, state)",
    """CREATE TABLE audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        account TEXT,
        marketplace TEXT,
        order_id TEXT,
        thread_id TEXT,
        event TEXT NOT NULL,
        action TEXT,
        state TEXT,
        rule TEXT,
        rules_sha256 TEXT,
        approver TEXT,
        outcome TEXT,
        reason TEXT,
        evidence TEXT,
        run_id TEXT,
        action_id INTEGER,
        detail TEXT
    )""",
    "CREATE INDEX audit_by_order ON audit (account, order_id, id)",
    # Append-only, enforced by the file itself rather than by every caller's good manners.
    """CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END""",
    """CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END""",
)

_V2 = (
    # The whole order as looked up (JSON of an Order), not its status alone: whether a request on a
    # shipped order is listed depends on who fulfils it too. Rows without it are looked up again.
    "ALTER TABLE order_status_cache ADD COLUMN record TEXT",
)

_V3 = (
    # What a person's approval lets happen (a held request approved becomes a cancel or a reply), and
    # dismissals: a rejection that stays whatever the rules decide later (handled by hand).
    "ALTER TABLE approvals ADD COLUMN action TEXT",
    "ALTER TABLE approvals ADD COLUMN dismissed INTEGER NOT NULL DEFAULT 0",
)

_V4 = (
    # Where the e-mail channel stopped reading, per mailbox folder: the folder's UIDVALIDITY and the last
    # UID read. Advanced only when a scan finishes; a changed UIDVALIDITY means reading the window again.
    """CREATE TABLE mailbox_state (
        account TEXT NOT NULL,
        mailbox TEXT NOT NULL,
        folder TEXT NOT NULL,
        uidvalidity INTEGER NOT NULL,
        last_uid INTEGER NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (account, mailbox, folder)
    )""",
)

_V5 = (
    # Every e-mail that named a request, remembered past the reading position: `email` stays among a
    # request's sources on later scans, and an unconfirmed one is looked up again while within
    # since_days. `state`: pending (not confirmed yet), confirmed (a page showed the request), closed
    # (the order is canceled or fulfilled by Amazon: nothing to check any more).
    """CREATE TABLE email_sightings (
        account TEXT NOT NULL,
        email_key TEXT NOT NULL,
        order_id TEXT,
        received_at TEXT NOT NULL,
        subject TEXT NOT NULL,
        kind TEXT NOT NULL,
        sender_allowed INTEGER NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending',
        why TEXT,
        first_run_id TEXT,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (account, email_key)
    )""",
    "CREATE INDEX email_sightings_order ON email_sightings (account, order_id)",
)

MIGRATIONS: tuple[tuple[str, ...], ...] = (_V1, _V2, _V3, _V4, _V5)
"""MIGRATIONS[i] brings a file from version i to i + 1. Append, never edit a released one."""

SCHEMA_VERSION = len(MIGRATIONS)
"""The last `user_version` a SQLite file got; a higher one was written by a newer sc-cancel."""

_IDENTITY_KEY = "INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"

_APPEND_ONLY_POSTGRESQL = (
    """CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'the audit trail is append-only'; END $$""",
    """CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
        FOR EACH ROW EXECUTE FUNCTION audit_append_only()""",
    """CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
        FOR EACH ROW EXECUTE FUNCTION audit_append_only()""",
)


def for_postgresql(statements: tuple[str, ...]) -> tuple[str, ...]:
    """A step spelled for PostgreSQL: identity columns for SQLite's AUTOINCREMENT keys (by default, so
    `ledger copy` can keep the ids), and the append-only triggers as a PL/pgSQL function."""
    out: list[str] = []
    for statement in statements:
        if statement.startswith("CREATE TRIGGER audit_no_update"):
            out.extend(_APPEND_ONLY_POSTGRESQL)
        elif not statement.startswith("CREATE TRIGGER"):
            out.append(statement.replace("INTEGER PRIMARY KEY AUTOINCREMENT", _IDENTITY_KEY))
    return tuple(out)
