"""The scenario generator's words: names, products, reasons and buyer messages per locale.

The words themselves are data, in `i18n/generator/` beside the sandbox's page texts: one file per locale
and `products.yaml`, read once on first import. They are the generator's own: the agent's classifier is
tested against texts written for its tests, and the sandbox renders its pages from `i18n/<locale>.yaml`;
keeping the three apart means a wrong phrase cannot agree with itself. Templates use `{order}`,
`{other_order}`, `{title}` and `{name}` placeholders; a line break in a text makes a multi-line body.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

PHRASES_DIR = Path(__file__).resolve().parent / "i18n" / "generator"
LOCALES = ("en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "it_IT", "ja_JP")

# The order matters: weights in generator_draw.py follow it (most buyers ordered by mistake).
REASON_KEYS = ("mistake", "late", "shipping_cost", "cheaper", "address", "payment", "other")

# Categories of ordinary (non-cancellation) buyer messages; decoys mention cancelling without asking.
ORDINARY_KINDS = (
    "delivery",
    "product",
    "address",
    "return",
    "do_not_cancel",
    "cancelled_item",
    "other_order",
    "thanks",
)

# Which subject style each category is sent with (Amazon picks it from the buyer's chosen topic).
SUBJECT_OF_KIND = {
    "delivery": "delivery",
    "product": "product",
    "address": "inquiry",
    "return": "return",
    "do_not_cancel": "inquiry",
    "cancelled_item": "inquiry",
    "other_order": "inquiry",
    "thanks": "inquiry",
}


@dataclass(frozen=True)
class Product:
    """A catalogue entry: several SKUs (variants) share one title in each language."""

    skus: tuple[str, ...]
    usd_low: float
    usd_high: float
    weight: int
    titles: dict[str, str]


@dataclass(frozen=True)
class LocalePhrases:
    language: str
    currency_per_usd: float
    whole_prices: bool
    order_prefixes: tuple[str, ...]
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    family_name_first: bool
    reasons: tuple[str, ...]
    subjects: dict[str, str]
    greetings: tuple[str, ...]
    asks: tuple[str, ...]
    buyer_reasons: tuple[str, ...]
    closings: tuple[str, ...]
    ordinary: dict[str, tuple[str, ...]]
    word_separator: str = " "
    spelling: tuple[tuple[str, str], ...] = ()
    """Replacements for product titles (British spelling and sizes for en_GB)."""

    def spelt(self, text: str) -> str:
        return _respelt(text, self.spelling)


def _respelt(text: str, spelling: Iterable[Sequence[str]]) -> str:
    for before, after in spelling:
        text = text.replace(before, after)
    return text


def _read(name: str) -> dict[str, Any]:
    path = PHRASES_DIR / f"{name}.yaml"
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: the generator's phrases are a mapping")
    return data


def _phrases(data: dict[str, Any]) -> LocalePhrases:
    def texts(key: str) -> tuple[str, ...]:
        return tuple(data[key])

    return LocalePhrases(
        language=data["language"],
        currency_per_usd=data["currency_per_usd"],
        whole_prices=data["whole_prices"],
        order_prefixes=texts("order_prefixes"),
        first_names=texts("first_names"),
        last_names=texts("last_names"),
        family_name_first=data["family_name_first"],
        reasons=texts("reasons"),
        subjects=dict(data["subjects"]),
        greetings=texts("greetings"),
        asks=texts("asks"),
        buyer_reasons=texts("buyer_reasons"),
        closings=texts("closings"),
        ordinary={kind: tuple(kind_texts) for kind, kind_texts in data["ordinary"].items()},
        word_separator=data.get("word_separator", " "),
        spelling=tuple((before, after) for before, after in data.get("spelling", ())),
    )


def _variant(base: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """A locale written as another one's variant: its own fields, the rest the base's with the
    buyers' messages respelt."""
    spelling = data.get("spelling", ())

    def spelt(texts: list[str]) -> list[str]:
        return [_respelt(text, spelling) for text in texts]

    merged = {**base, **{k: v for k, v in data.items() if k != "based_on"}}
    merged["asks"] = spelt(base["asks"])
    merged["buyer_reasons"] = spelt(base["buyer_reasons"])
    merged["ordinary"] = {kind: spelt(texts) for kind, texts in base["ordinary"].items()}
    return merged


def _load_phrases() -> dict[str, LocalePhrases]:
    raw = {locale: _read(locale) for locale in LOCALES}
    return {
        locale: _phrases(_variant(raw[data["based_on"]], data) if "based_on" in data else data)
        for locale, data in raw.items()
    }


def _load_products() -> tuple[Product, ...]:
    return tuple(
        Product(
            skus=tuple(entry["skus"]),
            usd_low=entry["usd_low"],
            usd_high=entry["usd_high"],
            weight=entry["weight"],
            titles=dict(entry["titles"]),
        )
        for entry in _read("products")["products"]
    )


PHRASES: dict[str, LocalePhrases] = _load_phrases()
PRODUCTS: tuple[Product, ...] = _load_products()


def product_title(product: Product, locale: str) -> str:
    """The product's title as the locale's marketplace lists it (British sizes and spelling for en_GB)."""
    phrases = PHRASES[locale]
    return phrases.spelt(product.titles[phrases.language])
