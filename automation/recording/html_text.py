"""Texts of HTML elements picked by simple CSS selectors, without a browser.

Scrubbing must find the buyer names a server-rendered page shows in the cells the selector files name
(`[data-test-id='buyer-name-with-link']`, `.thread-buyer-name`), so that the same names can be replaced
everywhere else in the capture. Only compound selectors without combinators are understood (tag, `#id`,
`.class`, `[attr='value']`, `[attr]`); anything else is skipped, never guessed at.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID_ELEMENTS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
)
_PART_RE = re.compile(
    r"""(?P<tag>^[a-zA-Z][\w-]*)|\#(?P<id>[\w-]+)|\.(?P<cls>[\w-]+)"""
    r"""|\[(?P<attr>[\w-]+)(?:=(?P<q>['"]?)(?P<val>[^'"\]]*)(?P=q))?\]"""
)


@dataclass(frozen=True)
class SimpleSelector:
    """One compound selector: every part must hold for an element to match."""

    tag: str | None = None
    ids: tuple[str, ...] = ()
    classes: tuple[str, ...] = ()
    attrs: tuple[tuple[str, str | None], ...] = ()

    @classmethod
    def parse(cls, css: str) -> SimpleSelector | None:
        """The selector, or None when it uses anything beyond a compound selector."""
        css = css.strip()
        if not css or any(ch in css for ch in " >+~,:*"):
            return None
        tag, ids, classes, attrs = None, [], [], []
        pos = 0
        while pos < len(css):
            match = _PART_RE.match(css, pos)
            if match is None:
                return None
            if match.group("tag"):
                tag = match.group("tag").lower()
            elif match.group("id"):
                ids.append(match.group("id"))
            elif match.group("cls"):
                classes.append(match.group("cls"))
            else:
                attrs.append((match.group("attr").lower(), match.group("val")))
            pos = match.end()
        return cls(tag, tuple(ids), tuple(classes), tuple(attrs))

    def matches(self, tag: str, attrs: dict[str, str]) -> bool:
        if self.tag and self.tag != tag:
            return False
        if any(attrs.get("id") != i for i in self.ids):
            return False
        classes = set(attrs.get("class", "").split())
        if any(c not in classes for c in self.classes):
            return False
        for name, value in self.attrs:
            if name not in attrs or (value is not None and attrs[name] != value):
                return False
        return True


@dataclass
class _Open:
    tag: str
    collecting: bool
    parts: list[str] = field(default_factory=list)


class _Collector(HTMLParser):
    def __init__(self, selectors: list[SimpleSelector]) -> None:
        super().__init__(convert_charrefs=True)
        self.selectors = selectors
        self.stack: list[_Open] = []
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID_ELEMENTS:
            return
        values = {name: value or "" for name, value in attrs}
        self.stack.append(_Open(tag, any(s.matches(tag, values) for s in self.selectors)))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index].tag == tag:
                for closed in reversed(self.stack[index:]):
                    if closed.collecting:
                        text = " ".join("".join(closed.parts).split())
                        if text:
                            self.found.append(text)
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        for element in self.stack:
            if element.collecting:
                element.parts.append(data)


def element_texts(html: str, selectors: Iterable[str]) -> list[str]:
    """The whitespace-normalised text of every element matching one of `selectors`."""
    parsed = [s for s in (SimpleSelector.parse(css) for css in selectors) if s is not None]
    if not parsed:
        return []
    collector = _Collector(parsed)
    collector.feed(html)
    collector.close()
    return collector.found
