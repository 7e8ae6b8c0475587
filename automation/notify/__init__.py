"""Notifications through Apprise: which events a run calls for, the daily summary, stale schedules,
and a de-duplicating sender that never lets a notification fail a run."""

from __future__ import annotations

from automation.notify.event import ALL_EVENTS, Event, EventKind, Level
from automation.notify.notifier import RENOTIFY_AFTER, Notifier, notification_urls
from automation.notify.run_events import check_stale, events_for_run, failures_in_a_row
from automation.notify.summary import daily_summary

__all__ = [
    "ALL_EVENTS",
    "RENOTIFY_AFTER",
    "Event",
    "EventKind",
    "Level",
    "Notifier",
    "check_stale",
    "daily_summary",
    "events_for_run",
    "failures_in_a_row",
    "notification_urls",
]
