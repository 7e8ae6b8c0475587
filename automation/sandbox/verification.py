"""The e-mailed verification code ("Verify it's you", ref §4 CVF): a sandbox-only switch and its outbox.

Amazon sometimes asks, after the password, for a code it has just e-mailed or texted. Only a person can
read that mail, so the agent must ask one; to test that, the sandbox can demand such a code at every
sign-in. It is a switch of the running sandbox, not a scenario field (the scenario format is a fixed
interface), and the codes it "sends" are kept in an outbox a test reads through `/__sandbox/verification`.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime

CODE_DIGITS = 6


@dataclass(frozen=True)
class SentCode:
    to: str
    code: str
    at: datetime

    def document(self) -> dict[str, str]:
        return {"to": self.to, "code": self.code, "at": self.at.isoformat().replace("+00:00", "Z")}


@dataclass
class VerificationMail:
    """Whether sign-ins owe an e-mailed code, and every code sent (real clock, as a mail server's)."""

    enabled: bool = False
    sent: list[SentCode] = field(default_factory=list)

    def send(self, to: str) -> str:
        code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
        self.sent.append(SentCode(to, code, datetime.now(UTC)))
        return code

    def document(self) -> dict[str, object]:
        return {"enabled": self.enabled, "sent": [s.document() for s in self.sent]}


def matches(code: str, typed: str) -> bool:
    return secrets.compare_digest(code.encode(), typed.strip().replace(" ", "").encode())


def masked_address(email: str) -> str:
    """`s***@example.com`: how the page names where the code went without showing the whole address."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}" if domain else f"{local[:1]}***"
