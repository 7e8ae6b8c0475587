"""The operator rules file, format 1: what may happen to which cancellation request.

Operators write this file by hand, so the models are strict (a quoted number, a boolean where a number
belongs or an unknown key is an error, never a silent guess) and every field carries a description,
because `rules.schema.json` is generated from them and editors show those texts while typing.

Safety lives here too, not only in the loader: a `RuleSet` that could cancel an inquiry (a buyer's own
message, which Amazon counts against the Cancellation Rate when cancelled) cannot be built at all (the
checks themselves are in `rules.safety`).

`python -m automation.rules.schema` regenerates `rules.schema.json` next to this file.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

from pydantic import (
    BeforeValidator,
    Field,
    StrictInt,
    field_validator,
    model_validator,
)
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from automation.models import Channel, DecisionKind, Fulfillment, OrderStatus, RequestKind
from automation.parsers.reasons import ReasonKey
from automation.rules.safety import duplicate_names, rule_problems
from automation.strict_model import StrictModel
from automation.yaml_problems import hinted_error

SUPPORTED_FORMAT = 1
SCHEMA_PATH = Path(__file__).with_name("rules.schema.json")
MARKETPLACE_ID_RE = r"^A[0-9A-Z]{9,15}$"

T = TypeVar("T")


class DefaultAction(StrEnum):
    """What happens to a request no rule matches. Only the two harmless choices are offered."""

    HOLD = "hold"
    IGNORE = "ignore"


class RuleApproval(StrEnum):
    """`auto`: the agent acts on its own; `manual`: the action waits for a person's approval."""

    AUTO = "auto"
    MANUAL = "manual"


def _one_or_many(value: Any) -> Any:
    """A condition takes one value or a list (any of them): a single value becomes a list of one."""
    if isinstance(value, list | tuple):
        if not value:
            raise hinted_error("the list is empty", "list at least one value, or leave the condition out")
        return list(value)
    return [value]


def _compile_regex(value: Any) -> Any:
    """Compile at load time so a bad expression is reported with its place, not found mid-run."""
    if not isinstance(value, str):
        return value  # the Pattern validator reports the wrong type
    if not value:
        raise hinted_error(
            "the regular expression is empty (it would match everything)",
            "write the text to look for, or leave the condition out",
        )
    try:
        return re.compile(value)
    except re.error as exc:
        where = f" at position {exc.pos}" if exc.pos is not None else ""
        raise hinted_error(
            f"not a valid regular expression: {exc.msg}{where}",
            "check brackets and parentheses; put a backslash before . ( ) [ ] ? * + | to match them as text",
        ) from None


def _one_or_many_of(item: Any) -> Any:
    return BeforeValidator(
        _one_or_many, json_schema_input_type=item | Annotated[list[item], Field(min_length=1)]
    )


Kinds = Annotated[tuple[RequestKind, ...], _one_or_many_of(RequestKind)]
Statuses = Annotated[tuple[OrderStatus, ...], _one_or_many_of(OrderStatus)]
Channels = Annotated[tuple[Channel, ...], _one_or_many_of(Channel)]
Fulfillments = Annotated[tuple[Fulfillment, ...], _one_or_many_of(Fulfillment)]
ReasonKeys = Annotated[tuple[ReasonKey, ...], _one_or_many_of(ReasonKey)]
MarketplaceId = Annotated[str, Field(pattern=MARKETPLACE_ID_RE)]
Marketplaces = Annotated[tuple[MarketplaceId, ...], _one_or_many_of(MarketplaceId)]
Regex = Annotated[re.Pattern[str], BeforeValidator(_compile_regex)]
Amount = Annotated[float, Field(strict=True, ge=0)]
Minutes = Annotated[StrictInt, Field(ge=0)]


class _Strict(StrictModel):
    @field_validator("*", mode="before")
    @classmethod
    def _no_empty_values(cls, value: Any) -> Any:
        """`reason_matches:` with nothing after it is a slip, not "no condition": say so."""
        if value is None:
            raise hinted_error("the value is empty", "write a value, or remove the line")
        return value


class Conditions(_Strict):
    """When a rule applies. Every condition given must hold; a condition left out always holds. A
    condition on something the request does not show (no reason, no price, unknown status) never holds."""

    kind: Kinds | None = Field(
        default=None,
        description="official: Amazon's own cancellation request (banner on Manage Orders, or Amazon's "
        "request template in Messages). inquiry: a buyer's own message asking to cancel. One value or a "
        "list (any of them).",
    )
    order_status: Statuses | None = Field(
        default=None,
        description="The order's status: pending, unshipped, shipped or canceled. One value or a list (any "
        "of them). Only unshipped orders can be cancelled.",
    )
    sources_include: Channels | None = Field(
        default=None,
        description="Where the request must have been seen: manage_orders, messages, email. One value or "
        "a list; the request must have been seen in ALL of them.",
    )
    reason_in: ReasonKeys | None = Field(
        default=None,
        description=f"The buyer's reason, by sc-cancel's own key, in any language: {', '.join(ReasonKey)}. "
        "One value or a list (any of them). Each key's texts per language are in "
        "selectors/locales/<locale>.yaml, under buyer_reasons.",
    )
    reason_matches: Regex | None = Field(
        default=None,
        description="A regular expression searched anywhere in the buyer's reason as the store shows it, "
        'in the store\'s language, e.g. "(?i)mistake|cheaper" ((?i) ignores upper/lower case). Prefer '
        "reason_in, which works in every language.",
    )
    sku_matches: Regex | None = Field(
        default=None,
        description='A regular expression searched in each item\'s SKU; any item may match, e.g. "^MUG-".',
    )
    order_total_max: Amount | None = Field(
        default=None,
        description="Largest order total (sum of price x quantity, marketplace currency) the rule applies "
        "to, inclusive. A plain number without quotes.",
    )
    order_total_min: Amount | None = Field(
        default=None,
        description="Smallest order total (sum of price x quantity, marketplace currency) the rule applies "
        "to, inclusive. A plain number without quotes.",
    )
    request_age_minutes_min: Minutes | None = Field(
        default=None,
        description="The request must be at least this many minutes old, by Seller Central's clock (the "
        "time its pages are served at). Useful because buyers can still cancel on their own in the first "
        "30 minutes.",
    )
    request_age_minutes_max: Minutes | None = Field(
        default=None,
        description="The request must be at most this many minutes old, by Seller Central's clock.",
    )
    marketplace: Marketplaces | None = Field(
        default=None,
        description="Amazon marketplace id, e.g. ATVPDKIKX0DER (US), A1F83G8C2ARO7P (UK), A1PA6795UKMFR9 "
        "(DE). One value or a list (any of them).",
    )
    fulfillment: Fulfillments | None = Field(
        default=None,
        description="mfn: you ship the order; afn: Amazon ships it (you cannot cancel those). One value or "
        "a list (any of them).",
    )


class Rule(_Strict):
    """One rule: conditions and what to do when they hold. The first rule that matches decides."""

    name: str = Field(
        min_length=1,
        description="A short unique name; reports and the audit trail say which rule decided.",
    )
    when: Conditions = Field(
        description="The conditions, all of which must hold. `when: {}` matches every request.",
    )
    then: DecisionKind = Field(
        description="cancel: cancel the order with the reason Buyer Canceled (official requests on "
        "unshipped orders only). hold: keep it for a person to look at. ignore: leave it alone. reply: send "
        "the buyer Amazon's instruction to request the cancellation officially (once per thread; never "
        "cancels).",
    )
    approve: RuleApproval | None = Field(
        default=None,
        description="For cancel and reply only. auto: the agent acts by itself. manual (the default): the "
        "action waits until a person approves it.",
    )

    @field_validator("name")
    @classmethod
    def _name_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise hinted_error(
                "the name is blank", "give every rule a short name, e.g. name: official requests"
            )
        return value

    @property
    def approval(self) -> RuleApproval | None:
        """The approval the rule asks for: `manual` unless it says `auto`; None for hold and ignore."""
        if self.then not in (DecisionKind.CANCEL, DecisionKind.REPLY):
            return None
        return self.approve or RuleApproval.MANUAL


class Limits(_Strict):
    """Caps on cancellations, per account; the runner enforces them with the ledger."""

    max_cancellations_per_run: StrictInt = Field(
        default=20,
        ge=0,
        description="At most this many cancellations in one run (default 20). 0 stops all cancellations.",
    )
    max_cancellations_per_day: StrictInt = Field(
        default=100,
        ge=0,
        description="At most this many cancellations in any 24 hours, counted back from now (default 100).",
    )


class RuleSet(_Strict):
    """The operator rules file, format 1: the first rule that matches a request decides what happens."""

    format: StrictInt = Field(
        description="Version of this file's layout. Write 1.",
        json_schema_extra={"const": SUPPORTED_FORMAT},
    )
    default: DefaultAction = Field(
        default=DefaultAction.HOLD,
        description="What happens to a request no rule matches: hold (a person looks at it, the default) "
        "or ignore. A default cannot cancel or reply: write a rule for that.",
    )
    limits: Limits = Field(
        default_factory=Limits,
        description="Caps on cancellations per account, whatever the rules say.",
    )
    rules: tuple[Rule, ...] = Field(
        default=(),
        description="The rules, tried from the top; the first one that matches decides.",
    )

    @field_validator("format")
    @classmethod
    def _format(cls, value: int) -> int:
        if value > SUPPORTED_FORMAT:
            raise hinted_error(
                f"format {value} is newer than this sc-cancel understands (up to {SUPPORTED_FORMAT})",
                "upgrade sc-cancel, or write the file for format 1",
            )
        if value < SUPPORTED_FORMAT:
            raise hinted_error(f"format {value} does not exist", "write `format: 1`")
        return value

    @field_validator("default", mode="before")
    @classmethod
    def _harmless_default(cls, value: Any) -> Any:
        if value in (DecisionKind.CANCEL.value, DecisionKind.REPLY.value):
            raise hinted_error(
                "a default cannot cancel or reply: write a rule",
                f"set `default: hold` and add a rule with `then: {value}` and the conditions it needs",
            )
        return value

    @model_validator(mode="after")
    def _safe(self) -> RuleSet:
        """Refuse unsafe rules however the set was built; the loader reports them one by one."""
        problems = [
            f"rule '{rule.name}': {'.'.join(map(str, p.loc))}: {p.message} — {p.hint}"
            for rule in self.rules
            for p in rule_problems(rule)
        ]
        problems += [
            f"rule '{name}': name: used by {len(indexes)} rules — give each rule its own name"
            for name, indexes in duplicate_names([r.name for r in self.rules]).items()
        ]
        if problems:
            raise PydanticCustomError("unsafe_rules", "{problems}", {"problems": "; ".join(problems)})
        return self


class _OperatorSchema(GenerateJsonSchema):
    """JSON schema as an operator needs it: optional fields are left out, never written as null."""

    def nullable_schema(self, schema: core_schema.NullableSchema) -> JsonSchemaValue:
        return self.generate_inner(schema["schema"])

    def default_schema(self, schema: core_schema.WithDefaultSchema) -> JsonSchemaValue:
        result = super().default_schema(schema)
        if result.get("default", ...) is None:
            result.pop("default")
        return result


def json_schema() -> dict[str, Any]:
    """The JSON schema of the rules file, for editors (yaml-language-server, VS Code, JetBrains)."""
    body = _unwrap_descriptions(RuleSet.model_json_schema(schema_generator=_OperatorSchema))
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://sc-cancel.invalid/rules.schema.json",
        **body,
        "title": "sc-cancel rules file, format 1",
    }


def _unwrap_descriptions(node: Any) -> Any:
    """Docstrings wrap at the code's line length; an editor's tooltip should not."""
    if isinstance(node, dict):
        return {
            key: " ".join(value.split())
            if key == "description" and isinstance(value, str)
            else _unwrap_descriptions(value)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_unwrap_descriptions(value) for value in node]
    return node


def json_schema_text() -> str:
    """The committed file's exact text: stable key order, two-space indent, final newline."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Write `rules.schema.json`; with `--check`, only say whether the committed file is current."""
    args = list(sys.argv[1:] if argv is None else argv)
    text = json_schema_text()
    current = SCHEMA_PATH.read_text(encoding="utf-8") if SCHEMA_PATH.exists() else ""
    if "--check" in args:
        if current != text:
            print(f"{SCHEMA_PATH} is out of date: run python -m automation.rules.schema", file=sys.stderr)
            return 1
        return 0
    SCHEMA_PATH.write_text(text, encoding="utf-8")
    print(f"wrote {SCHEMA_PATH}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
