"""The scan end to end in each of the seven UI languages: a real browser, the agent's own locale texts.

Each locale's scenario holds an official request on Manage Orders only, one in Messages only (Amazon's
legacy template, which the sandbox writes in its language), one in both, a buyer asking to cancel in
that language (an inquiry), a decoy that mentions cancelling without asking for it and an order with
nothing; and, for the status and fulfillment words, requests on a pending, a shipped, a canceled and an
Amazon-fulfilled order. `scan --json` must list exactly the pending requests and the inquiry, with
kinds, sources, reasons, times and statuses right. The buyers' messages are written here, in each
language, not taken from the sandbox's generator, so the classifier is tested on words it was not built
from.

The scan runs on both sandbox layouts: `spa` with the bundled selectors, and the server-rendered
`classic` (scenario format 2) with only `--selectors selectors/variants/classic` changed, where lists
reload by navigation and grow by "Next", the inbox has no thread ids and threads are read on their own
pages: the same exact answer, from YAML alone.

A second test reads the same pages field by field with the agent's page objects and parsers, because a
misread text does not always change the scan's result (a ship-by date, a price, a banner the filter
made unnecessary) and would otherwise go unnoticed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from scan_support import inquiry, message, official, run_agent, sign_in, write_scenario
from scenario_kit import NOW, order, scenario

from automation.models import Order
from automation.pages.base import PageContext
from automation.pages.manage_orders import ManageOrdersPage
from automation.pages.messages import MessagesPage
from automation.pages.order_details import OrderDetailsPage
from automation.parsers.classifier import classify
from automation.parsers.manage_orders import parse_manage_orders_row
from automation.parsers.messages import parse_thread_item, thread_text
from automation.parsers.order_details import parse_order_details
from automation.runtime import Prepared
from automation.settings import REPO_SELECTORS


@dataclass(frozen=True)
class LocaleCase:
    prefix: str
    """Order id prefix usual for the marketplace (any three digits work)."""
    reasons: tuple[str, str, str]
    """The buyers' reasons for the three official requests, as Seller Central would show them."""
    inquiry_subject: str
    inquiry_body: str
    decoy_subject: str
    decoy_body: str


CASES = {
    "en_US": LocaleCase(
        "111",
        ("Order Created by Mistake", "Found cheaper somewhere else", "Shipping Cost Too High"),
        "Inquiry from Amazon customer {buyer} (Order: {order_id})",
        "Hello,\nI ordered the wrong size by accident. Could you cancel this order for me?\nThanks, Pat",
        "Order delivery inquiry from Amazon customer {buyer} (Order: {order_id})",
        "Hi, please don't cancel my order, I still want it! I only wanted to ask when it will ship.",
    ),
    "en_GB": LocaleCase(
        "202",
        ("Order created by mistake", "Item would not arrive on time", "Need to change shipping address"),
        "Inquiry from Amazon customer {buyer} (Order: {order_id})",
        "Hiya, I've changed my mind about this one, would you be able to cancel it please? Cheers",
        "Order delivery inquiry from Amazon customer {buyer} (Order: {order_id})",
        "Morning, no need to cancel anything, I just wanted to check the delivery date. Many thanks",
    ),
    "de_DE": LocaleCase(
        "302",
        ("Versehentlich bestellt", "Woanders günstiger gefunden", "Versandkosten zu hoch"),
        "Anfrage von Amazon-Kunde {buyer} (Bestellung: {order_id})",
        "Guten Tag,\nich habe leider den falschen Artikel bestellt. Könnten Sie die Bestellung bitte "
        "stornieren?\nMit freundlichen Grüßen",
        "Anfrage zur Lieferung von Amazon-Kunde {buyer} (Bestellung: {order_id})",
        "Hallo, bitte stornieren Sie meine Bestellung nicht, ich brauche den Artikel noch. "
        "Wann wird er verschickt?",
    ),
    "fr_FR": LocaleCase(
        "402",
        ("Commande passée par erreur", "Trouvé moins cher ailleurs", "Frais de port trop élevés"),
        "Demande de renseignements de la part du client Amazon {buyer} (Commande : {order_id})",
        "Bonjour,\nje me suis trompée de modèle. Pourriez-vous annuler ma commande s'il vous plaît ?\n"
        "Merci d'avance",
        "Demande de renseignements de la part du client Amazon {buyer} (Commande : {order_id})",
        "Bonjour, surtout n'annulez pas ma commande, je voulais juste connaître la date d'expédition. Merci",
    ),
    "es_ES": LocaleCase(
        "403",
        ("Pedido realizado por error", "Encontré un precio más bajo", "Gastos de envío demasiado altos"),
        "Consulta del cliente de Amazon {buyer} (Pedido: {order_id})",
        "Hola,\nme equivoqué de talla al hacer el pedido. ¿Podrían cancelar el pedido, por favor?\nGracias",
        "Consulta del cliente de Amazon {buyer} (Pedido: {order_id})",
        "Hola, por favor no cancelen mi pedido, lo necesito. Solo quería saber cuándo lo envían.",
    ),
    "it_IT": LocaleCase(
        "404",
        ("Ordine effettuato per errore", "Trovato a un prezzo inferiore", "Costi di spedizione troppo alti"),
        "Richiesta dal cliente Amazon {buyer} (Ordine: {order_id})",
        "Buongiorno,\nho sbagliato colore. Potreste annullare l'ordine per favore?\nGrazie mille",
        "Richiesta dal cliente Amazon {buyer} (Ordine: {order_id})",
        "Salve, per favore non annullate il mio ordine, mi serve. Volevo solo sapere quando sarà spedito.",
    ),
    "ja_JP": LocaleCase(
        "503",
        ("誤って注文した", "他店でより安い商品が見つかった", "配送料が高すぎる"),
        "Amazonのお客様 {buyer} からのお問い合わせ (注文番号: {order_id})",
        "お世話になっております。\n間違えて注文してしまいました。この注文をキャンセルしていただけますか。\n"
        "よろしくお願いいたします。",
        "Amazonのお客様 {buyer} からのお問い合わせ (注文番号: {order_id})",
        "注文はキャンセルしないでください。いつ発送されるか教えていただけますか。",
    ),
}

BUYERS = {
    "ja_JP": (
        "山田 太郎",
        "佐藤 花子",
        "鈴木 一郎",
        "高橋 美咲",
        "田中 健",
        "伊藤 さくら",
        "渡辺 翔",
        "中村 愛",
    ),
    "de_DE": (
        "Jürgen Weiß",
        "Anna Schmidt",
        "Lukas Müller",
        "Sophie Becker",
        "Max Braun",
        "Lena Koch",
        "Paul Wolf",
        "Mia Richter",
    ),
    "fr_FR": (
        "Hélène Dubois",
        "Marc Laurent",
        "Chloé Martin",
        "Louis Petit",
        "Emma Roux",
        "Hugo Faure",
        "Léa Girard",
        "Noé Lefèvre",
    ),
}
DEFAULT_BUYERS = (
    "Alice Walker",
    "Ben Carter",
    "Chris Young",
    "Dana Lee",
    "Evan Price",
    "Fay Morgan",
    "Gus Hill",
    "Ivy Stone",
)


def locale_scenario(locale: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The locale's scenario and the exact `requests` a correct scan lists for it."""
    case = CASES[locale]
    names = BUYERS.get(locale, DEFAULT_BUYERS)
    reason_a, reason_b, reason_c = case.reasons

    def make(n: int, buyer: int, **options: Any) -> dict[str, Any]:
        ship_by = (NOW - timedelta(hours=n) + timedelta(days=2)).date()
        return order(n, buyer=names[buyer], prefix=case.prefix, ship_by=ship_by, **options)

    # A price with a thousands separator, so every locale's money format is read too.
    mo_only = make(3, 0, request=reason_a, channel="manage_orders", price=1234)
    msg_only = make(5, 1, request=reason_b, channel="messages")
    both = make(7, 2, request=reason_c, channel="both")
    asks = make(9, 3)
    decoy = make(11, 4)
    plain = make(13, 5)
    # Status words: a request on a pending order and one on a shipped order are listed (the shipped one
    # as too late); one on an order canceled since is not pending, so it is left out.
    pending = make(2, 6, status="pending", request=reason_a, channel="manage_orders")
    shipped = make(30, 7, status="shipped", request=reason_b, channel="both")
    canceled = make(31, 5, status="canceled", request=reason_c, channel="messages")
    # Fulfilled by Amazon: the seller cannot cancel it, so its request is never listed.
    by_amazon = make(32, 0, fulfillment="afn", request=reason_a, channel="messages")
    asking = message(
        asks,
        case.inquiry_subject.format(buyer=asks["buyer_name"], order_id=asks["id"]),
        case.inquiry_body,
        minutes_ago=95,
    )
    not_asking = message(
        decoy,
        case.decoy_subject.format(buyer=decoy["buyer_name"], order_id=decoy["id"]),
        case.decoy_body,
        minutes_ago=40,
    )
    data = scenario(
        [pending, mo_only, msg_only, both, asks, decoy, plain, shipped, canceled, by_amazon],
        locale=locale,
        messages=[asking, not_asking],
    )
    expected = [
        official(pending, ["manage_orders"]),
        official(mo_only, ["manage_orders"]),
        official(msg_only, ["messages"]),
        official(both, ["manage_orders", "messages"]),
        official(shipped, ["manage_orders", "messages"]),
        inquiry(asks, asking),
    ]
    return data, sorted(expected, key=lambda e: e["order_id"])


LAYOUTS = {"spa": (), "classic": ("--selectors", str(REPO_SELECTORS / "variants" / "classic"))}
"""Each sandbox layout and the command-line arguments that point the agent at its selectors."""


@pytest.mark.parametrize("layout", list(LAYOUTS))
@pytest.mark.parametrize("locale", list(CASES))
def test_scan_lists_exactly_the_pending_requests_in_each_locale(
    locale: str, layout: str, tmp_path: Path
) -> None:
    data, expected = locale_scenario(locale)
    if layout != "spa":
        data.update(format=2, layout=layout)
    path = write_scenario(tmp_path, data)

    document = run_agent(tmp_path, *LAYOUTS[layout], scenario=path).document()

    assert document["requests"] == expected
    # The filter shows only the four orders with a request on Manage Orders; the inbox holds the five
    # legacy-template threads (messages-only, both, shipped, canceled, by Amazon) and the two messages.
    assert document["stats"]["orders_seen"] == 4
    assert document["stats"]["threads_seen"] == 7


# ----------------------------------------------------------------------------------------------------
# The same scenarios read field by field with the agent's page objects and parsers, in the test's own
# browser (found the French ship-by label, 2026-11-26, which no scan result shows).


def _time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _banner_shown(data: dict[str, Any]) -> bool:
    request: dict[str, Any] = data.get("cancel_request") or {}
    return request.get("channel") in ("manage_orders", "both") and data["status"] != "canceled"


def _expected(data: dict[str, Any], *, with_buyer: bool) -> dict[str, Any]:
    request = data.get("cancel_request") if _banner_shown(data) else None
    return {
        "status": data["status"],
        "fulfillment": data["fulfillment"],
        "purchased_at": _time(data["purchased_at"]),
        "ship_by": date.fromisoformat(data["ship_by"]),
        "buyer_name": data["buyer_name"] if with_buyer else None,
        "items": [
            (
                i["sku"],
                i["asin"],
                i["title"],
                i["quantity"],
                Decimal(str(i["price"])).quantize(Decimal("0.01")),
            )
            for i in data["items"]
        ],
        "banner": request is not None,
        "reason": request["reason"] if request else None,
        "requested_at": _time(request["requested_at"]) if request else None,
    }


def _observed(order: Order) -> dict[str, Any]:
    return {
        "status": None if order.status is None else str(order.status),
        "fulfillment": None if order.fulfillment is None else str(order.fulfillment),
        "purchased_at": order.purchased_at,
        "ship_by": order.ship_by,
        "buyer_name": order.buyer_name,
        "items": [
            (
                i.sku,
                i.asin,
                i.title,
                i.quantity,
                None if i.price is None else i.price.quantize(Decimal("0.01")),
            )
            for i in order.items
        ],
        "banner": order.has_request_banner,
        "reason": order.request_reason,
        "requested_at": order.requested_at,
    }


@pytest.mark.parametrize("locale", list(CASES))
def test_agent_reads_every_field_in_each_locale(locale: str, page: Page, sandbox_factory: Any) -> None:
    data, _ = locale_scenario(locale)
    server = sandbox_factory(data)
    sign_in(page, server.base_url)
    prepared = Prepared.load(REPO_SELECTORS)
    texts = prepared.texts[locale]
    zone = texts.marketplace.zone
    pages = PageContext(selectors=prepared.selectors, texts=prepared.lookup(locale), base_url=server.base_url)
    by_id = {o["id"]: o for o in data["orders"]}

    # Manage Orders, every tab, unfiltered: rows, banners, statuses, dates, money.
    listing = ManageOrdersPage(page, pages)
    rows: dict[str, Order] = {}
    for tab in ("pending", "unshipped", "shipped", "canceled"):
        listing.open(tab)
        rows.update(
            (o.order_id, o) for o in (parse_manage_orders_row(r, texts, zone) for r in listing.read_rows())
        )
    merchant = {oid for oid, o in by_id.items() if o["fulfillment"] == "mfn"}
    assert set(rows) >= merchant
    for oid in sorted(merchant):
        assert _observed(rows[oid]) == _expected(by_id[oid], with_buyer=True), oid
        assert rows[oid].cancellable is (by_id[oid]["status"] == "unshipped"), oid

    # Order details, for every order (how an order seen only in Messages is looked up).
    details = OrderDetailsPage(page, pages)
    for oid, wanted in sorted(by_id.items()):
        assert details.open(oid) == "details_label"
        read = parse_order_details(details.read(), texts, zone)
        assert _observed(read) == _expected(wanted, with_buyer=False), oid
        assert read.cancellable is (wanted["status"] == "unshipped" and wanted["fulfillment"] == "mfn"), oid

    # Messages: every thread's list entry, and the verdict on its whole text.
    inbox = MessagesPage(page, pages)
    inbox.open("all")
    verdicts: dict[str | None, str] = {}
    thread_ids: dict[str | None, str] = {}
    for raw in inbox.read_items():
        thread = parse_thread_item(raw, texts, zone)
        wanted = by_id[thread.order_id or ""]
        view = inbox.open_thread(thread.thread_id, thread.subject)
        verdict = classify(
            thread.subject,
            thread_text(view, texts, buyer_name=thread.buyer_name),
            thread_order_id=thread.order_id,
            truncated=False,
            texts={locale: texts, **prepared.texts},
        )
        assert thread.buyer_name == wanted["buyer_name"]
        request = wanted.get("cancel_request")
        if verdict.kind == "official":
            assert request is not None, thread.subject
            assert (thread.received_at, verdict.reason, verdict.requested_at) == (
                _time(request["requested_at"]),
                request["reason"],
                _time(request["requested_at"]),
            )
        verdicts[thread.order_id] = verdict.kind
        thread_ids[thread.order_id] = thread.thread_id
    template_orders = {
        oid for oid, o in by_id.items() if o.get("cancel_request", {}).get("channel") in ("messages", "both")
    }
    case = CASES[locale]
    written = {o["order_id"]: o["body"] for o in data["messages"]}
    assert verdicts == {
        **dict.fromkeys(template_orders, "official"),
        **{oid: "inquiry" if body == case.inquiry_body else "other" for oid, body in written.items()},
    }

    # The seller's own reply (the official-request instructions, full of "please" and "cancel") must be
    # told apart by its sender label, or the decoy would turn into an inquiry on the next scan.
    decoy = next(oid for oid, body in written.items() if body == case.decoy_body)
    inbox.open_thread_by_url(thread_ids[decoy])
    inbox.reply(texts.messages.reply_request_cancellation)
    expect(page.locator("#thread-view .message-item")).to_have_count(2)
    view = inbox.open_thread_by_url(thread_ids[decoy])
    text = thread_text(view, texts, buyer_name=by_id[decoy]["buyer_name"])
    assert texts.messages.reply_request_cancellation not in text
    again = classify(
        "", text, thread_order_id=decoy, truncated=False, texts={locale: texts, **prepared.texts}
    )
    assert again.kind == "other"
