"""What every test's scenario shares: the sandbox clock, the sandbox account, and UTC timestamps.

The sandbox's own account (not a real credential). Test helper modules build their orders on top of
these; importable from any test module because pytest puts `tests/` on the path (tests/conftest.py).
"""

from __future__ import annotations

from datetime import UTC, datetime

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
EMAIL = "seller@example.com"
PASSWORD = "sandbox-password"
TOTP_SECRET = "ONRS2Y3BNZRWK3BNONQW4ZDCN54C2ZDF"


def iso(moment: datetime) -> str:
    """A scenario timestamp: UTC, ISO 8601, with a Z."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
