"""Where the e-mail channel stopped reading each mailbox folder.

IMAP numbers a folder's messages with UIDs that only grow while the folder's UIDVALIDITY stays the same,
so remembering (UIDVALIDITY, last UID) per folder lets the next scan fetch only newer messages. The
reader hands these states over and the scan saves them only once it has finished, so a scan that
failed half way reads the same e-mails again next time rather than losing them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from automation.ledger.store import LedgerBase


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
