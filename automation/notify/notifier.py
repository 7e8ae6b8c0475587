"""Sending events through Apprise (Slack, e-mail, Teams, Telegram... one URL each), de-duplicated.

Notifications are a side channel: a dead URL is logged and never fails the run. Every title and body
goes through the redactor as a last guard, and the URLs themselves (they embed tokens) are registered
with it and never logged.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from datetime import datetime, timedelta
from pathlib import Path

from loguru import logger

from automation.clock import utc_now
from automation.errors import BadInputError
from automation.notify.event import ALL_EVENTS, Event
from automation.notify.sent_state import SentState
from automation.redact import REDACTOR, Redactor
from automation.settings import EnvSecret, Notifications, resolve_secret
from automation.yaml_source import YamlDocument

RENOTIFY_AFTER = timedelta(hours=6)
MAX_BODY = 3_000


_SAID_UNSET: set[str] = set()
"""Unset notification variables already mentioned by this process (said once, not once per run)."""


def notification_urls(
    settings: Notifications, env: Mapping[str, str], *, source: YamlDocument | None = None
) -> list[str]:
    """The Apprise URLs of the settings, references resolved and every URL registered with the
    redactor (a Slack or Telegram URL is a credential).

    Notifications are optional until they are set up: an `{env: NAME}` reference to a variable that is
    not set means no notifications from that entry (said once, at INFO), so that a copy of
    config.example.yaml works before anyone has a webhook. Any other reference that cannot be read
    (a missing file, a keyring without the entry) stops the command, with the settings file's line.
    """
    urls = []
    for index, entry in enumerate(settings.urls):
        name = f"notifications.urls[{index}]"
        what = f"{source.where(('notifications', 'urls', index))}: {name}" if source is not None else name
        if isinstance(entry, EnvSecret) and not env.get(entry.env):
            if entry.env not in _SAID_UNSET:
                _SAID_UNSET.add(entry.env)
                logger.info(
                    "{}: the environment variable {} is not set, so no notifications are sent through it; "
                    "set it to an Apprise URL (e.g. slack://...) to get them, or remove the entry",
                    what,
                    entry.env,
                )
            continue
        url = entry if isinstance(entry, str) else resolve_secret(entry, env, what)
        text = url if isinstance(url, str) else url.get_secret_value()
        REDACTOR.add(text, "notify-url")
        urls.append(text)
    return urls


def _scheme(url: str) -> str:
    return url.split("://", 1)[0] if "://" in url else "?"


class Notifier:
    def __init__(
        self,
        urls: list[str],
        *,
        state_path: Path,
        clock: Callable[[], datetime] = utc_now,
        events: Collection[str] | None = None,
        renotify_after: timedelta = RENOTIFY_AFTER,
        redactor: Redactor = REDACTOR,
    ) -> None:
        unknown = set(events or ()) - ALL_EVENTS
        if unknown:
            raise BadInputError(
                f"notifications.events: unknown event(s) {', '.join(sorted(unknown))}; "
                f"known: {', '.join(sorted(ALL_EVENTS))}"
            )
        self.urls = list(urls)
        self.events = ALL_EVENTS if events is None else frozenset(events)
        self.clock = clock
        self.renotify_after = renotify_after
        self.redactor = redactor
        self.state = SentState(state_path)

    def notify(self, event: Event) -> bool:
        """Send `event` unless it is filtered out, was sent within the re-notify window, or there is
        nowhere to send it. True when at least one URL took it (then it counts as sent)."""
        if not self.urls or str(event.kind) not in self.events:
            return False
        now = self.clock()
        if self.state.sent_recently(event.subject, now, self.renotify_after):
            logger.debug("notification {} already sent within {}", event.subject, self.renotify_after)
            return False
        title = self.redactor(event.title)
        body = self.redactor(event.body[:MAX_BODY])
        delivered = sum(self._send(index, url, title, body, event) for index, url in enumerate(self.urls, 1))
        if delivered:
            self.state.mark_sent(event.subject, now, self.renotify_after)
        return delivered > 0

    def notify_all(self, events: list[Event]) -> int:
        return sum(self.notify(event) for event in events)

    def _send(self, index: int, url: str, title: str, body: str, event: Event) -> bool:
        """One URL, on its own, so one broken service neither hides nor blocks the others."""
        import apprise

        where = f"notification URL #{index} ({_scheme(url)}://...)"
        try:
            sender = apprise.Apprise()
            if not sender.add(url):
                logger.warning("{}: not a URL Apprise understands; {} not sent", where, event.kind)
                return False
            ok = bool(sender.notify(title=title, body=body, notify_type=apprise.NotifyType(str(event.level))))
        except Exception as exc:
            logger.warning("{}: {} failed: {}", where, event.kind, self.redactor(str(exc)))
            return False
        if not ok:
            logger.warning("{}: {} could not be delivered", where, event.kind)
        return ok
