"""The sandbox's clock in the `Date` header of every answer: the site's time, as the agent reads it.

The agent takes the site's time from the `Date` header of the last document it loaded (sandbox-scenario.md,
"Site time"), so a scenario written for another day has its requests aged on that day's clock. Uvicorn's
own Date header (the real clock) is turned off in `server.py`; this one replaces any the app set.
"""

from __future__ import annotations

from email.utils import format_datetime
from typing import Any

from automation.sandbox.clock import SandboxClock


def http_date(clock: SandboxClock) -> bytes:
    """`Thu, 26 Nov 2026 12:00:00 GMT` (RFC 9110 IMF-fixdate) for the clock's current time."""
    return format_datetime(clock.now().replace(microsecond=0), usegmt=True).encode("ascii")


class SiteDateMiddleware:
    """Pure ASGI middleware: one `date` header, from the sandbox clock, on every HTTP answer."""

    def __init__(self, app: Any, clock: SandboxClock) -> None:
        self.app = app
        self.clock = clock

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def dated(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"date"]
                message = {**message, "headers": [*headers, (b"date", http_date(self.clock))]}
            await send(message)

        await self.app(scope, receive, dated)
