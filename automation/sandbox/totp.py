"""RFC 6238 one-time codes (SHA-1, 6 digits, 30 s steps) on the real clock, one step of drift accepted.

pyotp implements the RFC; this module fixes the sandbox's parameters in one place so the sign-in page
and the tests agree on them.
"""

from __future__ import annotations

import re
import time

import pyotp

DIGITS = 6
STEP_SECONDS = 30
DRIFT_STEPS = 1
_CODE_RE = re.compile(rf"^\d{{{DIGITS}}}$")


def code_at(secret: str, unix_time: float) -> str:
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).at(int(unix_time))


def current_code(secret: str) -> str:
    return code_at(secret, time.time())


def verify(secret: str, code: str, unix_time: float | None = None) -> bool:
    """True when `code` is the code of this step or of the step just before or after it."""
    code = code.strip().replace(" ", "")
    if not _CODE_RE.match(code):
        return False
    at = time.time() if unix_time is None else unix_time
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)
    return totp.verify(code, for_time=int(at), valid_window=DRIFT_STEPS)
