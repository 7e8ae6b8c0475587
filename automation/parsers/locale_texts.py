"""The agent's own visible texts per locale: `selectors/locales/<locale>.yaml`, typed and validated.

Page objects click by these texts only when ids fail, parsers read labels, dates, prices and status
words with them, and the classifier reads buyers' messages with their lexicon. They are written from the
reference (seller-central.md) and knowledge of the languages, never copied from the sandbox: if both
sides shared a table, a wrong text would agree with itself and no test could catch it.

A locale file is operator-edited: unknown or missing keys are errors naming file, line and field
(`automation.yaml_source`), raised as `BadInputError` (exit code 2). See selectors/locales/README.md.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, ConfigDict, Field, field_validator, model_validator

from automation.parsers.normalize import compact
from automation.parsers.patterns import check_pattern
from automation.strict_model import StrictModel
from automation.yaml_source import YamlError, load_model

LOCALES_SUBDIR = "locales"
_DATE_TOKEN = re.compile(r"\{(\w+)\}")
_DATE_TOKENS = {"d", "m", "mon", "y"}


def _variants(values: tuple[str, ...]) -> tuple[str, ...]:
    if not values:
        raise ValueError("give at least one text")
    for value in values:
        if not value.strip():
            raise ValueError("a text may not be empty")
    return values


def _patterns(values: tuple[str, ...]) -> tuple[str, ...]:
    for value in values:
        check_pattern(value)
    return values


Variants = Annotated[tuple[str, ...], AfterValidator(_variants)]
"""One or more texts meaning the same; any of them matches."""
Patterns = Annotated[tuple[str, ...], AfterValidator(_patterns)]
"""Lexicon patterns (see automation/parsers/patterns.py); may be empty."""


class _Strict(StrictModel):
    model_config = ConfigDict(populate_by_name=True)  # a field with an alias is read by either name


class MarketplaceTexts(_Strict):
    zone: str
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    currency_symbols: Variants
    minor_units: int = Field(ge=0, le=3)
    decimal_separator: Literal[".", ","]
    group_separators: tuple[str, ...]

    @field_validator("zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown IANA time zone {value!r}") from None
        return value

    @model_validator(mode="after")
    def _separators(self) -> MarketplaceTexts:
        if self.decimal_separator in self.group_separators:
            raise ValueError("the decimal separator cannot also be a group separator")
        return self


class DateTexts(_Strict):
    months: tuple[Variants, ...] = Field(min_length=12, max_length=12)
    weekdays: tuple[Variants, ...] = Field(min_length=7, max_length=7)
    patterns: Variants
    am_markers: tuple[str, ...] = ()
    pm_markers: tuple[str, ...] = ()
    zone_abbreviations: tuple[str, ...] = ()

    @field_validator("patterns")
    @classmethod
    def _known_tokens(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        for value in values:
            tokens = _DATE_TOKEN.findall(value)
            unknown = set(tokens) - _DATE_TOKENS
            if unknown:
                raise ValueError(
                    f"{value!r}: unknown placeholder {{{sorted(unknown)[0]}}}; use {{d}} {{m}} {{mon}} {{y}}"
                )
            if not {"d", "y"} <= set(tokens) or not ({"m", "mon"} & set(tokens)):
                raise ValueError(f"{value!r}: needs {{d}}, {{y}} and {{m}} or {{mon}}")
        return values


class StatusWords(_Strict):
    pending: Variants
    unshipped: Variants
    shipped: Variants
    canceled: Variants


class FulfillmentWords(_Strict):
    mfn: Variants
    afn: Variants


class ItemLabels(_Strict):
    asin: Variants
    sku: Variants
    quantity: Variants
    subtotal: Variants
    unit_price: Variants


class ManageOrdersTexts(_Strict):
    request_banners: Variants
    reason_prefixes: Variants
    request_date_prefixes: Variants
    fulfillment_prefixes: Variants
    ship_by_prefixes: Variants
    deliver_by_prefixes: Variants
    statuses: StatusWords
    fulfillment: FulfillmentWords
    item_labels: ItemLabels


class UiTexts(_Strict):
    """Labels the page objects click by text when ids and test ids fail (`TextLookup` keys)."""

    show_filters: Variants
    hide_filters: Variants
    pending_action: Variants
    buyer_requested_cancel: Variants
    cancel_order: Variants
    reason_for_cancellation: Variants
    select_a_reason: Variants
    cancel_entire_order: Variants
    cancel_items: Variants
    submit: Variants
    next: Variants
    load_more: Variants
    folder_all: Variants
    folder_response_needed: Variants
    no_response_needed: Variants
    send: Variants
    sign_in: Variants
    select_account: Variants
    keep_me_signed_in: Variants
    dont_require_otp: Variants


class CancelReasons(_Strict):
    """The cancel form's reason labels by API code (seller-central.md §2.2)."""

    no_inventory: Variants = Field(alias="NoInventory")
    buyer_canceled: Variants = Field(alias="BuyerCanceled")
    general_adjustment: Variants = Field(alias="GeneralAdjustment")
    shipping_address_undeliverable: Variants = Field(alias="ShippingAddressUndeliverable")
    customer_exchange: Variants = Field(alias="CustomerExchange")
    pricing_error: Variants = Field(alias="PricingError")

    def by_code(self) -> dict[str, tuple[str, ...]]:
        return {str(info.alias): getattr(self, name) for name, info in type(self).model_fields.items()}


class BuyerReasons(_Strict):
    """The buyer's reasons for a cancellation request as the pages show them, under sc-cancel's own keys.

    Amazon publishes no codes for these (seller-central.md §3.3 lists the English texts), so rules name
    them by these keys (`reason_in: [found_cheaper]`) and work in every language; the keys are
    `automation.parsers.reasons.ReasonKey`.
    """

    created_by_mistake: Variants
    arrives_too_late: Variants
    shipping_cost_too_high: Variants
    found_cheaper: Variants
    change_shipping_address: Variants
    change_shipping_speed: Variants
    change_billing_address: Variants
    change_payment_method: Variants
    other: Variants

    def by_key(self) -> dict[str, tuple[str, ...]]:
        return {name: getattr(self, name) for name in type(self).model_fields}


class LegacyRequestTexts(_Strict):
    subjects: Variants
    subject_keywords: Variants
    order_id_labels: Variants
    reason_labels: Variants
    requested_at_labels: Variants

    @field_validator("subjects")
    @classmethod
    def _has_literal(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        for value in values:
            if not compact(re.sub(r"\{\w+\}", " ", value)):
                raise ValueError(f"{value!r}: a subject needs some text besides its placeholders")
        return values


class MessagesTexts(_Strict):
    legacy_request: LegacyRequestTexts
    inquiry_subjects: Variants
    reply_request_cancellation: str = Field(min_length=40)
    """Sent (once per thread) to a buyer who asked to cancel in a message: Amazon's instruction to
    request the cancellation officially, in the marketplace's language."""
    reply_prefixes: tuple[str, ...] = ()
    seller_senders: tuple[str, ...] = ()


class Lexicon(_Strict):
    cancel_terms: Variants
    request_cues: Patterns
    request_forms: tuple[str, ...] = ()
    negations: Patterns
    already_cancelled: Patterns
    returns: Patterns
    other_senses: Patterns = ()
    lookalikes: tuple[str, ...] = ()
    fillers: tuple[str, ...] = ()
    clause_breaks: tuple[str, ...] = ()
    clause_starts: tuple[str, ...] = ()

    @field_validator("cancel_terms")
    @classmethod
    def _single_words(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        for value in values:
            if " " in value.strip() or "~" in value or "{" in value:
                raise ValueError(f"{value!r}: a cancel term is one word or stem (phrases go in request_cues)")
        return values


class LocaleTexts(_Strict):
    format: Literal[1]
    locale: str = Field(pattern=r"^[a-z]{2}_[A-Z]{2}$")
    language: str = Field(pattern=r"^[a-z]{2}$")
    marketplace: MarketplaceTexts
    dates: DateTexts
    manage_orders: ManageOrdersTexts
    ui: UiTexts
    cancel_reasons: CancelReasons
    buyer_reasons: BuyerReasons
    messages: MessagesTexts
    lexicon: Lexicon

    def ui_texts(self, key: str) -> list[str]:
        """The variants of a UI label (a `locators.TextLookup`); empty for an unknown key."""
        value = getattr(self.ui, key, None) if key in UiTexts.model_fields else None
        return list(value) if value else []

    def reason_code(self, label: str) -> str | None:
        """The API code of a cancel reason shown as `label` (case, accents, spacing ignored)."""
        wanted = compact(label)
        for code, labels in self.cancel_reasons.by_code().items():
            if any(compact(candidate) == wanted for candidate in labels) or compact(code) == wanted:
                return code
        return None

    def reason_labels(self, code: str) -> tuple[str, ...]:
        return self.cancel_reasons.by_code().get(code, ())


def _locale_path(selectors_dir: Path, locale: str) -> Path:
    return selectors_dir / LOCALES_SUBDIR / f"{locale}.yaml"


@lru_cache(maxsize=64)
def _load(path: Path, locale: str) -> LocaleTexts:
    if not path.is_file():
        available = sorted(p.stem for p in path.parent.glob("*.yaml")) if path.parent.is_dir() else []
        raise YamlError(
            path, [f"{path}: no texts for locale '{locale}' (available: {', '.join(available) or 'none'})"]
        )
    texts = load_model(LocaleTexts, path)
    if texts.locale != locale:
        raise YamlError(path, [f"{path}: says locale '{texts.locale}', expected '{locale}' (the file name)"])
    return texts


def load_locale_texts(locale: str, selectors_dir: Path) -> LocaleTexts:
    """The texts of one locale, read once per selectors folder and locale."""
    return _load(_locale_path(Path(selectors_dir).resolve(), locale), locale)


def load_all_locale_texts(selectors_dir: Path) -> dict[str, LocaleTexts]:
    """Every locale file of a selectors folder, by locale, in name order (cached per folder)."""
    folder = Path(selectors_dir).resolve() / LOCALES_SUBDIR
    if not folder.is_dir():
        raise YamlError(folder, [f"{folder}: locale texts folder not found"])
    return {p.stem: _load(p, p.stem) for p in sorted(folder.glob("*.yaml"))}


def clear_cache() -> None:
    """Forget loaded files (tests that edit locale files, a long-running scheduler after an edit)."""
    _load.cache_clear()
