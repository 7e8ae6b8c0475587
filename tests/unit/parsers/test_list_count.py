"""A list's own count or range, read in any of the languages' word orders."""

from __future__ import annotations

import pytest

from automation.parsers.list_count import ListCount, parse_list_count


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1–25 of 41", ListCount(41, 1, 25)),
        ("26 - 41 von 41", ListCount(41, 26, 41)),
        ("41件中 1～25件", ListCount(41, 1, 25)),
        ("125 orders", ListCount(125)),
        ("1,234 commandes", ListCount(1234)),
        ("1.234 Bestellungen", ListCount(1234)),
        ("Page 2 of 3", None),
        ("no numbers", None),
    ],
)
def test_counts_and_ranges(text: str, expected: ListCount | None) -> None:
    assert parse_list_count(text) == expected


def test_a_pattern_of_the_selector_file_decides() -> None:
    pattern = r"Seite \d+: (?P<first>\d+)-(?P<last>\d+) \((?P<total>\d+)\)"
    assert parse_list_count("Seite 2: 26-41 (41)", pattern) == ListCount(41, 26, 41)
    assert parse_list_count("something else", pattern) is None


def test_rows_expected() -> None:
    assert ListCount(41, 26, 41).rows_expected(only_page=False) == 16
    assert ListCount(125).rows_expected(only_page=True) == 125
    assert ListCount(125).rows_expected(only_page=False) == 1
    assert ListCount(0).rows_expected(only_page=False) == 0
