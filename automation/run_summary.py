"""What a person reads about a run besides its rows: one short word per request's outcome, a summary
line counting them, and the notes said once under the table (the next command, each failure's reason).

Long explanations in every row made tables 200 characters wide and repeated the same advice on every
line; here each thing is said once. Pure: no browser, no terminal.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from automation.actions.outcome import RequestOutcome
    from automation.models import CancellationRequest

OUTCOME_WORDS = ("done", "planned", "skipped", "failed", "unknown", "rejected", "held", "ignored")
"""The words of the outcome column, in the order the summary counts them."""

_TOLD_PER_ORDER = ("skipped", "failed", "unknown")
"""Outcomes whose reason differs from order to order and matters: each is told under the table."""


def outcome_word(outcome: RequestOutcome) -> str:
    """The JSON's `outcome` where there is one (`done earlier` when it is an earlier run's result, which
    this run did not redo); otherwise what became of the request without one."""
    if outcome.outcome is not None:
        return f"{outcome.outcome} earlier" if outcome.earlier else outcome.outcome
    if outcome.approval == "rejected":
        return "rejected"
    return {"hold": "held", "ignore": "ignored"}.get(outcome.decision, "-")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary_line(
    requests: Sequence[CancellationRequest],
    new: set[str],
    columns: Mapping[str, Mapping[str, str]] | None,
) -> str:
    """`9 requests, 1 new: 2 done, 3 planned, 2 held`; a scan (no columns) stops before the colon."""
    fresh = sum(r.order_id in new for r in requests)
    line = f"{_plural(len(requests), 'request')}, {fresh or 'none'} new"
    if columns is None or not requests:
        return line
    counts = Counter(columns.get(r.order_id, {}).get("outcome", "-") for r in requests)
    order = [w for w in OUTCOME_WORDS if counts[w]] + sorted(w for w in counts if w not in OUTCOME_WORDS)
    return f"{line}: " + ", ".join(f"{counts[w]} {w}" for w in order)


def run_notes(outcomes: Mapping[str, RequestOutcome]) -> list[str]:
    """Said once under the table: each reason shared by planned requests (waiting for approval, a dry
    run, the STOP switch, a limit) with its count, what a person does about held requests, then every
    skipped, failed or unknown order's reason."""
    planned = Counter(
        o.outcome_reason for o in outcomes.values() if o.outcome == "planned" and o.outcome_reason
    )
    notes = [f"{count} planned: {reason}" for reason, count in sorted(planned.items(), key=lambda kv: -kv[1])]
    held = sum(outcome_word(o) == "held" for o in outcomes.values())
    if held:
        them = "it" if held == 1 else "them"
        notes.append(
            f"{held} held: waiting for a person (sc-cancel plan --all lists {them}, then approve or dismiss)"
        )
    for order_id, o in sorted(outcomes.items()):
        if o.outcome in _TOLD_PER_ORDER:
            earlier = " (an earlier run)" if o.earlier else ""
            notes.append(f"{order_id} {o.outcome}{earlier}: {o.outcome_reason or 'no reason recorded'}")
    return notes
