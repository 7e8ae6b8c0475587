"""A list's own count or range as the page words it ("1–25 of 41", "125 orders", "41件中 1～25件").

Read so that a list showing fewer rows than it says it has is caught as a changed page rather than
taken for a short list. The numbers are found without knowing the language: one number is the total;
three are a range and its total, the largest being the total whatever order the language puts them in.
A selector file may give its own pattern (`lists.<name>.count_pattern`) with named groups.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUMBER = re.compile(r"\d{1,3}(?:[,.\u00a0\u202f' ]\d{3})+(?!\d)|\d+")


@dataclass(frozen=True)
class ListCount:
    total: int
    first: int | None = None
    last: int | None = None

    def rows_expected(self, *, only_page: bool) -> int:
        """The fewest rows the page must show: the range's size, the total on a list's only page, and
        at least one row when the total is not zero."""
        if self.first is not None and self.last is not None:
            return max(self.last - self.first + 1, 0)
        if only_page:
            return self.total
        return 1 if self.total > 0 else 0


def _int(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def parse_list_count(text: str, pattern: str | None = None) -> ListCount | None:
    """The count a text states; None when it states none this function can read."""
    if pattern is not None:
        found = re.search(pattern, text)
        if found is None or found.group("total") is None:
            return None
        groups = found.groupdict()
        first, last = groups.get("first"), groups.get("last")
        return ListCount(
            _int(found.group("total")),
            _int(first) if first else None,
            _int(last) if last else None,
        )
    numbers = [_int(n) for n in _NUMBER.findall(text)]
    if len(numbers) == 1:
        return ListCount(numbers[0])
    if len(numbers) == 3:
        total = max(numbers)
        rest = list(numbers)
        rest.remove(total)
        return ListCount(total, min(rest), max(rest))
    return None
