"""The rules engine: which rule decides each request, and why.

Pure on purpose: the same rules, requests and clock always give the same decisions, so a dry run, the
real run and `sc-cancel rules explain` cannot disagree, and tests need no browser, ledger or clock. Limits
(per run, per day) are not applied here: they need the ledger, so the runner enforces them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from automation.durations import human_duration
from automation.marketplaces import MARKETPLACES
from automation.models import CancellationRequest, Decision, DecisionKind, RequestKind
from automation.parsers.reasons import ReasonTable
from automation.rules.schema import Conditions, Rule, RuleSet

NO_REASONS = ReasonTable({})
"""For callers with no locale texts: every shown reason is then unknown, so `reason_in` never holds."""


@dataclass(frozen=True)
class ConditionCheck:
    """One condition of one rule against one request: whether it holds and what was compared."""

    condition: str
    holds: bool
    detail: str


@dataclass(frozen=True)
class RuleTrace:
    """How one rule fared against a request, for `sc-cancel rules explain`."""

    rule: str
    position: int
    """1-based place of the rule in the file."""
    matched: bool
    decides: bool
    """True for the first matching rule: the one whose `then` applies."""
    checks: tuple[ConditionCheck, ...]

    @property
    def failed(self) -> str | None:
        """The first condition that did not hold; None when the rule matched."""
        return next((c.condition for c in self.checks if not c.holds), None)

    @property
    def summary(self) -> str:
        if self.matched:
            return f"rule '{self.rule}' matched: {_held(self.checks)}"
        failed = "; ".join(c.detail for c in self.checks if not c.holds)
        return f"rule '{self.rule}' did not match: {failed}"


@dataclass(frozen=True)
class _Facts:
    """What conditions compare a request with besides the request itself."""

    now: datetime
    reasons: ReasonTable


def evaluate(
    ruleset: RuleSet,
    requests: Sequence[CancellationRequest],
    *,
    now: datetime,
    reasons: ReasonTable = NO_REASONS,
) -> list[Decision]:
    """One decision per request, in the requests' order: the first matching rule wins, else `default`.

    `reasons` reads the buyer's reason texts as keys for `reason_in` (built from the locale files)."""
    return [decide(ruleset, request, now=now, reasons=reasons) for request in requests]


def decide(
    ruleset: RuleSet, request: CancellationRequest, *, now: datetime, reasons: ReasonTable = NO_REASONS
) -> Decision:
    """The decision for one request."""
    _require_aware(now)
    for rule in ruleset.rules:
        checks = check_rule(rule.when, request, now, reasons)
        if all(c.holds for c in checks):
            return _decision(rule, request, checks)
    default = DecisionKind(ruleset.default.value)
    return Decision(
        order_id=request.order_id,
        decision=default,
        rule=None,
        approve=None,
        explanation=f"no rule matched; the default is {default.value}",
    )


def explain(
    ruleset: RuleSet, request: CancellationRequest, now: datetime, reasons: ReasonTable = NO_REASONS
) -> list[RuleTrace]:
    """Every rule against one request, in file order, marking the one that decides."""
    _require_aware(now)
    traces: list[RuleTrace] = []
    decided = False
    for position, rule in enumerate(ruleset.rules, start=1):
        checks = check_rule(rule.when, request, now, reasons)
        matched = all(c.holds for c in checks)
        traces.append(RuleTrace(rule.name, position, matched, matched and not decided, checks))
        decided = decided or matched
    return traces


def check_rule(
    when: Conditions, request: CancellationRequest, now: datetime, reasons: ReasonTable = NO_REASONS
) -> tuple[ConditionCheck, ...]:
    """Each condition the rule gives, checked against the request (conditions left out are skipped)."""
    facts = _Facts(now, reasons)
    return tuple(check for check in (test(when, request, facts) for test in _TESTS) if check is not None)


def _decision(rule: Rule, request: CancellationRequest, checks: Sequence[ConditionCheck]) -> Decision:
    explanation = f"rule '{rule.name}' matched: {_held(checks)}"
    if rule.then is DecisionKind.CANCEL and request.kind is RequestKind.INQUIRY:
        # Unreachable through a validated RuleSet; kept because a cancelled inquiry costs the seller's
        # Cancellation Rate and cannot be undone.
        return Decision(
            order_id=request.order_id,
            decision=DecisionKind.HOLD,
            rule=rule.name,
            approve=None,
            explanation=f"{explanation}; held because a rule must never cancel an inquiry",
        )
    approval = rule.approval
    return Decision(
        order_id=request.order_id,
        decision=rule.then,
        rule=rule.name,
        approve=None if approval is None else approval.value,
        explanation=explanation,
    )


def _held(checks: Sequence[ConditionCheck]) -> str:
    return ", ".join(c.detail for c in checks) if checks else "it has no conditions"


def _require_aware(now: datetime) -> None:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must carry a time zone (the site's clock in UTC)")


def _any_of(name: str, actual: str | None, wanted: Sequence[str] | None) -> ConditionCheck | None:
    """One value or a list (any of them); a value the request lacks never matches."""
    if wanted is None:
        return None
    if actual is None:
        return ConditionCheck(name, False, f"{name} is unknown")
    if actual in wanted:
        return ConditionCheck(name, True, f"{name} {actual}")
    return ConditionCheck(name, False, f"{name} is {actual}, not {' or '.join(wanted)}")


def _kind(when: Conditions, request: CancellationRequest, _facts: _Facts) -> ConditionCheck | None:
    return _any_of("kind", request.kind.value, _values(when.kind))


def _order_status(when: Conditions, request: CancellationRequest, _facts: _Facts) -> ConditionCheck | None:
    status = None if request.order_status is None else request.order_status.value
    return _any_of("order_status", status, _values(when.order_status))


def _sources(when: Conditions, request: CancellationRequest, _facts: _Facts) -> ConditionCheck | None:
    if when.sources_include is None:
        return None
    missing = [c.value for c in when.sources_include if c not in request.sources]
    if missing:
        return ConditionCheck("sources_include", False, f"not seen in {', '.join(missing)}")
    seen = ", ".join(c.value for c in when.sources_include)
    return ConditionCheck("sources_include", True, f"seen in {seen}")


def _reason(when: Conditions, request: CancellationRequest, _facts: _Facts) -> ConditionCheck | None:
    if when.reason_matches is None:
        return None
    pattern = when.reason_matches.pattern
    if request.reason is None:
        return ConditionCheck("reason_matches", False, "no reason shown")
    if when.reason_matches.search(request.reason):
        return ConditionCheck("reason_matches", True, f"reason '{request.reason}' matches {pattern}")
    return ConditionCheck("reason_matches", False, f"reason '{request.reason}' does not match {pattern}")


def _reason_in(when: Conditions, request: CancellationRequest, facts: _Facts) -> ConditionCheck | None:
    """The shown reason read as sc-cancel's key, in the store's language first (any language will do)."""
    if when.reason_in is None:
        return None
    if request.reason is None:
        return ConditionCheck("reason_in", False, "no reason shown")
    market = MARKETPLACES.get(request.marketplace or "")
    key = facts.reasons.key_of(request.reason, market.locale if market else None)
    wanted = _values(when.reason_in) or ()
    if key is None:
        return ConditionCheck(
            "reason_in",
            False,
            f"reason '{request.reason}' is not a known buyer reason (add its wording under buyer_reasons "
            "in selectors/locales/<locale>.yaml)",
        )
    if key in wanted:
        return ConditionCheck("reason_in", True, f"reason '{request.reason}' is {key}")
    others = " or ".join(wanted)
    return ConditionCheck("reason_in", False, f"reason '{request.reason}' is {key}, not {others}")


def _sku(when: Conditions, request: CancellationRequest, _facts: _Facts) -> ConditionCheck | None:
    if when.sku_matches is None:
        return None
    pattern = when.sku_matches.pattern
    if not request.items:
        return ConditionCheck("sku_matches", False, "no items shown")
    hit = next((item.sku for item in request.items if when.sku_matches.search(item.sku)), None)
    if hit is None:
        skus = ", ".join(item.sku for item in request.items)
        return ConditionCheck("sku_matches", False, f"no SKU ({skus}) matches {pattern}")
    return ConditionCheck("sku_matches", True, f"SKU {hit} matches {pattern}")


def _total_max(when: Conditions, request: CancellationRequest, _facts: _Facts) -> ConditionCheck | None:
    return _bound("order_total_max", request.total, when.order_total_max, "≤")


def _total_min(when: Conditions, request: CancellationRequest, _facts: _Facts) -> ConditionCheck | None:
    return _bound("order_total_min", request.total, when.order_total_min, "≥")


def _bound(name: str, total: Decimal | None, limit: float | None, sign: str) -> ConditionCheck | None:
    """Totals compare as decimals: a float limit of 0.1 means the written 0.1, not its binary neighbour."""
    if limit is None:
        return None
    if total is None:
        return ConditionCheck(name, False, "order total unknown")
    bound = Decimal(repr(limit))
    holds = total <= bound if sign == "≤" else total >= bound
    return ConditionCheck(name, holds, f"total {total} {sign if holds else 'not ' + sign} {limit:g}")


def _age_min(when: Conditions, request: CancellationRequest, facts: _Facts) -> ConditionCheck | None:
    return _age("request_age_minutes_min", request, facts.now, when.request_age_minutes_min, at_least=True)


def _age_max(when: Conditions, request: CancellationRequest, facts: _Facts) -> ConditionCheck | None:
    return _age("request_age_minutes_max", request, facts.now, when.request_age_minutes_max, at_least=False)


def _age(
    name: str, request: CancellationRequest, now: datetime, minutes: int | None, *, at_least: bool
) -> ConditionCheck | None:
    """Ages compare as exact time spans: 29 min 59 s is not 30 minutes."""
    if minutes is None:
        return None
    if request.requested_at is None:
        return ConditionCheck(name, False, "request time unknown")
    requested_at = request.requested_at
    if requested_at.tzinfo is None:
        requested_at = requested_at.replace(tzinfo=UTC)
    age = now - requested_at
    limit = timedelta(minutes=minutes)
    holds = age >= limit if at_least else age <= limit
    shown = human_duration(age)
    wanted = f"at least {human_duration(limit)}" if at_least else f"at most {human_duration(limit)}"
    return ConditionCheck(name, holds, f"request age {shown}{'' if holds else ', not'} {wanted}")


def _marketplace(when: Conditions, request: CancellationRequest, _facts: _Facts) -> ConditionCheck | None:
    return _any_of("marketplace", request.marketplace, when.marketplace)


def _fulfillment(when: Conditions, request: CancellationRequest, _facts: _Facts) -> ConditionCheck | None:
    actual = None if request.fulfillment is None else request.fulfillment.value
    return _any_of("fulfillment", actual, _values(when.fulfillment))


def _values(wanted: Sequence[object] | None) -> tuple[str, ...] | None:
    return None if wanted is None else tuple(str(v) for v in wanted)


_TESTS: tuple[Callable[[Conditions, CancellationRequest, _Facts], ConditionCheck | None], ...] = (
    _kind,
    _order_status,
    _sources,
    _reason_in,
    _reason,
    _sku,
    _total_max,
    _total_min,
    _age_min,
    _age_max,
    _marketplace,
    _fulfillment,
)
