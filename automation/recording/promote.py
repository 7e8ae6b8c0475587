"""`sc-cancel scrub`: turn a capture into a committed recording, `recordings/<page_key>/<name>/`.

The capture's HAR is scrubbed (automation/recording/scrub.py), the scan's document gets the same fakes
(the account's e-mail), and `meta.yaml` says what it is: when and where it was captured, with which
Playwright and which selector files (their `verified_on`), and `scrubbed: true`. The capture's trace is
not promoted: its screenshots show buyers' names and cannot be scrubbed.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import yaml

from automation.errors import BadInputError
from automation.recording.record import CAPTURE_META, CAPTURE_SCENARIO
from automation.recording.replay import EXPECTED_NAME, HAR_NAME, META_NAME, RECORDING_FORMAT, load_recording
from automation.recording.scrub import Pseudonyms, scrub_document, scrub_har

PAGE_KEY_RE = re.compile(r"^[a-z][a-z_]*$")
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
# Selector-file fields whose cells hold a buyer's name on server-rendered pages.
NAME_FIELDS = (("manage_orders", "buyer_name"), ("messages", "buyer_name"))


def name_selectors(selectors_dir: Path) -> list[str]:
    from automation.locators import load_selector_file

    found: list[str] = []
    for page_key, field_name in NAME_FIELDS:
        found += load_selector_file(selectors_dir, page_key).fields.get(field_name, [])
    return found


def _read_capture(capture: Path) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any] | None]:
    if not capture.is_dir():
        raise BadInputError(f"{capture}: no such capture folder (see `sc-cancel record`)")
    for needed in (HAR_NAME, CAPTURE_META):
        if not (capture / needed).is_file():
            raise BadInputError(f"{capture}: {needed} is missing; is this a capture from `sc-cancel record`?")
    meta = yaml.safe_load((capture / CAPTURE_META).read_text(encoding="utf-8"))
    if not isinstance(meta, dict) or "base_url" not in meta or "account" not in meta:
        raise BadInputError(f"{capture / CAPTURE_META}: base_url and account are needed")
    try:
        har = json.loads((capture / HAR_NAME).read_text(encoding="utf-8"))
    except ValueError as exc:
        raise BadInputError(f"{capture / HAR_NAME}: not a HAR file ({exc})") from None
    expected_path = capture / EXPECTED_NAME
    expected = json.loads(expected_path.read_text(encoding="utf-8")) if expected_path.is_file() else None
    return meta, har, expected


def promote_capture(
    capture: Path,
    *,
    page_key: str | None,
    name: str | None,
    recordings_dir: Path,
    selectors_dir: Path,
    force: bool = False,
) -> Path:
    """Scrub `capture` into `recordings_dir/<page_key>/<name>/`; returns that folder. The page key and
    name default to what `sc-cancel record` wrote into the capture."""
    meta, har, expected = _read_capture(capture)
    page_key = page_key or meta.get("page_key")
    name = name or meta.get("name")
    if not page_key or not name:
        raise BadInputError("scrub needs --page-key and --name (the capture does not say them)")
    if not PAGE_KEY_RE.match(page_key):
        raise BadInputError(f"--page-key '{page_key}': use a page key like manage_orders, or scan")
    if not NAME_RE.match(name):
        raise BadInputError(f"--name '{name}': use lower-case letters, digits, '-', '_' and '.'")
    target = recordings_dir / page_key / name
    if target.exists() and not force:
        raise BadInputError(f"{target} exists; pass --force to replace it")
    fakes = Pseudonyms(str(meta["account"]))
    try:
        clean_har, report, fakes = scrub_har(
            har, account_email=str(meta["account"]), name_selectors=name_selectors(selectors_dir), fakes=fakes
        )
    except ValueError as exc:
        raise BadInputError(f"{capture}: {exc}; the capture was not promoted") from None
    source = str(meta.get("source") or "live")
    recording_meta = {
        "format": RECORDING_FORMAT,
        "page_key": page_key,
        "name": name,
        "captured_at": meta.get("captured_at"),
        "source": f"{source} (scrubbed)",
        "scenario": meta.get("scenario"),
        "base_url": meta["base_url"],
        "account": fakes.email(str(meta["account"])),
        "locale": meta.get("locale", "en_US"),
        "marketplace": meta.get("marketplace"),
        "store": meta.get("store"),
        "playwright": meta.get("playwright"),
        "selectors_verified_on": meta.get("selectors_verified_on", {}),
        "scrubbed": True,
        "scrub": dict(sorted(report.counts.items())),
    }
    staging = recordings_dir / page_key / f".{name}.staging"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    (staging / HAR_NAME).write_text(
        json.dumps(clean_har, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (staging / META_NAME).write_text(
        "# Captured by `sc-cancel record`, scrubbed by `sc-cancel scrub`; see recordings/README.md\n"
        + yaml.safe_dump(recording_meta, sort_keys=False, allow_unicode=True),
        encoding="utf-8",
    )
    if expected is not None:
        clean_expected = scrub_document(expected, fakes)
        (staging / EXPECTED_NAME).write_text(json.dumps(clean_expected, indent=2) + "\n", encoding="utf-8")
    if meta.get("scenario") and (capture / CAPTURE_SCENARIO).is_file():
        shutil.copyfile(capture / CAPTURE_SCENARIO, staging / CAPTURE_SCENARIO)  # sandbox data only
    load_recording(staging)  # what was written reads back as a recording
    shutil.rmtree(target, ignore_errors=True)
    staging.replace(target)
    return target
