"""Amazon's generated message subjects and the legacy request body, in every loaded locale.

Before June 2022 an official buyer cancellation request reached the seller as a Buyer-Seller Messages
thread whose subject followed a fixed template ("Order cancellation request from Amazon customer …",
seller-central.md §3.3); a buyer's own message carries "Inquiry from Amazon customer …" instead. Buyers
do not write these subjects, so the subject alone tells the two apart. The templates are data in the
locale files; for German, Italian and Japanese they are unverified guesses, so a second rule also takes
a generated-looking subject naming Amazon, a request word and a cancel term as the template.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from automation.parsers.dates import parse_local_datetime
from automation.parsers.lexicon import CompiledLexicon, compile_lexicon
from automation.parsers.memo import by_values_identity
from automation.parsers.normalize import chunks_in_order, compact, find_order_ids, fold, split_label
from automation.parsers.parse_error import ParseError
from automation.parsers.patterns import words

if TYPE_CHECKING:
    from automation.parsers.locale_texts import LocaleTexts

_PLACEHOLDER = re.compile(r"\{\w+\}")
_LABEL_LIKE = re.compile(r"[:：]")


@dataclass(frozen=True)
class _Template:
    locale: str
    chunks: tuple[str, ...]
    anchored: bool
    opening: str
    """The literal text before the first placeholder, as written."""

    def matches_prefix(self, subject: str) -> bool:
        """The first literal part begins the subject (or appears in it, after a leading placeholder)."""
        first = self.chunks[0]
        return subject.startswith(first) if self.anchored else first in subject

    def matches_all(self, subject: str) -> bool:
        """Every literal part appears, in order."""
        return chunks_in_order(subject, self.chunks, anchored=self.anchored)


def _template(locale: str, text: str) -> _Template:
    parts = _PLACEHOLDER.split(text)
    chunks = tuple(c for c in (compact(part) for part in parts) if c)
    anchored = not text.lstrip().startswith("{")
    return _Template(locale, chunks, anchored, parts[0] if anchored else "")


def _has_cancel_term(text: str, lexicon: CompiledLexicon) -> bool:
    folded = fold(text)
    return any(lexicon.cancel_term(w) for w in words(folded)) or bool(
        lexicon.cjk_cancel_terms(folded.replace(" ", ""))
    )


@dataclass(frozen=True)
class SubjectMatch:
    locale: str
    how: str
    """`template` (a listed subject) or `keywords` (Amazon + request word + cancel term)."""


@dataclass(frozen=True)
class _SubjectRules:
    """The subject templates of every loaded locale, compiled once."""

    legacy: tuple[tuple[_Template, bool], ...]
    """Each legacy template, and whether its opening alone decides (it names the cancellation)."""
    keywords: tuple[tuple[str, tuple[str, ...]], ...]
    inquiry: tuple[_Template, ...]
    reply_prefix: re.Pattern[str] | None


@by_values_identity
def _rules(texts: Mapping[str, LocaleTexts]) -> _SubjectRules:
    lexicon = compile_lexicon(texts)
    legacy = []
    for name, locale_texts in texts.items():
        for text in locale_texts.messages.legacy_request.subjects:
            template = _template(name, text)
            # An opening that itself says "cancellation request" decides alone, even in a subject cut
            # short; a generic opening ("Amazonのお客様") needs the whole template.
            legacy.append((template, template.anchored and _has_cancel_term(template.opening, lexicon)))
    prefixes = {fold(p) for t in texts.values() for p in t.messages.reply_prefixes}
    alternation = "|".join(re.escape(p) for p in sorted(prefixes, key=len, reverse=True))
    return _SubjectRules(
        legacy=tuple(legacy),
        keywords=tuple(
            (name, tuple(compact(k) for k in t.messages.legacy_request.subject_keywords))
            for name, t in texts.items()
        ),
        inquiry=tuple(
            _template(name, text) for name, t in texts.items() for text in t.messages.inquiry_subjects
        ),
        reply_prefix=re.compile(rf"^\s*(?:{alternation})\s*[:：]\s*", re.IGNORECASE) if prefixes else None,
    )


def strip_reply_prefixes(subject: str, texts: Mapping[str, LocaleTexts]) -> str:
    """The subject without "RE:", "AW:", "TR:" … in front (any number of them)."""
    pattern = _rules(texts).reply_prefix
    if pattern is None:
        return subject
    previous = None
    while previous != subject:
        previous, subject = subject, pattern.sub("", subject, count=1)
    return subject


def is_inquiry_subject(subject: str, texts: Mapping[str, LocaleTexts]) -> bool:
    """A subject in the style Amazon gives a buyer's own message ("Inquiry from Amazon customer …")."""
    key = compact(strip_reply_prefixes(subject, texts))
    return any(template.matches_all(key) for template in _rules(texts).inquiry)


def legacy_request_subject(
    subject: str, texts: Mapping[str, LocaleTexts], lexicon: CompiledLexicon
) -> SubjectMatch | None:
    """Which locale's legacy cancellation-request template the subject follows, if any."""
    key = compact(strip_reply_prefixes(subject, texts))
    if not key:
        return None
    rules = _rules(texts)
    for template, decisive in rules.legacy:
        if template.matches_prefix(key) if decisive else template.matches_all(key):
            return SubjectMatch(template.locale, "template")
    if "amazon" not in key or is_inquiry_subject(subject, texts) or not _has_cancel_term(subject, lexicon):
        return None
    for name, keywords in rules.keywords:
        if any(k in key for k in keywords):
            return SubjectMatch(name, "keywords")
    return None


@dataclass(frozen=True)
class LegacyBody:
    order_id: str | None = None
    reason: str | None = None
    requested_at: datetime | None = None


def _labelled_values(body: str, labels: tuple[str, ...]) -> list[str]:
    lines = [line.strip() for line in body.splitlines()]
    values = []
    for index, line in enumerate(lines):
        value = split_label(line, labels, require_colon=True)
        if value is None:
            continue
        if not value:  # "Reason:" with the value on the next line (unless that line is another label)
            value = next((nxt for nxt in lines[index + 1 :] if nxt), "")
            value = "" if _LABEL_LIKE.search(value) else value
        if value:
            values.append(value)
    return values


def read_legacy_body(body: str, locale: str, texts: Mapping[str, LocaleTexts]) -> LegacyBody:
    """Order id, reason and request time from the template's labelled lines (any of them may be absent).

    Labels and dates are tried in the matched locale first, then in the others: a thread may be in a
    language other than the marketplace's.
    """
    order = [locale, *(name for name in texts if name != locale)] if locale in texts else list(texts)
    order_id = reason = None
    requested_at = None
    for name in order:
        legacy = texts[name].messages.legacy_request
        if order_id is None:
            order_id = next(
                (
                    ids[0]
                    for v in _labelled_values(body, legacy.order_id_labels)
                    if (ids := find_order_ids(v))
                ),
                None,
            )
        if reason is None:
            reason = next(iter(_labelled_values(body, legacy.reason_labels)), None)
        if requested_at is None:
            for value in _labelled_values(body, legacy.requested_at_labels):
                requested_at = _try_datetime(value, name, texts)
                if requested_at:
                    break
    return LegacyBody(order_id, reason, requested_at)


def _try_datetime(value: str, first: str, texts: Mapping[str, LocaleTexts]) -> datetime | None:
    for name in [first, *(n for n in texts if n != first)]:
        locale_texts = texts[name]
        try:
            return parse_local_datetime(value, None, locale_texts, locale_texts.marketplace.zone)
        except ParseError:
            continue
    return None
