"""The page-specific facts a selector file states besides its elements: how a list reloads and grows,
where a row's identity comes from, where a thread's body is, which elements show a signed-in page.

They are data because they are exactly what differs between one Seller Central and another (a
single-page table that re-fetches its rows against a server-rendered one that navigates; an inbox
with thread ids against one without): an operator follows such a difference by editing YAML. Every key
has a default that works on either kind of page, so files written before these keys stay valid.
"""

from __future__ import annotations

import re
from enum import StrEnum

from pydantic import Field, field_validator, model_validator

from automation.strict_model import StrictModel


class Reload(StrEnum):
    IN_PLACE = "in_place"
    """The page fetches new rows itself (awaited: the `response` glob, else any fetch/XHR answer)."""
    NAVIGATION = "navigation"
    """The control loads a new document (awaited: that document's answer)."""
    EITHER = "either"
    """Whichever of the two comes first: safe on both kinds of page, never a timeout."""


class Growth(StrEnum):
    LOAD_MORE = "load_more"
    """A button appends rows to the same list: rows already read stay listed."""
    NEXT = "next"
    """A "Next" control replaces the rows with the next page's."""
    NUMBERED = "numbered"
    """Numbered page links: the one after the current page is followed, as "Next" would be."""
    SINGLE = "single"
    """Everything is on one page."""


class RowId(StrictModel):
    """Where a row's identity comes from: an attribute of the row element, or a field read in it."""

    attribute: str | None = None
    field: str | None = None

    @model_validator(mode="after")
    def _one(self) -> RowId:
        if (self.attribute is None) == (self.field is None):
            raise ValueError("give exactly one of attribute, field")
        return self


class ListSpec(StrictModel):
    """One list of rows on a page (the orders table, the thread list)."""

    landmark: str = Field(description="element whose presence says the list is on the page")
    rows: str = Field(description="field (CSS candidates) matching the rows")
    empty_state: str | None = Field(
        default=None, description="element the page shows instead of rows when the list is empty"
    )
    count: str | None = Field(
        default=None, description='element whose text gives the total or range ("1–25 of 41", "125 orders")'
    )
    count_pattern: str | None = Field(
        default=None,
        description="regular expression with named groups `total` and optionally `first`, `last`; "
        "default: the numbers of the text (one: the total; three: first, last, total)",
    )
    reload: Reload = Reload.EITHER
    response: str | None = Field(
        default=None, description="key of `responses` awaited when the list reloads in place"
    )
    growth: Growth = Growth.SINGLE
    more: str | None = Field(
        default=None, description='element that grows the list ("Load more", "Next", the page links)'
    )
    current_page: str | None = Field(default=None, description="element showing the current page number")
    row_id: RowId | None = Field(default=None, description="where a row's identity comes from")

    @field_validator("count_pattern")
    @classmethod
    def _pattern(cls, value: str | None) -> str | None:
        if value is None:
            return value
        try:
            compiled = re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a regular expression: {exc}") from None
        if "total" not in compiled.groupindex:
            raise ValueError("needs a named group `total`, e.g. (?P<total>[\\d,.]+)")
        return value

    @model_validator(mode="after")
    def _growth_needs_more(self) -> ListSpec:
        if self.growth is not Growth.SINGLE and self.more is None:
            raise ValueError(f"growth '{self.growth}' needs `more`: the element that grows the list")
        return self

    def elements(self) -> list[str]:
        """Element keys this list names (checked against the file's `elements`)."""
        named = [self.landmark, self.empty_state, self.count, self.more, self.current_page]
        return [n for n in named if n is not None]

    def fields(self) -> list[str]:
        named = [self.rows, self.row_id.field if self.row_id else None]
        return [n for n in named if n is not None]


class ThreadIdentity(StrEnum):
    AUTO = "auto"
    """The list's `row_id` where a row has one, else the hash below."""
    ROW_ID = "row_id"
    """Only the list's `row_id`: a row without one is a changed page."""
    HASH = "hash"
    """A stable hash of (order id, subject, first date): for inboxes without thread ids."""


class ThreadBody(StrEnum):
    VIEW = "view"
    """Clicking a row shows the thread in a pane of the same page."""
    PAGE = "page"
    """A row links to the thread's own page: the link is followed."""
    PREVIEW = "preview"
    """No thread is opened: the row's preview is the body (a cut-off preview stays undecided)."""


class ThreadsSpec(StrictModel):
    """How threads are told apart and read (selectors/messages.yaml)."""

    identity: ThreadIdentity = ThreadIdentity.AUTO
    body: ThreadBody = ThreadBody.VIEW
    link: str | None = Field(default=None, description="field of the row's link to its page (body: page)")

    @model_validator(mode="after")
    def _page_needs_link(self) -> ThreadsSpec:
        if self.body is ThreadBody.PAGE and self.link is None:
            raise ValueError("body 'page' needs `link`: the field of the row's link to the thread")
        return self
