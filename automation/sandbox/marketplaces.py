"""What a marketplace fixes regardless of the UI language: time zone, currency, storefront name, and
whether its cancel page lets the seller cancel single items.

Times on the pages are shown in the marketplace's zone (docs/sandbox-pages.md, Common); money in its
currency. The language of the surrounding text comes from the locale, which may differ (an en_US
seller on amazon.de still sees euros and Berlin time).
"""

from __future__ import annotations

from dataclasses import dataclass

from automation.sandbox.scenario import MARKETPLACE_IDS


@dataclass(frozen=True)
class Marketplace:
    country: str
    zone: str
    currency_symbol: str
    currency_code: str
    decimals: int
    storefront: str
    partial_cancel: bool = False
    """The cancel page offers "Cancel entire order" or "Cancel items" (ref §12.3: the NL and JP help
    pages say so; the US page says partial cancellation is not supported)."""


_BY_COUNTRY: dict[str, Marketplace] = {
    m.country: m
    for m in (
        Marketplace("US", "America/Los_Angeles", "$", "USD", 2, "Amazon.com"),
        Marketplace("CA", "America/Toronto", "$", "CAD", 2, "Amazon.ca"),
        Marketplace("MX", "America/Mexico_City", "$", "MXN", 2, "Amazon.com.mx"),
        Marketplace("BR", "America/Sao_Paulo", "R$", "BRL", 2, "Amazon.com.br"),
        Marketplace("IE", "Europe/Dublin", "€", "EUR", 2, "Amazon.ie"),
        Marketplace("ES", "Europe/Madrid", "€", "EUR", 2, "Amazon.es"),
        Marketplace("UK", "Europe/London", "£", "GBP", 2, "Amazon.co.uk"),
        Marketplace("FR", "Europe/Paris", "€", "EUR", 2, "Amazon.fr"),
        Marketplace("BE", "Europe/Brussels", "€", "EUR", 2, "Amazon.com.be"),
        Marketplace("NL", "Europe/Amsterdam", "€", "EUR", 2, "Amazon.nl", partial_cancel=True),
        Marketplace("DE", "Europe/Berlin", "€", "EUR", 2, "Amazon.de"),
        Marketplace("IT", "Europe/Rome", "€", "EUR", 2, "Amazon.it"),
        Marketplace("SE", "Europe/Stockholm", "kr", "SEK", 2, "Amazon.se"),
        Marketplace("ZA", "Africa/Johannesburg", "R", "ZAR", 2, "Amazon.co.za"),
        Marketplace("PL", "Europe/Warsaw", "zł", "PLN", 2, "Amazon.pl"),
        Marketplace("EG", "Africa/Cairo", "E£", "EGP", 2, "Amazon.eg"),
        Marketplace("TR", "Europe/Istanbul", "₺", "TRY", 2, "Amazon.com.tr"),
        Marketplace("SA", "Asia/Riyadh", "SAR", "SAR", 2, "Amazon.sa"),
        Marketplace("AE", "Asia/Dubai", "AED", "AED", 2, "Amazon.ae"),
        Marketplace("IN", "Asia/Kolkata", "₹", "INR", 2, "Amazon.in"),
        Marketplace("SG", "Asia/Singapore", "S$", "SGD", 2, "Amazon.sg"),
        Marketplace("AU", "Australia/Sydney", "$", "AUD", 2, "Amazon.com.au"),
        Marketplace("JP", "Asia/Tokyo", "￥", "JPY", 0, "Amazon.co.jp", partial_cancel=True),
    )
}


def marketplace_for(marketplace_id: str) -> Marketplace:
    return _BY_COUNTRY[MARKETPLACE_IDS[marketplace_id]]
