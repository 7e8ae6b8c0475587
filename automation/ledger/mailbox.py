"""Where the e-mail channel stopped reading each mailbox folder, and the e-mails it read.

IMAP numbers a folder's messages with UIDs that only grow while the folder's UIDVALIDITY stays the same,
so remembering (UIDVALIDITY, last UID) per folder lets the next scan fetch only newer messages. The
reader hands these states over and the scan saves them only once it has finished, so a scan that
failed half way reads the same e-mails again next time rather than losing them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from automation.ledger.store import LedgerBase, from_db, to_db


@dataclass(frozen=True)
class FolderState:
    folder: str
    uidvalidity: int
    last_uid: int


class MailboxMixin(LedgerBase):
    def mailbox_states(self, account: str, mailbox: str) -> dict[str, FolderState]:
        """The remembered state of every folder of one mailbox (`user@host:port`), by folder name."""
        rows = self._conn.execute(
            "SELECT folder, uidvalidity, last_uid FROM mailbox_state WHERE account = ? AND mailbox = ?",
            (account, mailbox),
        )
        return {
            row["folder"]: FolderState(row["folder"], int(row["uidvalidity"]), int(row["last_uid"]))
            for row in rows
        }

    def save_mailbox_states(self, account: str, mailbox: str, states: Iterable[FolderState]) -> None:
        """Remember where reading stopped, in one transaction. Not audited: a reading position, not a
        decision."""
        now = self._now()
        with self._write():
            for state in states:
                self._conn.execute(
                    """INSERT INTO mailbox_state (account, mailbox, folder, uidvalidity, last_uid, updated_at)
                       VALUES (?, ?, ?, ?, ?, ?)
                       ON CONFLICT (account, mailbox, folder) DO UPDATE SET
                           uidvalidity = excluded.uidvalidity, last_uid = excluded.last_uid,
                           updated_at = excluded.updated_at""",
                    (account, mailbox, state.folder, state.uidvalidity, state.last_uid, now),
                )


EmailState = Literal["pending", "confirmed", "closed"]


@dataclass(frozen=True)
class EmailSighting:
    """An e-mail that named a request, as remembered: `key` is its Message-ID (or folder and UID), so
    a folder read again after a UIDVALIDITY change does not count it twice."""

    key: str
    order_id: str | None
    received_at: datetime
    subject: str
    kind: str
    """`request` (Amazon's notice) or `inquiry` (a forwarded buyer message asking to cancel)."""
    sender_allowed: bool
    state: EmailState = "pending"
    why: str | None = None


def _sighting(row: Any) -> EmailSighting:
    return EmailSighting(
        key=row["email_key"],
        order_id=row["order_id"],
        received_at=from_db(row["received_at"]),
        subject=row["subject"],
        kind=row["kind"],
        sender_allowed=bool(row["sender_allowed"]),
        state=row["state"],
        why=row["why"],
    )


class EmailSightingsMixin(LedgerBase):
    def remember_emails(
        self, account: str, sightings: Iterable[EmailSighting], *, run_id: str | None
    ) -> set[str]:
        """Keep the e-mails a scan read; one already known keeps its state. Returns the keys of those
        not known before. Not audited: what was read, not a decision."""
        now = self._now()
        added: set[str] = set()
        with self._write():
            for s in sightings:
                cursor = self._conn.execute(
                    """INSERT INTO email_sightings (account, email_key, order_id, received_at, subject, kind,
                           sender_allowed, state, why, first_run_id, updated_at)
                       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                       ON CONFLICT (account, email_key) DO NOTHING""",
                    (
                        account,
                        s.key,
                        s.order_id,
                        to_db(s.received_at),
                        s.subject,
                        s.kind,
                        int(s.sender_allowed),
                        s.state,
                        s.why,
                        run_id,
                        now,
                    ),
                )
                if cursor.rowcount:
                    added.add(s.key)
        return added

    def open_emails(self, account: str, *, since: datetime) -> list[EmailSighting]:
        """The e-mails still waiting for a page to confirm them (spoofs included), received since `since`:
        those never looked up first, then the longest since their last look-up, so that a scan's cap on
        look-ups leaves no e-mail waiting behind the same ones scan after scan."""
        rows = self._conn.execute(
            """SELECT * FROM email_sightings WHERE account = ? AND state = 'pending' AND received_at >= ?
               ORDER BY why IS NOT NULL, updated_at, received_at, email_key""",
            (account, to_db(since)),
        )
        return [_sighting(row) for row in rows]

    def emails_naming(self, account: str, order_ids: Iterable[str]) -> list[EmailSighting]:
        """Every remembered e-mail from an allowed sender that names one of `order_ids`."""
        wanted = sorted(set(order_ids))
        found: list[EmailSighting] = []
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._conn.execute(
                f"""SELECT * FROM email_sightings WHERE account = ? AND sender_allowed = 1
                    AND order_id IN ({marks})""",
                (account, *chunk),
            )
            found.extend(_sighting(row) for row in rows)
        return found

    def settle_emails(self, account: str, settled: Iterable[EmailSighting]) -> None:
        """Store what a scan concluded about each e-mail (its state and why)."""
        now = self._now()
        with self._write():
            for s in settled:
                self._conn.execute(
                    "UPDATE email_sightings SET state = ?, why = ?, updated_at = ? WHERE account = ? "
                    "AND email_key = ?",
                    (s.state, s.why, now, account, s.key),
                )
