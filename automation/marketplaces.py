"""Amazon marketplaces the agent knows: id, country, time zone, usual Seller Central host and locale.

Ids and hosts from shared/reference/seller-central.md §8. The time zone is the one Seller Central shows
order times in; parsers localize the page's times with it and store UTC.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MarketplaceInfo:
    id: str
    country: str
    zone: str
    host: str
    locale: str


_TABLE = [
    MarketplaceInfo("ATVPDKIKX0DER", "US", "America/Los_Angeles", "sellercentral.amazon.com", "en_US"),
    MarketplaceInfo("A2EUQ1WTGCTBG2", "CA", "America/Los_Angeles", "sellercentral.amazon.ca", "en_US"),
    MarketplaceInfo("A1AM78C64UM0Y8", "MX", "America/Los_Angeles", "sellercentral.amazon.com.mx", "es_ES"),
    MarketplaceInfo("A1F83G8C2ARO7P", "UK", "Europe/London", "sellercentral.amazon.co.uk", "en_GB"),
    MarketplaceInfo("A28R8C7NBKEWEA", "IE", "Europe/London", "sellercentral.amazon.ie", "en_GB"),
    MarketplaceInfo("A1PA6795UKMFR9", "DE", "Europe/Berlin", "sellercentral.amazon.de", "de_DE"),
    MarketplaceInfo("A13V1IB3VIYZZH", "FR", "Europe/Paris", "sellercentral.amazon.fr", "fr_FR"),
    MarketplaceInfo("A1RKKUPIHCS9HS", "ES", "Europe/Madrid", "sellercentral.amazon.es", "es_ES"),
    MarketplaceInfo("APJ6JRA9NG5V4", "IT", "Europe/Rome", "sellercentral.amazon.it", "it_IT"),
    MarketplaceInfo("A1805IZSGTT6HS", "NL", "Europe/Amsterdam", "sellercentral.amazon.nl", "en_GB"),
    MarketplaceInfo("AMEN7PMS3EDWL", "BE", "Europe/Brussels", "sellercentral.amazon.com.be", "fr_FR"),
    MarketplaceInfo("A1VC38T7YXB528", "JP", "Asia/Tokyo", "sellercentral.amazon.co.jp", "ja_JP"),
]
MARKETPLACES = {m.id: m for m in _TABLE}
ZONE_BY_LOCALE = {
    "en_US": "America/Los_Angeles",
    "en_GB": "Europe/London",
    "de_DE": "Europe/Berlin",
    "fr_FR": "Europe/Paris",
    "es_ES": "Europe/Madrid",
    "it_IT": "Europe/Rome",
    "ja_JP": "Asia/Tokyo",
}


def zone_for(marketplace: str | None, locale: str) -> str:
    """The time zone a marketplace's pages use; by locale when the marketplace is unknown."""
    if marketplace and marketplace in MARKETPLACES:
        return MARKETPLACES[marketplace].zone
    return ZONE_BY_LOCALE.get(locale, "UTC")
