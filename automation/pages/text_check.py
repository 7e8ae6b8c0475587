"""Texts over structure: an order row's structural answers compared with what its verified texts say.

For each row the in-page reader returns two answers side by side: the structural one (the `order_id`
field, the banner found by `banner_row`/`banner_text`) and the text one (order ids matching the verified
pattern in the row's text, and a verified banner sentence in the row or the rows standing above it).

- Both agree, or the texts find nothing: the structural answer stands.
- The structure finds nothing and a text does: the text's answer is used, and named in `used` so the
  caller warns that the selectors need an edit (a `StoodIn`: a top-level warning of the scan, so
  `--json` users and the report see it, not only the log). For the banner, "nothing" means the banner
  selectors match no banner on the whole page: where they still find banners on other rows, a row whose
  verified sentence they miss is a disagreement, not a gap.
- Both find something different: a `Disagreement`. The caller stops (a changed page, exit code 4)
  naming both answers; it never picks one.

Pure: no browser, no I/O; the page object turns a disagreement into its error.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from automation.verified_texts import FILE_NAME as VERIFIED_FILE


@dataclass(frozen=True)
class Disagreement:
    order: str
    """The row's order id as best known (the structural one, else the text one, else its position)."""
    field: str
    """The selector field whose answer the text contradicts."""
    structure: str
    text: str


@dataclass
class Reconciled:
    rows: list[dict[str, Any]]
    used: list[tuple[str, str]] = field(default_factory=list)
    """(order, field) where the text's answer stood in for a structure that found nothing."""
    disagreements: list[Disagreement] = field(default_factory=list)


@dataclass(frozen=True)
class StoodIn:
    """A page's field whose verified text stood in for a structure that found nothing."""

    page_key: str
    field: str
    orders: tuple[str, ...]
    check: str
    """The command that checks an edit of the selectors (`list_check.check_hint`)."""

    def message(self) -> str:
        return (
            f"field `{self.field}` of selectors/{self.page_key}.yaml found nothing for order(s) "
            f"{', '.join(self.orders)}; their verified text (selectors/{VERIFIED_FILE}) was used instead. "
            f"Edit the field and check it with `{self.check}`"
        )


def gathered(stood_in: Sequence[StoodIn]) -> list[StoodIn]:
    """One per page and field, with the orders of every list page read (a scan reads several tabs and
    pages, and may read one again after a retry)."""
    orders: dict[tuple[str, str], dict[str, None]] = {}
    checks: dict[tuple[str, str], str] = {}
    for each in stood_in:
        key = (each.page_key, each.field)
        orders.setdefault(key, {}).update(dict.fromkeys(each.orders))
        checks.setdefault(key, each.check)
    return [
        StoodIn(page, name, tuple(sorted(orders[page, name])), checks[page, name]) for page, name in orders
    ]


def _ids(text: str | None, pattern: re.Pattern[str] | None) -> list[str]:
    if not text or pattern is None:
        return []
    return list(dict.fromkeys(pattern.findall(text)))


def reconcile(
    rows: Sequence[dict[str, Any]], banners: Sequence[str], order_id_pattern: str | None
) -> Reconciled:
    """Each row with the structure's answers kept, or filled in from the texts; see the module doc.

    A row carries `text_banner` (index into `banners`, or None), `text_banner_lines` (the banner's
    lines found in the same rows) and `text_order_ids` (ids in its text); they are removed here.
    """
    pattern = re.compile(order_id_pattern) if order_id_pattern else None
    banner_selectors_work = any(row.get("banner") for row in rows)
    result = Reconciled(rows=[])
    for position, raw in enumerate(rows, start=1):
        row = dict(raw)
        index = row.pop("text_banner", None)
        lines = row.pop("text_banner_lines", None) or []
        text_ids = list(row.pop("text_order_ids", None) or [])
        structural_id = row.get("order_id") or ""
        name = structural_id or (text_ids[0] if len(text_ids) == 1 else f"row {position}")

        if pattern is not None and text_ids:
            read = _ids(structural_id, pattern)
            if not structural_id and len(text_ids) == 1:
                row["order_id"] = text_ids[0]
                result.used.append((text_ids[0], "order_id"))
            elif structural_id and (len(read) != 1 or read[0] not in text_ids):
                result.disagreements.append(
                    Disagreement(name, "order_id", repr(structural_id), ", ".join(text_ids))
                )

        if index is not None and 0 <= index < len(banners) and not row.get("banner"):
            sentence = banners[index]
            if banner_selectors_work:
                result.disagreements.append(Disagreement(name, "banner_text", "no request banner", sentence))
            else:
                row["banner"] = sentence
                row["banner_lines"] = list(lines)
                result.used.append((str(row.get("order_id") or name), "banner_text"))
        result.rows.append(row)
    return result
