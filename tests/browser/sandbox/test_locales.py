"""The seven locales: the banner (the reference's exact texts where it has them), dates in the locale's
format and the marketplace's time zone, the Buyer Canceled label and the legacy request subject."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect
from sandbox_builders import sign_in, wait_rendered
from scenario_kit import scenario


@dataclass(frozen=True)
class Expected:
    banner: str | None  # None: no reference text; then `banner_word` must appear
    banner_word: str
    date: str
    time: str
    buyer_canceled: str
    subject_prefix: str
    canceled_tab: str


# Banner texts: shared/reference/seller-central.md §1.2; labels §2.2 and §7; subjects §3.3.
EXPECTED = {
    "en_US": Expected(
        "The buyer has requested that this order be canceled. Canceling this order will not affect your "
        "Cancellation Rate metric.",
        "canceled",
        "Nov 25, 2026",
        "1:30 AM PST",
        "Buyer Canceled",
        "Order cancellation request from Amazon customer Jane Doe (Order: 111-1234567-1234567)",
        "Canceled",
    ),
    "en_GB": Expected(
        "The buyer has requested that this order be cancelled. Cancelling this order will not affect your "
        "cancellation rate metric.",
        "cancelled",
        "25 Nov 2026",
        "09:30 GMT",
        "Buyer Cancelled",
        "Order cancellation request from Amazon customer Jane Doe (Order: 111-1234567-1234567)",
        "Cancelled",
    ),
    "de_DE": Expected(
        "Der Käufer möchte die Bestellung stornieren. Wenn Sie die Bestellung stornieren, "
        "wirkt sich dies nicht auf Ihre Stornorate aus.",
        "stornieren",
        "25.11.2026",
        "10:30 MEZ",
        "Käuferstorno",
        "Stornierung",
        "Storniert",
    ),
    "fr_FR": Expected(
        "L'acheteur a demandé l'annulation de cette commande. L'annulation de cette commande n'affectera pas "
        "votre taux d'annulations.",
        "annulation",
        "25/11/2026",
        "10:30 CET",
        "Annulé par l'acheteur",
        "Demande d'annulation de commande",
        "Annulées",
    ),
    "es_ES": Expected(
        None,
        "cancelación",
        "25/11/2026",
        "10:30 CET",
        "Cancelado por el comprador",
        "Solicitud de cancelación de pedido del cliente de Amazon",
        "Cancelados",
    ),
    "it_IT": Expected(
        None,
        "cancellazione",
        "25/11/2026",
        "10:30 CET",
        "Annullato dall'acquirente",
        "Richiesta di cancellazione",
        "Cancellati",
    ),
    "ja_JP": Expected(
        None,
        "キャンセル",
        "2026/11/25",
        "18:30 JST",
        "購入者によるキャンセル",
        "Amazonのお客様",
        "キャンセル済み",
    ),
}
ORDER = "111-1234567-1234567"


def _scenario(locale: str) -> dict:
    order = {
        "id": ORDER,
        "purchased_at": "2026-11-25T09:30:00Z",
        "status": "unshipped",
        "buyer_name": "Jane Doe",
        "items": [
            {"sku": "MUG-RED-01", "asin": "B0EXAMPL01", "title": "Red mug", "quantity": 2, "price": 12.99}
        ],
        "cancel_request": {
            "reason": "Order Created by Mistake",
            "requested_at": "2026-11-25T10:00:00Z",
            "channel": "both",
        },
    }
    return {**scenario([order]), "locale": locale}


@pytest.mark.parametrize("locale", list(EXPECTED))
def test_locale_texts_dates_and_times(page: Page, sandbox_factory, locale: str) -> None:
    expected = EXPECTED[locale]
    server = sandbox_factory(_scenario(locale))
    sign_in(page, server.base_url, path="/orders-v3")
    wait_rendered(page)
    assert page.locator("html").get_attribute("lang") == locale.replace("_", "-")
    banner = page.locator(
        'div.buyer-requested-cancel[data-test-id="buyer-requested-cancel-banner"] .a-alert-content'
    )
    if expected.banner is not None:
        expect(banner).to_have_text(expected.banner)
    expect(banner).to_contain_text(expected.banner_word)
    cells = page.locator('tr[data-test-id="order-row"] td[data-test-id="oth-order-date"] .cell-body > div')
    expect(cells.nth(1)).to_have_text(expected.date)
    expect(cells.nth(2)).to_have_text(expected.time)
    expect(page.locator('a[data-test-id="tab-/mfn/canceled"]')).to_have_text(expected.canceled_tab)

    page.goto(f"{server.base_url}/orders-v3/order/{ORDER}/cancel")
    expect(page.locator("#cancel-reason option:checked")).to_have_text(expected.buyer_canceled)
    labels = page.locator("#cancel-reason option").all_inner_texts()
    assert len(set(labels)) == 7  # the placeholder and six distinct reasons

    page.goto(f"{server.base_url}/messaging/inbox?fi=all")
    wait_rendered(page)
    subject = page.locator("li.thread-list-item .thread-subject")
    expect(subject).to_contain_text(expected.subject_prefix)
    expect(subject).to_contain_text(ORDER)
