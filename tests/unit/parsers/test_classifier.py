"""The message classifier on messages written for these tests, in all seven UI languages.

None of these texts comes from the sandbox or its generator: a text shared by both sides would agree
with itself and prove nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from automation.parsers.classifier import classify
from automation.parsers.locale_texts import LocaleTexts, load_all_locale_texts

SELECTORS = Path(__file__).resolve().parents[3] / "selectors"
LOCALE_ORDER = ["en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "it_IT", "ja_JP"]
THREAD = "111-0000001-0000001"


@pytest.fixture(scope="module")
def texts() -> dict[str, LocaleTexts]:
    loaded = load_all_locale_texts(SELECTORS)
    return {name: loaded[name] for name in LOCALE_ORDER}


def inquiry_subject(buyer: str = "Jane Doe", order_id: str = THREAD) -> str:
    return f"Inquiry from Amazon customer {buyer} (Order: {order_id})"


# (case id, subject, text, truncated, expected kind, expected order id)
# fmt: off
MESSAGES = [
    # --- English: requests, typos, another order -------------------------------------------------
    ("en-could-you", inquiry_subject(),
     "Hi, I ordered this by mistake. Could you please cancel it?", False, "inquiry", THREAD),
    ("en-typo-cancle", inquiry_subject(),
     "pls cancle my order, ordered wrong size", False, "inquiry", THREAD),
    ("en-typo-cancell", inquiry_subject(), "Can you cancell this order asap", False, "inquiry", THREAD),
    ("en-typo-plesae", inquiry_subject(), "Plesae cancel order, thanks", False, "inquiry", THREAD),
    ("en-typo-kidnly", inquiry_subject(), "Kidnly cancel this one", False, "inquiry", THREAD),
    ("de-typo-bitet", inquiry_subject("Max"), "Bitet die Bestellung stornieren", False, "inquiry", THREAD),
    ("en-typo-cancelation", inquiry_subject(),
     "Requesting cancelation of this order, thank you.", False, "inquiry", THREAD),
    ("en-imperative", inquiry_subject(), "Cancel order please. Bought it twice.", False, "inquiry", THREAD),
    ("en-too-late", inquiry_subject(),
     "Is it too late to cancel? It hasn't shipped yet I think.", False, "inquiry", THREAD),
    ("en-gb-cheers", inquiry_subject("Ann Smith"),
     "Hiya, would you be able to cancel this for me please? Cheers", False, "inquiry", THREAD),
    ("en-other-order-same-sentence", inquiry_subject(),
     "Please cancel my other order 113-2222222-3333333, this one is fine.",
     False, "inquiry", "113-2222222-3333333"),
    ("en-other-order-next-sentence", inquiry_subject(),
     "I accidentally placed two orders. Please cancel the second one. It is 112-4444444-5555555.",
     False, "inquiry", "112-4444444-5555555"),
    ("en-no-comma-please", inquiry_subject(),
     "I don't need it anymore please cancel", False, "inquiry", THREAD),
    # --- English decoys ----------------------------------------------------------------------------
    ("en-do-not-cancel", inquiry_subject(),
     "Please do not cancel my order, I can wait a few more days.", False, "other", THREAD),
    ("en-dont-want-you-to", inquiry_subject(),
     "I don't want you to cancel it, just ship it when you can.", False, "other", THREAD),
    ("en-already-cancelled", inquiry_subject(),
     "My order was cancelled yesterday, can I still get the item somewhere?", False, "other", THREAD),
    ("en-why-did-amazon", inquiry_subject(),
     "Why did Amazon cancel my order? I paid already.", False, "other", THREAD),
    ("en-cancelled-item-refund", inquiry_subject(),
     "Please refund the cancelled item, the rest of the order arrived.", False, "other", THREAD),
    ("en-return", inquiry_subject(),
     "The mug arrived cracked, I want to return it and get a refund.", False, "other", THREAD),
    ("en-noise-cancelling", "Product details inquiry from Amazon customer Bo (Order: 111-0000001-0000001)",
     "Does this headset have active noise cancelling?", False, "other", THREAD),
    ("en-policy", inquiry_subject(),
     "What is your cancellation policy for custom orders?", False, "other", THREAD),
    ("en-quoted-link", inquiry_subject(),
     "The 'Cancel items' link in my account is greyed out, is that normal? Just curious.",
     False, "other", THREAD),
    ("en-lookalike-cancer", inquiry_subject(),
     "It is a gift for a cancer patient, please ship quickly.", False, "other", THREAD),
    ("en-elsewhere", inquiry_subject(),
     "Where is my parcel? Tracking has not moved for a week.", False, "other", THREAD),
    ("en-ignore-earlier", inquiry_subject(),
     "Please ignore my earlier message about cancelling.", False, "other", THREAD),
    # --- English snippets cut by the inbox ---------------------------------------------------------
    ("en-trunc-nothing", inquiry_subject(),
     "Hello, I have a question about the delivery date of my order, could you tell me whether it…",
     True, "undecided", THREAD),
    ("en-trunc-request", inquiry_subject(),
     "Please cancel this order, I found it cheaper elsewhere. Also could you confirm the…",
     True, "inquiry", THREAD),
    ("en-trunc-request-cut", inquiry_subject(),
     "Hi there, I placed this order by mistake and I would like to cancel…", True, "undecided", THREAD),
    ("en-trunc-decoy", inquiry_subject(),
     "Please don't cancel my order, I know it is late but I really…", True, "undecided", THREAD),
    # --- German --------------------------------------------------------------------------------------
    ("de-moechte", "Anfrage von Amazon-Kunde Max Muster (Bestellung: 111-0000001-0000001)",
     "Hallo, ich möchte meine Bestellung stornieren. Vielen Dank!", False, "inquiry", THREAD),
    ("de-typo-storniren", inquiry_subject("Max"),
     "Bitte Bestellung storniren, habe mich vertan", False, "inquiry", THREAD),
    ("de-koennen-sie", inquiry_subject("Max"),
     "Können Sie die Bestellung noch stornieren? Ich habe sie doppelt bestellt.", False, "inquiry", THREAD),
    ("de-trailing-bitte", inquiry_subject("Max"), "Bestellung stornieren bitte", False, "inquiry", THREAD),
    ("de-other-order", inquiry_subject("Max"),
     "Bitte stornieren Sie die Bestellung 302-7777777-8888888, nicht diese hier.",
     False, "inquiry", "302-7777777-8888888"),
    ("de-nicht-stornieren", inquiry_subject("Max"),
     "Bitte die Bestellung nicht stornieren, ich warte gerne noch.", False, "other", THREAD),
    ("de-nicht-at-end", inquiry_subject("Max"),
     "Stornieren Sie die Bestellung bitte nicht!", False, "other", THREAD),
    ("de-wurde-storniert", inquiry_subject("Max"),
     "Warum wurde meine Bestellung storniert? Ich wollte sie haben.", False, "other", THREAD),
    ("de-return", inquiry_subject("Max"),
     "Ich möchte den Artikel zurückschicken, er passt leider nicht.", False, "other", THREAD),
    ("de-fee-question", inquiry_subject("Max"),
     "Auf der Rechnung steht Stornogebühr, was bedeutet das?", False, "other", THREAD),
    ("de-trunc-nothing", inquiry_subject("Max"),
     "Guten Tag, ich habe eine Frage zu meiner Bestellung und zwar wollte ich wissen, ob…",
     True, "undecided", THREAD),
    # --- French --------------------------------------------------------------------------------------
    ("fr-pourriez-vous",
     "Demande de renseignements de la part du client Amazon Jean (Commande : 111-0000001-0000001)",
     "Bonjour, pourriez-vous annuler ma commande ? Merci d'avance.", False, "inquiry", THREAD),
    ("fr-typo-anuller", inquiry_subject("Jean"), "je veux anuller la commande svp", False, "inquiry", THREAD),
    ("fr-merci-d-annuler", inquiry_subject("Jean"),
     "Merci d'annuler ma commande, je me suis trompé de modèle.", False, "inquiry", THREAD),
    ("fr-other-order", inquiry_subject("Jean"),
     "Bonjour, je souhaite annuler la commande 403-1111111-2222222 (pas celle-ci).",
     False, "inquiry", "403-1111111-2222222"),
    ("fr-ne-pas-annuler", inquiry_subject("Jean"),
     "Merci de ne pas annuler ma commande, je peux attendre.", False, "other", THREAD),
    ("fr-ne-l-annulez-pas", inquiry_subject("Jean"),
     "Ne l'annulez pas, j'en ai vraiment besoin.", False, "other", THREAD),
    ("fr-deja-annulee", inquiry_subject("Jean"),
     "Ma commande a été annulée sans raison, pourquoi ?", False, "other", THREAD),
    ("fr-retour", inquiry_subject("Jean"),
     "Je souhaite retourner l'article car il est abîmé.", False, "other", THREAD),
    # --- Spanish -------------------------------------------------------------------------------------
    ("es-pueden", "Consulta del cliente de Amazon María (Pedido: 111-0000001-0000001)",
     "Hola, ¿pueden cancelar mi pedido? Me equivoqué de talla.", False, "inquiry", THREAD),
    ("es-quisiera-anular", inquiry_subject("María"),
     "Quisiera anular el pedido, por favor.", False, "inquiry", THREAD),
    ("es-typo-porfavor", inquiry_subject("María"),
     "porfavor cancelen el pedido, lo pedi dos veces", False, "inquiry", THREAD),
    ("es-other-order", inquiry_subject("María"),
     "Necesito cancelar el pedido 405-3333333-4444444 que hice ayer, este no.",
     False, "inquiry", "405-3333333-4444444"),
    ("es-no-cancelen", inquiry_subject("María"),
     "Por favor no cancelen el pedido, lo necesito.", False, "other", THREAD),
    ("es-fue-cancelado", inquiry_subject("María"),
     "Mi pedido fue cancelado y no entiendo por qué.", False, "other", THREAD),
    ("es-devolver", inquiry_subject("María"),
     "Quiero devolver el producto porque llegó roto.", False, "other", THREAD),
    ("es-trunc-request", inquiry_subject("María"),
     "Buenas tardes, necesito cancelar este pedido urgentemente. Además quería preguntar si…",
     True, "inquiry", THREAD),
    # --- Italian -------------------------------------------------------------------------------------
    ("it-vorrei", "Richiesta di informazioni dal cliente Amazon Luca (Ordine: 111-0000001-0000001)",
     "Buongiorno, vorrei annullare l'ordine. Grazie", False, "inquiry", THREAD),
    ("it-typo-annulare", inquiry_subject("Luca"),
     "per favore annulare ordine, ho sbagliato", False, "inquiry", THREAD),
    ("it-potete-cancellare", inquiry_subject("Luca"),
     "Potete cancellare il mio ordine? L'ho fatto due volte.", False, "inquiry", THREAD),
    ("it-other-order", inquiry_subject("Luca"),
     "Vorrei annullare l'ordine 404-5555555-6666666, non questo.", False, "inquiry", "404-5555555-6666666"),
    ("it-non-annullate", inquiry_subject("Luca"),
     "Per favore non annullate l'ordine, lo aspetto con ansia.", False, "other", THREAD),
    ("it-stato-annullato", inquiry_subject("Luca"),
     "Il mio ordine è stato annullato, come mai?", False, "other", THREAD),
    ("it-reso", inquiry_subject("Luca"),
     "Vorrei restituire l'articolo perché non mi piace.", False, "other", THREAD),
    # --- Japanese ------------------------------------------------------------------------------------
    ("ja-onegai", "Amazonのお客様 山田 からのお問い合わせ（注文番号：111-0000001-0000001）",
     "注文を間違えました。キャンセルをお願いします。", False, "inquiry", THREAD),
    ("ja-torikeshi-tai", inquiry_subject("山田"), "この注文を取り消したいです。", False, "inquiry", THREAD),
    ("ja-dekimasuka",
     inquiry_subject("山田"), "まだ発送されていなければ、キャンセルできますか？", False, "inquiry", THREAD),
    ("ja-halfwidth", inquiry_subject("山田"), "ｷｬﾝｾﾙしてください", False, "inquiry", THREAD),
    ("ja-other-order", inquiry_subject("山田"),
     "注文番号503-1111111-2222222をキャンセルしてください。こちらの注文はそのままで結構です。",
     False, "inquiry", "503-1111111-2222222"),
    ("ja-shinaide",
     inquiry_subject("山田"), "キャンセルはしないでください。到着を待っています。", False, "other", THREAD),
    ("ja-sareta",
     inquiry_subject("山田"), "この注文はキャンセルされましたか？理由を教えてください。",
     False, "other", THREAD),
    ("ja-henpin", inquiry_subject("山田"), "商品が壊れていたので返品したいです。", False, "other", THREAD),
    ("ja-noise",
     inquiry_subject("山田"), "このイヤホンにノイズキャンセリング機能はありますか？", False, "other", THREAD),
    ("ja-trunc-nothing", inquiry_subject("山田"),
     "お世話になっております。先日注文した商品について質問があるのですが…", True, "undecided", THREAD),
    # --- Mixed languages -----------------------------------------------------------------------------
    ("mixed-de-en", inquiry_subject("Max"),
     "Sorry for my English, bitte stornieren, I ordered the wrong one", False, "inquiry", THREAD),
    ("mixed-es-en", inquiry_subject("María"),
     "Hi, quiero cancelar this order please", False, "inquiry", THREAD),
    ("mixed-fr-en", inquiry_subject("Jean"),
     "Hello, ne pas annuler please, I still want it", False, "other", THREAD),
    # --- Amazon's legacy request template, every locale: the subject alone decides ----------------
    ("tpl-en-us", "Order cancellation request from Amazon customer Jane Doe (Order: 111-1234567-1234567)",
     "", False, "official", "111-1234567-1234567"),
    ("tpl-en-gb-reply",
     "RE: Order cancellation request from Amazon customer Jo Bloggs (Order: 203-1234567-1234567)",
     "", False, "official", "203-1234567-1234567"),
    ("tpl-de", "Stornierungsanfrage von Amazon-Kunde Max Mustermann (Bestellung: 302-1234567-1234567)",
     "", False, "official", "302-1234567-1234567"),
    ("tpl-de-unlisted-wording",
     "Stornierungsantrag des Amazon-Kunden Max Mustermann (Bestellung: 302-1234567-7654321)",
     "", False, "official", "302-1234567-7654321"),
    ("tpl-fr",
     "Demande d'annulation de commande de la part du client Amazon Jean Dupont"
     " (Commande : 402-1234567-1234567)",
     "", False, "official", "402-1234567-1234567"),
    ("tpl-es",
     "Solicitud de cancelación de pedido del cliente de Amazon María López (Pedido: 406-1234567-1234567)",
     "", False, "official", "406-1234567-1234567"),
    ("tpl-it",
     "Richiesta di annullamento dell'ordine dal cliente Amazon Luca Rossi (Ordine: 407-1234567-1234567)",
     "", False, "official", "407-1234567-1234567"),
    ("tpl-ja", "Amazonのお客様からの注文キャンセルリクエスト 山田太郎（注文番号：503-1234567-1234567）",
     "", False, "official", "503-1234567-1234567"),
    ("tpl-truncated-body",
     "Order cancellation request from Amazon customer Jane Doe (Order: 111-7654321-1234567)",
     "Dear seller, the buyer…", True, "official", "111-7654321-1234567"),
    ("tpl-without-order-in-subject", "Order cancellation request from Amazon customer Jane Doe",
     "", False, "official", THREAD),
]
# fmt: on


@pytest.mark.parametrize("case", [pytest.param(case, id=case[0]) for case in MESSAGES])
def test_classifies_message(
    texts: dict[str, LocaleTexts], case: tuple[str, str, str, bool, str, str]
) -> None:
    _, subject, text, truncated, kind, order_id = case
    verdict = classify(subject, text, thread_order_id=THREAD, truncated=truncated, texts=texts)
    assert (verdict.kind, verdict.order_id) == (kind, order_id), verdict


def test_the_table_is_broad_enough() -> None:
    """At least 60 messages, 40 of them not (only) English, and every verdict kind."""
    not_english = [case for case in MESSAGES if not case[0].startswith(("en-", "tpl-en"))]
    assert len(MESSAGES) >= 60
    assert len(not_english) >= 40
    assert {case[4] for case in MESSAGES} == {"official", "inquiry", "other", "undecided"}


@pytest.mark.parametrize(
    ("subject", "body", "reason", "requested_at", "language"),
    [
        pytest.param(
            "Order cancellation request from Amazon customer Jane Doe (Order: 111-1234567-1234567)",
            "Order ID: 111-1234567-1234567\nReason: Order Created by Mistake\n"
            "Request date: Nov 25, 2026 2:00 AM PST",
            "Order Created by Mistake",
            datetime(2026, 11, 25, 10, 0, tzinfo=UTC),
            "en",
            id="en_US",
        ),
        pytest.param(
            "Order cancellation request from Amazon customer Jo Bloggs",
            "Order ID: 203-1234567-1234567\nReason:\nFound cheaper somewhere else\n"
            "Request date: 25 Nov 2026 09:30 GMT",
            "Found cheaper somewhere else",
            datetime(2026, 11, 25, 9, 30, tzinfo=UTC),
            "en",
            id="en_GB-next-line",
        ),
        pytest.param(
            "Stornierungsanfrage von Amazon-Kunde Max (Bestellung: 302-1234567-1234567)",
            "Bestellnummer: 302-1234567-1234567\nGrund: Versehentlich bestellt\n"
            "Anfragedatum: 25.11.2026 10:30 MEZ",
            "Versehentlich bestellt",
            datetime(2026, 11, 25, 9, 30, tzinfo=UTC),
            "de",
            id="de_DE",
        ),
        pytest.param(
            "Solicitud de cancelación de pedido del cliente de Amazon María (Pedido: 406-1234567-1234567)",
            "Motivo: Pedido realizado por error\nFecha de la solicitud: 25/11/2026 10:30 CET",
            "Pedido realizado por error",
            datetime(2026, 11, 25, 9, 30, tzinfo=UTC),
            "es",
            id="es_ES",
        ),
        pytest.param(
            "Amazonのお客様からの注文キャンセルリクエスト 山田（注文番号：503-1234567-1234567）",
            "理由：注文の誤り\nリクエスト日時：2026/11/25 18:30 JST",
            "注文の誤り",
            datetime(2026, 11, 25, 9, 30, tzinfo=UTC),
            "ja",
            id="ja_JP",
        ),
    ],
)
def test_legacy_template_body_gives_reason_and_time(
    texts: dict[str, LocaleTexts],
    *,
    subject: str,
    body: str,
    reason: str,
    requested_at: datetime,
    language: str,
) -> None:
    verdict = classify(subject, body, thread_order_id=None, truncated=False, texts=texts)
    assert verdict.kind == "official"
    assert verdict.reason == reason
    assert verdict.requested_at == requested_at
    assert verdict.language == language


def test_template_body_may_give_the_order_id(texts: dict[str, LocaleTexts]) -> None:
    verdict = classify(
        "Order cancellation request from Amazon customer Jane Doe",
        "Order ID: 114-1112223-3334445\nReason: Other",
        thread_order_id=None,
        truncated=False,
        texts=texts,
    )
    assert (verdict.order_id, verdict.reason) == ("114-1112223-3334445", "Other")


def test_a_buyer_quoting_the_template_in_the_body_is_not_official(texts: dict[str, LocaleTexts]) -> None:
    verdict = classify(
        inquiry_subject(),
        "I got an email saying Order cancellation request from Amazon customer, what does that mean?",
        thread_order_id=THREAD,
        truncated=False,
        texts=texts,
    )
    assert verdict.kind != "official"


def test_undecided_snippet_is_settled_by_the_whole_message(texts: dict[str, LocaleTexts]) -> None:
    snippet = "Hello, I have two orders with you and I think I made a mistake with the second one, so could…"
    whole = snippet[:-1] + " you cancel order 112-9999999-8888888 for me? Thanks a lot."
    first = classify(inquiry_subject(), snippet, thread_order_id=THREAD, truncated=True, texts=texts)
    second = classify(inquiry_subject(), whole, thread_order_id=THREAD, truncated=False, texts=texts)
    assert first.kind == "undecided"
    assert (second.kind, second.order_id) == ("inquiry", "112-9999999-8888888")


def test_verdict_names_language_and_evidence(texts: dict[str, LocaleTexts]) -> None:
    verdict = classify(
        inquiry_subject("Max"),
        "Guten Tag. Ich möchte meine Bestellung stornieren, danke.",
        thread_order_id=THREAD,
        truncated=False,
        texts=texts,
    )
    assert verdict.language == "de"
    assert verdict.evidence is not None
    assert "stornieren" in verdict.evidence


def test_decoy_verdict_carries_its_evidence(texts: dict[str, LocaleTexts]) -> None:
    verdict = classify(
        inquiry_subject("Jean"),
        "Merci de ne pas annuler ma commande.",
        thread_order_id=THREAD,
        truncated=False,
        texts=texts,
    )
    assert (verdict.kind, verdict.language) == ("other", "fr")
    assert verdict.evidence == "Merci de ne pas annuler ma commande"


def test_reads_with_any_subset_of_locales(texts: dict[str, LocaleTexts]) -> None:
    """A German-only reader still finds a German request, and does not invent an English one."""
    german = {"de_DE": texts["de_DE"]}
    assert (
        classify("", "Bitte stornieren", thread_order_id=THREAD, truncated=False, texts=german).kind
        == "inquiry"
    )
    assert (
        classify("", "Please cancel", thread_order_id=THREAD, truncated=False, texts=german).kind == "other"
    )


def test_thread_without_order_takes_the_one_in_the_subject(texts: dict[str, LocaleTexts]) -> None:
    verdict = classify(
        inquiry_subject(order_id="111-5555555-6666666"),
        "Cancel it please",
        thread_order_id=None,
        truncated=False,
        texts=texts,
    )
    assert verdict.order_id == "111-5555555-6666666"
