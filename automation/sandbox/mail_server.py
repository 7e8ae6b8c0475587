"""A throwaway IMAP server for the sandbox's mail: Dovecot on a free loopback port, in a folder of its
own, serving one Maildir to one user with a password. The tests (tests/mail_server.py) and the demo's
embedded sandbox start it the same way.

Dovecot is Debian's `dovecot-imapd` (installed by scripts/setup.sh); the package's own service is never
used. The password is generated for each server unless given, and lives only in memory and in the
server's own password file, which only the user running Dovecot's authentication can read.

As root, Dovecot's mail processes run as the `dovecot` user, so the Maildir (its folders and every
message file) must be readable, and its folders writable, by that user: `deliver` takes care of it for
the messages the tests write, and `prepare_maildir` for a Maildir another writer (the sandbox) fills.
The settings are the ones measured on this machine (shared/reference/environment.md, "Dovecot").
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path

DOVECOT = Path("/usr/sbin/dovecot")
START_TIMEOUT_S = 15.0
STOP_TIMEOUT_S = 10.0
USERNAME = "seller@example.test"
WITHOUT_IDLE = "IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE LITERAL+ NAMESPACE UIDPLUS UNSELECT CHILDREN"
"""What a server without IDLE lists (`imap_capability`), as some providers' servers do: IMAP4rev1 and the
extensions every client expects, with no IDLE (Dovecot still answers one, but no client should send it)."""


class MailServerError(RuntimeError):
    """Dovecot is missing or did not start; the message says why (and the log's words)."""


def dovecot_problem() -> str | None:
    """Why no Dovecot can be started on this machine, or None when it can."""
    if not DOVECOT.exists():
        return f"Dovecot is not installed ({DOVECOT} not found; scripts/setup.sh installs dovecot-imapd)"
    for name in ("dovecot", "dovenull") if os.geteuid() == 0 else ():
        try:
            pwd.getpwnam(name)
        except KeyError:
            return f"Dovecot's system user '{name}' is missing (reinstall dovecot-core)"
    return None


def _mail_user() -> pwd.struct_passwd:
    """Whom Dovecot's mail processes run as: `dovecot` when started by root, else the caller."""
    return pwd.getpwnam("dovecot") if os.geteuid() == 0 else pwd.getpwuid(os.geteuid())


def _give(path: Path) -> None:
    """Let the mail user read (and, for a folder, write) `path`."""
    user = _mail_user()
    if os.geteuid() == 0:
        os.chown(path, user.pw_uid, user.pw_gid)
    path.chmod(0o700 if path.is_dir() else 0o600)


def prepare_maildir(maildir: Path, folders: tuple[str, ...] = ()) -> Path:
    """Create a Maildir (and Maildir++ sub-folders such as `Amazon`) the mail user can serve."""
    for box in (maildir, *(maildir / f".{name}" for name in folders)):
        for part in ("", "new", "cur", "tmp"):
            (box / part).mkdir(parents=True, exist_ok=True)
            _give(box / part)
    return maildir


def _group_alive(group: int) -> bool:
    """Whether a process of the group still runs (a zombie no parent has reaped yet does not count)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            return True
    return False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _config(root: Path, maildir: Path, port: int, *, idle: bool = True) -> str:
    user = _mail_user()
    if os.geteuid() == 0:
        users = (
            "default_login_user = dovenull\ndefault_internal_user = dovecot\n"
            "default_internal_group = dovecot\n"
        )
    else:
        users = (
            f"default_login_user = {user.pw_name}\ndefault_internal_user = {user.pw_name}\n"
            f"default_internal_group = {user.pw_name}\n"
        )
    capabilities = "" if idle else f"imap_capability = {WITHOUT_IDLE}\n"
    return f"""\
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
{users}first_valid_uid = 1
mail_location = maildir:{maildir}
{capabilities}passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={user.pw_uid} gid={user.pw_gid} home={root}/home mail=maildir:{maildir}
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service pop3-login {{
  inet_listener pop3 {{
    port = 0
  }}
  inet_listener pop3s {{
    port = 0
  }}
}}
"""


@dataclass
class MailServer:
    """One Dovecot instance: `host`/`port`/`username`/`password` for the reader under test."""

    root: Path
    maildir: Path
    port: int
    password: str = field(repr=False)
    username: str = USERNAME
    host: str = "127.0.0.1"
    _counter: int = field(default=0, repr=False)

    @property
    def config(self) -> Path:
        return self.root / "dovecot.conf"

    def start(self) -> None:
        """Start Dovecot and wait for its greeting; a failure says what the log says."""
        problem = dovecot_problem()
        if problem is not None:
            raise MailServerError(problem)
        # Dovecot daemonizes and its children inherit standard output: a pipe would never close.
        with (self.root / "start.err").open("w") as err:
            started = subprocess.run(
                [str(DOVECOT), "-c", str(self.config)],
                check=False,
                stdin=subprocess.DEVNULL,
                stdout=err,
                stderr=err,
            )
        if started.returncode != 0:
            raise MailServerError(f"Dovecot did not start: {(self.root / 'start.err').read_text().strip()}")
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            try:
                with socket.create_connection((self.host, self.port), timeout=1) as sock:
                    if sock.recv(64).startswith(b"* OK"):
                        return
            except OSError:
                time.sleep(0.05)
        log = (self.root / "dovecot.log").read_text(errors="replace") if self.running else ""
        raise MailServerError(
            f"Dovecot did not greet on {self.host}:{self.port} in {START_TIMEOUT_S} s:\n{log}"
        )

    @property
    def _pid_file(self) -> Path:
        return self.root / "run" / "master.pid"

    @property
    def running(self) -> bool:
        return self._pid_file.exists()

    def stop(self) -> None:
        """Stop Dovecot at once: its whole process group (the master daemonizes into a session of its
        own, so the group holds exactly this instance's processes), killed, since a graceful shutdown
        takes seconds and a test's server has nothing to save; then wait until none is left."""
        if not self._pid_file.exists():
            return
        pid = int(self._pid_file.read_text().split()[0])
        try:
            group = os.getpgid(pid)
            os.killpg(group, signal.SIGKILL)
        except ProcessLookupError:
            group = None
        deadline = time.monotonic() + STOP_TIMEOUT_S
        while group is not None and _group_alive(group) and time.monotonic() < deadline:
            time.sleep(0.02)
        self._pid_file.unlink(missing_ok=True)

    def deliver(
        self,
        message: EmailMessage | bytes,
        folder: str | None = None,
        *,
        received_at: datetime | None = None,
        seen: bool = False,
    ) -> Path:
        """Put one message into the Maildir the way a delivery agent does: written in `tmp/`, then
        renamed into `new/` (or, already read by a person, into `cur/` with the `S` flag), in a
        Maildir++ sub-folder when given. Dovecot dates it (INTERNALDATE) by the file's time,
        `received_at` when given. Visible to the next IMAP command."""
        box = self.maildir if folder is None else self.maildir / f".{folder}"
        if not (box / "new").is_dir():
            prepare_maildir(self.maildir, (folder,) if folder else ())
        self._counter += 1
        name = f"{time.time_ns()}.M{self._counter}P{os.getpid()}.sc-cancel-test"
        data = message if isinstance(message, bytes) else message.as_bytes()
        tmp = box / "tmp" / name
        tmp.write_bytes(data)
        _give(tmp)
        if received_at is not None:
            stamp = received_at.timestamp()
            os.utime(tmp, (stamp, stamp))
        final = box / "cur" / f"{name}:2,S" if seen else box / "new" / name
        tmp.rename(final)
        return final

    def reset_uidvalidity(self) -> None:
        """Make Dovecot give every folder a new UIDVALIDITY, as a server rebuilt from backup does: stop,
        drop its UID lists and indexes (keeping the messages), start again."""
        self.stop()
        for path in self.maildir.rglob("dovecot*"):
            if path.name != "dovecot-uidvalidity" and not path.name.startswith("dovecot-uidvalidity."):
                path.unlink()
        self.start()


def _write_private(path: Path, text: str) -> None:
    """Write a file only the mail user (Dovecot's authentication runs as it) may read, whatever the
    umask: it holds the password."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        os.fchmod(handle.fileno(), 0o600)
        if os.geteuid() == 0:
            user = _mail_user()
            os.fchown(handle.fileno(), user.pw_uid, user.pw_gid)
        handle.write(text)


@contextmanager
def running_mail_server(
    root: Path,
    maildir: Path | None = None,
    *,
    username: str = USERNAME,
    password: str | None = None,
    idle: bool = True,
) -> Iterator[MailServer]:
    """Dovecot serving `maildir` (default: `root/Maildir`) to `username` with `password` (default: a
    new random one), stopped afterwards whatever happens, a failed start included. `idle=False`: a
    server that does not list IDLE among its capabilities, for the clients' polling fallback."""
    root.mkdir(parents=True, exist_ok=True)
    root.chmod(0o755)  # the mail user must reach the files below it
    for part in ("run", "state"):
        (root / part).mkdir(exist_ok=True)
    (root / "home").mkdir(exist_ok=True)
    _give(root / "home")
    maildir = prepare_maildir(maildir or root / "Maildir")
    server = MailServer(
        root=root,
        maildir=maildir,
        port=free_port(),
        username=username,
        password=password if password is not None else secrets.token_urlsafe(18),
    )
    _write_private(root / "passwd", f"{server.username}:{{PLAIN}}{server.password}\n")
    server.config.write_text(_config(root, maildir, server.port, idle=idle))
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(root / "run", ignore_errors=True)
