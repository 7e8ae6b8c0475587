"""Durations for people: "3 h 12 min" rather than "192.7 min", and `--since 2h` / `--since 2026-11-20`.

Pure: used by the rules engine's explanations, `history` and the scheduler's log.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from automation.errors import BadInputError


def human_duration(delta: timedelta) -> str:
    """`8 d 2 h 46 min`, `3 h 12 min`, `29 min 59 s`, `45 s`: whole units, largest first, zero parts left
    out. Seconds only under an hour, where they can decide a threshold (29 min 59 s is not 30 min)."""
    if delta < timedelta(0):
        return "-" + human_duration(-delta)
    seconds = int(delta.total_seconds())
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{n} {unit}" for n, unit in ((days, "d"), (hours, "h"), (minutes, "min")) if n]
    if secs and seconds < 3600:
        parts.append(f"{secs} s")
    return " ".join(parts) or "0 min"


def parse_since(text: str, now: datetime) -> datetime:
    """`2h`, `3d`, `90m` back from `now`, or an ISO date or time (UTC unless it gives an offset)."""
    from automation.settings import parse_duration

    try:
        return now - parse_duration(text)
    except ValueError:
        pass
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise BadInputError(
            f"--since '{text}': give a time back from now (2h, 3d, 90m) or a date or time "
            "(2026-11-20, 2026-11-20T08:30, in UTC unless an offset is given)"
        ) from None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
