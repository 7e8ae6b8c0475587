"""The buyer's reason for a cancellation request, as sc-cancel's own key (`found_cheaper`, `other`...).

Amazon shows the buyer's reason as text in the store's language ("Order Created by Mistake",
"Bestellung versehentlich aufgegeben") and publishes no codes for it, so a rule written against the
English words can never match a German or Japanese store. These keys are sc-cancel's own; the texts
that stand for each key live in `selectors/locales/<locale>.yaml` under `buyer_reasons`, so an operator
adds a new wording there and no rule changes. Pure: no browser, no files (callers pass loaded texts).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from automation.parsers.locale_texts import LocaleTexts
from automation.parsers.normalize import compact


class ReasonKey(StrEnum):
    """The buyer's reason for a cancellation request, by sc-cancel's own name (Amazon publishes no codes).
    Each language's wording is in selectors/locales/<locale>.yaml, under buyer_reasons."""

    # The reasons seller-central.md §3.3 lists. `locale_texts.BuyerReasons` has one field per key, so
    # every locale file must give texts for every key; a test keeps the two alike.

    CREATED_BY_MISTAKE = "created_by_mistake"
    """Order Created by Mistake"""
    ARRIVES_TOO_LATE = "arrives_too_late"
    """Item(s) Would Not Arrive on Time"""
    SHIPPING_COST_TOO_HIGH = "shipping_cost_too_high"
    """Shipping Cost Too High"""
    FOUND_CHEAPER = "found_cheaper"
    """Found Cheaper Somewhere Else"""
    CHANGE_SHIPPING_ADDRESS = "change_shipping_address"
    """Need to Change Shipping Address"""
    CHANGE_SHIPPING_SPEED = "change_shipping_speed"
    """Need to Change Shipping Speed"""
    CHANGE_BILLING_ADDRESS = "change_billing_address"
    """Need to Change Billing Address"""
    CHANGE_PAYMENT_METHOD = "change_payment_method"
    """Need to Change Payment Method"""
    OTHER = "other"
    """Other"""


def reason_key(text: str | None, texts: LocaleTexts) -> ReasonKey | None:
    """The key of a reason shown as `text` in the locale of `texts`; None when it is none of them.

    Case, accents, spacing, punctuation and full-width forms are ignored ("found cheaper somewhere
    else." is `found_cheaper`); anything else must be written in the locale file.
    """
    if text is None:
        return None
    wanted = compact(text)
    if not wanted:
        return None
    for key, variants in texts.buyer_reasons.by_key().items():
        if any(compact(variant) == wanted for variant in variants):
            return ReasonKey(key)
    return None


@dataclass(frozen=True)
class ReasonTable:
    """Every locale's buyer-reason texts, for reading a reason whose locale may not be known.

    A request does not always say which store it came from; a reason text means the same key in every
    locale that lists it (a test keeps the shipped files so), so the request's own locale is tried first
    and then every other one.
    """

    by_locale: Mapping[str, Mapping[str, ReasonKey]]
    """locale -> compacted text -> key"""

    @classmethod
    def of(cls, texts: Mapping[str, LocaleTexts] | Iterable[LocaleTexts]) -> ReasonTable:
        values = texts.values() if isinstance(texts, Mapping) else texts
        table: dict[str, dict[str, ReasonKey]] = {}
        for locale in sorted(values, key=lambda t: t.locale):
            table[locale.locale] = {
                compact(variant): ReasonKey(key)
                for key, variants in locale.buyer_reasons.by_key().items()
                for variant in variants
            }
        return cls(table)

    @property
    def locales(self) -> tuple[str, ...]:
        return tuple(self.by_locale)

    def key_of(self, text: str | None, locale: str | None = None) -> ReasonKey | None:
        """The key of a shown reason: `locale`'s texts first, then every locale's; None if unknown."""
        if text is None:
            return None
        wanted = compact(text)
        if not wanted:
            return None
        first = [locale] if locale is not None and locale in self.by_locale else []
        for name in [*first, *(n for n in self.by_locale if n != locale)]:
            key = self.by_locale[name].get(wanted)
            if key is not None:
                return key
        return None


@dataclass(frozen=True)
class ReasonText:
    """One wording of one key in one locale, as the locale file writes it."""

    locale: str
    key: ReasonKey
    text: str


def reason_texts(texts: Mapping[str, LocaleTexts], locales: Iterable[str] | None = None) -> list[ReasonText]:
    """Every known reason wording of the given locales (all of them when None), in file order."""
    chosen = sorted(texts) if locales is None else [name for name in sorted(set(locales)) if name in texts]
    return [
        ReasonText(name, ReasonKey(key), variant)
        for name in chosen
        for key, variants in texts[name].buyer_reasons.by_key().items()
        for variant in variants
    ]
