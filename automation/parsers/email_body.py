"""An e-mail body as the classifier reads it: plain text and the links, from the text part or the HTML.

Amazon's 2026 request notice is HTML only (seller-central.md §12.1), and the order id may be only in the
link to `/orders-v3/order/<id>/cancel-order`, so the links are kept beside the text. No browser: the
standard library's HTML parser, block elements turned into line breaks, scripts and styles dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from automation.parsers.normalize import ORDER_ID_RE, nfkc

_BLOCKS = frozenset(
    {
        "br",
        "p",
        "div",
        "tr",
        "li",
        "table",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "td",
        "th",
        "blockquote",
    }
)
_SKIPPED = frozenset({"script", "style", "head", "title"})
_CANCEL_LINK = re.compile(rf"/orders-v3/order/({ORDER_ID_RE.pattern})/cancel-order", re.IGNORECASE)
_BLANK_LINES = re.compile(r"\n\s*\n+")


@dataclass(frozen=True)
class EmailBody:
    text: str
    links: tuple[str, ...] = ()

    def cancel_link_order_ids(self) -> list[str]:
        """Order ids of links to Seller Central's cancel page, in order, without repeats."""
        found: list[str] = []
        for link in self.links:
            for match in _CANCEL_LINK.finditer(nfkc(link)):
                if match.group(1) not in found:
                    found.append(match.group(1))
        return found


class _TextAndLinks(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self._skip += 1
        elif tag in _BLOCKS:
            self.parts.append("\n")
        if tag == "a":
            self.links.extend(value for name, value in attrs if name == "href" and value)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_body(html: str) -> EmailBody:
    parser = _TextAndLinks()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    text = _BLANK_LINES.sub("\n", "\n".join(lines)).strip()
    return EmailBody(text=text, links=tuple(parser.links))


def email_body(text: str | None, html: str | None) -> EmailBody:
    """The body from an e-mail's text part, else its HTML part; links from the HTML (or bare URLs in
    the text) either way."""
    from_html = html_to_body(html) if html and html.strip() else None
    plain = (text or "").strip()
    if plain:
        links = from_html.links if from_html else ()
        return EmailBody(text=plain, links=(*links, *re.findall(r"https?://\S+", plain)))
    return from_html or EmailBody(text="")
