"""`selectors/verified_texts.yaml`: what the reference verifies a page says, kept apart from how it is built.

A structural selector (a class, an id) breaks when Amazon restyles a page; a sentence Amazon's own help
pages quote breaks far less often. So where a structural selector finds nothing, these texts find the
answer instead, and where both find one they must agree (`pages/text_check.py`). Only texts the
reference marks verified belong here: a guessed wording must never overrule the page's structure.

The file is optional (a selector folder written before it simply has no fallback); when present it is
validated with the selector files, before any browser starts.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from functools import cache
from pathlib import Path

from pydantic import Field, field_validator

from automation.strict_model import StrictModel
from automation.yaml_source import YamlError, load_model

FILE_NAME = "verified_texts.yaml"
VERIFIED_FORMAT = 1


class Backs(StrictModel):
    """The structural answer a verified text stands in for, and is compared with."""

    page: str = Field(description="page key of the selector file")
    field: str = Field(description="field of that file whose answer the text confirms or replaces")


class OrderIdPattern(StrictModel):
    pattern: str = Field(description="regular expression of an order id in a row's text")
    backs: Backs

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a regular expression: {exc}") from None
        return value


class VerifiedSentences(StrictModel):
    backs: Backs
    texts: dict[str, list[str]] = Field(default_factory=dict, description="locale -> verified wordings")


class VerifiedTexts(StrictModel):
    format: int = VERIFIED_FORMAT
    order_id: OrderIdPattern | None = None
    request_banner: VerifiedSentences | None = None

    @field_validator("format")
    @classmethod
    def _known(cls, value: int) -> int:
        if value > VERIFIED_FORMAT:
            raise ValueError(f"format {value} is newer than this sc-cancel understands")
        return value

    def banners(self, locale: str | None) -> list[str]:
        """The verified request banners of a locale (none for a locale the reference has none for)."""
        if self.request_banner is None or locale is None:
            return []
        return list(self.request_banner.texts.get(locale, []))

    def backed(self) -> list[tuple[str, Backs]]:
        """Each entry with the selector field it backs (for `selectors check`)."""
        found = []
        if self.order_id is not None:
            found.append(("order_id", self.order_id.backs))
        if self.request_banner is not None:
            found.append(("request_banner", self.request_banner.backs))
        return found


@cache
def _load(path: Path, mtime: float) -> VerifiedTexts:
    return load_model(VerifiedTexts, path)


def load_verified_texts(selectors_dir: Path | None) -> VerifiedTexts | None:
    """The folder's verified texts; None without the file (no text fallback, as before it existed)."""
    if selectors_dir is None:
        return None
    path = Path(selectors_dir) / FILE_NAME
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        return None
    return _load(path.resolve(), mtime)


def _same(text: str) -> str:
    return " ".join(text.split()).casefold()


def problems(
    verified: VerifiedTexts,
    fields_of: Mapping[str, Collection[str]],
    locale_banners: Mapping[str, Sequence[str]],
) -> list[str]:
    """What does not fit the rest of the folder: an entry backing a page or field its selector files
    do not have, a locale without a locale file, a banner the locale file would not read as one (the
    row it finds would then not count as a request)."""
    found = []
    for name, backs in verified.backed():
        if backs.page not in fields_of:
            found.append(f"{name}.backs.page: no selector file for page {backs.page!r}")
        elif backs.field not in fields_of[backs.page]:
            found.append(f"{name}.backs.field: selectors/{backs.page}.yaml has no field {backs.field!r}")
    if verified.request_banner is not None:
        for locale, texts in verified.request_banner.texts.items():
            if locale not in locale_banners:
                found.append(f"request_banner.texts.{locale}: no locale file locales/{locale}.yaml")
                continue
            known = {_same(t) for t in locale_banners[locale]}
            for text in texts:
                if _same(text) not in known:
                    found.append(
                        f"request_banner.texts.{locale}: {text!r} is not one of the locale's "
                        "manage_orders.request_banners; add it there too"
                    )
    return found


def check_folder(
    selectors_dir: Path,
    fields_of: Mapping[str, Collection[str]],
    locale_banners: Mapping[str, Sequence[str]],
) -> None:
    """Stop with every `problems` of the folder's verified texts (exit code 2), if it has the file."""
    verified = load_verified_texts(selectors_dir)
    found = problems(verified, fields_of, locale_banners) if verified is not None else []
    if found:
        path = Path(selectors_dir) / FILE_NAME
        raise YamlError(path, [f"{path}: {problem}" for problem in found])
