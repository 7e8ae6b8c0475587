"""Buyer personal data in captured pages: finding it, and replacing it by stable fakes.

Names, address lines and phone numbers are collected from the JSON fields Seller Central's screens load
(`buyerName`, a buyer's `senderName`, `shippingAddress`...) and from the cells the selector files name,
then replaced everywhere as whole words, whatever the whitespace between their parts; e-mails and phone
numbers are also replaced by pattern (automation.redact's). The same value always gets the same fake,
so pages still read as they did. Pure: no browser.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from automation.recording.html_text import element_texts
from automation.redact import EMAIL_RE, NOT_PHONE_RE, PHONE_RE

BUYER_NAME_KEYS = frozenset({"buyerName", "BuyerName", "buyer_name", "recipientName", "shipToName"})
ADDRESS_KEYS = frozenset({"shippingAddress", "ShippingAddress", "buyerAddress", "shipToAddress", "address"})
PHONE_KEYS = frozenset({"phone", "Phone", "buyerPhone", "phoneNumber", "shipToPhone"})
IMAGE_SUFFIX_RE = re.compile(r"\.(png|jpe?g|gif|svg|webp|ico)$", re.IGNORECASE)


@dataclass
class ScrubReport:
    """What was removed or replaced, by kind (stored in meta.yaml; never the values themselves)."""

    counts: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, n: int = 1) -> None:
        if n:
            self.counts[kind] = self.counts.get(kind, 0) + n


class Pseudonyms:
    """Stable fakes for personal data: the same value always gets the same fake, in order of discovery."""

    def __init__(self, account_email: str | None = None) -> None:
        self.names: dict[str, str] = {}
        self.emails: dict[str, str] = {}
        self.addresses: dict[str, str] = {}
        self.phones: dict[str, str] = {}
        if account_email:
            self.emails[account_email] = "seller@example.invalid"
            self.emails[account_email.lower()] = "seller@example.invalid"

    def name(self, real: str) -> str:
        return self.names.setdefault(real, f"Buyer {len(self.names) + 1}")

    def email(self, real: str) -> str:
        known = self.emails.get(real) or self.emails.get(real.lower())
        if known:
            return known
        people = {fake for fake in self.emails.values() if fake.startswith("person-")}
        fake = f"person-{len(people) + 1}@example.invalid"
        self.emails[real] = fake
        return fake

    def address(self, real: str) -> str:
        return self.addresses.setdefault(real, f"{len(self.addresses) + 1} Example Street")

    def phone(self, real: str) -> str:
        return self.phones.setdefault(real, f"+1 555 0100 {len(self.phones) + 1:03d}")

    def originals(self) -> list[str]:
        """Every real value replaced so far that is not also someone's fake (for the leftover check)."""
        fakes = {*self.names.values(), *self.emails.values(), *self.addresses.values(), *self.phones.values()}
        reals = [*self.names, *self.emails, *self.addresses, *self.phones]
        return [r for r in reals if r not in fakes and not r.endswith(".invalid")]


def _is_phone(text: str) -> bool:
    return not NOT_PHONE_RE.match(text.strip())


class TextScrubber:
    """Replaces known names and addresses, and e-mails and phone numbers by pattern, in one pass each."""

    def __init__(self, fakes: Pseudonyms, report: ScrubReport) -> None:
        self.fakes = fakes
        self.report = report
        self._known: dict[str, str] = {}
        self._pattern: re.Pattern[str] | None = None

    def learn(self) -> None:
        """Build the one-pass pattern from the names and addresses collected so far."""
        known: dict[str, str] = {}
        for real, fake in [*self.fakes.names.items(), *self.fakes.addresses.items()]:
            known[_spaced(real)] = fake
            known[_spaced(html.escape(real))] = html.escape(fake)
            known[_spaced(json.dumps(real)[1:-1])] = json.dumps(fake)[1:-1]
        self._known = {k: v for k, v in known.items() if k}
        self._pattern = whole_words(self._known)

    def __call__(self, text: str, *, phones: bool) -> str:
        if self._pattern is not None:
            text, n = self._pattern.subn(lambda m: self._known[_spaced(m.group(0))], text)
            self.report.add("buyer names and addresses", n)

        def email(match: re.Match[str]) -> str:
            value = match.group(0)
            if value.endswith(".invalid") or IMAGE_SUFFIX_RE.search(value):
                return value
            self.report.add("e-mails")
            return self.fakes.email(value)

        text = EMAIL_RE.sub(email, text)
        if phones:

            def phone(match: re.Match[str]) -> str:
                value = match.group(0)
                if not _is_phone(value) or value in self.fakes.phones.values():
                    return value
                self.report.add("phone numbers")
                return self.fakes.phone(value)

            text = PHONE_RE.sub(phone, text)
        return text


# ----------------------------------------------------------------------------------------------------
# Collecting the personal data a capture shows.


def walk_dicts(value: Any, visit: Callable[[dict[str, Any]], None]) -> None:
    if isinstance(value, dict):
        visit(value)
        for child in value.values():
            walk_dicts(child, visit)
    elif isinstance(value, list):
        for child in value:
            walk_dicts(child, visit)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    return []


def collect_from_json(document: Any, fakes: Pseudonyms) -> None:
    """Buyer names, addresses and phones in the JSON fields Seller Central's screens load."""

    def visit(obj: dict[str, Any]) -> None:
        for key, value in obj.items():
            if key in BUYER_NAME_KEYS and isinstance(value, str) and value.strip():
                fakes.name(value)
            elif key in ADDRESS_KEYS:
                lines = _strings(value)
                if lines and isinstance(value, list):
                    fakes.name(lines[0])  # an address block starts with the recipient's name
                    lines = lines[1:]
                for line in lines:
                    if line.strip():
                        fakes.address(line)
            elif key in PHONE_KEYS and isinstance(value, str) and value.strip():
                fakes.phone(value)
        sender_name = obj.get("senderName")
        if obj.get("sender") == "buyer" and isinstance(sender_name, str) and sender_name.strip():
            fakes.name(sender_name)

    walk_dicts(document, visit)


def collect_from_html(text: str, fakes: Pseudonyms, name_selectors: Iterable[str]) -> None:
    for name in element_texts(text, name_selectors):
        fakes.name(name)


def map_strings(value: Any, change: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return change(value)
    if isinstance(value, list):
        return [map_strings(v, change) for v in value]
    if isinstance(value, dict):
        return {k: map_strings(v, change) for k, v in value.items()}
    return value


def _spaced(text: str) -> str:
    """Whitespace collapsed: a page may show "Jane  Doe" or break the name over two lines."""
    return " ".join(text.split())


def whole_words(values: Iterable[str]) -> re.Pattern[str] | None:
    """One pattern matching any of `values` as whole words, longest first (so "Ann" spares "Annex"),
    with any run of whitespace where a value has a space."""
    ordered = sorted({_spaced(v) for v in values if v.strip()}, key=len, reverse=True)
    if not ordered:
        return None
    body = "|".join(r"\s+".join(re.escape(part) for part in v.split(" ")) for v in ordered)
    return re.compile(r"(?<!\w)(?:" + body + r")(?!\w)")


def find_leftovers(text: str, originals: Iterable[str]) -> list[str]:
    """The original values (3+ characters) still present in `text` as whole words; empty is good."""
    found = []
    for value in originals:
        pattern = whole_words([value, html.escape(value), json.dumps(value)[1:-1]])
        if len(value) >= 3 and pattern is not None and pattern.search(text):
            found.append(value)
    return found
