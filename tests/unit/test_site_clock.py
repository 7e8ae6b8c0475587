"""The site's clock: the offset a `Date` header shows, kept between documents and across a run's
records; the machine's clock only until a header is seen, and said so."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from loguru import logger

from automation.site_clock import OFFSET_KEY, SiteClock, parse_http_date

MACHINE = datetime(2026, 12, 4, 9, 30, tzinfo=UTC)


class Machine:
    def __init__(self) -> None:
        self.now = MACHINE

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def infos() -> Iterator[list[str]]:
    messages: list[str] = []
    sink = logger.add(lambda m: messages.append(str(m)), level="INFO", format="{message}")
    yield messages
    logger.remove(sink)


def test_the_date_header_sets_the_time_and_it_runs_on_with_the_machine() -> None:
    machine = Machine()
    clock = SiteClock(machine)
    clock.observe("Thu, 26 Nov 2026 12:00:00 GMT")
    assert clock.seen
    assert clock.now() == datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
    machine.now += timedelta(minutes=12)
    assert clock.now() == datetime(2026, 11, 26, 12, 12, tzinfo=UTC)
    clock.observe("Thu, 26 Nov 2026 12:30:00 GMT")  # the last document's header wins
    assert clock.now() == datetime(2026, 11, 26, 12, 30, tzinfo=UTC)


def test_without_a_header_it_is_the_machine_clock_and_the_log_says_so_once(infos: list[str]) -> None:
    machine = Machine()
    clock = SiteClock(machine)
    clock.observe(None)
    clock.observe("not a date")
    assert not clock.seen
    assert clock.now() == MACHINE
    assert clock.now() == MACHINE
    assert sum("machine's clock" in m for m in infos) == 1
    assert clock.stats() == {}


def test_a_run_keeps_the_offset_and_a_later_command_reuses_it(infos: list[str]) -> None:
    machine = Machine()
    clock = SiteClock(machine)
    clock.observe("Tue, 10 Jun 2031 15:00:00 GMT")
    stats = {"orders_seen": 3, **clock.stats()}
    later = Machine()
    later.now = MACHINE + timedelta(hours=1)
    again = SiteClock.from_stats(stats, later)
    assert again.seen
    assert again.now() == datetime(2031, 6, 10, 16, 0, tzinfo=UTC)
    assert not SiteClock.from_stats({"orders_seen": 3}, later).seen
    assert isinstance(stats[OFFSET_KEY], float)
    assert not infos


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Thu, 26 Nov 2026 12:00:00 GMT", datetime(2026, 11, 26, 12, 0, tzinfo=UTC)),
        ("Thu, 26 Nov 2026 13:00:00 +0100", datetime(2026, 11, 26, 12, 0, tzinfo=UTC)),
        ("Thu, 26 Nov 2026 12:00:00 -0000", datetime(2026, 11, 26, 12, 0, tzinfo=UTC)),
        ("yesterday", None),
        ("", None),
    ],
)
def test_http_dates(header: str, expected: datetime | None) -> None:
    assert parse_http_date(header) == expected
