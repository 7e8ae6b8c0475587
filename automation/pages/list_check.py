"""Never read broken as empty: a list's rows checked against what the page itself says about them.

A list whose landmark is on the page but whose rows read none, while the page does not show its empty
state, was read with selectors that no longer fit: a changed page (exit code 4), never "no requests".
So is a page showing fewer rows than its own count or range says ("1–25 of 41", "125 orders"). The
error says what to edit: the page key, the field, each candidate with how many elements it matched, and
the command that checks an edited selector folder.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from playwright.sync_api import Error as PlaywrightError

from automation.errors import BadInputError, PageChangedError
from automation.locators import SelectorFile, TextLookup, locate
from automation.parsers.list_count import parse_list_count
from automation.selector_keys import ListSpec

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from automation.pages.base import PageObject

CHECK_COMMAND = "sc-cancel selectors check --selectors {folder} --live"


def check_hint(selectors_dir: Path | None) -> str:
    """The command that checks an edited selector folder against the live site."""
    return CHECK_COMMAND.format(folder=selectors_dir or "DIR")


def candidates_tried(counts: Sequence[tuple[str, int]]) -> str:
    return ", ".join(f"{css!r} -> {n if n >= 0 else 'invalid'}" for css, n in counts)


def element_tried(page: Page, selector_file: SelectorFile, name: str, texts: TextLookup) -> str:
    """An element's candidates with how many elements each matches on `page` now, as an exit-4 message
    lists them for the operator ('invalid' for one that cannot be located)."""
    counts = []
    for candidate in selector_file.candidates(name):
        try:
            n = locate(page, candidate, texts).count()
        except (BadInputError, PlaywrightError):
            n = -1
        counts.append((candidate.describe(), n))
    return candidates_tried(counts)


def changed_rows(po: PageObject, list_name: str, spec: ListSpec, what: str) -> PageChangedError:
    counts = po.dom.count_each(spec.rows)
    return PageChangedError(
        f"{po.page_key}: {what} at {po.page.url}. Seller Central may have changed the page: edit field "
        f"`{spec.rows}` (the rows of lists.{list_name}) in selectors/{po.page_key}.yaml; candidates "
        f"tried: {candidates_tried(counts)}. Check the edit with `{check_hint(po.ctx.selectors_dir)}`",
        page_key=po.page_key,
        element=spec.rows,
    )


def verify_rows(po: PageObject, list_name: str, spec: ListSpec, read: int, *, only_page: bool) -> None:
    """Raise a changed page when `read` rows is fewer than the page shows it has.

    `only_page`: no control to grow the list is shown, so a bare total must all be on screen.
    """
    there = po.presence([n for n in (spec.landmark, spec.empty_state, spec.count) if n])
    if read == 0 and there(spec.landmark) and not (spec.empty_state and there(spec.empty_state)):
        raise changed_rows(
            po, list_name, spec, f"the list `{spec.landmark}` is shown but none of its rows were read"
        )
    if spec.count is None or not there(spec.count):
        return
    text = po.el(spec.count).inner_text()
    count = parse_list_count(text, spec.count_pattern)
    if count is None:
        raise PageChangedError(
            f"{po.page_key}: the count `{spec.count}` reads {text!r}, which states no number of rows "
            f"sc-cancel can read; edit `count_pattern` of lists.{list_name} in "
            f"selectors/{po.page_key}.yaml. Check the edit with `{check_hint(po.ctx.selectors_dir)}`",
            page_key=po.page_key,
            element=spec.count,
        )
    expected = count.rows_expected(only_page=only_page)
    if read < expected:
        raise changed_rows(
            po, list_name, spec, f"{read} rows were read where the page says {text!r} ({expected} expected)"
        )
