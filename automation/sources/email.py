"""The e-mail channel: the seller's mailbox read over IMAP (imap-tools), read-only and incremental.

Each folder is opened with EXAMINE and messages are fetched with BODY.PEEK, so nothing is moved,
flagged, marked read or deleted: the seller's mail program sees the mailbox as it was. Per folder the
ledger remembers UIDVALIDITY and the last UID read; a changed UIDVALIDITY (a server rebuilt or the
folder re-created) means reading the `since_days` window again. The new position is handed back in the
result and saved by `MailboxRead.commit` once the scan has finished.

A mailbox that cannot be read (down, wrong password, a folder missing) is never an exception that stops
the scan: the result carries a warning naming the setting to check, and `emails_seen` is None when
nothing could be read. What the e-mails say is plain data for the scan to check against Seller Central:
an e-mail alone never makes a request actionable.
"""

from __future__ import annotations

import contextlib
import imaplib
import re
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Literal

from imap_tools import AND, BaseMailBox, MailBox, MailBoxStartTls, MailBoxUnencrypted, MailMessage
from imap_tools.errors import ImapToolsError, MailboxFolderStatusError, MailboxLoginError
from loguru import logger

from automation.errors import BadInputError
from automation.ledger.mailbox import FolderState
from automation.parsers.email_classifier import classify_email
from automation.parsers.email_message import parse_email
from automation.parsers.email_texts import CompiledEmailTexts
from automation.targets import MailboxTarget

if TYPE_CHECKING:
    from automation.ledger import Ledger
    from automation.parsers.locale_texts import LocaleTexts

CHANNEL = "email"
TIMEOUT_S = 30.0
FETCH_BATCH = 50
_INTERNALDATE = re.compile(rb'UID (\d+).*?INTERNALDATE "([^"]+)"|INTERNALDATE "([^"]+)".*?UID (\d+)')


@dataclass(frozen=True)
class EmailNotice:
    """One e-mail that names a cancellation request (Amazon's notice) or a buyer asking to cancel."""

    order_id: str | None
    received_at: datetime
    """The message's IMAP INTERNALDATE, in UTC: when it landed in the mailbox."""
    subject: str
    kind: Literal["request", "inquiry"]
    sender_allowed: bool
    message_id: str | None
    folder: str
    uid: int

    @property
    def why(self) -> Literal["sender_not_allowed"] | None:
        """Why it is unconfirmed whatever the pages say: a spoof is listed, never looked up."""
        return None if self.sender_allowed else "sender_not_allowed"


WarningKind = Literal["mailbox_failing", "lookups_deferred", "notices_missing", "verified_text_used"]


@dataclass(frozen=True)
class MailboxWarning:
    """A top-level scan warning: `{channel, message}` in the scan JSON. `kind` and `order_ids` are for
    the run report and its notifications (a mailbox that could not be read, look-ups left for the next
    scan, requests with no e-mail after `notice_grace`; and, on the `manage_orders` channel, verified
    texts standing in for selectors that found nothing)."""

    message: str
    channel: str = CHANNEL
    kind: WarningKind = "mailbox_failing"
    order_ids: tuple[str, ...] = ()

    def as_json(self) -> dict[str, str]:
        return {"channel": self.channel, "message": self.message}

    def as_report(self) -> dict[str, object]:
        return {**self.as_json(), "kind": self.kind, "order_ids": list(self.order_ids)}


@dataclass
class MailboxRead:
    """What one read of a mailbox found, and where the next read starts once `commit` is called."""

    account: str
    mailbox: str
    """`username@host:port`: the ledger's key for the reading positions."""
    notices: list[EmailNotice] = field(default_factory=list)
    warnings: list[MailboxWarning] = field(default_factory=list)
    emails_seen: int | None = None
    """E-mails read in this scan; None when the mailbox could not be read at all."""
    positions: list[FolderState] = field(default_factory=list)

    def commit(self, ledger: Ledger) -> None:
        """Advance the reading positions: call when the scan has finished, never before."""
        if self.positions:
            ledger.save_mailbox_states(self.account, self.mailbox, self.positions)


def mailbox_key(mailbox: MailboxTarget) -> str:
    return f"{mailbox.username}@{mailbox.host}:{mailbox.port}"


def connect(mailbox: MailboxTarget, timeout: float = TIMEOUT_S) -> BaseMailBox:
    """A connection to the mailbox with its security (not yet logged in); for `watch`'s waiting too."""
    return _connect(mailbox, timeout)


def _connect(mailbox: MailboxTarget, timeout: float) -> BaseMailBox:
    client: BaseMailBox
    if mailbox.security == "ssl":
        client = MailBox(
            mailbox.host, mailbox.port, timeout=timeout, ssl_context=ssl.create_default_context()
        )
    elif mailbox.security == "starttls":
        client = MailBoxStartTls(
            mailbox.host, mailbox.port, timeout=timeout, ssl_context=ssl.create_default_context()
        )
    else:
        client = MailBoxUnencrypted(mailbox.host, mailbox.port, timeout=timeout)
    client.email_message_class = _RawMessage  # this connection's messages keep their bytes
    return client


def _reason(exc: BaseException) -> str:
    """An error in a few words for a warning (never the password: no server or library echoes it)."""
    result = getattr(exc, "command_result", None)
    if isinstance(result, tuple) and len(result) > 1 and isinstance(result[1], list):
        text = b" ".join(d for d in result[1] if isinstance(d, bytes)).decode("utf-8", errors="replace")
        if text.strip():
            return text.strip()
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def unreachable(mailbox: MailboxTarget, exc: BaseException) -> str:
    """What to say when the mailbox cannot be reached, naming the settings to check."""
    return (
        f"{mailbox.setting}.host: cannot reach the mailbox {mailbox.host}:{mailbox.port} with security "
        f"{mailbox.security} ({_reason(exc)}); check {mailbox.setting}.host, .port and .security"
    )


def login_refused(mailbox: MailboxTarget, exc: BaseException) -> str:
    """What to say when the mailbox refuses the login, naming the password setting (never the password)."""
    return (
        f"{mailbox.setting}.password: the mailbox {mailbox.host}:{mailbox.port} refused the login of "
        f"{mailbox.username} ({_reason(exc)}); check {mailbox.setting}.password (Gmail and Outlook want an "
        f"app password) and {mailbox.setting}.username"
    )


def read_mailbox(
    mailbox: MailboxTarget,
    ledger: Ledger,
    account: str,
    *,
    emails: CompiledEmailTexts,
    texts: Mapping[str, LocaleTexts],
    now: datetime,
    timeout: float = TIMEOUT_S,
) -> MailboxRead:
    """Read the new e-mails of every configured folder and keep those that name a request.

    `account` is the ledger's account key; `now` (aware) sets the `since_days` window of a first read.
    """
    result = MailboxRead(account=account, mailbox=mailbox_key(mailbox))
    where = f"{mailbox.host}:{mailbox.port}"
    try:
        password = mailbox.password().get_secret_value()
    except BadInputError as exc:
        result.warnings.append(MailboxWarning(str(exc)))
        return result
    try:
        client = _connect(mailbox, timeout)
    except (OSError, imaplib.IMAP4.error, ImapToolsError) as exc:
        result.warnings.append(
            MailboxWarning(f"{unreachable(mailbox, exc)}. The pages were read; e-mails were not.")
        )
        return result
    try:
        try:
            client.login(mailbox.username, password, initial_folder=None)
        except (MailboxLoginError, imaplib.IMAP4.error) as exc:
            result.warnings.append(
                MailboxWarning(f"{login_refused(mailbox, exc)}. The pages were read; e-mails were not.")
            )
            return result
        reader = _FolderReader(client, mailbox, result, emails, texts, now)
        states = ledger.mailbox_states(account, result.mailbox)
        seen: int | None = None
        for folder in mailbox.folders:
            try:
                seen = (seen or 0) + reader.read(folder, states.get(folder))
            except MailboxFolderStatusError:
                result.warnings.append(MailboxWarning(_missing_folder(client, folder, mailbox, where)))
        result.emails_seen = seen
    except (OSError, imaplib.IMAP4.error, ImapToolsError) as exc:
        result.warnings.append(
            MailboxWarning(
                f"{mailbox.setting}: the mailbox {where} failed while being read ({_reason(exc)}); the "
                "e-mails not read yet are read on the next scan"
            )
        )
        result.emails_seen = None
        result.positions.clear()
    finally:
        with contextlib.suppress(OSError, imaplib.IMAP4.error, ImapToolsError):
            client.logout()
    return result


def _missing_folder(client: BaseMailBox, folder: str, mailbox: MailboxTarget, where: str) -> str:
    try:
        names = ", ".join(f.name for f in client.folder.list()) or "none"
    except (OSError, imaplib.IMAP4.error, ImapToolsError):
        names = "unknown"
    return (
        f"{mailbox.setting}.folders: the folder '{folder}' does not exist in the mailbox {where} "
        f"(its folders: {names}); fix the name"
    )


@dataclass
class _FolderReader:
    """One logged-in connection reading folder after folder into `result`."""

    client: BaseMailBox
    mailbox: MailboxTarget
    result: MailboxRead
    emails: CompiledEmailTexts
    texts: Mapping[str, LocaleTexts]
    now: datetime

    def read(self, folder: str, previous: FolderState | None) -> int:
        """Read one folder's new messages (read-only); returns how many were read."""
        status = self.client.folder.status(folder, ["UIDVALIDITY", "UIDNEXT"])
        uidvalidity, uidnext = int(status["UIDVALIDITY"]), int(status["UIDNEXT"])
        self.client.folder.set(folder, readonly=True)  # EXAMINE: this session cannot change the folder
        if previous is not None and previous.uidvalidity == uidvalidity:
            last_uid = previous.last_uid
            uids = [u for u in self.client.uids(f"UID {last_uid + 1}:*") if int(u) > last_uid]
        else:
            if previous is not None:
                logger.info(
                    "{} {}: UIDVALIDITY changed ({} -> {}); reading the last {} days again",
                    self.result.mailbox,
                    folder,
                    previous.uidvalidity,
                    uidvalidity,
                    self.mailbox.since_days,
                )
            last_uid = 0
            since = (self.now.astimezone(UTC) - timedelta(days=self.mailbox.since_days)).date()
            uids = self.client.uids(AND(date_gte=since))
        arrived = _internal_dates(self.client, uids)
        messages = self.client.fetch(uid_list=uids, mark_seen=False, bulk=FETCH_BATCH) if uids else iter(())
        count = 0
        for message in messages:
            count += 1
            notice = self._notice(message, folder, arrived)
            if notice is not None:
                self.result.notices.append(notice)
        newest = max((int(u) for u in uids), default=0)
        self.result.positions.append(FolderState(folder, uidvalidity, max(last_uid, uidnext - 1, newest)))
        return count

    def _notice(
        self, message: MailMessage, folder: str, arrived: Mapping[int, datetime]
    ) -> EmailNotice | None:
        raw = message.raw if isinstance(message, _RawMessage) else message.obj.as_bytes()
        parsed = parse_email(raw)
        verdict = classify_email(parsed, senders=self.mailbox.senders, emails=self.emails, texts=self.texts)
        if verdict.kind not in ("request", "inquiry"):
            return None
        uid = int(message.uid or 0)
        return EmailNotice(
            order_id=verdict.order_id,
            received_at=arrived.get(uid) or self.now,
            subject=parsed.subject,
            kind="request" if verdict.kind == "request" else "inquiry",
            sender_allowed=verdict.sender_allowed,
            message_id=parsed.message_id,
            folder=folder,
            uid=uid,
        )


def _internal_dates(client: BaseMailBox, uids: Sequence[str]) -> dict[int, datetime]:
    """Each message's INTERNALDATE (when it landed in the mailbox), in UTC; imap-tools fetches the
    message and its flags but not this, so it is asked for on its own."""
    found: dict[int, datetime] = {}
    for start in range(0, len(uids), FETCH_BATCH):
        batch = ",".join(uids[start : start + FETCH_BATCH])
        status, data = client.client.uid("FETCH", batch, "(UID INTERNALDATE)")
        if status != "OK":
            raise imaplib.IMAP4.error(f"FETCH INTERNALDATE answered {status}")
        for line in data:
            raw = line[0] if isinstance(line, tuple) else line
            match = _INTERNALDATE.search(raw) if isinstance(raw, bytes) else None
            if match is None:
                continue
            uid = match.group(1) or match.group(4)
            stamp = (match.group(2) or match.group(3)).decode().strip()
            found[int(uid)] = datetime.strptime(stamp, "%d-%b-%Y %H:%M:%S %z").astimezone(UTC)
    return found


class _RawMessage(MailMessage):
    """imap-tools' message, keeping the bytes as fetched for the standard library's parser."""

    def __init__(self, fetch_data: list) -> None:
        super().__init__(fetch_data)
        self.raw: bytes = self._get_message_data_parts(fetch_data)[0]
