"""Which senders count: the mailbox's `senders` patterns (`*@amazon.*`, `*@*.amazon.*`).

A plain shell glob would let `*@amazon.*` match `x@amazon.evil.example`, since `*` runs over dots. Here
a `*` in the domain stands for whole labels (`marketplace`, `eu.marketplace`), and a final `.*` for a
top-level domain only: one label (`com`, `de`) or a country's second level (`co.uk`, `com.mx`). A
`*` in the local part stands for anything. Case is ignored. A lookalike domain (`amaz0n-support.com`)
matches none of the defaults: its notices are spoofs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from email.utils import parseaddr
from functools import lru_cache

DEFAULT_SENDERS = ("*@amazon.*", "*@*.amazon.*")
_LABELS = r"[a-z0-9-]+(?:\.[a-z0-9-]+)*"
_TOP_LEVEL = r"(?:[a-z]{2,}|(?:co|com|org|net)\.[a-z]{2})"


def check_sender_pattern(pattern: str) -> str:
    """A pattern has one `@`, something on each side, no spaces; raises ValueError otherwise."""
    local, at, domain = pattern.strip().partition("@")
    if not at or not local or not domain or "@" in domain or any(c.isspace() for c in pattern.strip()):
        raise ValueError(f"'{pattern}' is not a sender pattern like *@amazon.* (one @, no spaces)")
    return pattern.strip()


@lru_cache(maxsize=64)
def _compile(pattern: str) -> re.Pattern[str]:
    local, _, domain = pattern.strip().lower().partition("@")
    local_re = ".*".join(re.escape(part) for part in local.split("*"))
    top_level = domain.endswith(".*")
    head = domain[:-2] if top_level else domain
    domain_re = _LABELS.join(re.escape(part) for part in head.split("*"))
    if top_level:
        domain_re += rf"\.{_TOP_LEVEL}"
    return re.compile(f"{local_re}@{domain_re}")


def sender_address(from_header: str) -> str:
    """The bare address of a From header (`"Name" <a@b.c>` -> `a@b.c`), lower-cased."""
    return parseaddr(from_header)[1].strip().lower()


def sender_allowed(address: str, patterns: Iterable[str]) -> bool:
    """Whether the (bare) address matches one of the patterns."""
    address = address.strip().lower()
    return bool(address) and any(_compile(p).fullmatch(address) for p in patterns)
