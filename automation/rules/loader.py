"""Reading a rules file: every problem at once, each with its place, its rule and what to do about it.

An operator who fixes one error only to meet the next is an operator who gives up, so this loader collects
pydantic's type errors and the semantic checks (unsafe rules, duplicate names, contradictions) in one
pass and prints them in file order as `file:line:column: rule 'NAME': field: message — hint`. Nothing is
done with a file that has any problem: `RulesError` is a `BadInputError` (exit code 2) raised before a
browser starts.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from automation.rules.safety import duplicate_names, rule_problems
from automation.rules.schema import MARKETPLACE_ID_RE, Rule, RuleSet
from automation.yaml_positions import decode, read_bytes
from automation.yaml_problems import Problem, Voice, field_problems, in_file_order, problem_at, shown
from automation.yaml_source import Loc, YamlDocument, YamlError, parse_yaml

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
    raw = read_bytes(path, error=RulesError, missing_hint="check the path, or copy rules.example.yaml")
    return _loaded(decode(raw, path, error=RulesError), path, hashlib.sha256(raw).hexdigest())


def parse_rules(text: str, path: Path = Path("<rules>")) -> LoadedRules:
    """Validate rules given as text (tests, `--rules -`); the hash is of the UTF-8 encoded text."""
    return _loaded(text, path, hashlib.sha256(text.encode("utf-8")).hexdigest())


def _loaded(text: str, path: Path, sha256: str) -> LoadedRules:
    try:
        doc = parse_yaml(text, path)
    except YamlError as exc:
        raise RulesError(path, exc.problems) from None
    return LoadedRules(ruleset=_validate(doc), path=path, sha256=sha256, document=doc)


def _validate(doc: YamlDocument) -> RuleSet:
    if not isinstance(doc.data, dict):
        raise RulesError(doc.path, [f"{doc.where(())}: the file is not a mapping of settings — {FILE_HINT}"])
    found: list[Problem] = []
    ruleset: RuleSet | None = None
    try:
        ruleset = RuleSet.model_validate(doc.data)
    except ValidationError as exc:
        # `unsafe_rules` is the model's own summary of what `_semantic_problems` reports with places.
        errors = [err for err in exc.errors() if err["type"] != "unsafe_rules"]
        found += field_problems(doc, errors, RuleSet, VOICE)
    found += _semantic_problems(doc)
    if found:
        raise RulesError(doc.path, in_file_order(found))
    if ruleset is None:  # pragma: no cover - the model refused something the loader did not find
        raise AssertionError("rules were refused without a reported problem")
    return ruleset


def _semantic_problems(doc: YamlDocument) -> list[Problem]:
    """Unsafe or contradictory rules and duplicate names, for every rule that is itself well-formed."""
    raw_rules = doc.data.get("rules")
    if not isinstance(raw_rules, list):
        return []
    found: list[Problem] = []
    for index, raw in enumerate(raw_rules):
        rule, dropped = _salvage(raw)
        if rule is None:
            continue  # its type errors are reported; nothing more can be said about it
        for problem in rule_problems(rule):
            if problem.loc not in dropped:
                loc = ("rules", index, *problem.loc)
                found.append(problem_at(doc, loc, problem.message, problem.hint, VOICE))
    names = [raw.get("name") if isinstance(raw, dict) else None for raw in raw_rules]
    named = [(i, n) for i, n in enumerate(names) if isinstance(n, str) and n.strip()]
    for positions in duplicate_names([n for _, n in named]).values():
        indexes = [named[p][0] for p in positions]
        lines = [_line(doc, ("rules", i, "name")) for i in indexes]
        found.append(
            problem_at(
                doc,
                ("rules", indexes[1], "name"),
                f"the name is used {len(indexes)} times, on lines {_and(lines)}",
                "give each rule its own name; reports and the audit trail tell rules apart by name",
                VOICE,
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


def _is_rule(loc: Loc) -> bool:
    return len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int)


def _label(doc: YamlDocument, loc: Loc) -> str:
    """`rule 'NAME': when.kind` inside a rule (list positions left out: the line says which item),
    the field's dotted name outside one."""
    if _is_rule(loc):
        rule = _rule_label(doc, int(loc[1]))
        name = ".".join(str(p) for p in loc[2:] if isinstance(p, str))
        return f"{rule}: {name}" if name else rule
    return ".".join(str(p) for p in loc if isinstance(p, str)) or "(top level)"


def _rule_label(doc: YamlDocument, index: int) -> str:
    """The rule's name when it has a usable one, else its number, so a person can find it."""
    try:
        name = doc.data["rules"][index].get("name")
    except (AttributeError, IndexError, KeyError, TypeError):
        name = None
    return f"rule '{name}'" if isinstance(name, str) and name.strip() else f"rule #{index + 1}"


def _hint(loc: Loc) -> str:
    """The advice for the field at `loc`: its own, else how a rule or the file is written."""
    key = next((str(p) for p in reversed(loc) if isinstance(p, str)), "")
    return FIELD_HINTS.get(key, RULE_HINT if _is_rule(loc) else FILE_HINT)


def _shown(value: Any) -> str:
    """Text is called text: an operator who quoted a number sees why it is refused."""
    return f"the text '{value}'" if isinstance(value, str) else shown(value)


VOICE = Voice(
    label=_label,
    hint=_hint,
    show=_shown,
    unknown="unknown field '{key}'",
    patterns={MARKETPLACE_ID_RE: "an Amazon marketplace id"},
)
"""How problems in a rules file are said: each names its rule and ends with what to write instead."""


def _line(doc: YamlDocument, loc: Loc) -> int:
    pos = doc.position_of(loc)
    return pos.line if pos else 0


def _and(numbers: list[int]) -> str:
    words = [str(n) for n in numbers]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"
