"""The e-mail classifier on e-mails written for these tests (tests/email_kit.py), in every language of
selectors/emails.yaml: Amazon's request notice by its header and by its subject, forwarded buyer
messages judged by the message classifier, spoofs, and the Amazon mail that is never a request.
"""

from __future__ import annotations

import shutil
from email.message import EmailMessage
from pathlib import Path

import pytest
from email_kit import BUYER_SENDER, buyer_message, email, request_notice

from automation.errors import BadInputError, ExitCode
from automation.parsers import email_texts
from automation.parsers.email_classifier import EmailVerdict, classify_email
from automation.parsers.email_message import parse_email
from automation.parsers.email_senders import DEFAULT_SENDERS, check_sender_pattern, sender_allowed
from automation.parsers.email_texts import CompiledEmailTexts, load_email_texts
from automation.parsers.locale_texts import LocaleTexts, load_all_locale_texts
from automation.yaml_source import YamlError

SELECTORS = Path(__file__).resolve().parents[3] / "selectors"
ORDER = "404-1296441-3120351"


@pytest.fixture(scope="module")
def emails() -> CompiledEmailTexts:
    return load_email_texts(SELECTORS)


@pytest.fixture(scope="module")
def texts() -> dict[str, LocaleTexts]:
    return load_all_locale_texts(SELECTORS)


@pytest.fixture
def judge(emails: CompiledEmailTexts, texts: dict[str, LocaleTexts]):  # type: ignore[no-untyped-def]
    def run(message: EmailMessage, senders: tuple[str, ...] = DEFAULT_SENDERS) -> EmailVerdict:
        return classify_email(parse_email(message.as_bytes()), senders=senders, emails=emails, texts=texts)

    return run


# (language, subject of a request notice, whether the subject names the order)
SUBJECTS = [
    ("en", f"Order cancellation request from Amazon customer Ann Lee (Order: {ORDER})", True),
    ("en", f"Order cancelation request from Amazon customer Bo Ng (Order: {ORDER})", True),
    ("en", f"Cancellation Request for Order Number: {ORDER}", True),
    ("es", f"Solicitud de cancelación del pedido para el número de pedido: {ORDER}", True),
    ("es", "Solicitud de cancelación de pedido del cliente de Amazon Lucía Gómez", False),
    ("it", f"Richiesta di annullamento per l’ordine numero: {ORDER}", True),
    ("ro", "Cerere de anulare a comenzii de la un client Amazon", False),
    ("fr", f"Demande d'annulation de commande {ORDER}", True),
    ("de", f"Stornierungsanfrage für Bestellnummer: {ORDER}", True),
    ("ja", f"注文番号のキャンセルリクエスト：{ORDER}", True),
]


@pytest.mark.parametrize(("language", "subject", "names_order"), SUBJECTS)
@pytest.mark.parametrize("header", [True, False], ids=["header", "subject-only"])
def test_a_request_notice_in_each_language(
    judge, language: str, subject: str, names_order: bool, header: bool
):  # type: ignore[no-untyped-def]
    verdict = judge(request_notice(subject, ORDER, header=header))
    assert verdict.kind == "request"
    assert verdict.how == ("header" if header else "subject")
    assert verdict.language == language
    assert verdict.order_id == ORDER  # from the subject, else from the /cancel-order link
    assert verdict.sender_allowed
    assert verdict.why is None


def test_the_order_comes_from_the_cancel_link_when_neither_subject_nor_text_names_it(judge) -> None:  # type: ignore[no-untyped-def]
    message = email(
        "Cerere de anulare a comenzii de la un client Amazon",
        html='<p>Un client a cerut anularea. <a href="https://sellercentral.amazon.de/orders-v3/order/'
        '305-1111111-2222222/cancel-order">Anulați comanda</a></p>',
        notification_type="BRC_SELLER_NOTIFICATION",
    )
    assert judge(message).order_id == "305-1111111-2222222"


def test_a_guessed_subject_says_it_is_a_guess(judge) -> None:  # type: ignore[no-untyped-def]
    verified = judge(request_notice(f"Richiesta di annullamento per l'ordine numero: {ORDER}", ORDER))
    guessed = judge(request_notice(f"Stornierungsanfrage für Bestellnummer: {ORDER}", ORDER))
    assert (verified.subject_status, guessed.subject_status) == ("V", "P")


def test_a_notice_with_an_unknown_subject_is_known_by_its_body_line(judge) -> None:  # type: ignore[no-untyped-def]
    message = email(
        "Action needed on your account",
        text="Hello,\n\nBuyer Cancellation Request for Order ID:\n113-7654321-1234567\n\n"
        "The Amazon Marketplace team",
    )
    verdict = judge(message)
    assert (verdict.kind, verdict.how, verdict.order_id) == ("request", "body", "113-7654321-1234567")


def test_the_real_italian_notice_is_known_by_its_body_line_without_header_or_subject(judge) -> None:  # type: ignore[no-untyped-def]
    """The body line of a real Italian notice (seller-central.md §12.1, N1), the e-mail forwarded by a
    rule that dropped Amazon's header and rewrote the subject."""
    html = (
        "<html><body><p>Buongiorno, <br> <br> hai ricevuto una richiesta di annullamento di un ordine da "
        "parte di un acquirente. <br> <br> Richiesta di annullamento da parte dell'acquirente per "
        f'l\'ordine numero: <a href="https://sellercentral.amazon.it/orders-v3/order/{ORDER}/cancel-order">'
        f"{ORDER}</a>. <br> <br> Il team di Amazon Marketplace</p></body></html>"
    )
    verdict = judge(email("[ordini] nuova notifica", html=html))
    assert (verdict.kind, verdict.how, verdict.language, verdict.order_id) == ("request", "body", "it", ORDER)


def test_a_forwarded_notice_keeps_its_meaning(judge) -> None:  # type: ignore[no-untyped-def]
    verdict = judge(
        request_notice(
            f"Fwd: TR: Solicitud de cancelación del pedido para el número de pedido: {ORDER}",
            ORDER,
            header=False,
        )
    )
    assert (verdict.kind, verdict.order_id) == ("request", ORDER)


@pytest.mark.parametrize(
    "sender",
    [
        '"Amazon Seller Central" <donotreply@amaz0n-support.com>',
        "<donotreply@amazon.com.evil.example>",
        "<notices@amazon-sellercentral.example>",
        "no address at all",
    ],
)
def test_a_notice_from_another_sender_is_a_spoof(judge, sender: str) -> None:  # type: ignore[no-untyped-def]
    verdict = judge(
        request_notice(f"Richiesta di annullamento per l'ordine numero: {ORDER}", ORDER, sender=sender)
    )
    assert verdict.kind == "request"
    assert verdict.order_id == ORDER
    assert not verdict.sender_allowed
    assert verdict.why == "sender_not_allowed"


def test_the_senders_setting_decides_who_counts(judge) -> None:  # type: ignore[no-untyped-def]
    message = request_notice(
        f"Cancellation request for order number: {ORDER}", ORDER, sender="<alerts@shop.example>"
    )
    assert judge(message).why == "sender_not_allowed"
    assert judge(message, senders=("*@shop.example",)).why is None


def test_forwarded_buyer_messages_are_judged_by_the_message_classifier(judge) -> None:  # type: ignore[no-untyped-def]
    inquiry = judge(
        buyer_message(
            f"Inquiry from Amazon customer Kim Park (Order: {ORDER})",
            "Hi, I ordered the wrong size. Could you please cancel my order?",
        )
    )
    assert (inquiry.kind, inquiry.order_id, inquiry.how) == ("inquiry", ORDER, "header")
    assert inquiry.names_request

    italian = judge(
        email(
            "Messaggio dall'acquirente",
            sender=BUYER_SENDER,
            text="Hai ricevuto un messaggio.\nMessaggio:\nBuongiorno, potete annullare l'ordine "
            "171-2345678-9012345? Ho sbagliato colore.\nFine messaggio\nRisolvi caso",
        )
    )
    assert (italian.kind, italian.order_id, italian.how) == ("inquiry", "171-2345678-9012345", "subject")


def test_a_decoy_and_a_plain_question_are_no_inquiry(judge) -> None:  # type: ignore[no-untyped-def]
    decoy = judge(
        buyer_message(
            f"Inquiry from Amazon customer Kim Park (Order: {ORDER})",
            "Please do not cancel my order, I still need it. Can you ship it faster?",
        )
    )
    question = judge(
        buyer_message(
            f"Inquiry from Amazon customer Kim Park (Order: {ORDER})", "Does the mug fit in a dishwasher?"
        )
    )
    assert (decoy.kind, question.kind) == ("decoy", "message")
    assert not decoy.names_request
    assert not question.names_request


def test_a_spoofed_inquiry_is_flagged_too(judge) -> None:  # type: ignore[no-untyped-def]
    verdict = judge(
        buyer_message(
            f"Inquiry from Amazon customer Kim Park (Order: {ORDER})",
            "Please cancel my order.",
            sender="<buyer@amaz0n-mail.example>",
        )
    )
    assert (verdict.kind, verdict.why) == ("inquiry", "sender_not_allowed")


@pytest.mark.parametrize(
    "message",
    [
        email(f"Sold, ship now: {ORDER}", text=f"Ship order {ORDER} now. Please do not cancel it."),
        email(
            f"Refund initiated for order {ORDER}",
            text="We refunded the buyer.",
            notification_type="REFUND_ISSUED",
        ),
        email(
            f"A-to-z Guarantee claim for order {ORDER}",
            text="Respond.",
            notification_type="A_Z_CLAIM_RESPONDENT_NOTIFY",
        ),
        email(
            f"Return authorization request for order {ORDER}",
            text="Buyer wants to return.",
            notification_type="RETURN_REQUEST",
        ),
        # The seller's own reply to a buyer asking to cancel: by its header, and by its subject alone.
        email(
            f"RE: Inquiry from Amazon customer Kim Park (Order: {ORDER})",
            text="Please cancel the order via Your Orders > Request cancellation.",
            notification_type="BBC_MESSAGE_CONFIRMATION_TO_MERCHANT",
        ),
        email(
            f"RE: Order cancellation request from Amazon customer Kim Park (Order: {ORDER})",
            text="We have cancelled your order as requested.",
        ),
        email("Your weekly newsletter", text="Cancel anytime."),
    ],
    ids=["ship-now", "refund", "a-to-z", "return", "reply-copy-header", "reply-copy-subject", "newsletter"],
)
def test_other_amazon_mail_is_ignored(judge, message: EmailMessage) -> None:  # type: ignore[no-untyped-def]
    verdict = judge(message)
    assert verdict.kind == "ignored"
    assert verdict.why is None


def test_sender_patterns() -> None:
    allowed = [
        "donotreply@amazon.com",
        "DoNotReply@Amazon.DE",
        "a1b2@marketplace.amazon.co.uk",
        "x@marketplace.amazon.com.mx",
    ]
    refused = ["x@amazon.evil.example", "x@notamazon.com", "x@amaz0n.com", "x@amazon.co.uk.evil.example", ""]
    assert all(sender_allowed(a, DEFAULT_SENDERS) for a in allowed)
    assert not any(sender_allowed(a, DEFAULT_SENDERS) for a in refused)
    for bad in ["amazon.com", "*@", "a@b@c", "*@amazon .com"]:
        with pytest.raises(ValueError, match="is not a sender pattern"):
            check_sender_pattern(bad)


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    shutil.copy(SELECTORS / "emails.yaml", tmp_path / "emails.yaml")
    email_texts.clear_cache()
    yield tmp_path
    email_texts.clear_cache()


def test_a_mistake_in_emails_yaml_names_its_line(scratch: Path) -> None:
    path = scratch / "emails.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if "Richiesta di annullamento per l'ordine" in line)
    lines[index] = lines[index].replace("{order_id}", "{order}")
    lines.insert(index + 2, "        confidence: high")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(YamlError) as caught:
        load_email_texts(scratch)
    message = str(caught.value)
    assert f"emails.yaml:{index + 1}:" in message
    assert "unknown placeholder {order}" in message
    assert "confidence" in message
    assert isinstance(caught.value, BadInputError)
    assert caught.value.exit_code == ExitCode.BAD_INPUT


def test_a_missing_emails_yaml_says_which_file(tmp_path: Path) -> None:
    email_texts.clear_cache()
    with pytest.raises(YamlError, match=r"emails\.yaml"):
        load_email_texts(tmp_path)
