"""The checks a rule's types cannot express: rules that could cancel what must never be cancelled, and
conditions that contradict each other.

Both the `RuleSet` model (which refuses an unsafe set however it is built) and the rules loader (which
reports each problem at its line) ask these; pure, no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from automation.models import DecisionKind, OrderStatus, RequestKind

if TYPE_CHECKING:
    from automation.rules.schema import Rule


@dataclass(frozen=True)
class RuleProblem:
    """A rule that is well-formed but unsafe or contradictory; `loc` is relative to the rule."""

    loc: tuple[str | int, ...]
    message: str
    hint: str


INQUIRY_HINT = (
    "cancelling for a buyer's message alone counts against your Cancellation Rate; add `kind: official` "
    "under `when`, and use `then: reply` or `then: hold` for inquiries"
)


def rule_problems(rule: Rule) -> list[RuleProblem]:
    """The semantic checks types cannot express: safety first, then conditions that contradict."""
    problems: list[RuleProblem] = []
    when = rule.when
    if rule.then is DecisionKind.CANCEL:
        if when.kind is None:
            problems.append(
                RuleProblem(
                    ("when", "kind"), "could cancel an inquiry: the rule does not say `kind`", INQUIRY_HINT
                )
            )
        elif RequestKind.INQUIRY in when.kind:
            problems.append(RuleProblem(("when", "kind"), "could cancel an inquiry", INQUIRY_HINT))
        if when.order_status is not None:
            others = [s.value for s in when.order_status if s is not OrderStatus.UNSHIPPED]
            if others:
                problems.append(
                    RuleProblem(
                        ("when", "order_status"),
                        f"a cancel rule cannot apply to {', '.join(others)} orders",
                        "only unshipped orders can be cancelled; write `order_status: [unshipped]` and "
                        "use `then: hold` for the others",
                    )
                )
    if rule.approve is not None and rule.approval is None:
        problems.append(
            RuleProblem(
                ("approve",),
                f"`approve` has no meaning with `then: {rule.then.value}`",
                "remove the `approve` line; only cancel and reply are approved",
            )
        )
    problems += _range_problems(when.order_total_min, when.order_total_max, "order_total")
    problems += _range_problems(
        when.request_age_minutes_min, when.request_age_minutes_max, "request_age_minutes"
    )
    return problems


def _range_problems(low: float | None, high: float | None, stem: str) -> list[RuleProblem]:
    if low is None or high is None or low <= high:
        return []
    return [
        RuleProblem(
            ("when", f"{stem}_min"),
            f"{stem}_min ({low:g}) is greater than {stem}_max ({high:g}): the rule can never match",
            "swap the two values, or remove one of them",
        )
    ]


def duplicate_names(names: Sequence[str]) -> dict[str, list[int]]:
    """Names used more than once, with the indexes of the rules using them."""
    seen: dict[str, list[int]] = {}
    for index, name in enumerate(names):
        seen.setdefault(name, []).append(index)
    return {name: indexes for name, indexes in seen.items() if len(indexes) > 1}
