"""Playwright trace files: merging a session's chunks into one `trace.zip`, and scrubbing secrets.

A session traces in chunks: sign-in is left out (`BrowserSession.untraced()` stops the chunk before it
and starts a new one after), so a run that signed in has two or more chunks. They are merged into one
zip: chunk 1 keeps the names `trace.trace`/`trace.network`/`trace.stacks`, chunk n becomes
`trace-n.trace`... (the trace viewer loads every `<name>.trace` in a zip with its `<name>.network`), and
resources, sources and screencast frames are shared by name.

Leaving sign-in out of the chunks is not enough on its own: Playwright keeps the network log across
chunks (the sign-in POST with its form body shows up in the next chunk), and API results such as
`storageState()` carry cookie values. So every entry is scrubbed as well: the values registered with
`automation.redact.REDACTOR` (password, TOTP secret, session cookies), every `Cookie`, `Set-Cookie` and
`Authorization` header, every cookie list, the `password`/`otpCode` form fields (and the resource files
holding those form bodies), and values typed into password or one-time-code fields. Pure: no browser.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from automation.recording.scrub import (
    REDACTED,
    SECRET_FIELD_RE,
    SECRET_HEADERS,
    redact_form_text,
)

SECRET_SELECTOR_RE = re.compile(r"password|passwd|otp|mfa|totp|one.?time|captcha|guess", re.IGNORECASE)
TYPING_METHODS = frozenset({"fill", "type", "pressSequentially", "insertText", "setInputFiles"})
TEXT_SUFFIXES = (
    *(".trace", ".network", ".stacks", ".html", ".json", ".txt"),
    *(".css", ".js", ".dat", ".xml", ".svg"),
)
FORM_BODY_RE = re.compile(r"(?:^|&)(password|passwd|otpCode|otp|guess)=", re.IGNORECASE)


def _entry_name(name: str, ordinal: int) -> str:
    """`trace.trace` of chunk 1 keeps its name; chunk n's becomes `trace-n.trace`."""
    if ordinal == 1 or not name.startswith("trace."):
        return name
    return f"trace-{ordinal}.{name.split('.', 1)[1]}"


class _SecretText:
    """Replaces registered secret values (longest first) in texts and, as a last guard, in bytes."""

    def __init__(self, secrets: Iterable[str]) -> None:
        self.values = sorted({s for s in secrets if s}, key=len, reverse=True)
        self.pattern = re.compile("|".join(re.escape(s) for s in self.values)) if self.values else None

    def __call__(self, text: str) -> str:
        return text if self.pattern is None else self.pattern.sub(REDACTED, text)

    def bytes(self, data: bytes) -> bytes:
        for value in self.values:
            raw = value.encode()
            if raw in data:
                data = data.replace(raw, REDACTED.encode())
        return data


def _scrub_event(value: Any, rewrite: set[str]) -> Any:
    """One JSON value of a `.trace`/`.network` line, with secrets blanked; notes body files to rewrite."""
    if isinstance(value, list):
        return [_scrub_event(v, rewrite) for v in value]
    if not isinstance(value, dict):
        return value
    out = {k: _scrub_event(v, rewrite) for k, v in value.items()}
    name = out.get("name")
    secret_name = isinstance(name, str) and (name.lower() in SECRET_HEADERS or SECRET_FIELD_RE.match(name))
    if secret_name and "value" in out:
        out["value"] = REDACTED
    if isinstance(out.get("cookies"), list):
        out["cookies"] = [{**c, "value": REDACTED} if isinstance(c, dict) else c for c in out["cookies"]]
    post = out.get("postData")
    if isinstance(post, dict):
        if isinstance(post.get("text"), str):
            post["text"] = redact_form_text(post["text"])
        body_file = post.get("_file") or post.get("_sha1")
        if isinstance(body_file, str):
            rewrite.add(body_file if "/" in body_file else f"resources/{body_file}")
    params = out.get("params")
    if out.get("method") in TYPING_METHODS and isinstance(params, dict):
        selector = str(params.get("selector", ""))
        if SECRET_SELECTOR_RE.search(selector) and "value" in params:
            out["params"] = {**params, "value": REDACTED}
        if SECRET_SELECTOR_RE.search(selector) and "text" in params:
            out["params"] = {**out["params"], "text": REDACTED}
    return out


def _scrub_lines(text: str, rewrite: set[str]) -> str:
    lines = []
    for line in text.splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            lines.append(line)
            continue
        lines.append(json.dumps(_scrub_event(event, rewrite), ensure_ascii=False, separators=(",", ":")))
    return "\n".join(lines) + ("\n" if text.endswith("\n") else "")


def _is_text(name: str) -> bool:
    return name.endswith(TEXT_SUFFIXES) or name.startswith("src/")


def scrub_entries(entries: dict[str, bytes], secrets: Iterable[str]) -> dict[str, bytes]:
    """Every entry of a trace, scrubbed (see the module's docstring)."""
    secret_text = _SecretText(secrets)
    rewrite: set[str] = set()
    out: dict[str, bytes] = {}
    for name, data in entries.items():  # structured pass first: it finds the form-body files
        if name.endswith((".trace", ".network")):
            text = _scrub_lines(data.decode("utf-8", errors="replace"), rewrite)
            out[name] = secret_text(text).encode()
    for name, data in entries.items():
        if name in out:
            continue
        if _is_text(name) or name in rewrite:
            text = data.decode("utf-8", errors="replace")
            if name in rewrite or FORM_BODY_RE.search(text):
                text = redact_form_text(text)
            out[name] = secret_text(text).encode()
        else:
            out[name] = secret_text.bytes(data)
    return out


def merge_chunks(chunks: Sequence[Path], target: Path, secrets: Iterable[str]) -> Path:
    """Merge trace chunks (in order) into `target`, scrubbed. Network lines already in an earlier
    chunk are left out of later ones (Playwright repeats them)."""
    secrets = list(secrets)
    merged: dict[str, bytes] = {}
    seen_network: set[bytes] = set()
    for ordinal, chunk in enumerate(chunks, start=1):
        with zipfile.ZipFile(chunk) as archive:
            for info in archive.infolist():
                name = _entry_name(info.filename, ordinal)
                data = archive.read(info)
                if info.filename == "trace.network":
                    fresh = [ln for ln in data.splitlines() if ln.strip() and ln not in seen_network]
                    seen_network.update(fresh)
                    data = b"\n".join(fresh) + (b"\n" if fresh else b"")
                if name not in merged:
                    merged[name] = data
    scrubbed = scrub_entries(merged, secrets)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in scrubbed.items():
            archive.writestr(name, data)
    tmp.chmod(0o600)
    tmp.replace(target)
    return target


def scrub_trace_file(path: Path, secrets: Iterable[str]) -> Path:
    """Scrub an existing trace.zip in place."""
    return merge_chunks([path], path, secrets)
