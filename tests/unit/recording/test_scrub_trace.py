"""Trace chunks merged into one trace.zip and scrubbed: the shapes below are what Playwright 1.65 writes
(seen in real traces of the sandbox): network snapshots with headers, cookies and form bodies whose
text lives in a resource file, `storageState` results, and `fill` calls."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from automation.recording.scrub import REDACTED
from automation.recording.trace_zip import merge_chunks, scrub_trace_file

PASSWORD = "planted-password-41"
TOTP_SECRET = "ONRS2Y3BNZRWK3BNONQW4ZDCN54C2ZDF"
COOKIE = "eyJlbSI6InNlbGxlciJ9.planted-cookie-signature"
CODE = "493017"
FORM_FILE = "resources/0a1b2c3d.dat"


def lines(*events: object) -> bytes:
    return ("\n".join(json.dumps(e) for e in events) + "\n").encode()


def snapshot(method: str, url: str, *, post: dict[str, object] | None = None) -> dict[str, object]:
    request: dict[str, object] = {
        "method": method,
        "url": url,
        "headers": [
            {"name": "Cookie", "value": f"session-token={COOKIE}"},
            {"name": "Accept", "value": "*/*"},
        ],
        "cookies": [{"name": "session-token", "value": COOKIE}],
    }
    if post is not None:
        request["postData"] = post
    return {
        "type": "resource-snapshot",
        "snapshot": {
            "request": request,
            "response": {
                "status": 302,
                "headers": [{"name": "Set-Cookie", "value": f"session-token={COOKIE}; HttpOnly"}],
                "cookies": [],
            },
        },
    }


SIGNIN = snapshot(
    "POST",
    "http://127.0.0.1:1/ap/mfa",
    post={
        "mimeType": "application/x-www-form-urlencoded",
        "text": "",
        "params": [{"name": "otpCode", "value": CODE}, {"name": "rememberDevice", "value": "true"}],
        "_file": FORM_FILE,
    },
)
HOME = snapshot("GET", "http://127.0.0.1:1/home")


def write_chunk(path: Path, *, network: list[dict[str, object]], trace: list[dict[str, object]]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("trace.trace", lines(*trace))
        archive.writestr("trace.network", lines(*network))
        archive.writestr("trace.stacks", b"{}")
        archive.writestr(FORM_FILE, f"otpCode={CODE}&rememberDevice=true".encode())
        archive.writestr("resources/page.html", f"<input value='{PASSWORD}'>".encode())
        archive.writestr("screencast/frame-1.jpeg", b"\xff\xd8\xff binary " + PASSWORD.encode())
        archive.writestr("src/abc.py", f"TOTP = {TOTP_SECRET!r}\n".encode())
    return path


def test_chunks_merge_into_one_scrubbed_trace(tmp_path: Path) -> None:
    fill = {
        "type": "before",
        "callId": "call@7",
        "class": "Frame",
        "method": "fill",
        "params": {"selector": "#auth-mfa-otpcode", "value": CODE},
    }
    reply = {
        "type": "before",
        "callId": "call@8",
        "class": "Frame",
        "method": "fill",
        "params": {"selector": "textarea#reply-text", "value": "Thanks, cancelled."},
    }
    state = {
        "type": "after",
        "callId": "call@9",
        "result": {"cookies": [{"name": "session-token", "value": COOKIE}]},
    }
    first = write_chunk(tmp_path / "c1.zip", network=[HOME], trace=[fill])
    second = write_chunk(tmp_path / "c2.zip", network=[HOME, SIGNIN], trace=[reply, state])
    merged = merge_chunks([first, second], tmp_path / "trace.zip", [PASSWORD, TOTP_SECRET])

    with zipfile.ZipFile(merged) as archive:
        assert archive.testzip() is None
        names = set(archive.namelist())
        blobs = {name: archive.read(name) for name in names}
    assert {"trace.trace", "trace.network", "trace-2.trace", "trace-2.network", "trace-2.stacks"} <= names
    for secret in (PASSWORD, TOTP_SECRET, COOKIE, CODE):
        assert not [name for name, data in blobs.items() if secret.encode() in data], secret
    # Network lines repeated by the second chunk are kept once; the form body keeps its other fields.
    assert len(blobs["trace-2.network"].splitlines()) == 1
    assert blobs[FORM_FILE] == f"otpCode={REDACTED}&rememberDevice=true".encode()
    reply_line = json.loads(blobs["trace-2.trace"].splitlines()[0])
    assert reply_line["params"]["value"] == "Thanks, cancelled."  # only secret fields are blanked
    network = json.loads(blobs["trace-2.network"].splitlines()[0])["snapshot"]
    assert network["request"]["postData"]["params"][1] == {"name": "rememberDevice", "value": "true"}
    assert network["request"]["headers"][1] == {"name": "Accept", "value": "*/*"}


def test_scrubbing_in_place_keeps_a_single_chunk_as_is(tmp_path: Path) -> None:
    trace = write_chunk(tmp_path / "trace.zip", network=[SIGNIN], trace=[])
    scrub_trace_file(trace, [PASSWORD])
    with zipfile.ZipFile(trace) as archive:
        names = archive.namelist()
        assert "trace.trace" in names
        assert "trace-1.trace" not in names
        assert COOKIE.encode() not in archive.read("trace.network")
        assert PASSWORD.encode() not in archive.read("resources/page.html")
