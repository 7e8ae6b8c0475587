"""Committed recordings (`recordings/<page_key>/<name>/`) read back for offline replay.

A recording is `network.har` (scrubbed), `meta.yaml` (where and when it was captured, with what) and,
for a whole-scan capture, `expected.json` (the scan's document at capture time). Replay answers every
request from the HAR and aborts the rest, so no site is needed. The capture starts signed in (`sc-cancel
record` signs in before capturing), so replay never signs in; a recording that shows the sign-in form
is reported as such instead of typing a password into a recording.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr

from automation.errors import BadInputError
from automation.strict_model import StrictModel
from automation.yaml_source import load_model

RECORDING_FORMAT = 1
HAR_NAME = "network.har"
META_NAME = "meta.yaml"
EXPECTED_NAME = "expected.json"


class RecordingMeta(StrictModel):
    """`meta.yaml` of a committed recording."""

    format: int = RECORDING_FORMAT
    page_key: str
    name: str
    captured_at: datetime
    source: str = Field(description='where it was captured, e.g. "sandbox (scrubbed)"')
    base_url: str = Field(description="the site's address at capture time; replay answers it offline")
    account: str = Field(description="the account's e-mail as scrubbed")
    locale: str = "en_US"
    marketplace: str | None = None
    store: str | None = None
    playwright: str
    selectors_verified_on: dict[str, date | None] = Field(default_factory=dict)
    scrubbed: bool
    scrub: dict[str, int] = Field(default_factory=dict, description="what scrubbing removed, by kind")
    scenario: str | None = Field(default=None, description="the sandbox scenario captured, if any")


@dataclass(frozen=True)
class Recording:
    path: Path
    meta: RecordingMeta

    @property
    def har(self) -> Path:
        return self.path / HAR_NAME

    def expected(self) -> dict[str, Any] | None:
        path = self.path / EXPECTED_NAME
        if not path.is_file():
            return None
        document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return document


def load_recording(path: Path) -> Recording:
    """A recording folder, checked: bad input (exit 2) names the file and field that is wrong."""
    path = path.expanduser().resolve()
    if not path.is_dir():
        raise BadInputError(f"{path}: no such recording folder (expected recordings/<page_key>/<name>/)")
    for needed in (HAR_NAME, META_NAME):
        if not (path / needed).is_file():
            raise BadInputError(f"{path}: {needed} is missing; is this a recording folder?")
    meta = load_model(RecordingMeta, path / META_NAME)
    if meta.format > RECORDING_FORMAT:
        raise BadInputError(
            f"{path / META_NAME}: format {meta.format} is newer than this sc-cancel reads "
            f"({RECORDING_FORMAT}); update sc-cancel"
        )
    if not meta.scrubbed:
        raise BadInputError(
            f"{path / META_NAME}: scrubbed is false; run `sc-cancel scrub` on the capture first"
        )
    return Recording(path, meta)


def replay_target(recording: Recording) -> Any:
    """The account a replay scans: the recording's site and (scrubbed) e-mail, and no secrets at all."""
    from automation.targets import MarketplaceTarget, Target, state_key

    meta = recording.meta

    def no_password() -> SecretStr:
        raise BadInputError(
            f"{recording.path}: the recording shows the sign-in form where a signed-in page was expected; "
            "a replay cannot sign in. Capture again with `sc-cancel record` (it signs in first)"
        )

    return Target(
        name=f"replay {meta.page_key}/{meta.name}",
        key=state_key(f"replay:{recording.path}", meta.account),
        email=meta.account,
        password=no_password,
        totp_secret=lambda: None,
        marketplaces=(
            MarketplaceTarget(
                base_url=meta.base_url.rstrip("/"),
                marketplace=meta.marketplace,
                store=meta.store,
                locale=meta.locale,
            ),
        ),
    )
