"""The IMAP reader against a real Dovecot (tests/mail_server.py): what it keeps, that it changes nothing in
the mailbox, that it reads incrementally and survives a renumbered folder, and that a mailbox it cannot
read is a warning naming the setting, never an exception."""

from __future__ import annotations

import imaplib
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from email_kit import buyer_message, email, mailbox_for, request_notice
from mail_server import MailServer

from automation.ledger import Ledger
from automation.parsers.email_texts import load_email_texts
from automation.parsers.locale_texts import load_all_locale_texts
from automation.sources.email import MailboxRead, read_mailbox
from automation.targets import MailboxTarget

SELECTORS = Path(__file__).resolve().parents[3] / "selectors"
ACCOUNT = "shop-key"
NOW = datetime.now(UTC)


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    with Ledger.open(tmp_path / "ledger.sqlite3") as opened:
        yield opened


@pytest.fixture
def read(ledger: Ledger) -> Callable[..., MailboxRead]:
    emails = load_email_texts(SELECTORS)
    texts = load_all_locale_texts(SELECTORS)

    def run(box: MailboxTarget) -> MailboxRead:
        return read_mailbox(box, ledger, ACCOUNT, emails=emails, texts=texts, now=NOW, timeout=10)

    return run


def order(n: int) -> str:
    return f"{400 + n}-{1000000 + n:07d}-{2000000 + n:07d}"


# One subject per language of selectors/emails.yaml, written here (not copied from the data file).
SUBJECTS = [
    f"Order cancellation request from Amazon customer Ann Lee (Order: {order(1)})",
    f"Cancellation request for order number: {order(2)}",
    f"Solicitud de cancelación del pedido para el número de pedido: {order(3)}",
    f"Richiesta di annullamento per l'ordine numero: {order(4)}",
    "Cerere de anulare a comenzii de la un client Amazon",
    f"Demande d'annulation de commande {order(6)}",
    f"Stornierungsanfrage für Bestellnummer: {order(7)}",
    f"注文番号のキャンセルリクエスト: {order(8)}",
]


def test_each_languages_notice_inquiries_decoys_and_spoofs(mail_server: MailServer, read) -> None:  # type: ignore[no-untyped-def]
    for n, subject in enumerate(SUBJECTS, start=1):
        # Half of them as Amazon sends them, half as a mail filter forwards them (headers lost).
        mail_server.deliver(request_notice(subject, order(n), header=n % 2 == 0))
    mail_server.deliver(
        buyer_message(f"Inquiry from Amazon customer Kim Park (Order: {order(9)})", "Please cancel my order.")
    )
    mail_server.deliver(
        buyer_message(
            f"Inquiry from Amazon customer Kim Park (Order: {order(10)})", "Please do not cancel it!"
        )
    )
    mail_server.deliver(
        request_notice(
            f"Richiesta di annullamento per l'ordine numero: {order(11)}",
            order(11),
            sender="<x@amaz0n-support.com>",
        )
    )
    mail_server.deliver(email(f"Sold, ship now: {order(12)}", text="Ship it."))
    arrived = datetime(2026, 12, 1, 8, 15, 30, tzinfo=UTC)
    mail_server.deliver(
        request_notice(f"Cancellation request for order number: {order(13)}", order(13)), received_at=arrived
    )

    result = read(mailbox_for(mail_server))

    assert result.warnings == []
    assert result.emails_seen == len(SUBJECTS) + 5
    by_order = {n.order_id: n for n in result.notices}
    assert sorted(by_order) == sorted([order(n) for n in range(1, 10)] + [order(11), order(13)])
    assert {by_order[order(n)].kind for n in range(1, 9)} == {"request"}
    assert by_order[order(9)].kind == "inquiry"
    assert by_order[order(11)].sender_allowed is False
    assert by_order[order(11)].why == "sender_not_allowed"
    assert all(n.sender_allowed for oid, n in by_order.items() if oid != order(11))
    assert by_order[order(13)].received_at == arrived  # INTERNALDATE, in UTC
    assert by_order[order(4)].subject == SUBJECTS[3]
    assert all(n.message_id and n.message_id.endswith("amazonses.example>") for n in result.notices)


def flags(server: MailServer) -> dict[str, str]:
    """Every message's flags by Message-ID, read on a connection of its own (read-only)."""
    with imaplib.IMAP4(server.host, server.port) as imap:
        imap.login(server.username, server.password)
        imap.select("INBOX", readonly=True)
        _, data = imap.fetch("1:*", "(FLAGS BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
    found = {}
    for item in data:
        if isinstance(item, tuple):
            message_id = re.search(rb"<[^>]+>", item[1])
            seen = re.search(rb"FLAGS \(([^)]*)\)", item[0])
            assert message_id is not None
            assert seen is not None
            found[message_id.group(0).decode()] = " ".join(
                sorted(seen.group(1).decode().replace("\\Recent", "").split())
            )
    return found


def test_reading_changes_no_flag_and_no_file(mail_server: MailServer, read) -> None:  # type: ignore[no-untyped-def]
    mail_server.deliver(request_notice(f"Cancellation request for order number: {order(1)}", order(1)))
    mail_server.deliver(
        request_notice(f"Cancellation request for order number: {order(2)}", order(2)), seen=True
    )
    mail_server.deliver(
        buyer_message("Inquiry from Amazon customer A (Order: 111-0000000-0000001)", "Cancel it please")
    )
    before = flags(mail_server)
    files_before = sorted(p.name.split(":")[-1] for p in mail_server.maildir.rglob("*.sc-cancel-test*"))

    result = read(mailbox_for(mail_server))

    assert result.emails_seen == 3
    assert flags(mail_server) == before
    assert sorted(before.values()) == ["", "", "\\Seen"]
    files_after = sorted(p.name.split(":")[-1] for p in mail_server.maildir.rglob("*.sc-cancel-test*"))
    assert files_after == files_before  # no flag written into any Maildir file name


def test_reading_is_incremental_and_advances_only_on_commit(
    mail_server: MailServer, read, ledger: Ledger
) -> None:  # type: ignore[no-untyped-def]
    box = mailbox_for(mail_server)
    mail_server.deliver(request_notice(f"Cancellation request for order number: {order(1)}", order(1)))
    first = read(box)
    assert [n.order_id for n in first.notices] == [order(1)]

    uncommitted = read(box)  # the first scan did not finish: the same e-mail is read again
    assert [n.order_id for n in uncommitted.notices] == [order(1)]

    first.commit(ledger)
    mail_server.deliver(request_notice(f"Cancellation request for order number: {order(2)}", order(2)))
    second = read(box)
    assert second.emails_seen == 1
    assert [n.order_id for n in second.notices] == [order(2)]
    second.commit(ledger)
    third = read(box)
    assert (third.emails_seen, third.notices, third.warnings) == (0, [], [])


def test_a_first_read_goes_back_since_days_only(mail_server: MailServer, read) -> None:  # type: ignore[no-untyped-def]
    old = NOW - timedelta(days=20)
    mail_server.deliver(
        request_notice(f"Cancellation request for order number: {order(1)}", order(1)), received_at=old
    )
    mail_server.deliver(request_notice(f"Cancellation request for order number: {order(2)}", order(2)))
    result = read(mailbox_for(mail_server))
    assert [n.order_id for n in result.notices] == [order(2)]


def test_a_changed_uidvalidity_reads_the_window_again(mail_server: MailServer, read, ledger: Ledger) -> None:  # type: ignore[no-untyped-def]
    box = mailbox_for(mail_server)
    for n in (1, 2):
        mail_server.deliver(request_notice(f"Cancellation request for order number: {order(n)}", order(n)))
    first = read(box)
    first.commit(ledger)
    before = ledger.mailbox_states(ACCOUNT, first.mailbox)["INBOX"]

    mail_server.reset_uidvalidity()
    again = read(box)

    assert again.warnings == []
    assert sorted(n.order_id for n in again.notices) == [order(1), order(2)]
    again.commit(ledger)
    after = ledger.mailbox_states(ACCOUNT, again.mailbox)["INBOX"]
    assert after.uidvalidity != before.uidvalidity
    assert after.last_uid == 2


def test_a_mailbox_that_is_down_is_a_warning(mail_server: MailServer, read) -> None:  # type: ignore[no-untyped-def]
    mail_server.stop()
    result = read(mailbox_for(mail_server))
    assert result.emails_seen is None
    assert result.notices == []
    assert result.positions == []
    (warning,) = result.warnings
    assert warning.channel == "email"
    assert warning.message.startswith("accounts[0].mailbox.host: cannot reach the mailbox 127.0.0.1:")
    assert "ConnectionRefusedError" in warning.message


def test_a_wrong_password_is_a_warning_naming_the_setting(mail_server: MailServer, read) -> None:  # type: ignore[no-untyped-def]
    mail_server.deliver(request_notice(f"Cancellation request for order number: {order(1)}", order(1)))
    result = read(mailbox_for(mail_server, password="not-the-password"))
    assert (result.emails_seen, result.notices, result.positions) == (None, [], [])
    (warning,) = result.warnings
    assert warning.as_json()["channel"] == "email"
    assert warning.message.startswith("accounts[0].mailbox.password: the mailbox")
    assert "refused the login of seller@example.test" in warning.message
    assert "not-the-password" not in warning.message


def test_every_configured_folder_is_read_and_a_missing_one_is_named(mail_server: MailServer, read) -> None:  # type: ignore[no-untyped-def]
    mail_server.deliver(
        request_notice(f"Cancellation request for order number: {order(1)}", order(1)), folder="Amazon"
    )
    mail_server.deliver(request_notice(f"Cancellation request for order number: {order(2)}", order(2)))
    result = read(mailbox_for(mail_server, folders=("INBOX", "Amazon", "Orders")))
    assert sorted((n.folder, n.order_id) for n in result.notices) == [
        ("Amazon", order(1)),
        ("INBOX", order(2)),
    ]
    assert result.emails_seen == 2
    (warning,) = result.warnings
    assert warning.message.startswith("accounts[0].mailbox.folders: the folder 'Orders' does not exist")
    assert "Amazon" in warning.message
    assert "INBOX" in warning.message
