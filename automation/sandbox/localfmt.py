"""Dates, times, money and ages as a Seller Central page in one locale and marketplace shows them.

Formatting happens here, in Python, and the pages' scripts only insert the strings: one implementation
means one place to check against the contract's examples ("Nov 25, 2026", "1:30 AM PST", "25.11.2026",
"10:30 MEZ", "2026/11/25"...).
"""

from __future__ import annotations

import datetime as dt
from datetime import UTC
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from automation.sandbox.i18n import Texts
from automation.sandbox.marketplaces import Marketplace


class LocalFormat:
    def __init__(self, texts: Texts, marketplace: Marketplace) -> None:
        self.texts = texts
        self.marketplace = marketplace
        self.zone = ZoneInfo(marketplace.zone)
        self._dates = texts.raw("dates")

    def local(self, moment: dt.datetime) -> dt.datetime:
        return moment.astimezone(self.zone)

    def _date_fields(self, day: dt.date) -> dict[str, object]:
        return {
            "day": day.day,
            "day2": f"{day.day:02d}",
            "month2": f"{day.month:02d}",
            "mon": self._dates["months_abbr"][day.month - 1],
            "month_name": self._dates["months"][day.month - 1],
            "wday": self._dates["days_abbr"][day.weekday()],
            "year": day.year,
        }

    def date(self, value: dt.datetime | dt.date) -> str:
        """A calendar date; a datetime is first moved into the marketplace's zone."""
        day = self.local(value).date() if isinstance(value, dt.datetime) else value
        return str(self._dates["date"]).format(**self._date_fields(day))

    def date_long(self, value: dt.datetime | dt.date) -> str:
        day = self.local(value).date() if isinstance(value, dt.datetime) else value
        return str(self._dates["date_long"]).format(**self._date_fields(day))

    def time(self, moment: dt.datetime) -> str:
        local = self.local(moment)
        zone_name = local.tzname() or ""
        zone = self._dates["zones"].get(zone_name, zone_name)
        hour12 = local.hour % 12 or 12
        return str(self._dates["time"]).format(
            hour=local.hour,
            hour2=f"{local.hour:02d}",
            hour12=hour12,
            minute2=f"{local.minute:02d}",
            ampm=self._dates["am"] if local.hour < 12 else self._dates["pm"],
            zone=zone,
        )

    def date_time(self, moment: dt.datetime) -> str:
        return str(self._dates["date_time"]).format(date=self.date(moment), time=self.time(moment))

    def money(self, amount: Decimal) -> str:
        decimals = self.marketplace.decimals
        quantum = Decimal(1).scaleb(-decimals)
        rounded = amount.quantize(quantum, rounding=ROUND_HALF_UP)
        whole, _, fraction = f"{rounded:f}".partition(".")
        sign = "-" if whole.startswith("-") else ""
        digits = whole.lstrip("-")
        groups: list[str] = []
        while len(digits) > 3:
            groups.insert(0, digits[-3:])
            digits = digits[:-3]
        groups.insert(0, digits)
        number = sign + self.texts("numbers.group").join(groups)
        if decimals:
            number += self.texts("numbers.decimal") + fraction
        return self.texts("numbers.money", symbol=self.marketplace.currency_symbol, amount=number)

    def age(self, then: dt.datetime, now: dt.datetime) -> str:
        """How long ago, as the order-date cell's first line says it ("2 hours ago")."""
        seconds = max(0.0, (now - then.astimezone(UTC)).total_seconds())
        if seconds < 60:
            return self.texts("age.just_now")
        if seconds < 3600:
            return self.texts.count("age.minutes", int(seconds // 60))
        if seconds < 86400:
            return self.texts.count("age.hours", int(seconds // 3600))
        return self.texts.count("age.days", int(seconds // 86400))
