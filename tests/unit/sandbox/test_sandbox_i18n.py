"""The sandbox's text tables: the same keys and placeholders everywhere, the reference's own texts where
it has them, and dates, times and money as the contract's examples show them."""

from __future__ import annotations

import re
import string
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from automation.sandbox.i18n import Texts, flat_keys, load_table
from automation.sandbox.localfmt import LocalFormat
from automation.sandbox.marketplaces import marketplace_for
from automation.sandbox.scenario import DEFAULT_MARKETPLACE, Locale

LOCALES = list(Locale)
MOMENT = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
_DATE_FIELDS = {"day", "day2", "month2", "mon", "month_name", "wday", "year"}
FORMAT_FIELDS = {
    "dates.date": _DATE_FIELDS,
    "dates.date_long": _DATE_FIELDS,
    "dates.time": {"hour", "hour2", "hour12", "minute2", "ampm", "zone"},
}


def _fmt(locale: Locale) -> LocalFormat:
    return LocalFormat(Texts(locale), marketplace_for(DEFAULT_MARKETPLACE[locale]))


def _leaves(table: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            out.update(_leaves(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_all_seven_tables_have_exactly_the_same_keys() -> None:
    reference = flat_keys(load_table(Locale.EN_US))
    assert len(reference) > 150
    for locale in LOCALES:
        assert flat_keys(load_table(locale)) == reference, locale


@pytest.mark.parametrize("locale", LOCALES)
def test_every_text_keeps_the_english_placeholders_and_list_lengths(locale: Locale) -> None:
    english = _leaves(load_table(Locale.EN_US))
    for key, value in _leaves(load_table(locale)).items():
        if isinstance(value, list):
            assert len(value) == len(english[key]), key
            assert all(isinstance(v, str) and v for v in value), key
        else:
            assert isinstance(value, str), key
            assert value.strip() or key == "numbers.group", key  # French groups digits with a space
            if key in FORMAT_FIELDS:  # formats choose their own fields, among those the sandbox fills
                assert _placeholders(value) <= FORMAT_FIELDS[key], key
            else:
                assert _placeholders(value) == _placeholders(english[key]), key


@pytest.mark.parametrize(
    ("locale", "date", "time"),
    [
        (Locale.EN_US, "Nov 25, 2026", "1:30 AM PST"),
        (Locale.EN_GB, "25 Nov 2026", "09:30 GMT"),
        (Locale.DE_DE, "25.11.2026", "10:30 MEZ"),
        (Locale.FR_FR, "25/11/2026", "10:30 CET"),
        (Locale.ES_ES, "25/11/2026", "10:30 CET"),
        (Locale.IT_IT, "25/11/2026", "10:30 CET"),
        (Locale.JA_JP, "2026/11/25", "18:30 JST"),
    ],
)
def test_dates_and_times_follow_the_contract_examples(locale: Locale, date: str, time: str) -> None:
    fmt = _fmt(locale)
    assert fmt.date(MOMENT) == date
    assert fmt.time(MOMENT) == time


def test_summer_time_zones_and_the_date_in_the_marketplace_zone() -> None:
    summer = datetime(2026, 7, 1, 6, 5, tzinfo=UTC)
    assert _fmt(Locale.EN_US).time(summer) == "11:05 PM PDT"
    assert _fmt(Locale.EN_US).date(summer) == "Jun 30, 2026"  # still the day before in Los Angeles
    assert _fmt(Locale.DE_DE).time(summer) == "08:05 MESZ"
    assert _fmt(Locale.EN_GB).time(summer) == "07:05 BST"
    assert _fmt(Locale.EN_US).date_long(MOMENT) == "Wed, Nov 25, 2026"


@pytest.mark.parametrize(
    ("locale", "small", "large"),
    [
        (Locale.EN_US, "$25.98", "$1,234.50"),
        (Locale.EN_GB, "£25.98", "£1,234.50"),
        (Locale.DE_DE, "25,98 €", "1.234,50 €"),
        (Locale.FR_FR, "25,98 €", "1 234,50 €"),
        (Locale.ES_ES, "25,98 €", "1.234,50 €"),
        (Locale.IT_IT, "25,98 €", "1.234,50 €"),
        (Locale.JA_JP, "￥26", "￥1,235"),
    ],
)
def test_money_in_the_marketplace_currency_and_locale_separators(
    locale: Locale, small: str, large: str
) -> None:
    fmt = _fmt(locale)
    assert fmt.money(Decimal("25.98")) == small
    assert fmt.money(Decimal("1234.5")) == large


def test_ages_in_words() -> None:
    fmt = _fmt(Locale.EN_US)
    now = MOMENT
    assert fmt.age(now, now) == "Just now"
    assert fmt.age(datetime(2026, 11, 25, 9, 29, tzinfo=UTC), now) == "1 minute ago"
    assert fmt.age(datetime(2026, 11, 25, 7, 0, tzinfo=UTC), now) == "2 hours ago"
    assert fmt.age(datetime(2026, 11, 24, 9, 0, tzinfo=UTC), now) == "1 day ago"
    assert fmt.age(datetime(2026, 11, 20, 9, 0, tzinfo=UTC), now) == "5 days ago"
    assert _fmt(Locale.DE_DE).age(datetime(2026, 11, 20, 9, 0, tzinfo=UTC), now) == "Vor 5 Tagen"


def test_the_references_exact_texts() -> None:
    banner = {locale: Texts(locale)("banner.text") for locale in LOCALES}
    assert banner[Locale.EN_US] == (
        "The buyer has requested that this order be canceled. Canceling this order "
        "will not affect your Cancellation Rate metric."
    )
    assert banner[Locale.EN_GB] == (
        "The buyer has requested that this order be cancelled. Cancelling this order "
        "will not affect your cancellation rate metric."
    )
    assert banner[Locale.DE_DE] == (
        "Der Käufer möchte die Bestellung stornieren. Wenn Sie die Bestellung "
        "stornieren, wirkt sich dies nicht auf Ihre Stornorate aus."
    )
    assert banner[Locale.FR_FR] == (
        "L'acheteur a demandé l'annulation de cette commande. L'annulation de cette "
        "commande n'affectera pas votre taux d'annulations."
    )
    assert len(set(banner.values())) == 7
    de = Texts(Locale.DE_DE)
    assert [
        de(f"reasons.{code}")
        for code in (
            "NoInventory",
            "BuyerCanceled",
            "GeneralAdjustment",
            "ShippingAddressUndeliverable",
            "CustomerExchange",
            "PricingError",
        )
    ] == [
        "Kein Lagerbestand",
        "Käuferstorno",
        "Allgemeine Erstattung",
        "Lieferadresse unzustellbar",
        "Kundenaustausch",
        "Preisfehler",
    ]
    fr = Texts(Locale.FR_FR)
    assert fr("reasons.BuyerCanceled") == "Annulé par l'acheteur"
    assert fr("nav.manage_orders") == "Gérer les commandes"
    assert fr("cancel.heading") == "Annuler la commande"
    assert fr("template.subject", buyer="X", order_id="1").startswith("Demande d'annulation de commande")
    es = Texts(Locale.ES_ES)
    assert es("template.subject", buyer="X", order_id="1").startswith(
        "Solicitud de cancelación de pedido del cliente de Amazon"
    )
    assert Texts(Locale.EN_US)("template.subject", buyer="Jane Doe", order_id="111-1234567-1234567") == (
        "Order cancellation request from Amazon customer Jane Doe (Order: 111-1234567-1234567)"
    )
    assert Texts(Locale.JA_JP).count("orders.count", 12) == "12件"
    assert Texts(Locale.DE_DE)("nav.manage_orders") == "Bestellungen verwalten"


def test_british_english_spells_cancelled_everywhere() -> None:
    texts = [v for v in _leaves(load_table(Locale.EN_GB)).values() if isinstance(v, str)]
    assert not [t for t in texts if re.search(r"ancel(ed|ing)\b", t)]
    assert Texts(Locale.EN_GB)("reasons.BuyerCanceled") == "Buyer Cancelled"
    assert Texts(Locale.EN_GB)("statuses.canceled") == "Cancelled"


@pytest.mark.parametrize("locale", LOCALES)
def test_the_legacy_body_starts_with_a_generic_line_not_the_reason(locale: Locale) -> None:
    body = Texts(locale)(
        "template.body", order_id="111-1234567-1234567", reason="REASON", requested_at="WHEN", buyer="Jane"
    )
    first, _, rest = body.partition("\n")
    assert "REASON" not in first
    assert first.strip()
    assert "REASON" in rest
    assert "WHEN" in rest
    assert "111-1234567-1234567" in rest
