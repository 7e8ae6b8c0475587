"""The sandbox's mail to the seller: one Amazon notice per cancellation request and one forwarded e-mail
per buyer message, in a Maildir an IMAP server can serve, at the scenario clock's times."""

from __future__ import annotations

import json
import mailbox
import os
import pwd
import signal
import socket
import string
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from sandbox_scenarios import build, message, order
from scenario_kit import NOW, order_id
from scenario_kit import scenario as kit_scenario

from automation.sandbox.errors import SandboxInputError
from automation.sandbox.mail_compose import mail_texts
from automation.sandbox.scenario import DEFAULT_MARKETPLACE, Locale
from automation.sandbox.server import SandboxServer

NOTICE = "BRC_SELLER_NOTIFICATION"
FORWARDED = "BBC_MESSAGE_SENT_TO_MERCHANT"
REPO = Path(__file__).resolve().parents[3]

# What a seller reads, per language: Italian and Spanish verbatim from real e-mails
# (seller-central.md §12.1), the others the sandbox's own wording.
SUBJECTS = {
    Locale.IT_IT: "Richiesta di annullamento per l'ordine numero: {id}",
    Locale.ES_ES: "Solicitud de cancelación del pedido para el número de pedido: {id}",
    Locale.EN_US: "Cancellation request for Order ID: {id}",
    Locale.EN_GB: "Cancellation request for Order ID: {id}",
    Locale.FR_FR: "Demande d'annulation de commande pour le numéro de commande : {id}",
    Locale.DE_DE: "Stornierungsanfrage für Bestellnummer: {id}",
    Locale.JA_JP: "注文番号 {id} のキャンセルリクエスト",
}
SENDER_NAMES = {
    Locale.IT_IT: "Notifiche di Amazon Seller Central (non rispondere)",
    Locale.ES_ES: "Notificaciones de Seller Central",
    Locale.FR_FR: "Notifications Amazon Seller Central (Ne pas répondre)",
}
STOREFRONT_DOMAINS = {
    Locale.EN_US: "amazon.com",
    Locale.EN_GB: "amazon.co.uk",
    Locale.DE_DE: "amazon.de",
    Locale.FR_FR: "amazon.fr",
    Locale.ES_ES: "amazon.es",
    Locale.IT_IT: "amazon.it",
    Locale.JA_JP: "amazon.co.jp",
}


def _mails(root: Path) -> list[EmailMessage]:
    """Every e-mail of the Maildir, read as a mail client reads it."""
    box = mailbox.Maildir(root, factory=None, create=False)
    mails: list[EmailMessage] = []
    for key in box.iterkeys():
        mail = message_from_bytes(box.get_bytes(key), policy=default_policy)
        assert isinstance(mail, EmailMessage)
        mails.append(mail)
    return mails


def _of_type(root: Path, kind: str) -> list[EmailMessage]:
    return [m for m in _mails(root) if m["X-Space-Notification-Type"] == kind]


def _text(mail: EmailMessage) -> str:
    part = mail.get_body(preferencelist=("html", "plain"))
    assert part is not None
    content: str = part.get_content()
    return content


def _post(url: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _requests_scenario(locale: Locale) -> Any:
    return build(
        [
            order(1, request="Ordered by mistake"),
            order(2),
            order(3, request="Found it cheaper", channel="messages", status="canceled"),
            order(4, request="Changed my mind", fulfillment="afn"),
        ],
        locale=locale.value,
    )


@pytest.mark.parametrize("locale", list(Locale))
def test_one_notice_per_request_with_amazons_headers_subject_and_link(tmp_path: Path, locale: Locale) -> None:
    scenario = _requests_scenario(locale)
    SandboxServer(scenario, maildir=tmp_path / "Maildir")
    notices = _of_type(tmp_path / "Maildir", NOTICE)
    requested = {o.id: o.cancel_request for o in scenario.orders if o.cancel_request is not None}
    assert sorted(str(m["Subject"]) for m in notices) == sorted(
        SUBJECTS[locale].format(id=i) for i in requested
    )
    for mail in notices:
        (order_in_subject,) = [i for i in requested if i in str(mail["Subject"])]
        request = requested[order_in_subject]
        assert request is not None
        assert mail["From"].addresses[0].addr_spec == "donotreply@amazon.com"
        if locale in SENDER_NAMES:
            assert mail["From"].addresses[0].display_name == SENDER_NAMES[locale]
        assert mail["To"] == scenario.account.email
        assert mail["X-Marketplace-ID"] == DEFAULT_MARKETPLACE[locale]
        assert parsedate_to_datetime(str(mail["Date"])) == request.requested_at
        assert mail.get_content_type() == "multipart/alternative"
        assert mail.get_body(preferencelist=("plain",)) is None  # HTML only, as Amazon's
        link = f"https://sellercentral.{STOREFRONT_DOMAINS[locale]}/orders-v3/order/{order_in_subject}/cancel-order"
        assert f'href="{link}"' in _text(mail)
        assert "Ordered by mistake" not in _text(mail)  # Amazon's notice carries no reason
    message_ids = [str(m["Message-ID"]) for m in _mails(tmp_path / "Maildir")]
    assert len(set(message_ids)) == len(message_ids)


def test_the_italian_notice_reads_as_amazons_real_one(tmp_path: Path) -> None:
    scenario = build([order(1, request="Ordered by mistake")], locale="it_IT")
    SandboxServer(scenario, maildir=tmp_path / "md")
    (mail,) = _of_type(tmp_path / "md", NOTICE)
    text = _text(mail)
    for words in (
        "Buongiorno,",
        "hai ricevuto una richiesta di annullamento di un ordine da parte di un acquirente.",
        "seleziona &quot;Annullato dall&#x27;acquirente&quot; come motivo dell&#x27;annullamento",
        "Richiesta di annullamento da parte dell&#x27;acquirente per l&#x27;ordine numero:",
        "Il team di Amazon Marketplace",
    ):
        assert words in text
    assert str(mail["Message-ID"]).endswith("@eu-west-1.amazonses.com>")


def test_one_forwarded_email_per_buyer_message_and_legacy_request_thread(tmp_path: Path) -> None:
    scenario = build(
        [order(1, request="Ordered by mistake", channel="messages"), order(2, request="Late")],
        messages=[
            message(1, minutes_ago=90, body="Please cancel my order, wrong size.", order_n=2),
            message(2, minutes_ago=30, body="Does it come in blue?"),
        ],
        locale="it_IT",
    )
    server = SandboxServer(scenario, maildir=tmp_path / "md")
    forwarded = _of_type(tmp_path / "md", FORWARDED)
    threads = list(server.state.threads.threads.values())
    assert len(forwarded) == len(threads) == 3
    by_subject = {str(m["Subject"]): m for m in forwarded}
    for thread in threads:
        mail = by_subject[thread.subject]
        (only,) = thread.messages
        assert parsedate_to_datetime(str(mail["Date"])) == only.at
        sender = mail["From"].addresses[0]
        assert sender.domain == "marketplace.amazon.it"
        assert sender.display_name == "Acquirente Amazon"
        body = _text(mail)
        start, end = body.index("------------- Messaggio: -------------"), body.index("Fine messaggio")
        assert only.body in body[start:end]
        assert (f"Numero ordine: {thread.order_id}" in body) == (thread.order_id is not None)
    # the legacy template thread is forwarded too, and its request still has its own notice
    assert len(_of_type(tmp_path / "md", NOTICE)) == 2


def test_file_times_follow_the_scenario_clock_and_files_are_readable_by_others(tmp_path: Path) -> None:
    scenario = build([order(1, request="Late"), order(2, request="Mistake", hours_ago=30)])
    SandboxServer(scenario, maildir=tmp_path / "md")
    root = tmp_path / "md"
    files = sorted((root / "new").iterdir())
    assert len(files) == 2
    expected = sorted(o.cancel_request.requested_at.timestamp() for o in scenario.orders if o.cancel_request)
    assert sorted(f.stat().st_mtime for f in files) == expected
    for folder in (root, root / "new", root / "cur", root / "tmp"):
        assert folder.stat().st_mode & 0o005 == 0o005, folder
    for path in files:
        assert path.stat().st_mode & 0o777 == 0o644, path
    assert not list((root / "tmp").iterdir())
    if os.geteuid() == 0 and _has_user("dovecot"):
        assert {p.stat().st_uid for p in [root, *files]} == {pwd.getpwnam("dovecot").pw_uid}


def _has_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def test_a_request_raised_later_writes_one_new_notice_at_the_scenario_clock(tmp_path: Path) -> None:
    scenario = build([order(1, request="Late"), order(2), order(3)], locale="es_ES")
    root = tmp_path / "md"
    with SandboxServer(scenario, maildir=root) as server:
        before = set((root / "new").iterdir())
        assert len(before) == 1
        target = order_id(2)
        clock_before = server.context.clock.now()
        status, answer = _post(
            f"{server.base_url}/__sandbox/orders/{target}", {"cancel_request": {"reason": "No longer needed"}}
        )
        clock_after = server.context.clock.now()
        assert status == 200, answer
        assert answer["cancel_request"]["reason"] == "No longer needed"
        assert answer["cancel_request"]["channel"] == "manage_orders"
        new = set((root / "new").iterdir()) - before
        assert len(new) == 1
        assert answer["emails"] == [f"new/{next(iter(new)).name}"]
        notices = [m for m in _of_type(root, NOTICE) if target in str(m["Subject"])]
        assert [str(m["Subject"]) for m in notices] == [SUBJECTS[Locale.ES_ES].format(id=target)]
        sent = parsedate_to_datetime(str(notices[0]["Date"]))
        assert clock_before.replace(microsecond=0) <= sent <= clock_after
        assert abs(sent - NOW) < timedelta(minutes=5)  # the scenario's clock, not the machine's
        entry = server.state.order(target)
        assert entry is not None
        assert entry.shows_banner
        # a second request for the same order is refused and writes nothing
        status, answer = _post(
            f"{server.base_url}/__sandbox/orders/{target}", {"cancel_request": {"reason": "Again"}}
        )
        assert status == 409
        assert "already has a cancellation request" in answer["error"]
        assert len(set((root / "new").iterdir()) - before) == 1


def test_a_request_raised_in_the_messages_channel_gets_its_thread_and_both_emails(tmp_path: Path) -> None:
    root = tmp_path / "md"
    with SandboxServer(build([order(1), order(2)]), maildir=root) as server:
        target = order_id(1)
        status, answer = _post(
            f"{server.base_url}/__sandbox/orders/{target}",
            {"cancel_request": {"reason": "Mistake", "channel": "messages"}, "status": "unshipped"},
        )
        assert status == 200, answer
        assert len(answer["emails"]) == 2
        (thread,) = [t for t in server.state.threads.threads.values() if t.order_id == target]
        (forwarded,) = _of_type(root, FORWARDED)
        assert str(forwarded["Subject"]) == thread.subject
        assert len(_of_type(root, NOTICE)) == 1


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"status": "lost"},
        {"cancel_request": {"reason": ""}},
        {"cancel_request": {"channel": "fax"}},
        {"x": 1},
    ],
)
def test_a_bad_order_change_is_refused_and_says_what_to_send(tmp_path: Path, body: dict[str, Any]) -> None:
    with SandboxServer(build([order(1)]), maildir=tmp_path / "md") as server:
        status, answer = _post(f"{server.base_url}/__sandbox/orders/{order_id(1)}", body)
    assert status == 400
    assert "cancel_request" in answer["error"]
    assert "unshipped" in answer["error"]
    assert not list((tmp_path / "md" / "new").iterdir())


def test_restarting_on_the_same_maildir_writes_nothing_twice(tmp_path: Path) -> None:
    scenario = build([order(1, request="Late")], messages=[message(1, minutes_ago=5)])
    SandboxServer(scenario, maildir=tmp_path / "md")
    SandboxServer(scenario, maildir=tmp_path / "md")
    assert len(list((tmp_path / "md" / "new").iterdir())) == 2


def test_posted_mails_spoof_a_notice_or_say_anything(tmp_path: Path) -> None:
    root = tmp_path / "md"
    with SandboxServer(build([order(1)], locale="it_IT"), maildir=root) as server:
        url = f"{server.base_url}/__sandbox/mail"
        status, spoof = _post(
            url, {"kind": "cancel_request", "order_id": order_id(1), "from": "avviso@amaz0n-support.com"}
        )
        assert status == 201, spoof
        at = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
        status, refund = _post(
            url,
            {
                "kind": "raw",
                "from": "donotreply@amazon.com",
                "subject": "Rimborso emesso",
                "body": "Hai emesso un rimborso.",
                "headers": {"X-Space-Notification-Type": "REFUND_ISSUED"},
                "at": "2026-11-20T08:00:00Z",
            },
        )
        assert status == 201, refund
        status, bad = _post(url, {"kind": "cancel_request", "order_id": "not-an-id"})
        assert status == 400
        assert "order_id" in bad["error"]
    (notice,) = _of_type(root, NOTICE)
    assert notice["From"].addresses[0].addr_spec == "avviso@amaz0n-support.com"
    assert str(notice["Subject"]) == SUBJECTS[Locale.IT_IT].format(id=order_id(1))
    (refund_mail,) = _of_type(root, "REFUND_ISSUED")
    assert parsedate_to_datetime(str(refund_mail["Date"])) == at
    assert len({spoof["message_id"], refund["message_id"]}) == 2


def test_without_a_maildir_nothing_is_written_and_posted_mail_is_refused(tmp_path: Path) -> None:
    with SandboxServer(build([order(1, request="Late")])) as server:
        assert server.context.mail is None
        status, answer = _post(f"{server.base_url}/__sandbox/mail", {"kind": "raw"})
        assert status == 409
        assert "--maildir" in answer["error"]
        status, answer = _post(f"{server.base_url}/__sandbox/orders/{order_id(1)}", {"status": "shipped"})
        assert status == 200
        assert "emails" not in answer


def test_a_maildir_that_cannot_be_made_is_bad_input_naming_it(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(SandboxInputError, match=r"--maildir .*a-file"):
        SandboxServer(build([order(1)]), maildir=blocker)


def test_sandbox_serve_with_maildir_writes_at_start_and_as_requests_are_raised(tmp_path: Path) -> None:
    """The command people and other tools run: `sc-cancel sandbox serve --maildir DIR`."""
    scenario_file = tmp_path / "scenario.yaml"
    scenario_file.write_text(
        yaml.safe_dump(
            kit_scenario([order(1, request="Late"), order(2)], messages=[message(1, minutes_ago=5)])
        )
    )
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    root = tmp_path / "md"
    command = [sys.executable, "-m", "automation", "sandbox", "serve", "--scenario", str(scenario_file)]
    serving = subprocess.Popen(
        [*command, "--port", str(port), "--maildir", str(root)],
        cwd=REPO,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(base + "/__sandbox/health", timeout=1).close()
                break
            except OSError:
                assert serving.poll() is None, serving.communicate()[1]
                assert time.monotonic() < deadline, "the sandbox did not answer"
                time.sleep(0.1)
        assert len(_of_type(root, NOTICE)) == 1
        assert len(_of_type(root, FORWARDED)) == 1
        status, answer = _post(
            f"{base}/__sandbox/orders/{order_id(2)}", {"cancel_request": {"reason": "Late"}}
        )
        assert status == 200, answer
        subjects = sorted(str(m["Subject"]) for m in _of_type(root, NOTICE))
        assert subjects == sorted(SUBJECTS[Locale.EN_US].format(id=order_id(n)) for n in (1, 2))
    finally:
        serving.send_signal(signal.SIGINT)
        _, stderr = serving.communicate(timeout=15)
    assert f"Maildir {root}" in stderr


def test_every_mail_text_table_has_the_same_keys_and_placeholders() -> None:
    def leaves(table: dict[str, Any], prefix: str = "") -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in table.items():
            out |= leaves(value, f"{prefix}{key}.") if isinstance(value, dict) else {f"{prefix}{key}": value}
        return out

    def fields(value: Any) -> set[str]:
        texts = value if isinstance(value, list) else [value]
        return {name for text in texts for _, name, _, _ in string.Formatter().parse(text) if name}

    english = leaves(mail_texts(Locale.EN_US.value))
    assert {"notice.subject", "notice.request_line", "message.begin", "message.end"} <= english.keys()
    for locale in Locale:
        table = leaves(mail_texts(locale.value))
        assert table.keys() == english.keys(), locale
        for key, value in table.items():
            assert fields(value) == fields(english[key]), (locale, key)
            assert value, (locale, key)
