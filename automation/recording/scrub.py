"""Scrubbing a captured HAR of secrets and buyer personal data before it is committed.

A capture holds what Seller Central sent to one signed-in browser: session cookies, anti-CSRF tokens,
sign-in form bodies, and buyers' names, addresses, e-mails and phone numbers. Secrets are removed;
personal data is replaced by stable fakes ("Buyer 1", "person-1@example.invalid"), the same fake for the
same value everywhere in the file, so the pages read as they did and a scan over the replay finds what
the capture's scan found. URLs are left alone (replay matches requests by URL), so the capture must not
have searched by a buyer's name or e-mail. Pure: no browser.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from automation.recording.personal_data import (
    Pseudonyms,
    ScrubReport,
    TextScrubber,
    collect_from_html,
    collect_from_json,
    find_leftovers,
    map_strings,
    walk_dicts,
)

REDACTED = "[redacted]"
SECRET_HEADERS = frozenset({"cookie", "set-cookie", "authorization", "proxy-authorization"})
TOKEN_HEADER_RE = re.compile(r"csrf|xsrf|token|secret|session", re.IGNORECASE)
TOKEN_KEY_RE = re.compile(r"csrf|xsrf|token|secret", re.IGNORECASE)
SECRET_FIELD_RE = re.compile(r"^(password|passwd|otpcode|otp|guess|totp\w*|code)$", re.IGNORECASE)
# Hidden inputs carrying tokens, in either attribute order.
_TOKEN_NAME = r"""\bname=["'][^"']*(?:csrf|token)[^"']*["']"""
TOKEN_INPUT_RES = (
    re.compile(r"""(<input\b[^>]*""" + _TOKEN_NAME + r"""[^>]*\bvalue=["'])([^"']*)()""", re.I),
    re.compile(r"""(<input\b[^>]*\bvalue=["'])([^"']*)(["'][^>]*""" + _TOKEN_NAME + ")", re.I),
)
SIGNIN_PATH_PREFIXES = ("/ap/", "/authorization/")


# ----------------------------------------------------------------------------------------------------
# Secrets: headers, cookies, tokens, sign-in bodies.


def scrub_headers(headers: list[dict[str, Any]], report: ScrubReport) -> list[dict[str, Any]]:
    """Drop cookie and authorization headers; blank token headers' values."""
    kept = []
    for header in headers:
        name = str(header.get("name", "")).lower()
        if name in SECRET_HEADERS:
            report.add("cookie and authorization headers")
            continue
        if TOKEN_HEADER_RE.search(name) and header.get("value") not in (REDACTED, "true", "false", ""):
            kept.append({**header, "value": REDACTED})
            report.add("token headers")
        else:
            kept.append(header)
    return kept


def redact_form_text(text: str, secret_field: re.Pattern[str] = SECRET_FIELD_RE) -> str:
    """`a=1&password=x` -> `a=1&password=[redacted]` for every secret field (names as sent)."""

    def one(match: re.Match[str]) -> str:
        name = match.group(2)
        return f"{match.group(1)}{name}={REDACTED}" if secret_field.match(name) else match.group(0)

    return re.sub(r"(^|&)([^=&]+)=([^&]*)", one, text)


def scrub_tokens_in_html(text: str, report: ScrubReport) -> str:
    for pattern in TOKEN_INPUT_RES:
        text, n = pattern.subn(lambda m: m.group(1) + REDACTED + m.group(3), text)
        report.add("tokens", n)
    return text


def scrub_tokens_in_json(document: Any, report: ScrubReport) -> None:
    def visit(obj: dict[str, Any]) -> None:
        for key, value in list(obj.items()):
            if TOKEN_KEY_RE.search(key) and isinstance(value, str) and value not in ("", REDACTED):
                obj[key] = REDACTED
                report.add("tokens")

    walk_dicts(document, visit)


def _is_signin_post(request: Mapping[str, Any]) -> bool:
    if request.get("method") != "POST":
        return False
    path = urlsplit(str(request.get("url", ""))).path
    params = request.get("postData", {}).get("params") or []
    return path.startswith(SIGNIN_PATH_PREFIXES) or any(
        SECRET_FIELD_RE.match(str(p.get("name", ""))) for p in params
    )


# ----------------------------------------------------------------------------------------------------
# The whole HAR.


def _kind(content: Mapping[str, Any]) -> str:
    mime = str(content.get("mimeType", "")).lower()
    if content.get("encoding") == "base64" or "text" not in content:
        return "binary"
    if "json" in mime:
        return "json"
    if "html" in mime:
        return "html"
    if "javascript" in mime or "css" in mime or "svg" in mime:
        return "asset"
    return "text"


def _load_json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


def scrub_har(
    har: dict[str, Any],
    *,
    account_email: str | None = None,
    name_selectors: Iterable[str] = (),
    fakes: Pseudonyms | None = None,
) -> tuple[dict[str, Any], ScrubReport, Pseudonyms]:
    """A scrubbed copy of `har`, what was done, and the fakes (to scrub the capture's other files).

    Raises ValueError when a collected value survives the scrub (a bug: never commit such a file).
    """
    har = json.loads(json.dumps(har))  # a deep copy; the input stays as captured
    report = ScrubReport()
    fakes = fakes or Pseudonyms(account_email)
    entries: list[dict[str, Any]] = har.get("log", {}).get("entries", [])
    selectors = list(name_selectors)
    for entry in entries:  # first pass: learn every name and address the capture shows
        content = entry.get("response", {}).get("content", {})
        kind = _kind(content)
        if kind == "json":
            collect_from_json(_load_json(content["text"]), fakes)
        elif kind == "html":
            collect_from_html(content["text"], fakes, selectors)
    text = TextScrubber(fakes, report)
    text.learn()
    for entry in entries:
        _scrub_entry(entry, text, report)
    without_repeats(har)  # after scrubbing: entries that differed only by a cookie are repeats now
    for page in har.get("log", {}).get("pages", []):
        if isinstance(page.get("title"), str):
            page["title"] = text(page["title"], phones=False)
    leftovers = find_leftovers(json.dumps(har, ensure_ascii=False), fakes.originals())
    if leftovers:
        raise ValueError(f"scrubbing left {len(leftovers)} personal value(s) in the HAR")
    return har, report, fakes


def _scrub_entry(entry: dict[str, Any], text: TextScrubber, report: ScrubReport) -> None:
    request = entry.get("request", {})
    response = entry.get("response", {})
    request["headers"] = scrub_headers(request.get("headers", []), report)
    response["headers"] = scrub_headers(response.get("headers", []), report)
    for part in (request, response):
        if part.get("cookies"):
            report.add("cookies", len(part["cookies"]))
            part["cookies"] = []
    _scrub_post(request, text, report)
    _scrub_content(response, text, report)


def _scrub_post(request: dict[str, Any], text: TextScrubber, report: ScrubReport) -> None:
    post = request.get("postData")
    if not post:
        return
    if _is_signin_post(request):
        request["postData"] = {"mimeType": post.get("mimeType", ""), "text": "", "params": []}
        report.add("sign-in form bodies")
        return
    post["text"] = text(redact_form_text(str(post.get("text", ""))), phones=True)
    for param in post.get("params") or []:
        if SECRET_FIELD_RE.match(str(param.get("name", ""))):
            param["value"] = REDACTED
        elif isinstance(param.get("value"), str):
            param["value"] = text(param["value"], phones=True)


def _scrub_content(response: dict[str, Any], text: TextScrubber, report: ScrubReport) -> None:
    content = response.get("content", {})
    kind = _kind(content)
    if kind == "binary":
        return
    body = str(content["text"])
    document = _load_json(body) if kind == "json" else None
    if document is not None:
        scrub_tokens_in_json(document, report)
        document = map_strings(document, lambda s: text(s, phones=True))
        new_body = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    elif kind == "html":
        new_body = text(scrub_tokens_in_html(body, report), phones=True)
    else:
        new_body = text(body, phones=False)
    content["text"] = new_body
    content["size"] = len(new_body.encode())
    # The body is stored decoded; its length changed: the replayed headers must agree with it.
    response["headers"] = [
        {**h, "value": str(content["size"])} if str(h.get("name", "")).lower() == "content-length" else h
        for h in response.get("headers", [])
        if str(h.get("name", "")).lower() != "content-encoding"
    ]


def without_repeats(har: dict[str, Any]) -> int:
    """Drop entries that repeat an earlier one exactly (same request, same answer): every page loads
    the same scripts again. Replay answers a request from the first matching entry, so nothing changes
    but the file's size. Returns how many were dropped."""
    seen: set[tuple[Any, ...]] = set()
    kept = []
    entries = har.get("log", {}).get("entries", [])
    for entry in entries:
        request, response = entry.get("request", {}), entry.get("response", {})
        key = (
            request.get("method"),
            request.get("url"),
            (request.get("postData") or {}).get("text"),
            response.get("status"),
            response.get("content", {}).get("text"),
        )
        if key in seen:
            continue
        seen.add(key)
        kept.append(entry)
    har.setdefault("log", {})["entries"] = kept
    return len(entries) - len(kept)


def scrub_document(document: Any, fakes: Pseudonyms) -> Any:
    """Another file of the capture (the scan's JSON): the same fakes for the same values."""
    text = TextScrubber(fakes, ScrubReport())
    text.learn()
    return map_strings(document, lambda s: text(s, phones=False))
