"""Recordings and selector checks: `record`, `scrub`, `selectors check`, and the replay behind
`scan --replay` and `selectors check --replay`."""

from __future__ import annotations

import argparse
import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from automation.commands.invocation import Invocation
from automation.commands.options import site_options
from automation.errors import BadInputError, ExitCode

if TYPE_CHECKING:
    from automation.runtime import Runtime
    from automation.targets import Target


@dataclass(frozen=True)
class ReplayInvocation(Invocation):
    """An invocation whose site is a recording: its target comes from meta.yaml, its network from the
    HAR (the runtime's `replay_har`), so the same `scan` runs it offline."""

    recording: Any = None

    def runtime(self) -> Runtime:
        return dataclasses.replace(super().runtime(), replay_har=self.recording.har)

    def targets(self) -> list[Target]:
        from automation.recording.replay import replay_target

        return [replay_target(self.recording)]

    def check_secrets(self, targets: list[Target]) -> list[Target]:
        """A replay never signs in (its target's password says why, if a recording asks for it)."""
        return targets


def replaying(inv: Invocation) -> ReplayInvocation:
    from automation.recording.replay import load_recording

    if inv.option("scenario") or inv.option("base_url") or inv.option("account"):
        raise BadInputError(
            "--replay takes the site and account from the recording; "
            "drop --scenario, --base-url and --account"
        )
    return ReplayInvocation(inv.args, inv.settings, recording=load_recording(inv.args.replay))


def record_options(parser: argparse.ArgumentParser) -> None:
    site_options(parser)
    parser.add_argument("--name", help="the recording's name (used by `sc-cancel scrub`)")
    parser.add_argument(
        "--manual",
        action="store_true",
        help="with --headed: capture while you click through; close the browser tab when done",
    )


def cmd_record(inv: Invocation) -> int:
    from automation.recording.record import record_manual, record_scan

    if inv.args.manual and not inv.args.headed:
        raise BadInputError("record --manual needs --headed (a browser window to click in)")
    record = record_manual if inv.args.manual else record_scan
    capture = record(inv.check_secrets([inv.one_target()])[0], inv.runtime(), name=inv.args.name)
    print(f"capture: {capture.path} (NOT scrubbed: it holds cookies and buyer data; never commit it)")
    page_key = "KEY" if inv.args.manual else "scan"
    print(f"next:    sc-cancel scrub {capture.path} --page-key {page_key} --name {inv.args.name or 'NAME'}")
    return ExitCode.OK


def scrub_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "capture",
        type=Path,
        metavar="CAPTURE_DIR",
        help="<data_dir>/runs/<run-id>/capture (printed by record)",
    )
    parser.add_argument("--page-key", help="recordings/<page_key>/ (default: scan, for scan captures)")
    parser.add_argument("--name", help="recordings/<page_key>/<name>/ (default: the name given to record)")
    parser.add_argument(
        "--recordings", type=Path, default=Path("recordings"), help="where recordings live (./recordings)"
    )
    parser.add_argument("--selectors", type=Path, help="selector folder (default: the bundled selectors/)")
    parser.add_argument("--force", action="store_true", help="replace an existing recording of that name")


def cmd_scrub(inv: Invocation) -> int:
    from automation.recording.promote import promote_capture

    target = promote_capture(
        inv.args.capture,
        page_key=inv.args.page_key,
        name=inv.args.name,
        recordings_dir=inv.args.recordings,
        selectors_dir=inv.settings.selectors_dir,
        force=inv.args.force,
    )
    print(f"recording: {target} (scrubbed; replay it with `sc-cancel scan --replay {target}`)")
    return ExitCode.OK


def selectors_check_options(parser: argparse.ArgumentParser) -> None:
    site_options(parser)
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--replay", type=Path, metavar="RECORDING", help="check against a recording, offline")
    where.add_argument(
        "--live", action="store_true", help="check against the site (default; no settings: the demo sandbox)"
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")


def cmd_selectors_check(inv: Invocation) -> int:
    from loguru import logger

    from automation.output import error_document, print_json
    from automation.selectors_check import changed_error, check_selectors

    if inv.option("replay"):
        replay = replaying(inv)
        report = check_selectors(replay.targets()[0], inv.runtime(), recording=replay.recording)
    else:
        report = check_selectors(inv.check_secrets([inv.one_target()])[0], inv.runtime())
    error = changed_error(report)
    if inv.args.json:
        document = report.as_json()
        if error is not None:  # one document on standard output, carrying the error too
            document["error"] = error_document(error.exit_code, str(error))["error"]
        print_json(document)
        if error is not None:
            logger.error("{}", error)
            return int(error.exit_code)
        return ExitCode.OK
    print("\n".join(report.lines()))
    if error is not None:
        raise error
    return ExitCode.OK
