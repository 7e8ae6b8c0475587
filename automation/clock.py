"""The machine's clock, the default of every clock that tests replace (the ledger's, the locks', the
scheduler's). The site's own time is `site_clock`'s."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> datetime:
    """Now, as an aware UTC datetime."""
    return datetime.now(UTC)
