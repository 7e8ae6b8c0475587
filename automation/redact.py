"""Redaction of secrets and buyer personal data from every text the agent writes.

Values are registered as they become known (the password and TOTP secret at sign-in, session cookies
when saved, buyer names when read) and replaced by value, including their URL- and JSON-escaped forms;
e-mail addresses and phone numbers are replaced by pattern. Used by the log sinks, reports, HAR scrubbing
and trace scrubbing. No browser access.
"""

from __future__ import annotations

import json
import re
import threading
from urllib.parse import quote, quote_plus

EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
PHONE_RE = re.compile(r"(?<![\w:.-])\+?\(?\d[\d ()./-]{7,}\d(?![\w:-])")
# Look like phone numbers to the pattern above but are not: dates, times, order ids, plain amounts.
NOT_PHONE_RE = re.compile(
    r"^(\d{4}-\d{2}-\d{2}.*|\d{1,2}[./]\d{1,2}[./]\d{2,4}.*|\d{4}/\d{1,2}/\d{1,2}.*|\d{3}-\d{7}-\d{7}|[\d.,]+)$"
)
MIN_SECRET_LENGTH = 4


class Redactor:
    """A set of values to hide, each with a label shown instead (`[password]`, `[buyer]`)."""

    def __init__(self) -> None:
        self._values: dict[str, str] = {}
        self._pattern: re.Pattern[str] | None = None
        self._lock = threading.Lock()
        self.mask_emails = True
        self.keep_emails: set[str] = set()

    def add(self, value: str | None, label: str) -> None:
        """Hide `value` (and its escaped forms) from now on."""
        if not value or len(value) < MIN_SECRET_LENGTH:
            return
        forms = {value, quote(value, safe=""), quote_plus(value), json.dumps(value)[1:-1]}
        with self._lock:
            changed = False
            for form in forms:
                if form and form not in self._values:
                    self._values[form] = f"[{label}]"
                    changed = True
            if changed:
                self._pattern = None

    def _compiled(self) -> re.Pattern[str] | None:
        with self._lock:
            if self._pattern is None and self._values:
                ordered = sorted(self._values, key=len, reverse=True)
                self._pattern = re.compile("|".join(re.escape(v) for v in ordered))
            return self._pattern

    def __call__(self, text: str) -> str:
        pattern = self._compiled()
        if pattern is not None:
            text = pattern.sub(lambda m: self._values[m.group(0)], text)
        if self.mask_emails:
            text = EMAIL_RE.sub(lambda m: m.group(0) if m.group(0) in self.keep_emails else "[email]", text)
        return PHONE_RE.sub(self._phone, text)

    @staticmethod
    def _phone(match: re.Match[str]) -> str:
        return match.group(0) if NOT_PHONE_RE.match(match.group(0).strip()) else "[phone]"

    def secrets(self) -> list[str]:
        with self._lock:
            return list(self._values)


REDACTOR = Redactor()
"""The process-wide redactor used by logging; runs register their secrets and buyer names here."""
