"""Delivering e-mails into a Maildir that an IMAP server (Dovecot) serves to the agent.

Delivery follows the Maildir protocol: the file is written in `tmp/` and renamed into `new/`, so a
server never sees half an e-mail. The file's modification time is the e-mail's `Date`, because that is
the INTERNALDATE Dovecot reports for a Maildir file, and the scenario clock, not the machine's, says
when Amazon sent it.

Dovecot reads the files as its own user, not as the sandbox's. So every file is world-readable (0644)
and every folder world-traversable (0755). When the sandbox runs as root, files also get the owner of
the Maildir's folder, and a Maildir the sandbox creates itself belongs to the `dovecot` user where it
exists, since Dovecot keeps its index there and moves mail from `new/` to `cur/`. A Maildir that
already exists keeps its owner and modes: it is someone's mailbox.
"""

from __future__ import annotations

import contextlib
import grp
import itertools
import os
import pwd
import socket
import time
from datetime import datetime
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from pathlib import Path

from automation.sandbox.mail_compose import FILE_POLICY

SUBFOLDERS = ("tmp", "new", "cur")
FILE_MODE = 0o644
FOLDER_MODE = 0o755
MAIL_USER = "dovecot"


def _mail_user() -> tuple[int, int] | None:
    """The `dovecot` user's uid and gid, when running as root and the user exists."""
    if os.geteuid() != 0:
        return None
    try:
        user = pwd.getpwnam(MAIL_USER)
    except KeyError:
        return None
    try:
        gid = grp.getgrnam(MAIL_USER).gr_gid
    except KeyError:
        gid = user.pw_gid
    return user.pw_uid, gid


class MaildirWriter:
    """One Maildir folder (`new/`, `cur/`, `tmp/` are created when missing)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._counter = itertools.count(1)
        self._host = socket.gethostname().replace("/", "\\057").replace(":", "\\072")
        created = not root.exists()
        root.mkdir(parents=True, exist_ok=True)
        owner = _mail_user() if created else None
        if created:
            self._settle(root, owner)
        for name in SUBFOLDERS:
            sub = root / name
            if not sub.exists():
                sub.mkdir()
                self._settle(sub, owner or self._root_owner())
        self._owner = self._root_owner()

    def _root_owner(self) -> tuple[int, int] | None:
        if os.geteuid() != 0:
            return None
        info = self.root.stat()
        return info.st_uid, info.st_gid

    @staticmethod
    def _settle(path: Path, owner: tuple[int, int] | None, mode: int = FOLDER_MODE) -> None:
        os.chmod(path, mode)
        if owner is not None:
            os.chown(path, *owner)

    def _unique_name(self) -> str:
        now = time.time()
        return f"{int(now)}.M{int(now % 1 * 1e6)}P{os.getpid()}Q{next(self._counter)}.{self._host}"

    def deliver(self, message: EmailMessage, received_at: datetime) -> Path:
        """Write `message` into `new/` atomically; its file time is `received_at`. Returns the file."""
        data = message.as_bytes(policy=FILE_POLICY)
        name = self._unique_name()
        tmp = self.root / "tmp" / name
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        try:
            os.fchmod(fd, FILE_MODE)  # whatever the umask says
            if self._owner is not None:
                os.fchown(fd, *self._owner)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        except BaseException:
            os.close(fd)
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise
        os.close(fd)
        stamp = received_at.timestamp()
        os.utime(tmp, (stamp, stamp))
        final = self.root / "new" / name
        os.rename(tmp, final)
        return final

    def message_ids(self) -> set[str]:
        """The Message-IDs of the e-mails already in `new/` and `cur/` (headers only are read)."""
        parser = BytesHeaderParser()
        ids: set[str] = set()
        for folder in ("new", "cur"):
            for path in (self.root / folder).iterdir():
                with contextlib.suppress(OSError), path.open("rb") as handle:
                    value = parser.parse(handle).get("Message-ID")
                    if value:
                        ids.add(str(value).strip())
        return ids
