"""A sign-in in progress between the password and the session: captcha, e-mailed code, one-time code.

Kept in memory under a random id held in the `sc-ap-pending` cookie: a half-finished sign-in need not
survive a restart, and the captcha's answer must never travel to the browser.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

PENDING_COOKIE = "sc-ap-pending"
PENDING_SECONDS = 15 * 60


@dataclass
class PendingSignIn:
    id: str
    remember: bool
    return_to: str
    needs_mfa: bool
    captcha_answer: str | None
    created: float
    needs_verification: bool = False
    verification_code: str | None = None
    """The code e-mailed when the verification step was reached (kept until it is typed right)."""


class PendingSignIns:
    def __init__(self) -> None:
        self._pending: dict[str, PendingSignIn] = {}

    def start(
        self,
        *,
        remember: bool,
        return_to: str,
        needs_mfa: bool,
        captcha_answer: str | None,
        needs_verification: bool = False,
    ) -> PendingSignIn:
        now = time.time()
        self._pending = {k: p for k, p in self._pending.items() if now - p.created < PENDING_SECONDS}
        pending = PendingSignIn(
            secrets.token_hex(12), remember, return_to, needs_mfa, captcha_answer, now, needs_verification
        )
        self._pending[pending.id] = pending
        return pending

    def get(self, pending_id: str | None) -> PendingSignIn | None:
        pending = self._pending.get(pending_id or "")
        if pending is None or time.time() - pending.created >= PENDING_SECONDS:
            return None
        return pending

    def finish(self, pending: PendingSignIn) -> None:
        self._pending.pop(pending.id, None)


def safe_return_to(value: str | None, default: str = "/home") -> str:
    """Only paths on this site: an open redirect would be a real site's bug, not one to imitate."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")):
        return default
    return value
