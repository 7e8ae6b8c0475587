"""Dates, times and prices as each locale prints them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from automation.parsers.dates import find_local_dates, parse_local_date, parse_local_datetime
from automation.parsers.locale_texts import LocaleTexts, load_all_locale_texts
from automation.parsers.money import parse_money
from automation.parsers.parse_error import ParseError

SELECTORS = Path(__file__).resolve().parents[3] / "selectors"


@pytest.fixture(scope="module")
def texts() -> dict[str, LocaleTexts]:
    return load_all_locale_texts(SELECTORS)


@pytest.mark.parametrize(
    ("locale", "text", "expected"),
    [
        ("en_US", "Nov 25, 2026", date(2026, 11, 25)),
        ("en_US", "Wed, Nov 25, 2026", date(2026, 11, 25)),
        ("en_US", "Ship by date: Fri, Nov 27, 2026", date(2026, 11, 27)),
        ("en_US", "Sept. 3, 2026", date(2026, 9, 3)),
        ("en_US", "11/25/2026", date(2026, 11, 25)),
        ("en_GB", "25 Nov 2026", date(2026, 11, 25)),
        ("en_GB", "Wed, 25 November 2026", date(2026, 11, 25)),
        ("en_GB", "05/11/2026", date(2026, 11, 5)),
        ("de_DE", "25.11.2026", date(2026, 11, 25)),
        ("de_DE", "Versand bis: Fr., 27.11.2026", date(2026, 11, 27)),
        ("de_DE", "3. März 2026", date(2026, 3, 3)),
        ("de_DE", "3. Mär. 2026", date(2026, 3, 3)),
        ("fr_FR", "25/11/2026", date(2026, 11, 25)),
        ("fr_FR", "mer. 25 nov. 2026", date(2026, 11, 25)),
        ("fr_FR", "1 août 2026", date(2026, 8, 1)),
        ("es_ES", "25/11/2026", date(2026, 11, 25)),
        ("es_ES", "25 de noviembre de 2026", date(2026, 11, 25)),
        ("it_IT", "25/11/2026", date(2026, 11, 25)),
        ("it_IT", "mer 25 nov 2026", date(2026, 11, 25)),
        ("ja_JP", "2026/11/25", date(2026, 11, 25)),
        ("ja_JP", "2026/11/25(水)", date(2026, 11, 25)),
        ("ja_JP", "2026年11月25日", date(2026, 11, 25)),
        ("ja_JP", "２０２６/１１/２５", date(2026, 11, 25)),
    ],
)
def test_parse_local_date(texts: dict[str, LocaleTexts], locale: str, text: str, expected: date) -> None:
    assert parse_local_date(text, texts[locale]) == expected


@pytest.mark.parametrize(
    ("locale", "date_text", "time_text", "expected"),
    [
        ("en_US", "Nov 25, 2026", "1:30 AM PST", datetime(2026, 11, 25, 9, 30, tzinfo=UTC)),
        ("en_US", "Nov 25, 2026", "12:05 AM PST", datetime(2026, 11, 25, 8, 5, tzinfo=UTC)),
        ("en_US", "Nov 25, 2026", "12:05 PM PST", datetime(2026, 11, 25, 20, 5, tzinfo=UTC)),
        ("en_US", "Request date: Nov 25, 2026 2:00 AM PST", None, datetime(2026, 11, 25, 10, 0, tzinfo=UTC)),
        ("en_US", "Wed, Dec 4, 2019, 8:27 AM PST", None, datetime(2019, 12, 4, 16, 27, tzinfo=UTC)),
        ("en_US", "Jul 4, 2026", "9:00 PM PDT", datetime(2026, 7, 5, 4, 0, tzinfo=UTC)),
        ("en_GB", "25 Nov 2026", "09:30 GMT", datetime(2026, 11, 25, 9, 30, tzinfo=UTC)),
        ("en_GB", "1 Jul 2026", "09:30 BST", datetime(2026, 7, 1, 8, 30, tzinfo=UTC)),
        ("de_DE", "25.11.2026", "10:30 MEZ", datetime(2026, 11, 25, 9, 30, tzinfo=UTC)),
        ("de_DE", "25.11.2026 10:30 Uhr", None, datetime(2026, 11, 25, 9, 30, tzinfo=UTC)),
        ("fr_FR", "25/11/2026", "10 h 30", datetime(2026, 11, 25, 9, 30, tzinfo=UTC)),
        ("es_ES", "25/11/2026", "10:30 CET", datetime(2026, 11, 25, 9, 30, tzinfo=UTC)),
        ("it_IT", "25/11/2026", "10:30", datetime(2026, 11, 25, 9, 30, tzinfo=UTC)),
        ("ja_JP", "2026/11/25", "18:30 JST", datetime(2026, 11, 25, 9, 30, tzinfo=UTC)),
        ("ja_JP", "2026/11/25(水)", "午後6:30", datetime(2026, 11, 25, 9, 30, tzinfo=UTC)),
        ("ja_JP", "2026年11月25日 午前0:15", None, datetime(2026, 11, 24, 15, 15, tzinfo=UTC)),
        ("en_US", "Nov 25, 2026", None, datetime(2026, 11, 25, 8, 0, tzinfo=UTC)),
    ],
)
def test_parse_local_datetime_is_utc(
    texts: dict[str, LocaleTexts], locale: str, date_text: str, time_text: str | None, expected: datetime
) -> None:
    zone = texts[locale].marketplace.zone
    assert parse_local_datetime(date_text, time_text, texts[locale], zone) == expected


def test_repeated_hour_is_told_apart_by_the_abbreviation(texts: dict[str, LocaleTexts]) -> None:
    """1:30 AM happens twice on 1 Nov 2026 in Los Angeles; PDT is the first, PST the second."""
    us = texts["en_US"]
    first = parse_local_datetime("Nov 1, 2026", "1:30 AM PDT", us, "America/Los_Angeles")
    second = parse_local_datetime("Nov 1, 2026", "1:30 AM PST", us, "America/Los_Angeles")
    assert (first, second) == (
        datetime(2026, 11, 1, 8, 30, tzinfo=UTC),
        datetime(2026, 11, 1, 9, 30, tzinfo=UTC),
    )


def test_the_marketplace_zone_wins_over_a_wrong_abbreviation(texts: dict[str, LocaleTexts]) -> None:
    """A German page saying "MEZ" in summer is still read on Berlin's clock (summer time)."""
    got = parse_local_datetime("01.07.2026", "10:30 MEZ", texts["de_DE"], "Europe/Berlin")
    assert got == datetime(2026, 7, 1, 8, 30, tzinfo=UTC)


def test_ship_by_range_lists_both_dates(texts: dict[str, LocaleTexts]) -> None:
    found = find_local_dates("Nov 27, 2026 to Nov 29, 2026", texts["en_US"])
    assert found == [date(2026, 11, 27), date(2026, 11, 29)]


@pytest.mark.parametrize(
    ("locale", "text", "detail"),
    [
        ("en_US", "Thu, Nov 27, 2026", "weekday"),
        ("en_US", "25 Nov 2026", "no date"),
        ("en_US", "13/25/2026", "not a valid date"),
        ("de_DE", "31.02.2026", "not a valid date"),
        ("de_DE", "", "no date"),
        ("ja_JP", "Nov 25, 2026", "no date"),
    ],
)
def test_unreadable_dates_raise(texts: dict[str, LocaleTexts], locale: str, text: str, detail: str) -> None:
    with pytest.raises(ParseError, match=detail) as caught:
        parse_local_date(text, texts[locale], field="ship-by date")
    assert caught.value.field == "ship-by date"
    assert caught.value.text == text


def test_a_time_text_without_a_time_raises(texts: dict[str, LocaleTexts]) -> None:
    with pytest.raises(ParseError, match="no time"):
        parse_local_datetime("Nov 25, 2026", "soon", texts["en_US"], "America/Los_Angeles")


@pytest.mark.parametrize(
    ("locale", "text", "expected"),
    [
        ("en_US", "$1,234.56", Decimal("1234.56")),
        ("en_US", "Item subtotal: $25.98", Decimal("25.98")),
        ("en_US", "Item subtotal (2 items): $25.98", Decimal("25.98")),
        ("en_US", "$12", Decimal("12")),
        ("en_GB", "£12.99", Decimal("12.99")),
        ("de_DE", "12,99 €", Decimal("12.99")),
        ("de_DE", "1.234,56 €", Decimal("1234.56")),
        ("de_DE", "EUR 1.234,56", Decimal("1234.56")),
        ("fr_FR", "1\u202f234,56\u00a0€", Decimal("1234.56")),
        ("fr_FR", "1 234,56 €", Decimal("1234.56")),
        ("es_ES", "1.234,56 €", Decimal("1234.56")),
        ("it_IT", "12,99 €", Decimal("12.99")),
        ("ja_JP", "￥1,299", Decimal("1299")),
        ("ja_JP", "¥1,299", Decimal("1299")),
        ("ja_JP", "1,299円", Decimal("1299")),
    ],
)
def test_parse_money(texts: dict[str, LocaleTexts], locale: str, text: str, expected: Decimal) -> None:
    assert parse_money(text, texts[locale]) == expected


@pytest.mark.parametrize(
    ("locale", "text"),
    [
        ("de_DE", "12.99 €"),  # twelve or 1,299? never guessed
        ("en_US", "$1.234,56"),
        ("en_US", "$12.999"),
        ("ja_JP", "￥12.50"),
        ("en_US", "free"),
        ("en_US", "$1,23"),
    ],
)
def test_prices_that_do_not_fit_the_locale_raise(
    texts: dict[str, LocaleTexts], locale: str, text: str
) -> None:
    with pytest.raises(ParseError) as caught:
        parse_money(text, texts[locale])
    assert caught.value.field == "price"
