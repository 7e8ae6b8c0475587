"""The run report as one self-contained HTML page: inline style, screenshots embedded as data: URIs, no
scripts, no external requests, so it opens anywhere (a mail attachment, an archive) and shows the same.

The page is `templates/report.html`, rendered with autoescape (`html_templates`): order data and error
messages come from a web page and must never become markup. This module only gathers what it shows.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from markupsafe import Markup

from automation.html_templates import html_environment
from automation.report.advice import meaning, what_to_do
from automation.report.html_style import CSS
from automation.report.model import RunReport

IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".webp": "image/webp"}
SOURCE_NAMES = {"manage_orders": "Manage Orders", "messages": "Messages", "email": "E-mail"}
CHANNELS = tuple(SOURCE_NAMES)
"""The columns of the requests table: every channel side by side, seen or not."""
UNCONFIRMED_WHY = {
    "no_request_on_page": "the order's page shows no request",
    "order_not_found": "Seller Central does not know the order",
    "sender_not_allowed": "a sender outside mailbox.senders: a likely spoof, never looked up",
}
DONE_OUTCOMES = ("done",)
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
"""Even a value that slipped through unescaped could not load or run anything."""
FAILED_OUTCOMES = ("failed", "unknown")
OUTCOME_TONES = {"done": "ok", "failed": "failed", "unknown": "failed", "skipped": "warn"}


def when(moment: datetime | None) -> str:
    if moment is None:
        return "—"
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


PAGES = html_environment(Path(__file__).resolve().parent / "templates")
PAGES.filters["when"] = when
PAGES.filters["source_name"] = lambda source: SOURCE_NAMES.get(source, source)


def _meta(report: RunReport) -> list[tuple[str, object]]:
    seconds = report.seconds
    command = report.command + (
        "" if report.execute is None else (" --execute" if report.execute else " (dry run)")
    )
    if report.trigger is not None:
        orders = ", ".join(report.trigger.order_ids)
        command += f" (started by {report.trigger.by}: an e-mail naming {orders})"
    return [
        ("Account", report.account),
        ("Account key", report.account_key),
        ("Command", command),
        ("Marketplaces", ", ".join(report.marketplaces) or "—"),
        ("Site", report.base_url or "—"),
        ("Started", when(report.started_at)),
        ("Finished", when(report.finished_at)),
        ("Site time", when(report.site_time)),
        ("Took", "—" if seconds is None else f"{seconds:.1f} s"),
    ]


def _files(folder: Path, files: Iterable[str]) -> list[dict[str, Any]]:
    """What the page shows of each evidence file: a screenshot embedded (or that it is gone), another file
    (page HTML) named with whether it is still kept."""
    items: list[dict[str, Any]] = []
    for relative in files:
        path = folder / relative
        mime = IMAGE_TYPES.get(path.suffix.lower())
        if mime is None:
            items.append({"kind": "file", "name": relative, "kept": path.is_file()})
        elif not path.is_file():
            items.append({"kind": "image_gone", "name": relative})
        else:
            data = base64.b64encode(path.read_bytes()).decode("ascii")
            items.append({"kind": "image", "name": relative, "src": f"data:{mime};base64,{data}"})
    return items


def render_html(report: RunReport, folder: Path, *, generated_at: datetime | None = None) -> str:
    """The page for `report`; `folder` is the run folder its evidence paths are relative to."""
    outcomes = report.counts.outcomes
    error = report.error
    shown = set(error.evidence) if error else set()
    return PAGES.get_template("report.html").render(
        report=report,
        csp=Markup(CSP),
        css=Markup(CSS),
        meta=_meta(report),
        meaning=meaning(report.exit_code),
        actions={
            "done": sum(outcomes.get(k, 0) for k in DONE_OUTCOMES),
            "failed": sum(outcomes.get(k, 0) for k in FAILED_OUTCOMES),
            "skipped": outcomes.get("skipped", 0),
            "planned": outcomes.get("planned", 0),
        },
        advice=what_to_do(report.exit_code, report.account, error.page_key) if error else None,
        error_files=_files(folder, error.evidence) if error else [],
        evidence=_files(folder, [f for f in report.evidence if f not in shown]),
        waiting=[r.order_id for r in report.requests if r.approval == "pending"],
        tones=OUTCOME_TONES,
        channels=CHANNELS,
        why=UNCONFIRMED_WHY,
        longest=max(report.timings.values(), default=0.0) or 1.0,
        generated=when(generated_at or datetime.now(UTC)),
    )
