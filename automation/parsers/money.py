"""Prices as Seller Central prints them, per locale, into `Decimal`.

"$1,234.56", "£12.99", "1.234,56 €", "1 234,56 €" (with a narrow no-break space), "￥1,299": the locale
file gives the decimal separator and the group separators. A number that does not fit them is an error,
never a guess: "12.99" on a German page could be twelve or 1,299 and must not be read either way.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from automation.parsers.normalize import nfkc
from automation.parsers.parse_error import ParseError

if TYPE_CHECKING:
    from automation.parsers.locale_texts import LocaleTexts

_GROUP = 3


def _amounts(text: str, spaced_groups: bool) -> list[re.Match[str]]:
    """Candidate amounts: digits with dots and commas inside (and spaces where they group digits)."""
    inner = r"[\d.,' ]" if spaced_groups else r"[\d.,']"
    return list(re.finditer(rf"\d(?:{inner}*\d)?", text))


def _next_to_symbol(text: str, matches: list[re.Match[str]], symbols: tuple[str, ...]) -> list[re.Match[str]]:
    near = []
    for match in matches:
        before = text[: match.start()].rstrip()
        after = text[match.end() :].lstrip()
        if any(before.endswith(s) or after.startswith(s) for s in symbols):
            near.append(match)
    return near


def _to_decimal(token: str, texts: LocaleTexts, original: str) -> Decimal:
    market = texts.marketplace
    integer, sep, fraction = token.rpartition(market.decimal_separator)
    if not sep:
        integer, fraction = token, ""
    if sep and not fraction:
        raise ParseError("price", original, "nothing after the decimal separator")
    if fraction and (not fraction.isdigit() or len(fraction) > market.minor_units):
        raise ParseError("price", original, f"decimals {fraction!r} do not fit {market.currency}")
    groups = sorted({_normalize(g) for g in market.group_separators})
    pieces = re.split("|".join(re.escape(g) for g in groups), integer) if groups else [integer]
    if not all(piece.isdigit() for piece in pieces):
        raise ParseError("price", original, f"separators do not fit the {texts.locale} number format")
    if len(pieces) > 1 and (len(pieces[0]) > _GROUP or any(len(p) != _GROUP for p in pieces[1:])):
        raise ParseError("price", original, "digit groups are not groups of three")
    try:
        return Decimal("".join(pieces) + (f".{fraction}" if fraction else ""))
    except InvalidOperation:
        raise ParseError("price", original, "not a number") from None


def _normalize(text: str) -> str:
    """NFKC (full-width yen and digits) with every kind of space as a plain space."""
    return re.sub(r"\s", " ", nfkc(text))


def parse_money(text: str, texts: LocaleTexts) -> Decimal:
    """The amount in a price text, in the marketplace currency; labels around it are ignored.

    When several numbers appear ("Item subtotal (2 items): $25.98"), the one next to the currency
    symbol is the price.
    """
    normalized = _normalize(text)
    symbols = tuple(_normalize(s) for s in texts.marketplace.currency_symbols)
    spaced = any(_normalize(g) == " " for g in texts.marketplace.group_separators)
    matches = _amounts(normalized, spaced)
    if len(matches) > 1:
        matches = _next_to_symbol(normalized, matches, symbols) or matches
    if len(matches) != 1:
        raise ParseError("price", text, "no amount" if not matches else "more than one amount")
    return _to_decimal(matches[0].group(0).strip(), texts, text)
