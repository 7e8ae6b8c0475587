"""Signed session tokens: a restarted sandbox on the same scenario still accepts a valid cookie.

The token carries its own expiry and is HMAC-signed with a secret derived from the scenario's account,
so no state file is needed to survive a restart. What cannot survive a restart, and need not, lives in
memory: sign-outs and the per-session request counts of the `session_expires_after` fault.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

_SECRET_SALT = b"sc-cancel sandbox session secret v1"
DEVICE_TRUST_SECONDS = 365 * 86400


def default_secret(email: str, password: str) -> bytes:
    """Derived from the account, so the same scenario always signs the same way."""
    return hashlib.sha256(_SECRET_SALT + b"\0" + email.encode() + b"\0" + password.encode()).digest()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Signer:
    """`<purpose>`-bound HMAC-SHA256 tokens holding a small JSON payload."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def _mac(self, purpose: str, body: str) -> str:
        return _b64(hmac.new(self._secret, f"{purpose}.{body}".encode(), hashlib.sha256).digest())

    def sign(self, purpose: str, payload: dict[str, Any]) -> str:
        body = _b64(json.dumps(payload, separators=(",", ":"), sort_keys=True).encode())
        return f"{body}.{self._mac(purpose, body)}"

    def unsign(self, purpose: str, token: str | None) -> dict[str, Any] | None:
        if not token or token.count(".") != 1:
            return None
        body, mac = token.split(".")
        if not hmac.compare_digest(mac, self._mac(purpose, body)):
            return None
        try:
            payload = json.loads(_unb64(body))
        except (ValueError, UnicodeDecodeError):
            return None
        return payload if isinstance(payload, dict) else None


@dataclass(frozen=True)
class Session:
    sid: str
    email: str
    store: int | None
    expires_at: float
    persistent: bool


class SessionBook:
    """Issues and checks sessions; counts requests per session for the expiry fault."""

    def __init__(
        self,
        signer: Signer,
        email: str,
        lifetime_s: float,
        request_limit: int | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.signer = signer
        self.email = email
        self.lifetime_s = lifetime_s
        self.request_limit = request_limit
        self._clock = clock
        self._revoked: set[str] = set()
        self._requests: dict[str, int] = {}

    def issue(self, *, store: int | None, persistent: bool, sid: str | None = None) -> tuple[str, Session]:
        """A new session (a fresh sid, hence a fresh request allowance) unless `sid` keeps one."""
        session = Session(
            sid=sid or secrets.token_hex(12),
            email=self.email,
            store=store,
            expires_at=self._clock() + self.lifetime_s,
            persistent=persistent,
        )
        payload = {
            "sid": session.sid,
            "em": session.email,
            "st": store,
            "exp": session.expires_at,
            "rm": persistent,
        }
        return self.signer.sign("session", payload), session

    def check(self, token: str | None, *, count: bool = True) -> Session | None:
        """The valid session of a cookie, or None; with `count`, this request uses up one of its allowance."""
        payload = self.signer.unsign("session", token)
        if payload is None or payload.get("em") != self.email:
            return None
        try:
            session = Session(
                sid=str(payload["sid"]),
                email=str(payload["em"]),
                store=None if payload.get("st") is None else int(payload["st"]),
                expires_at=float(payload["exp"]),
                persistent=bool(payload.get("rm")),
            )
        except (KeyError, TypeError, ValueError):
            return None
        if session.expires_at <= self._clock() or session.sid in self._revoked:
            return None
        if count:
            used = self._requests.get(session.sid, 0) + 1
            self._requests[session.sid] = used
            if self.request_limit is not None and used > self.request_limit:
                return None
        elif self.request_limit is not None and self._requests.get(session.sid, 0) >= self.request_limit:
            return None
        return session

    def revoke(self, sid: str) -> None:
        self._revoked.add(sid)

    def csrf_token(self, session: Session) -> str:
        return self.signer.sign("csrf", {"sid": session.sid})

    def csrf_ok(self, session: Session, token: str | None) -> bool:
        payload = self.signer.unsign("csrf", token)
        return payload is not None and payload.get("sid") == session.sid

    def device_trust_token(self) -> str:
        """The `sc-device-trust` cookie: this browser may skip the one-time code for a year."""
        return self.signer.sign("device", {"em": self.email, "exp": self._clock() + DEVICE_TRUST_SECONDS})

    def device_trusted(self, token: str | None) -> bool:
        payload = self.signer.unsign("device", token)
        if payload is None or payload.get("em") != self.email:
            return False
        try:
            return float(payload["exp"]) > self._clock()
        except (KeyError, TypeError, ValueError):
            return False
