"""Dates and times as Seller Central prints them, per locale, into `date` and UTC `datetime`.

Pages show local dates in the locale's layout ("Nov 25, 2026", "25.11.2026", "2026/11/25") and times in
the marketplace's zone with an abbreviation ("1:30 AM PST", "10:30 MEZ", "18:30 JST"). The layouts and
month names come from the locale file; the abbreviation is not trusted (Amazon prints "PST" or "MEZ"
loosely) and the time is localized with the marketplace's IANA zone instead. The abbreviation only picks
the right hour when a clock is turned back and an hour happens twice. Labels and weekdays around the
date are skipped ("Ship by date: Fri, Nov 27, 2026"); a weekday that contradicts the date is an error,
because it means the day and month were read in the wrong order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, tzinfo
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from automation.parsers.memo import by_identity
from automation.parsers.normalize import fold
from automation.parsers.parse_error import ParseError
from automation.parsers.patterns import has_cjk, words

if TYPE_CHECKING:
    from automation.parsers.locale_texts import LocaleTexts

_TIME_RE = re.compile(r"(?<![\d:])(\d{1,2})\s*(?::|h)\s*(\d{2})(?:\s*:\s*(\d{2}))?(?![\d:])")
_ZONE_WORD = re.compile(r"[a-z]{2,5}\b")
_HALF_DAY = 12


@dataclass(frozen=True)
class _Grammar:
    date_res: tuple[re.Pattern[str], ...]
    months: dict[str, int]
    weekday_words: dict[str, int]
    weekday_cjk: tuple[tuple[str, int], ...]
    am: tuple[str, ...]
    pm: tuple[str, ...]


def _literal(piece: str) -> str:
    out = []
    for char in piece:
        out.append(r"\s*" if char.isspace() else r"\s*" + re.escape(char) + r"\s*")
    return "".join(out)


@by_identity
def _grammar(texts: LocaleTexts) -> _Grammar:
    """Regexes for a locale's date layouts, built once per loaded locale."""
    months: dict[str, int] = {}
    for number, names in enumerate(texts.dates.months, start=1):
        for name in names:
            months[fold(name).rstrip(".")] = number
    month_alt = "|".join(re.escape(n) for n in sorted(months, key=len, reverse=True))
    fields = {
        "{d}": r"(?<!\d)(?P<d>\d{1,2})(?!\d)",
        "{m}": r"(?<!\d)(?P<m>\d{1,2})(?!\d)",
        "{y}": r"(?<!\d)(?P<y>\d{4})(?!\d)",
        "{mon}": rf"(?<![a-z])(?P<mon>{month_alt})\.?(?![a-z])",
    }
    date_res = []
    for layout in texts.dates.patterns:
        parts = re.split(r"(\{\w+\})", fold(layout))
        date_res.append(re.compile("".join(fields.get(p, _literal(p)) for p in parts if p)))
    weekday_words: dict[str, int] = {}
    weekday_cjk: list[tuple[str, int]] = []
    for number, names in enumerate(texts.dates.weekdays):
        for name in names:
            folded = fold(name).rstrip(".")
            if has_cjk(folded):
                weekday_cjk.append((folded, number))
            else:
                weekday_words[folded] = number
    return _Grammar(
        date_res=tuple(date_res),
        months=months,
        weekday_words=weekday_words,
        weekday_cjk=tuple(weekday_cjk),
        am=tuple(fold(m) for m in texts.dates.am_markers),
        pm=tuple(fold(m) for m in texts.dates.pm_markers),
    )


def _dates_in(folded: str, grammar: _Grammar) -> tuple[list[tuple[int, int, date]], list[str]]:
    """Non-overlapping valid dates (start, end, date) in order, and the matches that were not dates."""
    found: list[tuple[int, int, date]] = []
    invalid: list[str] = []
    for regex in grammar.date_res:
        for match in regex.finditer(folded):
            groups = match.groupdict()
            month = grammar.months[groups["mon"]] if groups.get("mon") else int(groups["m"])
            try:
                value = date(int(groups["y"]), month, int(groups["d"]))
            except ValueError:
                invalid.append(match.group(0))
                continue
            found.append((match.start(), match.end(), value))
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    kept: list[tuple[int, int, date]] = []
    for item in found:
        if not kept or item[0] >= kept[-1][1]:
            kept.append(item)
    return kept, invalid


def _weekday_named(rest: str, grammar: _Grammar) -> set[int]:
    named = {grammar.weekday_words[w] for w in words(rest) if w in grammar.weekday_words}
    named |= {number for name, number in grammar.weekday_cjk if name in rest}
    return named


def _blank(text: str, spans: list[tuple[int, int, date]]) -> str:
    chars = list(text)
    for start, end, _ in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def find_local_dates(text: str, texts: LocaleTexts) -> list[date]:
    """Every date in the text in the locale's layouts, in order ("Nov 27, 2026 to Nov 29, 2026")."""
    kept, _ = _dates_in(fold(text), _grammar(texts))
    return [value for _, _, value in kept]


def _one_date(text: str, texts: LocaleTexts, field: str) -> tuple[date, str]:
    grammar = _grammar(texts)
    folded = fold(text)
    kept, invalid = _dates_in(folded, grammar)
    if not kept:
        detail = f"not a valid date: {invalid[0]!r}" if invalid else f"no date in a {texts.locale} layout"
        raise ParseError(field, text, detail)
    rest = _blank(folded, kept)
    if len(kept) == 1:
        named = _weekday_named(rest, grammar)
        if len(named) == 1 and named != {kept[0][2].weekday()}:
            raise ParseError(field, text, "the weekday does not match the date (day and month swapped?)")
    return kept[0][2], rest


def parse_local_date(text: str, texts: LocaleTexts, field: str = "date") -> date:
    """The first date in `text`, read in the locale's layouts; `ParseError` if there is none."""
    return _one_date(text, texts, field)[0]


@dataclass(frozen=True)
class _ClockTime:
    value: time
    zone_word: str | None


def _find_time(folded: str, grammar: _Grammar) -> _ClockTime | None:
    match = _TIME_RE.search(folded)
    if match is None:
        return None
    hour, minute, second = int(match.group(1)), int(match.group(2)), int(match.group(3) or 0)
    after = folded[match.end() :].lstrip()
    before = folded[: match.start()].rstrip()

    def marked(markers: tuple[str, ...]) -> str | None:
        for marker in markers:
            if after.startswith(marker) and not after[len(marker) : len(marker) + 1].isalpha():
                return marker
            if before.endswith(marker):
                return marker
        return None

    am, pm = marked(grammar.am), marked(grammar.pm)
    if (am or pm) and hour > _HALF_DAY:  # Japanese clocks write 午前0:15 for a quarter past midnight
        return None
    if pm and hour < _HALF_DAY:
        hour += _HALF_DAY
    elif am and hour == _HALF_DAY:
        hour = 0
    if hour > 23 or minute > 59 or second > 59:
        return None
    marker = am or pm
    tail = after[len(marker) :].lstrip() if marker and after.startswith(marker) else after
    zone_word = _ZONE_WORD.match(tail)
    return _ClockTime(time(hour, minute, second), zone_word.group(0) if zone_word else None)


def parse_local_datetime(
    date_text: str,
    time_text: str | None,
    texts: LocaleTexts,
    zone: str | tzinfo,
    field: str = "date and time",
) -> datetime:
    """A local date and time on the marketplace's clock, as an aware UTC `datetime`.

    The time is read from `time_text` when given, else from `date_text` itself ("Nov 25, 2026 2:00 AM
    PST"); a date without any time means local midnight (Seller Central shows some dates without one).
    """
    day, rest = _one_date(date_text, texts, field)
    grammar = _grammar(texts)
    if time_text is not None and time_text.strip():
        clock = _find_time(fold(time_text), grammar)
        if clock is None:
            raise ParseError(field, time_text, "no time of day")
    else:
        clock = _find_time(rest, grammar)
    tz = ZoneInfo(zone) if isinstance(zone, str) else zone
    local = datetime.combine(day, clock.value if clock else time(0), tzinfo=tz)
    if clock and clock.zone_word:
        for fold_flag in (0, 1):
            candidate = local.replace(fold=fold_flag)
            if (candidate.tzname() or "").casefold() == clock.zone_word:
                local = candidate
                break
    return local.astimezone(UTC)
