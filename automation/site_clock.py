"""The site's time: what every time-based rule measures with (request ages, ship-by and auto-cancel
alerts). Pure; no browser.

Request times and ship-by dates are read from Seller Central's pages, so they are compared with Seller
Central's own clock, taken from the `Date` header of the last document loaded (sandbox-scenario.md, "Site
time"). A sandbox serving a scenario written for another day sends that day's time there, so ages come
out as the scenario means them; against the real site it also absorbs a machine clock that is off. The
clock keeps the site's offset from the machine's, so it runs on between documents and can be stored with
a run (`rules explain` reuses the last scan's). Times the agent records itself (ledger, run ids, file
names, `scanned_at`) stay on the machine's clock.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from loguru import logger

from automation.clock import utc_now

OFFSET_KEY = "site_clock_offset_s"
"""The run statistics' key for the site's offset from the machine's clock, in seconds."""


def parse_http_date(value: str) -> datetime | None:
    """An HTTP `Date` header as an aware UTC datetime; None when it is not a date."""
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed.tzinfo is None:  # "-0000" means UTC with no zone information
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


class SiteClock:
    """The site's time as the machine's time plus the offset the last `Date` header showed.

    Before any header is seen (or after only unreadable ones) it answers the machine's time and says so
    once in the log: ages are then only as right as the machine's clock.
    """

    def __init__(self, machine: Callable[[], datetime] = utc_now, *, offset: timedelta | None = None) -> None:
        self._machine = machine
        self._offset = offset
        self._warned = False

    @classmethod
    def from_stats(cls, stats: Mapping[str, object], machine: Callable[[], datetime] = utc_now) -> SiteClock:
        """The clock of a finished run, from the offset its statistics kept (none kept: the machine's)."""
        seconds = stats.get(OFFSET_KEY)
        offset = timedelta(seconds=seconds) if isinstance(seconds, int | float) else None
        return cls(machine, offset=offset)

    @property
    def seen(self) -> bool:
        """Whether the site's time is known (a Date header was read, or a stored offset given)."""
        return self._offset is not None

    @property
    def offset(self) -> timedelta | None:
        return self._offset

    def observe(self, date_header: str | None) -> None:
        """A document's `Date` header arrived now: the site's time is that, from here on."""
        if not date_header:
            return
        site = parse_http_date(date_header)
        if site is None:
            logger.debug("ignored an unreadable Date header: {!r}", date_header[:60])
            return
        self._offset = site - self._machine()

    def now(self) -> datetime:
        if self._offset is None:
            if not self._warned:
                logger.warning(
                    "no Date header seen from the site yet: request ages and deadlines use this machine's "
                    "clock"
                )
                self._warned = True
            return self._machine()
        return self._machine() + self._offset

    def stats(self) -> dict[str, float]:
        """What a run keeps of the clock (merged into its statistics), or nothing when it was not seen."""
        if self._offset is None:
            return {}
        return {OFFSET_KEY: round(self._offset.total_seconds(), 3)}
