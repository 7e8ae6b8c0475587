"""The `responses` globs a list reloading in place (or `either`) is matched with, read as Playwright
reads a URL glob: `**` any characters, `*` any but `/`, everything else literal (a `?` included)."""

from __future__ import annotations

import pytest

from automation.pages.reload import glob_regex


@pytest.mark.parametrize(
    ("glob", "url", "matches"),
    [
        ("**/orders-api/search*", "http://127.0.0.1:8765/orders-api/search?page=2&brc=1", True),
        ("**/orders-api/search*", "http://127.0.0.1:8765/orders-api/order/111-1", False),
        ("**/orders-api/search*", "http://127.0.0.1:8765/orders-api/search/x", False),
        ("**/messaging/api/threads?*", "http://h/messaging/api/threads?fi=all&start=25", True),
        ("**/messaging/api/threads?*", "http://h/messaging/api/threadsX", False),
        ("**/a.b", "http://h/aXb", False),
    ],
)
def test_glob(glob: str, url: str, matches: bool) -> None:
    assert (glob_regex(glob).fullmatch(url) is not None) is matches
