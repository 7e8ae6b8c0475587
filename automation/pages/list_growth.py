"""How a list grows, as its selector file says (`lists.<name>.growth`): the click for its next rows.

`next` and `load_more` click the `more` control while the page shows it; `numbered` follows the page
link whose number comes after the current page's (`current_page`); `single` never grows. Waiting for
the rows that follow is the caller's (an appended "Load more" against a reloaded page).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from automation.selector_keys import Growth, ListSpec

if TYPE_CHECKING:
    from automation.pages.base import PageObject


def number_shown(po: PageObject, element: str) -> int | None:
    """The number an element shows ("1,234 orders" -> 1234); None without the element or digits."""
    located = po.el(element)
    if not located.count():
        return None
    digits = re.sub(r"[^\d]", "", located.first.inner_text())
    return int(digits) if digits else None


def more_click(po: PageObject, spec: ListSpec) -> Callable[[], Any] | None:
    """The click that brings the list's next rows, or None: the last page, or a list on one page."""
    if spec.growth is Growth.SINGLE or spec.more is None:
        return None
    if spec.growth is Growth.NUMBERED:
        return _numbered(po, spec, spec.more)
    return po.dom.clicker(spec.more)


def _numbered(po: PageObject, spec: ListSpec, more: str) -> Callable[[], Any] | None:
    current = number_shown(po, spec.current_page) if spec.current_page else None
    wanted = str((current or 1) + 1)
    links = po.dom.every(more)
    for i in range(links.count()):
        link = links.nth(i)
        if re.sub(r"[^\d]", "", link.inner_text()) == wanted:
            return link.click
    return None
