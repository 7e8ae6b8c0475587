"""`sc-cancel record`: capture a session (every response body, and a trace) for a recording.

Two ways: while the agent scans (the default), or while a person clicks through a headed browser
(`--headed --manual`, until they close it). A scan capture signs in *before* capturing (the
`login` flow), so the HAR starts signed in and holds no sign-in, and a replay never needs to sign in;
after the scan it walks every page key's screen like `selectors check` does (details and cancel page
of one order, never submitting), so the recording serves that check too.

The capture goes to `<data_dir>/runs/<run-id>/capture/` (private, outside the repository): `network.har`,
`trace.zip`, `expected.json` (the scan's document) and `capture.yaml` (what `sc-cancel scrub` needs to
write `meta.yaml`). Nothing there is scrubbed yet.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import secrets
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

import yaml
from loguru import logger

from automation.errors import BadInputError, SiteFailingError
from automation.recording.capture import har_problems

CAPTURE_DIR = "capture"
CAPTURE_META = "capture.yaml"
CAPTURE_SCENARIO = "scenario.yaml"
"""A sandbox capture keeps its scenario (sandbox data only), so the recording can be captured again."""
SIGNIN_POST_PATHS = ("/ap/signin", "/ap/mfa", "/ap/captcha")


@dataclasses.dataclass(frozen=True)
class Capture:
    path: Path
    har: Path
    trace: Path | None
    expected: Path | None


@contextlib.contextmanager
def _site(target: Any, rt: Any) -> Iterator[tuple[Any, Path | None]]:
    """The target to capture, with the built-in sandbox (if it needs one) started once for the whole
    capture, so the sign-in and the scan talk to the same site."""
    if target.sandbox_scenario is None:
        yield target, None
        return
    from automation.sandbox.server import SandboxServer
    from automation.targets import resolve_targets

    scenario = target.sandbox_scenario
    with SandboxServer(scenario, session_minutes=rt.sandbox_session_minutes) as server:
        rt.announce(f"sc-cancel: capturing the built-in sandbox ({scenario.name}) at {server.base_url}")
        (served,) = resolve_targets(
            scenario=scenario, base_url=server.base_url, settings=None, account=None, env=rt.env
        )
        yield served, scenario


def _meta(
    target: Any, rt: Any, scenario: Path | None, base_url: str, *, name: str | None, page_key: str | None
) -> dict[str, Any]:
    from automation.locators import load_all_selector_files

    market = target.marketplaces[0]
    selector_files = load_all_selector_files(rt.selectors_dir)
    return {
        "captured_at": datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "source": "sandbox" if scenario else "live",
        "scenario": CAPTURE_SCENARIO if scenario else None,
        "base_url": base_url,
        "account": target.email,
        "locale": market.locale,
        "marketplace": market.marketplace,
        "store": market.store,
        "playwright": version("playwright"),
        "selectors_verified_on": {
            key: f.verified_on.isoformat() if f.verified_on else None for key, f in selector_files.items()
        },
        "name": name,
        "page_key": page_key,
    }


def _write_private(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    os.chmod(path, 0o600)


def _check_har(har: Path, *, manual: bool) -> None:
    if not har.is_file():
        raise SiteFailingError(f"{har}: the capture wrote no HAR; run `sc-cancel record` again")
    os.chmod(har, 0o600)  # cookies and buyer data until `sc-cancel scrub` has been run
    problems = har_problems(har)
    if not manual:
        entries = json.loads(har.read_text(encoding="utf-8"))["log"]["entries"]
        problems += [
            f"POST {e['request']['url']}: the capture signed in (the session expired while capturing)"
            for e in entries
            if e["request"]["method"] == "POST"
            and e["request"]["url"].split("?")[0].endswith(SIGNIN_POST_PATHS)
        ]
    if problems:
        listed = "\n  ".join(problems[:20])
        raise SiteFailingError(f"the capture in {har.parent} cannot replay; record it again:\n  {listed}")


def record_scan(target: Any, rt: Any, *, name: str | None = None) -> Capture:
    """Sign in (not captured), then scan and walk every page key with capture and tracing on."""
    from automation.account_run import open_account
    from automation.login import login
    from automation.output import scan_result_document
    from automation.selectors_check import PageWalk
    from automation.settings import TraceMode

    with _site(target, rt) as (served, scenario):
        login(served, rt, wait_seconds=rt.browser.timeout_seconds if rt.browser.headless else 600)
        capture_rt = dataclasses.replace(
            rt, capture=True, browser=rt.browser.model_copy(update={"trace": TraceMode.ON})
        )
        walked: dict[str, Any] = {}
        with open_account(served, capture_rt, command="scan") as account:
            result = account.scan()
            browser = account.browsers[0]
            with account.timer.phase("page walk"):
                page_walk = PageWalk(
                    browser.session.page, browser.pages, browser.prepared.selectors, browser.sign_in
                )
                walked["report"] = page_walk.run(browser.pages.base_url)
        folder = Path(result.run_folder)
        capture = folder / CAPTURE_DIR
        trace = folder / "trace.zip"
        if trace.is_file():
            trace = trace.replace(capture / "trace.zip")
        _check_har(capture / "network.har", manual=False)
        document = scan_result_document(result, account=served.email)
        _write_private(capture / "expected.json", json.dumps(document, indent=2) + "\n")
        _write_private(capture / "selectors-check.json", json.dumps(walked["report"].as_json(), indent=2))
        base_url = served.marketplaces[0].base_url or ""
        meta = _meta(served, rt, scenario, base_url, name=name, page_key="scan")
        _write_private(capture / CAPTURE_META, yaml.safe_dump(meta, sort_keys=False))
        if scenario is not None:
            shutil.copyfile(scenario, capture / CAPTURE_SCENARIO)
    logger.info("capture written to {}", capture)
    return Capture(
        capture, capture / "network.har", trace if trace.is_file() else None, capture / "expected.json"
    )


def record_manual(target: Any, rt: Any, *, name: str | None = None) -> Capture:
    """A headed browser on the site, capturing everything until the person closes it."""
    from playwright.sync_api import Error as PlaywrightError

    from automation.artifacts import RunFolder
    from automation.browser.account import session_options
    from automation.browser.navigation import open_url
    from automation.browser.session import BrowserSession

    if rt.browser.headless:
        raise BadInputError(
            "record --manual needs a visible browser: add --headed (under `xvfb-run -a` on a server)"
        )
    with _site(target, rt) as (served, scenario):
        market = served.marketplaces[0]
        base_url = market.base_url or ""
        run_id = f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{secrets.token_hex(2)}"
        capture = RunFolder.create(rt.runs_dir, run_id).path / CAPTURE_DIR
        capture.mkdir(mode=0o700)
        options = dataclasses.replace(
            session_options(rt, served, market, base_url),
            har_path=capture / "network.har",
            trace="on",
            trace_path=capture / "trace.zip",
        )
        with BrowserSession(options) as session:
            open_url(session.page, base_url.rstrip("/") + "/home")
            rt.announce("sc-cancel: recording; click through Seller Central, then close the browser tab")
            with contextlib.suppress(PlaywrightError):  # the tab, or the whole browser, was closed
                session.page.wait_for_event("close", timeout=0)  # a person decides when it is done
        _check_har(capture / "network.har", manual=True)
        meta = _meta(served, rt, scenario, base_url, name=name, page_key=None)
        _write_private(capture / CAPTURE_META, yaml.safe_dump(meta, sort_keys=False))
        if scenario is not None:
            shutil.copyfile(scenario, capture / CAPTURE_SCENARIO)
    logger.info("capture written to {}", capture)
    trace = capture / "trace.zip"
    return Capture(capture, capture / "network.har", trace if trace.is_file() else None, None)
