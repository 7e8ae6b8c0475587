"""Durations as people read them ("3 h 12 min"), and `--since` as people write it (2h, 3d, a date)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from automation.durations import human_duration, parse_since
from automation.errors import BadInputError

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("delta", "shown"),
    [
        (timedelta(hours=3, minutes=12, seconds=40), "3 h 12 min"),
        (timedelta(minutes=11686, seconds=42), "8 d 2 h 46 min"),
        (timedelta(hours=2), "2 h"),
        (timedelta(days=1, minutes=5), "1 d 5 min"),
        (timedelta(minutes=29, seconds=59), "29 min 59 s"),
        (timedelta(minutes=30), "30 min"),
        (timedelta(seconds=45), "45 s"),
        (timedelta(0), "0 min"),
        (timedelta(minutes=-5), "-5 min"),
    ],
)
def test_human_duration(delta: timedelta, shown: str) -> None:
    assert human_duration(delta) == shown


@pytest.mark.parametrize(
    ("text", "since"),
    [
        ("2h", NOW - timedelta(hours=2)),
        ("3d", NOW - timedelta(days=3)),
        ("90m", NOW - timedelta(minutes=90)),
        ("2026-11-20", datetime(2026, 11, 20, tzinfo=UTC)),
        ("2026-11-20T08:30", datetime(2026, 11, 20, 8, 30, tzinfo=UTC)),
        ("2026-11-20T08:30:00+01:00", datetime(2026, 11, 20, 7, 30, tzinfo=UTC)),
        ("2026-11-20T08:30:00Z", datetime(2026, 11, 20, 8, 30, tzinfo=UTC)),
    ],
)
def test_parse_since(text: str, since: datetime) -> None:
    assert parse_since(text, NOW) == since


@pytest.mark.parametrize("text", ["yesterday", "2 weeks", "", "2026-13-01"])
def test_parse_since_says_what_it_takes(text: str) -> None:
    with pytest.raises(BadInputError, match=r"--since.*2h.*3d.*2026-11-20"):
        parse_since(text, NOW)
