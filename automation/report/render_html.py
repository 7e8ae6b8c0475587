"""The run report as one self-contained HTML page: inline style, screenshots embedded as data: URIs, no
scripts, no external requests, so it opens anywhere (a mail attachment, an archive) and shows the same.

Every value passes through `html.escape`: order data and error messages come from a web page and must
never become markup.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path

from automation.report.advice import meaning, what_to_do
from automation.report.html_style import CSS
from automation.report.model import ReportRequest, RunReport

IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".webp": "image/webp"}
SOURCE_NAMES = {"manage_orders": "Manage Orders", "messages": "Messages", "email": "E-mail"}
DONE_OUTCOMES = ("done",)
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
"""Even a value that slipped through unescaped could not load or run anything."""
FAILED_OUTCOMES = ("failed", "unknown")


def esc(value: object) -> str:
    return "" if value is None else html.escape(str(value), quote=True)


def when(moment: datetime | None) -> str:
    if moment is None:
        return "—"
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _badge(text: str, tone: str) -> str:
    return f'<span class="badge {tone}">{esc(text)}</span>'


def _card(title: str, figure: object, detail: str = "") -> str:
    return (
        f'<div class="card"><h3>{esc(title)}</h3><div class="figure">{esc(figure)}</div>'
        f'<div class="detail">{detail}</div></div>'
    )


def _tally(counts: Mapping[str, int], names: Mapping[str, str] | None = None) -> str:
    if not counts:
        return '<span class="muted">none</span>'
    names = names or {}
    return " · ".join(f"{esc(names.get(k, k))} {esc(v)}" for k, v in counts.items())


def _header(report: RunReport) -> str:
    tone = "ok" if report.status == "ok" else "failed"
    seconds = report.seconds
    meta = [
        ("Account", report.account),
        ("Account key", report.account_key),
        (
            "Command",
            report.command
            + ("" if report.execute is None else (" --execute" if report.execute else " (dry run)")),
        ),
        ("Marketplaces", ", ".join(report.marketplaces) or "—"),
        ("Site", report.base_url or "—"),
        ("Started", when(report.started_at)),
        ("Finished", when(report.finished_at)),
        ("Site time", when(report.site_time)),
        ("Took", "—" if seconds is None else f"{seconds:.1f} s"),
    ]
    items = "".join(f"<span>{esc(k)}: <b>{esc(v)}</b></span>" for k, v in meta)
    return (
        f'<header class="run"><div><h1>Run {esc(report.run_id)}</h1><div class="meta">{items}</div></div>'
        f'<div class="status">{_badge(report.status.upper(), tone)}'
        f'<div class="code">exit code {esc(report.exit_code)}: {esc(meaning(report.exit_code))}</div></div>'
        "</header>"
    )


def _summary(report: RunReport) -> str:
    c = report.counts
    outcomes = c.outcomes
    done = sum(outcomes.get(k, 0) for k in DONE_OUTCOMES)
    failed = sum(outcomes.get(k, 0) for k in FAILED_OUTCOMES)
    skipped = outcomes.get("skipped", 0)
    planned = outcomes.get("planned", 0)
    cards = [
        _card("Requests found", c.requests, f"{esc(c.new)} new"),
        _card("New", c.new, "first seen in this run"),
        _card("Official / inquiry", f"{c.official} / {c.inquiry}", "Amazon's request / buyer's message"),
        _card(
            "Where seen",
            " / ".join(str(v) for v in c.by_source.values()) or "0",
            _where(c.by_source, c.both_sources),
        ),
        _card("Decisions", sum(c.decisions.values()), _tally(c.decisions)),
        _card("Actions", f"{done} done", _actions_detail(skipped, failed, planned, c.earlier_outcomes)),
    ]
    return f'<div class="strip">{"".join(cards)}</div>'


def _actions_detail(skipped: int, failed: int, planned: int, earlier: Mapping[str, int]) -> str:
    """This run's other outcomes; results of earlier runs (listed again, never redone) apart."""
    detail = f"skipped {skipped} · failed {failed} · planned {planned}"
    if earlier:
        detail += " · earlier runs: " + ", ".join(f"{esc(n)} {esc(k)}" for k, n in earlier.items())
    return detail


def _where(by_source: Mapping[str, int], both: int) -> str:
    names = " / ".join(esc(SOURCE_NAMES.get(k, k)) for k in by_source) or "no channel"
    return f"{names} · in more than one: {esc(both)}"


def _image(folder: Path, relative: str) -> str:
    path = folder / relative
    mime = IMAGE_TYPES.get(path.suffix.lower())
    if mime is None:
        return ""
    if not path.is_file():
        return f'<p class="empty">{esc(relative)}: no longer kept (removed by the retention setting).</p>'
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return (
        f'<figure><img alt="{esc(relative)}" src="data:{mime};base64,{data}">'
        f"<figcaption>{esc(relative)} (buyer names and addresses masked)</figcaption></figure>"
    )


def _files(folder: Path, files: Iterable[str]) -> str:
    """Screenshots embedded; other files (page HTML) named, with whether they are still kept."""
    parts = []
    for relative in files:
        if Path(relative).suffix.lower() in IMAGE_TYPES:
            parts.append(_image(folder, relative))
        else:
            kept = "" if (folder / relative).is_file() else " — no longer kept"
            parts.append(f'<p class="mono">{esc(relative)}<span class="muted">{esc(kept)}</span></p>')
    return "".join(parts)


def _error(report: RunReport, folder: Path) -> str:
    error = report.error
    if error is None:
        return ""
    page = f"<p>Page: <b class='mono'>{esc(error.page_key)}</b></p>" if error.page_key else ""
    advice = what_to_do(report.exit_code, report.account, error.page_key)
    hint = f'<p class="advice">What to do: {esc(advice)}</p>' if advice else ""
    return (
        f'<section class="error"><h2>Error: {esc(error.kind)}</h2>{page}'
        f'<div class="message">{esc(error.message)}</div>{hint}{_files(folder, error.evidence)}</section>'
    )


def _outcome(row: ReportRequest) -> str:
    """The outcome's badge (a rejection by a person, which has no outcome, reads "rejected"), whether it
    is an earlier run's, and its reason under it."""
    reason = f'<div class="muted">{esc(row.outcome_reason)}</div>' if row.outcome_reason else ""
    if row.outcome is None:
        if row.approval == "rejected":
            return _badge("rejected", "warn") + reason
        return '<span class="muted">—</span>' + reason
    tone = {"done": "ok", "failed": "failed", "unknown": "failed", "skipped": "warn"}.get(row.outcome, "info")
    earlier = '<span class="muted"> (an earlier run)</span>' if row.earlier else ""
    return _badge(row.outcome, tone) + earlier + reason


def _requests(report: RunReport) -> str:
    if not report.requests:
        return '<section><h2>Requests</h2><p class="empty">No pending cancellation requests.</p></section>'
    head = (
        "<tr><th>Order</th><th>New</th><th>Kind</th><th>Seen in</th><th>Reason</th><th>Requested</th>"
        "<th>Order status</th><th>Ship by</th><th>Decision</th><th>Rule</th><th>Approval</th>"
        "<th>Outcome</th></tr>"
    )
    rows = []
    for r in report.requests:
        kind = _badge(r.kind, "info" if r.kind == "official" else "warn")
        rows.append(
            f'<tr><td class="mono nowrap">{esc(r.order_id)}</td>'
            f"<td>{'●' if r.new else ''}</td><td>{kind}</td>"
            f"<td>{esc(', '.join(SOURCE_NAMES.get(s, s) for s in r.sources))}</td>"
            f"<td>{esc(r.reason or '—')}</td><td class='nowrap'>{esc(when(r.requested_at))}</td>"
            f"<td>{esc(r.order_status or '—')}</td><td class='nowrap'>{esc(r.ship_by or '—')}</td>"
            f"<td>{esc(r.decision or '—')}</td><td>{esc(r.rule or '—')}</td>"
            f"<td>{esc(r.approval or '—')}</td><td>{_outcome(r)}</td></tr>"
        )
    return (
        f"<section><h2>Requests ({len(report.requests)})</h2>"
        f"<table><thead>{head}</thead><tbody>{''.join(rows)}</tbody></table></section>"
    )


def _rules(report: RunReport) -> str:
    if report.command != "run":
        return ""
    rules = (
        f"<dt>Rules file</dt><dd class='mono'>{esc(report.rules.path)}</dd>"
        f"<dt>sha256</dt><dd class='mono'>{esc(report.rules.sha256)}</dd>"
        if report.rules
        else "<dt>Rules file</dt><dd class='empty'>not recorded</dd>"
    )
    waiting = [r.order_id for r in report.requests if r.approval == "pending"]
    pending = (
        f"<p class='advice'>Waiting for approval: <span class='mono'>{esc(' '.join(waiting))}</span> — "
        f"approve with <span class='mono'>sc-cancel approve ORDER_ID</span>.</p>"
        if waiting
        else ""
    )
    stop = "<p class='advice'>Actions were halted by the STOP switch.</p>" if report.stopped else ""
    return (
        f"<section><h2>Rules and approvals</h2><dl class='kv'>{rules}"
        f"<dt>Approvals</dt><dd>{_tally(report.counts.approvals)}</dd></dl>{pending}{stop}</section>"
    )


def _evidence(report: RunReport, folder: Path) -> str:
    shown = set(report.error.evidence) if report.error else set()
    rest = [f for f in report.evidence if f not in shown]
    trace = ""
    if report.trace:
        trace = (
            f"<p>Trace: <span class='mono'>{esc(report.trace)}</span> — open with "
            f"<span class='mono'>playwright show-trace -h 127.0.0.1 -p 9323 {esc(report.trace)}</span></p>"
        )
    if not rest and not trace:
        return ""
    return f"<section><h2>Evidence</h2>{trace}{_files(folder, rest)}</section>"


def _timings(report: RunReport) -> str:
    s = report.stats
    stats = (
        f"<dl class='kv'><dt>Orders read</dt><dd>{esc(s.orders_seen)}</dd>"
        f"<dt>Threads listed</dt><dd>{esc(s.threads_seen)}</dd>"
        f"<dt>Pages visited</dt><dd>{esc(s.pages_visited)}</dd>"
        f"<dt>Scan seconds</dt><dd>{esc(f'{s.seconds:.1f}')}</dd></dl>"
    )
    longest = max(report.timings.values(), default=0.0) or 1.0
    rows = "".join(
        f"<tr><td>{esc(name)}</td><td class='num'>{esc(f'{seconds:.2f}')} s</td>"
        f"<td><div class='bar' style='width:{100 * seconds / longest:.1f}%'></div></td></tr>"
        for name, seconds in report.timings.items()
    )
    table = f"<table class='bars'><tbody>{rows}</tbody></table>" if rows else ""
    return f"<section><h2>Timings</h2>{stats}{table}</section>"


def render_html(report: RunReport, folder: Path, *, generated_at: datetime | None = None) -> str:
    """The page for `report`; `folder` is the run folder its evidence paths are relative to."""
    generated = when(generated_at or datetime.now(UTC))
    body = "".join(
        [
            _header(report),
            _summary(report),
            _error(report, folder),
            _requests(report),
            _rules(report),
            _evidence(report, folder),
            _timings(report),
        ]
    )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        f"<title>sc-cancel {esc(report.command)} {esc(report.account)} {esc(report.run_id)}</title>"
        f"<style>{CSS}</style></head><body><main>{body}"
        f"<footer>sc-cancel report, written {esc(generated)}. Holds order ids, never buyer names, "
        "addresses or message text.</footer></main></body></html>\n"
    )
