"""Redaction of secrets and buyer personal data from every text the agent writes.

Values are registered as they become known (the password and TOTP secret at sign-in, session cookies
when saved, for the life of the process; buyer names when read, for the run that read them) and replaced
by value, including their URL- and JSON-escaped forms; e-mail addresses and phone numbers are replaced
by pattern. Used by the log sinks, reports, HAR scrubbing
and trace scrubbing. No browser access.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
from collections.abc import Iterator
from urllib.parse import quote, quote_plus

EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
PHONE_RE = re.compile(r"(?<![\w:.-])\+?\(?\d[\d ()./-]{7,}\d(?![\w:-])")
# Look like phone numbers to the pattern above but are not: dates, times, order ids, plain amounts.
NOT_PHONE_RE = re.compile(
    r"^(\d{4}-\d{2}-\d{2}.*|\d{1,2}[./]\d{1,2}[./]\d{2,4}.*|\d{4}/\d{1,2}/\d{1,2}.*|\d{3}-\d{7}-\d{7}|[\d.,]+)$"
)
MIN_SECRET_LENGTH = 4


class Redactor:
    """A set of values to hide, each with a label shown instead (`[password]`, `[buyer]`).

    Secrets (password, TOTP secret, cookies) are held for the life of the process. What belongs to one
    run (its buyers' names) is held in that run's `RunValues` (`run_scope`), dropped when the run ends,
    so a scheduled loop does not gather every buyer name it ever saw.
    """

    def __init__(self) -> None:
        self._values: dict[str, str] = {}
        self._runs: list[RunValues] = []
        self._pattern: re.Pattern[str] | None = None
        self._labels: dict[str, str] = {}
        self._lock = threading.Lock()
        self.mask_emails = True
        self.keep_emails: set[str] = set()

    def add(self, value: str | None, label: str) -> None:
        """Hide `value` (and its escaped forms) from now on, for the life of the process."""
        self._register(self._values, value, label)

    def _register(self, into: dict[str, str], value: str | None, label: str) -> None:
        if not value or len(value) < MIN_SECRET_LENGTH:
            return
        forms = {value, quote(value, safe=""), quote_plus(value), json.dumps(value)[1:-1]}
        with self._lock:
            changed = False
            for form in forms:
                if form and form not in into:
                    into[form] = f"[{label}]"
                    changed = True
            if changed:
                self._pattern = None

    @contextlib.contextmanager
    def run_scope(self) -> Iterator[RunValues]:
        """Values added to the yielded `RunValues` are hidden until the block ends, then forgotten."""
        run = RunValues(self)
        with self._lock:
            self._runs.append(run)
        try:
            yield run
        finally:
            with self._lock:
                self._runs.remove(run)
                self._pattern = None

    def _held(self) -> dict[str, str]:
        """Every value hidden now (caller holds the lock); a process-wide label wins over a run's."""
        held: dict[str, str] = {}
        for run in self._runs:
            held.update(run.values)
        held.update(self._values)
        return held

    def _compiled(self) -> tuple[re.Pattern[str] | None, dict[str, str]]:
        with self._lock:
            if self._pattern is None:
                self._labels = self._held()
                if self._labels:
                    ordered = sorted(self._labels, key=len, reverse=True)
                    self._pattern = re.compile("|".join(re.escape(v) for v in ordered))
            return self._pattern, self._labels

    def __call__(self, text: str) -> str:
        pattern, labels = self._compiled()
        if pattern is not None:
            text = pattern.sub(lambda m: labels[m.group(0)], text)
        if self.mask_emails:
            text = EMAIL_RE.sub(lambda m: m.group(0) if m.group(0) in self.keep_emails else "[email]", text)
        return PHONE_RE.sub(self._phone, text)

    @staticmethod
    def _phone(match: re.Match[str]) -> str:
        return match.group(0) if NOT_PHONE_RE.match(match.group(0).strip()) else "[phone]"

    def secrets(self) -> list[str]:
        with self._lock:
            return list(self._held())


class RunValues:
    """The values one run hides (its buyers' names), for as long as the run lasts."""

    def __init__(self, owner: Redactor) -> None:
        self._owner = owner
        self.values: dict[str, str] = {}

    def add(self, value: str | None, label: str) -> None:
        """Hide `value` (and its escaped forms) until the run ends."""
        self._owner._register(self.values, value, label)

    def __call__(self, text: str) -> str:
        """`text` with only this run's values hidden (for what outlives the run, such as its error)."""
        for value in sorted(self.values, key=len, reverse=True):
            text = text.replace(value, self.values[value])
        return text


REDACTOR = Redactor()
"""The process-wide redactor used by logging; runs register their secrets here, and their buyer names
in their own `run_scope`."""
