"""The texts by which the agent recognises Amazon's e-mails: `selectors/emails.yaml`, typed and validated.

Subjects are data, by language, each with how sure we are of it (`V` verified, `seed`, `P` guessed), so
an operator can replace a guess by the real subject without a code change. Like the locale texts, these
are written from the reference (seller-central.md §3, §12), never copied from the sandbox. A mistake in
the file is a `YamlError` naming file, line and field (exit code 2).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator

from automation.parsers.normalize import chunks_in_order, compact
from automation.strict_model import StrictModel
from automation.yaml_source import YamlError, load_model

EMAILS_FILE = "emails.yaml"
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
PLACEHOLDERS = frozenset({"order_id", "buyer", "topic"})

Status = Literal["V", "seed", "P"]


class SubjectText(StrictModel):
    text: str = Field(min_length=1)
    status: Status

    @field_validator("text")
    @classmethod
    def _placeholders(cls, value: str) -> str:
        unknown = sorted(set(_PLACEHOLDER.findall(value)) - PLACEHOLDERS)
        if unknown:
            raise ValueError(
                f"{value!r}: unknown placeholder {{{unknown[0]}}}; use {{order_id}}, {{buyer}} or {{topic}}"
            )
        if not compact(_PLACEHOLDER.sub(" ", value)):
            raise ValueError(f"{value!r}: a subject needs some text besides its placeholders")
        return value


class LanguageEmails(StrictModel):
    request_subjects: tuple[SubjectText, ...]
    request_body_lines: tuple[str, ...] = ()
    buyer_message_subjects: tuple[SubjectText, ...] = ()


class NotificationTypes(StrictModel):
    """Values of Amazon's `X-Space-Notification-Type` header (seller-central.md §12.1)."""

    request: tuple[str, ...] = Field(min_length=1)
    buyer_message: tuple[str, ...] = Field(min_length=1)
    ignored: tuple[str, ...] = ()


class MessageMarkers(StrictModel):
    begin: str = Field(min_length=1)
    end: str = Field(min_length=1)


class EmailTexts(StrictModel):
    format: Literal[1]
    verified_on: date | None = None
    source: str | None = None
    notification_types: NotificationTypes
    forward_prefixes: tuple[str, ...] = ()
    reply_prefixes: tuple[str, ...] = ()
    message_markers: tuple[MessageMarkers, ...] = ()
    languages: dict[str, LanguageEmails] = Field(min_length=1)

    @field_validator("languages")
    @classmethod
    def _language_codes(cls, value: dict[str, LanguageEmails]) -> dict[str, LanguageEmails]:
        for code in value:
            if not re.fullmatch(r"[a-z]{2}", code):
                raise ValueError(f"'{code}' is not a two-letter language code such as en, es or it")
        return value


@dataclass(frozen=True)
class SubjectTemplate:
    """One subject, compiled: its literal parts (compacted) must appear in order; the first one opens
    the subject unless the template starts with a placeholder. Text after the last part is allowed,
    since a subject seen only as a prefix ("Demande d'annulation de commande") may go on."""

    language: str
    status: Status
    text: str
    chunks: tuple[str, ...]
    anchored: bool

    def matches(self, subject: str) -> bool:
        return chunks_in_order(compact(subject), self.chunks, anchored=self.anchored)


def compile_subject(language: str, subject: SubjectText) -> SubjectTemplate:
    parts = _PLACEHOLDER.split(subject.text)[::2]  # split keeps the names at the odd places
    chunks = tuple(c for c in (compact(p) for p in parts) if c)
    return SubjectTemplate(
        language, subject.status, subject.text, chunks, anchored=not subject.text.lstrip().startswith("{")
    )


@dataclass(frozen=True)
class CompiledEmailTexts:
    """`EmailTexts` ready for matching, compiled once per file."""

    texts: EmailTexts
    request_subjects: tuple[SubjectTemplate, ...]
    buyer_message_subjects: tuple[SubjectTemplate, ...]
    request_body_lines: tuple[tuple[str, str], ...]
    """(language, compacted line) pairs."""
    prefix: re.Pattern[str]
    """One subject prefix ("Fwd: ", "RE: "); group `word` holds the prefix word."""
    reply_words: frozenset[str]


def _compile(texts: EmailTexts) -> CompiledEmailTexts:
    prefixes = [*texts.forward_prefixes, *texts.reply_prefixes]
    alternation = "|".join(re.escape(p) for p in sorted(prefixes, key=len, reverse=True)) or r"(?!)"
    return CompiledEmailTexts(
        texts=texts,
        request_subjects=tuple(
            compile_subject(code, s) for code, lang in texts.languages.items() for s in lang.request_subjects
        ),
        buyer_message_subjects=tuple(
            compile_subject(code, s)
            for code, lang in texts.languages.items()
            for s in lang.buyer_message_subjects
        ),
        request_body_lines=tuple(
            (code, compact(line))
            for code, lang in texts.languages.items()
            for line in lang.request_body_lines
        ),
        prefix=re.compile(rf"^\s*\[?(?P<word>{alternation})\]?\s*[:：]\s*", re.IGNORECASE),
        reply_words=frozenset(p.casefold() for p in texts.reply_prefixes),
    )


@lru_cache(maxsize=8)
def _load(path: Path) -> CompiledEmailTexts:
    if not path.is_file():
        raise YamlError(path, [f"{path}: the e-mail texts file is missing (selectors/{EMAILS_FILE})"])
    return _compile(load_model(EmailTexts, path))


def load_email_texts(selectors_dir: Path) -> CompiledEmailTexts:
    """The e-mail texts of a selectors folder, read and compiled once per folder."""
    return _load((Path(selectors_dir) / EMAILS_FILE).resolve())


def clear_cache() -> None:
    _load.cache_clear()
