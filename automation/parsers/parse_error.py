"""The one error the pure parsers raise: a required part of a page could not be read."""

from __future__ import annotations


class ParseError(ValueError):
    """A required field's text could not be parsed, e.g. a date in an unknown layout.

    The page objects' caller turns it into a "page changed" error: an unreadable page must never be
    mistaken for an empty one. `field` names what was being read and `text` is the raw text, so the
    message says exactly what to fix (usually a variant to add to selectors/locales/<locale>.yaml).
    """

    def __init__(self, field: str, text: object, detail: str = "") -> None:
        self.field = field
        self.text = text
        message = f"cannot read {field} from {text!r}"
        super().__init__(f"{message}: {detail}" if detail else message)
