"""The rules loader: every problem reported with file, line, column, rule, field and a hint (exit code 2)."""

from __future__ import annotations

import hashlib
import textwrap
from pathlib import Path

import pytest
from pydantic import ValidationError

from automation.errors import BadInputError, ExitCode
from automation.models import DecisionKind, OrderStatus, RequestKind
from automation.parsers.reasons import ReasonKey
from automation.rules.loader import LoadedRules, RulesError, load_rules, parse_rules
from automation.rules.schema import Conditions, DefaultAction, Rule, RuleApproval, RuleSet

INQUIRY_HINT = (
    "cancelling for a buyer's message alone counts against your Cancellation Rate; add `kind: official` "
    "under `when`, and use `then: reply` or `then: hold` for inquiries"
)


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def _problems(tmp_path: Path, text: str) -> tuple[Path, list[str]]:
    path = _write(tmp_path, text)
    with pytest.raises(RulesError) as caught:
        load_rules(path)
    return path, caught.value.problems


def _rule(body: str) -> str:
    """A valid file around one rule given as indented YAML lines (the rule starts on line 3)."""
    return "format: 1\nrules:\n" + textwrap.indent(textwrap.dedent(body).strip("\n"), "  ") + "\n"


# --- the file as a whole ---------------------------------------------------------------------------


def test_valid_file_loads_with_its_hash_and_path(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
        format: 1
        default: ignore
        limits: {max_cancellations_per_run: 0, max_cancellations_per_day: 7}
        rules:
          - name: official unshipped
            when: {kind: official, order_status: unshipped, reason_matches: "(?i)mistake"}
            then: cancel
            approve: auto
        """,
    )
    loaded = load_rules(path)
    assert isinstance(loaded, LoadedRules)
    assert loaded.path == path
    assert loaded.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    ruleset = loaded.ruleset
    assert ruleset.default is DefaultAction.IGNORE
    assert (ruleset.limits.max_cancellations_per_run, ruleset.limits.max_cancellations_per_day) == (0, 7)
    rule = ruleset.rules[0]
    assert rule.when.kind == (RequestKind.OFFICIAL,)
    assert rule.when.order_status == (OrderStatus.UNSHIPPED,)
    assert rule.when.reason_matches is not None
    assert rule.when.reason_matches.search("MISTAKE")
    assert rule.approval is RuleApproval.AUTO


def test_hash_changes_with_any_byte(tmp_path: Path) -> None:
    first = load_rules(_write(tmp_path, "format: 1\n")).sha256
    second = load_rules(_write(tmp_path, "format: 1\n# a comment\n")).sha256
    assert first != second


def test_defaults_and_empty_rules(tmp_path: Path) -> None:
    ruleset = load_rules(_write(tmp_path, "format: 1\nrules: []\n")).ruleset
    assert ruleset.default is DefaultAction.HOLD
    assert ruleset.rules == ()
    assert (ruleset.limits.max_cancellations_per_run, ruleset.limits.max_cancellations_per_day) == (20, 100)
    assert load_rules(_write(tmp_path, "format: 1\n")).ruleset.rules == ()


def test_approve_defaults_to_manual_for_cancel_and_reply_only(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        _rule(
            """
            - name: c
              when: {kind: official}
              then: cancel
            - name: r
              when: {kind: inquiry}
              then: reply
            - name: h
              when: {}
              then: hold
            """
        ),
    )
    rules = load_rules(path).ruleset.rules
    assert [r.approval for r in rules] == [RuleApproval.MANUAL, RuleApproval.MANUAL, None]


def test_cancel_rule_without_order_status_is_allowed(tmp_path: Path) -> None:
    path = _write(tmp_path, _rule("- name: c\n  when: {kind: official}\n  then: cancel\n"))
    assert load_rules(path).ruleset.rules[0].then is DecisionKind.CANCEL


def test_rules_error_is_bad_input_with_exit_code_2(tmp_path: Path) -> None:
    path = _write(tmp_path, "format: 0\n")
    with pytest.raises(BadInputError) as caught:
        load_rules(path)
    assert isinstance(caught.value, RulesError)
    assert caught.value.exit_code == ExitCode.BAD_INPUT == 2
    assert str(caught.value) == "\n".join(caught.value.problems)


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    with pytest.raises(RulesError) as caught:
        load_rules(path)
    assert caught.value.problems == [f"{path}: file not found — check the path, or copy rules.example.yaml"]


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_bytes(b"format: 1\ndefault: h\xe9ld\n")
    with pytest.raises(RulesError) as caught:
        load_rules(path)
    assert caught.value.problems == [f"{path}: not UTF-8 text — save the file as UTF-8 in your editor"]


def test_yaml_syntax_error(tmp_path: Path) -> None:
    path, problems = _problems(tmp_path, "format: 1\nrules:\n  - name: [x\n")
    assert len(problems) == 1
    assert problems[0].startswith(f"{path}:4:1: not valid YAML: ")
    assert problems[0].endswith(" — check the indentation (spaces, not tabs) and the quotes near this place")


def test_key_given_twice(tmp_path: Path) -> None:
    path, problems = _problems(tmp_path, "format: 1\ndefault: hold\ndefault: ignore\n")
    assert problems == [f"{path}:3:1: 'default' is given twice — remove one of the two"]


def test_file_that_is_not_a_mapping(tmp_path: Path) -> None:
    path, problems = _problems(tmp_path, "- format: 1\n")
    assert problems == [
        f"{path}:1:1: the file is not a mapping of settings — start from rules.example.yaml: a mapping "
        "with format, default, limits and rules"
    ]


def test_empty_file(tmp_path: Path) -> None:
    path, problems = _problems(tmp_path, "# nothing yet\n")
    assert problems == [
        f"{path}: the file is not a mapping of settings — start from rules.example.yaml: a mapping "
        "with format, default, limits and rules"
    ]


# --- top-level fields ------------------------------------------------------------------------------


def test_format_missing(tmp_path: Path) -> None:
    path, problems = _problems(tmp_path, "default: hold\n")
    assert problems == [
        f"{path}:1:1: format: required field is missing — write `format: 1` at the top of the file"
    ]


def test_format_newer_is_refused_saying_so(tmp_path: Path) -> None:
    path, problems = _problems(tmp_path, "format: 2\n")
    assert problems == [
        f"{path}:1:1: format: format 2 is newer than this sc-cancel understands (up to 1) — upgrade "
        "sc-cancel, or write the file for format 1"
    ]


def test_format_zero(tmp_path: Path) -> None:
    path, problems = _problems(tmp_path, "format: 0\n")
    assert problems == [f"{path}:1:1: format: format 0 does not exist — write `format: 1`"]


def test_format_as_text(tmp_path: Path) -> None:
    path, problems = _problems(tmp_path, 'format: "1"\n')
    assert problems == [
        f"{path}:1:1: format: expected a whole number, got the text '1' — write `format: 1` at the top of "
        "the file"
    ]


@pytest.mark.parametrize("action", ["cancel", "reply"])
def test_default_cannot_cancel_or_reply(tmp_path: Path, action: str) -> None:
    path, problems = _problems(tmp_path, f"format: 1\ndefault: {action}\n")
    assert problems == [
        f"{path}:2:1: default: a default cannot cancel or reply: write a rule — set `default: hold` and add "
        f"a rule with `then: {action}` and the conditions it needs"
    ]


def test_unknown_top_level_key(tmp_path: Path) -> None:
    path, problems = _problems(tmp_path, "format: 1\nactions_enabled: true\n")
    assert problems == [
        f"{path}:2:1: actions_enabled: unknown field 'actions_enabled' — allowed here: format, default, "
        "limits, rules"
    ]


def test_limit_negative(tmp_path: Path) -> None:
    path, problems = _problems(tmp_path, "format: 1\nlimits:\n  max_cancellations_per_run: -1\n")
    assert problems == [
        f"{path}:3:3: limits.max_cancellations_per_run: must be 0 or more, got -1 — write a whole number "
        "without quotes, e.g. 20; 0 stops all cancellations"
    ]


def test_limit_boolean_is_not_a_number(tmp_path: Path) -> None:
    path, problems = _problems(tmp_path, "format: 1\nlimits:\n  max_cancellations_per_day: yes\n")
    assert problems == [
        f"{path}:3:3: limits.max_cancellations_per_day: expected a whole number, got true (a yes/no value) "
        "— write a whole number without quotes, e.g. 100 (counted over 24 hours)"
    ]


def test_limit_key_misspelt(tmp_path: Path) -> None:
    path, problems = _problems(tmp_path, "format: 1\nlimits:\n  max_cancellation_per_run: 5\n")
    assert problems == [
        f"{path}:3:3: limits.max_cancellation_per_run: unknown field 'max_cancellation_per_run' — did you "
        "mean 'max_cancellations_per_run'? allowed here: max_cancellations_per_run, max_cancellations_per_day"
    ]


# --- rules: types ----------------------------------------------------------------------------------


def test_unknown_condition_with_suggestion(tmp_path: Path) -> None:
    path, problems = _problems(tmp_path, _rule("- name: r\n  when:\n    kidn: official\n  then: hold\n"))
    assert problems == [
        f"{path}:5:7: rule 'r': when.kidn: unknown field 'kidn' — did you mean 'kind'? allowed here: kind, "
        "order_status, sources_include, reason_in, reason_matches, sku_matches, order_total_max, "
        "order_total_min, request_age_minutes_min, request_age_minutes_max, marketplace, fulfillment"
    ]


def test_reason_in_takes_one_key_or_a_list(tmp_path: Path) -> None:
    one = load_rules(_write(tmp_path, _rule("- name: r\n  when: {reason_in: other}\n  then: hold\n")))
    assert one.ruleset.rules[0].when.reason_in == (ReasonKey.OTHER,)
    several = parse_rules(_rule("- name: r\n  when: {reason_in: [found_cheaper, other]}\n  then: hold\n"))
    assert several.ruleset.rules[0].when.reason_in == (ReasonKey.FOUND_CHEAPER, ReasonKey.OTHER)


@pytest.mark.parametrize(
    ("written", "guess"),
    [("found_cheeper", "found_cheaper"), ("cheaper", "found_cheaper"), ("mistake", "created_by_mistake")],
)
def test_an_unknown_reason_key_is_named_with_its_place_and_a_guess(
    tmp_path: Path, written: str, guess: str
) -> None:
    path, problems = _problems(
        tmp_path, _rule(f"- name: r\n  when:\n    reason_in: [other, {written}]\n  then: hold\n")
    )
    assert problems == [
        f"{path}:5:26: rule 'r': when.reason_in: expected 'created_by_mistake', 'arrives_too_late', "
        "'shipping_cost_too_high', 'found_cheaper', 'change_shipping_address', 'change_shipping_speed', "
        "'change_billing_address', 'change_payment_method' or 'other', got the "
        f"text '{written}' — did you mean '{guess}'? write one of sc-cancel's reason keys, or a list of "
        "them, e.g. [created_by_mistake, found_cheaper]"
    ]


def test_a_reason_text_is_not_a_reason_key(tmp_path: Path) -> None:
    path, problems = _problems(
        tmp_path, _rule("- name: r\n  when:\n    reason_in: Order Created by Mistake\n  then: hold\n")
    )
    assert len(problems) == 1
    assert problems[0].startswith(f"{path}:5:7: rule 'r': when.reason_in: expected 'created_by_mistake', ")
    assert "got the text 'Order Created by Mistake' — " in problems[0]


def test_sources_include_email_stays_accepted(tmp_path: Path) -> None:
    """The e-mail channel is reserved for a coming source; rules may already name it."""
    loaded = parse_rules(_rule("- name: r\n  when: {sources_include: email}\n  then: hold\n"))
    assert [c.value for c in loaded.ruleset.rules[0].when.sources_include or ()] == ["email"]


def test_unknown_rule_key(tmp_path: Path) -> None:
    path, problems = _problems(tmp_path, _rule("- name: r\n  when: {}\n  then: hold\n  reason: x\n"))
    assert problems == [
        f"{path}:6:5: rule 'r': reason: unknown field 'reason' — allowed here: name, when, then, approve"
    ]


def test_total_as_quoted_text_is_an_error(tmp_path: Path) -> None:
    path, problems = _problems(
        tmp_path, _rule('- name: small\n  when:\n    order_total_max: "200"\n  then: hold\n')
    )
    assert problems == [
        f"{path}:5:7: rule 'small': when.order_total_max: expected a number, got the text '200' — write a "
        "plain number without quotes, e.g. 200"
    ]


def test_boolean_is_not_a_number(tmp_path: Path) -> None:
    path, problems = _problems(
        tmp_path, _rule("- name: r\n  when:\n    order_total_min: true\n  then: hold\n")
    )
    assert problems == [
        f"{path}:5:7: rule 'r': when.order_total_min: expected a number, got true (a yes/no value) — write a "
        "plain number without quotes, e.g. 10"
    ]


def test_age_must_be_whole_minutes(tmp_path: Path) -> None:
    path, problems = _problems(
        tmp_path, _rule("- name: r\n  when:\n    request_age_minutes_min: 1.5\n  then: hold\n")
    )
    assert problems == [
        f"{path}:5:7: rule 'r': when.request_age_minutes_min: expected a whole number, got 1.5 — write a "
        "whole number of minutes without quotes, e.g. 30"
    ]


def test_bad_regular_expression_names_the_regex_error(tmp_path: Path) -> None:
    path, problems = _problems(
        tmp_path, _rule('- name: why\n  when:\n    reason_matches: "(?i)mistake|(cheaper"\n  then: hold\n')
    )
    assert problems == [
        f"{path}:5:7: rule 'why': when.reason_matches: not a valid regular expression: missing ), "
        "unterminated subpattern at position 12 — check brackets and parentheses; put a backslash before "
        ". ( ) [ ] ? * + | to match them as text"
    ]


def test_empty_regular_expression(tmp_path: Path) -> None:
    path, problems = _problems(tmp_path, _rule('- name: s\n  when:\n    sku_matches: ""\n  then: hold\n'))
    assert problems == [
        f"{path}:5:7: rule 's': when.sku_matches: the regular expression is empty (it would match "
        "everything) — write the text to look for, or leave the condition out"
    ]


def test_misspelt_choice_with_suggestion(tmp_path: Path) -> None:
    path, problems = _problems(tmp_path, _rule("- name: r\n  when:\n    kind: offical\n  then: hold\n"))
    assert problems == [
        f"{path}:5:7: rule 'r': when.kind: expected 'official' or 'inquiry', got the text 'offical' — did "
        "you mean 'official'? write official (Amazon's request) or inquiry (a buyer's own message), or a "
        "list of them"
    ]


def test_bad_item_in_a_list_points_at_the_item(tmp_path: Path) -> None:
    path, problems = _problems(
        tmp_path,
        _rule("- name: r\n  when:\n    order_status:\n      - unshipped\n      - shiped\n  then: hold\n"),
    )
    assert problems == [
        f"{path}:7:11: rule 'r': when.order_status: expected 'pending', 'unshipped', 'shipped' or "
        "'canceled', got the text 'shiped' — did you mean 'shipped'? write pending, unshipped, shipped or "
        "canceled, or a list of them"
    ]


def test_bad_then(tmp_path: Path) -> None:
    path, problems = _problems(tmp_path, _rule("- name: r\n  when: {}\n  then: refund\n"))
    assert problems == [
        f"{path}:5:5: rule 'r': then: expected 'cancel', 'hold', 'ignore' or 'reply', got the text 'refund' "
        "— write `then:` cancel, hold, ignore or reply"
    ]


def test_marketplace_id(tmp_path: Path) -> None:
    path, problems = _problems(tmp_path, _rule("- name: r\n  when:\n    marketplace: [US]\n  then: hold\n"))
    assert problems == [
        f"{path}:5:21: rule 'r': when.marketplace: the text 'US' is not an Amazon marketplace id — write a "
        "marketplace id such as ATVPDKIKX0DER (US) or A1PA6795UKMFR9 (DE), or a list"
    ]


def test_empty_list(tmp_path: Path) -> None:
    path, problems = _problems(tmp_path, _rule("- name: r\n  when:\n    order_status: []\n  then: hold\n"))
    assert problems == [
        f"{path}:5:7: rule 'r': when.order_status: the list is empty — list at least one value, or leave "
        "the condition out"
    ]


def test_empty_value(tmp_path: Path) -> None:
    path, problems = _problems(tmp_path, _rule("- name: r\n  when:\n    reason_matches:\n  then: hold\n"))
    assert problems == [
        f"{path}:5:7: rule 'r': when.reason_matches: the value is empty — write a value, or remove the line"
    ]


def test_missing_name_uses_the_rule_number(tmp_path: Path) -> None:
    path, problems = _problems(
        tmp_path, _rule("- name: first\n  when: {}\n  then: hold\n- when: {}\n  then: ignore\n")
    )
    assert problems == [
        f"{path}:6:5: rule #2: name: required field is missing — give every rule a short unique name, e.g. "
        "`name: official requests on unshipped orders`"
    ]


def test_blank_name(tmp_path: Path) -> None:
    path, problems = _problems(tmp_path, _rule('- name: "  "\n  when: {}\n  then: hold\n'))
    assert problems == [
        f"{path}:3:5: rule #1: name: the name is blank — give every rule a short name, e.g. name: official "
        "requests"
    ]


def test_missing_then_and_when(tmp_path: Path) -> None:
    path, problems = _problems(tmp_path, _rule("- name: lonely\n"))
    assert problems == [
        f"{path}:3:5: rule 'lonely': when: required field is missing — write the conditions under `when:`, "
        "e.g. `when: {kind: official}`; `when: {}` matches all",
        f"{path}:3:5: rule 'lonely': then: required field is missing — write `then:` cancel, hold, ignore or "
        "reply",
    ]


def test_rule_that_is_not_a_mapping(tmp_path: Path) -> None:
    path, problems = _problems(tmp_path, _rule("- cancel everything\n"))
    assert problems == [
        f"{path}:3:5: rule #1: expected a mapping (`key: value` lines), got the text 'cancel everything' — "
        "list the rules under `rules:`, each starting with `- name:`; write `rules: []` for none"
    ]


# --- rules: safety and meaning ---------------------------------------------------------------------


def test_cancel_rule_for_inquiries_is_refused(tmp_path: Path) -> None:
    path, problems = _problems(
        tmp_path, _rule("- name: everything\n  when:\n    kind: [official, inquiry]\n  then: cancel\n")
    )
    assert problems == [f"{path}:5:7: rule 'everything': when.kind: could cancel an inquiry — {INQUIRY_HINT}"]


def test_cancel_rule_without_kind_is_refused(tmp_path: Path) -> None:
    path, problems = _problems(
        tmp_path, _rule("- name: unshipped\n  when:\n    order_status: unshipped\n  then: cancel\n")
    )
    assert problems == [
        f"{path}:4:5: rule 'unshipped': when.kind: could cancel an inquiry: the rule does not say `kind` — "
        f"{INQUIRY_HINT}"
    ]


def test_cancel_rule_for_shipped_orders_is_refused(tmp_path: Path) -> None:
    path, problems = _problems(
        tmp_path,
        _rule(
            "- name: late\n  when:\n    kind: official\n"
            "    order_status: [unshipped, shipped]\n  then: cancel\n"
        ),
    )
    assert problems == [
        f"{path}:6:7: rule 'late': when.order_status: a cancel rule cannot apply to shipped orders — only "
        "unshipped orders can be cancelled; write `order_status: [unshipped]` and use `then: hold` for the "
        "others"
    ]


@pytest.mark.parametrize("action", ["hold", "ignore"])
def test_approve_with_hold_or_ignore_is_refused(tmp_path: Path, action: str) -> None:
    path, problems = _problems(
        tmp_path, _rule(f"- name: r\n  when: {{}}\n  then: {action}\n  approve: auto\n")
    )
    assert problems == [
        f"{path}:6:5: rule 'r': approve: `approve` has no meaning with `then: {action}` — remove the "
        "`approve` line; only cancel and reply are approved"
    ]


def test_contradictory_totals(tmp_path: Path) -> None:
    path, problems = _problems(
        tmp_path,
        _rule("- name: r\n  when:\n    order_total_min: 50\n    order_total_max: 20.5\n  then: hold\n"),
    )
    assert problems == [
        f"{path}:5:7: rule 'r': when.order_total_min: order_total_min (50) is greater than order_total_max "
        "(20.5): the rule can never match — swap the two values, or remove one of them"
    ]


def test_duplicate_names_name_both_lines(tmp_path: Path) -> None:
    path, problems = _problems(
        tmp_path,
        _rule("- name: same\n  when: {}\n  then: hold\n- name: same\n  when: {}\n  then: ignore\n"),
    )
    assert problems == [
        f"{path}:6:5: rule 'same': name: the name is used 2 times, on lines 3 and 6 — give each rule its own "
        "name; reports and the audit trail tell rules apart by name"
    ]


def test_all_problems_in_one_pass_in_file_order(tmp_path: Path) -> None:
    path, problems = _problems(
        tmp_path,
        """
        format: 1
        default: cancel
        rules:
          - name: a
            when: {kind: inquiry, order_total_max: "9"}
            then: cancel
          - name: a
            when: {kind: offical}
            then: hold
        """,
    )
    assert [p.split(" — ")[0] for p in problems] == [
        f"{path}:2:1: default: a default cannot cancel or reply: write a rule",
        f"{path}:5:12: rule 'a': when.kind: could cancel an inquiry",
        f"{path}:5:27: rule 'a': when.order_total_max: expected a number, got the text '9'",
        f"{path}:7:5: rule 'a': name: the name is used 2 times, on lines 4 and 7",
        f"{path}:8:12: rule 'a': when.kind: expected 'official' or 'inquiry', got the text 'offical'",
    ]


def test_an_ill_typed_kind_is_not_also_reported_as_missing(tmp_path: Path) -> None:
    path, problems = _problems(tmp_path, _rule("- name: r\n  when: {kind: 3}\n  then: cancel\n"))
    assert len(problems) == 1
    assert problems[0].startswith(
        f"{path}:4:12: rule 'r': when.kind: expected 'official' or 'inquiry', got 3"
    )


def test_parse_rules_from_text_hashes_the_text() -> None:
    loaded = parse_rules("format: 1\n")
    assert loaded.path == Path("<rules>")
    assert loaded.sha256 == hashlib.sha256(b"format: 1\n").hexdigest()


# --- the model refuses unsafe rules however it is built ---------------------------------------------


def test_model_refuses_an_unsafe_rule_built_in_code() -> None:
    unsafe = Rule(name="x", when=Conditions(kind=(RequestKind.INQUIRY,)), then=DecisionKind.CANCEL)
    with pytest.raises(ValidationError, match="could cancel an inquiry"):
        RuleSet(format=1, rules=(unsafe,))


def test_model_refuses_duplicate_names_built_in_code() -> None:
    rule = Rule(name="x", when=Conditions(), then=DecisionKind.HOLD)
    with pytest.raises(ValidationError, match="used by 2 rules"):
        RuleSet(format=1, rules=(rule, rule))
