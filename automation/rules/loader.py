"""Reading a rules file: every problem at once, each with its place, its rule and what to do about it.

An operator who fixes one error only to meet the next is an operator who gives up, so this loader collects
pydantic's type errors and the semantic checks (unsafe rules, duplicate names, contradictions) in one
pass and prints them in file order as `file:line:column: rule 'NAME': field: message — hint`. Nothing is
done with a file that has any problem: `RulesError` is a `BadInputError` (exit code 2) raised before a
browser starts.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from automation.rules.schema import Conditions, Limits, Rule, RuleSet, duplicate_names, rule_problems
from automation.yaml_source import Position, YamlDocument, YamlError, parse_yaml, with_yaml_hint

Loc = tuple[str | int, ...]

FIELD_HINTS: dict[str, str] = {
    "format": "write `format: 1` at the top of the file",
    "default": "write `default: hold` (a person looks at it) or `default: ignore`",
    "limits": "write max_cancellations_per_run and max_cancellations_per_day under `limits:`",
    "max_cancellations_per_run": "write a whole number without quotes, e.g. 20; 0 stops all cancellations",
    "max_cancellations_per_day": "write a whole number without quotes, e.g. 100 (counted over 24 hours)",
    "rules": "list the rules under `rules:`, each starting with `- name:`; write `rules: []` for none",
    "name": "give every rule a short unique name, e.g. `name: official requests on unshipped orders`",
    "when": "write the conditions under `when:`, e.g. `when: {kind: official}`; `when: {}` matches all",
    "then": "write `then:` cancel, hold, ignore or reply",
    "approve": "write `approve: auto` (act without asking) or `approve: manual` (wait for a person)",
    "kind": "write official (Amazon's request) or inquiry (a buyer's own message), or a list of them",
    "order_status": "write pending, unshipped, shipped or canceled, or a list of them",
    "sources_include": "write manage_orders, messages or email, or a list of them (all must have seen it)",
    "reason_in": "write one of sc-cancel's reason keys, or a list of them, e.g. "
    "[created_by_mistake, found_cheaper]",
    "reason_matches": 'write a regular expression in quotes, e.g. "(?i)mistake|cheaper"',
    "sku_matches": 'write a regular expression in quotes, e.g. "^MUG-"',
    "order_total_max": "write a plain number without quotes, e.g. 200",
    "order_total_min": "write a plain number without quotes, e.g. 10",
    "request_age_minutes_min": "write a whole number of minutes without quotes, e.g. 30",
    "request_age_minutes_max": "write a whole number of minutes without quotes, e.g. 1440",
    "marketplace": "write a marketplace id such as ATVPDKIKX0DER (US) or A1PA6795UKMFR9 (DE), or a list",
    "fulfillment": "write mfn (you ship) or afn (Amazon ships), or a list of them",
}
RULE_HINT = "each rule is a mapping starting with `- name:`, followed by `when:` and `then:`"
FILE_HINT = "start from rules.example.yaml: a mapping with format, default, limits and rules"

_EXPECTED_TYPES = {
    "int_type": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "string_type": "text",
    "list_type": "a list",
    "tuple_type": "a list",
    "model_type": "a mapping (`key: value` lines)",
    "model_attributes_type": "a mapping (`key: value` lines)",
    "dict_type": "a mapping (`key: value` lines)",
    "pattern_type": "a regular expression in quotes",
    "pattern_str_type": "a regular expression in quotes",
}


class RulesError(YamlError):
    """The rules file has problems; `problems` lists each one, in file order. Exit code 2."""


@dataclass(frozen=True)
class LoadedRules:
    """A validated rule set and where it came from; `sha256` goes into the audit trail with each decision."""

    ruleset: RuleSet
    path: Path
    sha256: str
    document: YamlDocument | None = field(default=None, compare=False, repr=False)
    """Where each value stands in the file, for warnings that name a line (`rules check`)."""


def load_rules(path: Path) -> LoadedRules:
    """Read and strictly validate a rules file; any problem raises `RulesError` listing all of them."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise RulesError(
            path, [f"{path}: file not found — check the path, or copy rules.example.yaml"]
        ) from None
    except OSError as exc:
        raise RulesError(
            path, [f"{path}: cannot read: {exc.strerror} — check the path and its permissions"]
        ) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise RulesError(path, [f"{path}: not UTF-8 text — save the file as UTF-8 in your editor"]) from None
    return _loaded(text, path, hashlib.sha256(raw).hexdigest())


def parse_rules(text: str, path: Path = Path("<rules>")) -> LoadedRules:
    """Validate rules given as text (tests, `--rules -`); the hash is of the UTF-8 encoded text."""
    return _loaded(text, path, hashlib.sha256(text.encode("utf-8")).hexdigest())


def _loaded(text: str, path: Path, sha256: str) -> LoadedRules:
    try:
        doc = parse_yaml(text, path)
    except YamlError as exc:
        raise RulesError(path, [with_yaml_hint(p) for p in exc.problems]) from None
    return LoadedRules(ruleset=_validate(doc), path=path, sha256=sha256, document=doc)


def _validate(doc: YamlDocument) -> RuleSet:
    if not isinstance(doc.data, dict):
        raise RulesError(doc.path, [f"{doc.where(())}: the file is not a mapping of settings — {FILE_HINT}"])
    found: list[tuple[Position | None, str]] = []
    ruleset: RuleSet | None = None
    try:
        ruleset = RuleSet.model_validate(doc.data)
    except ValidationError as exc:
        # `unsafe_rules` is the model's own summary of what `_semantic_problems` reports with places.
        found += [_pydantic_problem(doc, err) for err in exc.errors() if err["type"] != "unsafe_rules"]
    found += _semantic_problems(doc)
    if found:
        found.sort(key=lambda item: (item[0].line, item[0].column) if item[0] else (0, 0))
        raise RulesError(doc.path, [text for _, text in found])
    if ruleset is None:  # pragma: no cover - the model refused something the loader did not find
        raise AssertionError("rules were refused without a reported problem")
    return ruleset


def _semantic_problems(doc: YamlDocument) -> list[tuple[Position | None, str]]:
    """Unsafe or contradictory rules and duplicate names, for every rule that is itself well-formed."""
    raw_rules = doc.data.get("rules")
    if not isinstance(raw_rules, list):
        return []
    found: list[tuple[Position | None, str]] = []
    for index, raw in enumerate(raw_rules):
        rule, dropped = _salvage(raw)
        if rule is None:
            continue  # its type errors are reported; nothing more can be said about it
        for problem in rule_problems(rule):
            if problem.loc not in dropped:
                found.append(_problem(doc, ("rules", index, *problem.loc), problem.message, problem.hint))
    names = [raw.get("name") if isinstance(raw, dict) else None for raw in raw_rules]
    named = [(i, n) for i, n in enumerate(names) if isinstance(n, str) and n.strip()]
    for positions in duplicate_names([n for _, n in named]).values():
        indexes = [named[p][0] for p in positions]
        lines = [_line(doc, ("rules", i, "name")) for i in indexes]
        found.append(
            _problem(
                doc,
                ("rules", indexes[1], "name"),
                f"the name is used {len(indexes)} times, on lines {_and(lines)}",
                "give each rule its own name; reports and the audit trail tell rules apart by name",
            )
        )
    return found


def _salvage(raw: Any) -> tuple[Rule | None, set[Loc]]:
    """The rule without its ill-typed fields, so its other problems show in the same pass.

    A field that fails validation is dropped (and problems about it are not reported, since a dropped
    `kind` would otherwise read as "does not say kind"); a rule whose `then` or `when` is unusable
    cannot be judged at all.
    """
    if not isinstance(raw, dict):
        return None, set()
    try:
        return Rule.model_validate(raw), set()
    except ValidationError as exc:
        errors = exc.errors()
    cleaned = {**raw, "when": dict(raw["when"]) if isinstance(raw.get("when"), dict) else raw.get("when")}
    dropped: set[Loc] = set()
    for err in errors:
        loc = tuple(err["loc"])
        if loc[:1] == ("name",):
            cleaned["name"] = "?"
        elif (
            len(loc) >= 2
            and loc[0] == "when"
            and isinstance(loc[1], str)
            and isinstance(cleaned["when"], dict)
        ):
            cleaned["when"].pop(loc[1], None)
            dropped.add(("when", loc[1]))
        elif loc[:1] == ("approve",) or (len(loc) == 1 and err["type"] == "extra_forbidden"):
            cleaned.pop(str(loc[0]), None)
            dropped.add((str(loc[0]),))
        else:
            return None, set()
    try:
        return Rule.model_validate(cleaned), dropped
    except ValidationError:
        return None, set()


def _pydantic_problem(doc: YamlDocument, err: ErrorDetails) -> tuple[Position | None, str]:
    raw_loc = tuple(err["loc"])
    loc = _clean_loc(raw_loc, doc.data)
    kind = err["type"]
    ctx: dict[str, Any] = dict(err.get("ctx") or {})
    value = err.get("input")
    key = str(raw_loc[-1]) if raw_loc else ""
    field_key = _last_key(loc)
    if kind == "missing":
        message, hint = "required field is missing", FIELD_HINTS.get(key, FILE_HINT)
        return _problem(doc, loc, message, hint, field=(*loc, key))
    if kind == "extra_forbidden":
        return _problem(doc, loc, f"unknown field '{key}'", _unknown_key_hint(key, loc[:-1]))
    hint = FIELD_HINTS.get(field_key, RULE_HINT if _is_rule(loc) else FILE_HINT)
    if kind == "rules_value":
        message, hint = str(ctx["message"]), str(ctx["hint"])
    elif kind == "enum":
        message = f"expected {ctx['expected']}, got {_shown(value)}"
        hint = _did_you_mean(value, re.findall(r"'([^']*)'", str(ctx["expected"]))) + hint
    elif kind in _EXPECTED_TYPES:
        message = f"expected {_EXPECTED_TYPES[kind]}, got {_shown(value)}"
    elif kind == "greater_than_equal":
        message = f"must be {ctx['ge']} or more, got {_shown(value)}"
    elif kind == "string_too_short":
        message = "must not be empty"
    elif kind == "string_pattern_mismatch" and field_key == "marketplace":
        message = f"{_shown(value)} is not an Amazon marketplace id"
    else:
        message = str(err["msg"])
    return _problem(doc, loc, message, hint)


def _problem(
    doc: YamlDocument, loc: Loc, message: str, hint: str, *, field: Loc | None = None
) -> tuple[Position | None, str]:
    """`file:line:column: rule 'NAME': field: message — hint`; the rule part only inside a rule."""
    field_loc = loc if field is None else field
    parts = [doc.where(loc)]
    if _is_rule(field_loc):
        parts.append(_rule_label(doc, int(field_loc[1])))
        field_loc = field_loc[2:]
    name = ".".join(str(p) for p in field_loc if isinstance(p, str))
    if name:
        parts.append(name)
    elif len(parts) == 1:
        parts.append("(top level)")
    return doc.position_of(loc), f"{': '.join(parts)}: {message} — {hint}"


def _is_rule(loc: Loc) -> bool:
    return len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int)


def _rule_label(doc: YamlDocument, index: int) -> str:
    """The rule's name when it has a usable one, else its number, so a person can find it."""
    try:
        name = doc.data["rules"][index].get("name")
    except (AttributeError, IndexError, KeyError, TypeError):
        name = None
    return f"rule '{name}'" if isinstance(name, str) and name.strip() else f"rule #{index + 1}"


def _clean_loc(loc: Loc, data: Any) -> Loc:
    """The part of a pydantic location that exists in the file (dropping union and validator tags)."""
    out: list[str | int] = []
    cursor = data
    for part in loc:
        in_file = (isinstance(cursor, dict) and part in cursor) or (
            isinstance(cursor, list) and isinstance(part, int) and 0 <= part < len(cursor)
        )
        if in_file:
            cursor = cursor[part]
            out.append(part)
        elif not isinstance(cursor, dict | list):
            break
    return tuple(out)


def _last_key(loc: Loc) -> str:
    return next((str(p) for p in reversed(loc) if isinstance(p, str)), "")


def _container_model(container: Loc) -> type[BaseModel] | None:
    if container == ():
        return RuleSet
    if container == ("limits",):
        return Limits
    if _is_rule(container) and len(container) == 2:
        return Rule
    if _is_rule(container) and container[2:] == ("when",):
        return Conditions
    return None


def _unknown_key_hint(key: str, container: Loc) -> str:
    model = _container_model(container)
    if model is None:
        return "remove it"
    allowed = list(model.model_fields)
    return f"{_did_you_mean(key, allowed)}allowed here: {', '.join(allowed)}"


def _did_you_mean(value: Any, choices: list[str]) -> str:
    if not isinstance(value, str):
        return ""
    close = difflib.get_close_matches(value, choices, n=1, cutoff=0.6)
    if not close and len(value) >= 4:
        # A word of a longer choice ("cheaper" for found_cheaper) is a close enough guess too.
        close = [c for c in choices if value.lower() in c.lower()][:1]
    return f"did you mean '{close[0]}'? " if close else ""


def _shown(value: Any) -> str:
    """How an operator would recognise the value they wrote."""
    if isinstance(value, bool):
        return f"{str(value).lower()} (a yes/no value)"
    if isinstance(value, str):
        return f"the text '{value}'"
    if isinstance(value, int | float):
        return f"{value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "nothing" if value is None else type(value).__name__


def _line(doc: YamlDocument, loc: Loc) -> int:
    pos = doc.position_of(loc)
    return pos.line if pos else 0


def _and(numbers: list[int]) -> str:
    words = [str(n) for n in numbers]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"
