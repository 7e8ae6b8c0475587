"""A notification event: what happened to which account and orders, in words a person acts on.

The subject (kind, account, order ids) is what de-duplication keys on: the same news about the same
orders is not sent twice within the re-notify window, while news about other orders is.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from automation.strict_model import StrictModel


class EventKind(StrEnum):
    NEW_REQUESTS = "new_requests"
    APPROVAL_WAITING = "approval_waiting"
    SHIP_BY_NEAR = "ship_by_near"
    PERSON_NEEDED = "person_needed"
    PAGE_CHANGED = "page_changed"
    REPEATED_FAILURES = "repeated_failures"
    RUNS_STOPPED = "runs_stopped"
    EMAIL_UNCONFIRMED = "email_unconfirmed"
    EMAIL_MISSING = "email_missing"
    MAILBOX_FAILING = "mailbox_failing"
    DAILY_SUMMARY = "daily_summary"


ALL_EVENTS = frozenset(str(kind) for kind in EventKind)


class Level(StrEnum):
    """Apprise's notification types, so chat services colour the message."""

    INFO = "info"
    WARNING = "warning"
    FAILURE = "failure"


class Event(StrictModel):
    kind: EventKind
    account: str
    title: str
    body: str
    level: Level = Level.INFO
    order_ids: tuple[str, ...] = ()
    topic: str | None = None
    """Extra subject part for events about no order (the daily summary's date)."""

    @property
    def subject(self) -> str:
        ids = ",".join(sorted(self.order_ids))
        return "|".join(part for part in (str(self.kind), self.account, ids, self.topic or "") if part)


def day(value: date) -> str:
    """`26 Nov 2026`: unambiguous for people everywhere, and not mistaken for a phone number by the
    redactor's pattern the way `2026-11-26` is."""
    return value.strftime("%d %b %Y").lstrip("0")


def plural(n: int, word: str) -> str:
    """`1 request`, `2 requests`."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def id_list(order_ids: list[str] | tuple[str, ...], limit: int = 10) -> str:
    """Order ids for a message body; a long list is cut so a chat message stays readable."""
    shown = ", ".join(order_ids[:limit])
    more = len(order_ids) - limit
    return f"{shown} and {more} more" if more > 0 else shown
