"""Opening a URL, with a site that cannot be reached said in one line an operator can act on.

Playwright's error text ends with a call log ("Call log: - navigating to ..."): right for a developer,
noise in an operator's log, and it was printed once per retry. Chromium names what went wrong with a
`net::ERR_...` code; the codes below mean the address itself is wrong or nothing answers there, which
retrying within a run does not fix, so they end the run at once (exit code 5) with the URL and the
question to ask. Other failures stay the caller's to retry, described by `reason()` without the log.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from automation.errors import SiteUnreachableError

NET_ERROR = re.compile(r"\bnet::(ERR_[A-Z0-9_]+)")
CANNOT_REACH = {
    "ERR_CONNECTION_REFUSED": "connection refused (nothing listens there)",
    "ERR_NAME_NOT_RESOLVED": "host name not found",
    "ERR_NAME_RESOLUTION_FAILED": "host name could not be resolved",
    "ERR_ADDRESS_UNREACHABLE": "address unreachable",
    "ERR_ADDRESS_INVALID": "not a valid address",
    "ERR_INTERNET_DISCONNECTED": "this machine has no network connection",
    "ERR_UNSAFE_PORT": "Chromium refuses to connect to this port",
    "ERR_INVALID_URL": "not a valid URL",
    "ERR_SSL_PROTOCOL_ERROR": "the secure connection failed (https to a plain http site?)",
}
"""Chromium's network errors that mean the address is wrong or nothing answers at it."""


def reason(exc: PlaywrightError) -> str:
    """Playwright's message without its call log, on one line."""
    text = exc.message.split("Call log:", 1)[0]
    return " ".join(text.split()) or type(exc).__name__


def unreachable(exc: PlaywrightError, url: str) -> SiteUnreachableError | None:
    """The one-line error for a navigation that could not reach the site, or None for other failures."""
    found = NET_ERROR.search(exc.message)
    if found is None:
        return None
    code = found.group(1)
    why = CANNOT_REACH.get(code)
    if why is None and code.startswith("ERR_CERT_"):
        why = "the site's certificate is not valid"
    if why is None:
        return None
    parts = urlsplit(url)
    site = f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else url
    return SiteUnreachableError(f"cannot reach {site}: {why} ({code}); is the base_url right?")


def open_url(page: Page, url: str, *, wait_until: str = "domcontentloaded") -> None:
    """`page.goto(url)`; a site that cannot be reached raises `SiteUnreachableError` (exit code 5),
    other Playwright errors (timeouts included) pass through for the caller to retry or report."""
    try:
        page.goto(url, wait_until=wait_until)  # type: ignore[arg-type]
    except PlaywrightError as exc:
        failure = unreachable(exc, url)
        if failure is not None:
            raise failure from None
        raise
