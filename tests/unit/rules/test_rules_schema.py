"""The JSON schema for editors: committed and current, describes every field, agrees with the loader."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from automation.parsers.reasons import ReasonKey
from automation.rules import schema as rules_schema
from automation.rules.loader import load_rules


@pytest.fixture(scope="module")
def committed() -> dict[str, Any]:
    return json.loads(rules_schema.SCHEMA_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def example(repo_root: Path) -> dict[str, Any]:
    return yaml.safe_load((repo_root / "rules.example.yaml").read_text(encoding="utf-8"))


def test_committed_schema_is_current() -> None:
    """Fails when the models changed without `python -m automation.rules.schema`."""
    assert rules_schema.SCHEMA_PATH.read_text(encoding="utf-8") == rules_schema.json_schema_text()
    assert rules_schema.main(["--check"]) == 0


def test_check_mode_notices_a_stale_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stale = tmp_path / "rules.schema.json"
    stale.write_text("{}\n", encoding="utf-8")
    monkeypatch.setattr(rules_schema, "SCHEMA_PATH", stale)
    assert rules_schema.main(["--check"]) == 1
    assert rules_schema.main([]) == 0
    assert stale.read_text(encoding="utf-8") == rules_schema.json_schema_text()


def test_schema_is_a_valid_json_schema(committed: dict[str, Any]) -> None:
    jsonschema.Draft202012Validator.check_schema(committed)


def test_every_field_has_a_description(committed: dict[str, Any]) -> None:
    models = [committed, *committed["$defs"].values()]
    fields = [(name, spec) for model in models for name, spec in model.get("properties", {}).items()]
    assert len(fields) >= 17
    undescribed = [name for name, spec in fields if not spec.get("description")]
    assert undescribed == []
    assert not any("\n" in spec["description"] for _, spec in fields)


def test_schema_accepts_the_example_file(committed: dict[str, Any], example: dict[str, Any]) -> None:
    jsonschema.validate(example, committed)


def test_example_file_points_editors_at_the_schema(repo_root: Path) -> None:
    first_line = (repo_root / "rules.example.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first_line == "# yaml-language-server: $schema=automation/rules/rules.schema.json"
    assert (repo_root / "automation/rules/rules.schema.json").is_file()


def test_example_file_has_the_rules_and_safe_defaults(repo_root: Path, example: dict[str, Any]) -> None:
    ruleset = load_rules(repo_root / "rules.example.yaml").ruleset
    assert [r.name for r in ruleset.rules] == [
        "small mistaken mug orders cancel on their own",
        "official requests on unshipped orders",
        "inquiries get the official instructions",
        "other inquiries go to a person",
    ]
    assert example["default"] == "hold"
    # Only the narrow rule, with every optional condition of the example, cancels on its own.
    assert example["rules"][0]["approve"] == "auto"
    assert set(example["rules"][0]["when"]) >= {
        "kind",
        "order_status",
        "sources_include",
        "reason_in",
        "sku_matches",
        "order_total_max",
        "request_age_minutes_min",
    }
    # Reasons by key, so the example works for a store in any language, not a regex on English words.
    assert example["rules"][0]["when"]["reason_in"] == ["created_by_mistake", "found_cheaper"]
    assert not any("reason_matches" in rule["when"] for rule in example["rules"])
    assert example["rules"][1]["approve"] == "manual"
    assert example["limits"] == {"max_cancellations_per_run": 20, "max_cancellations_per_day": 100}
    text = (repo_root / "rules.example.yaml").read_text(encoding="utf-8")
    assert "# approve: auto" in text


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ((), {"actions_enabled": True}),
        (("rules", 0, "when"), {"kidn": "official"}),
        (("limits",), {"max_cancellations_per_week": 3}),
        (("rules", 0, "when"), {"order_total_max": "200"}),
        (("rules", 0, "when"), {"order_total_max": True}),
        (("rules", 0, "when"), {"order_status": []}),
        (("rules", 0, "when"), {"reason_in": "mistake"}),
        (("rules", 0, "when"), {"reason_in": ["other", "Order Created by Mistake"]}),
        (("rules", 0, "when"), {"reason_in": []}),
        (("rules", 0), {"then": "refund"}),
        ((), {"format": 2}),
        ((), {"default": "cancel"}),
    ],
)
def test_schema_rejects_what_the_loader_rejects(
    committed: dict[str, Any], example: dict[str, Any], path: tuple[str | int, ...], value: dict[str, Any]
) -> None:
    document = json.loads(json.dumps(example))
    target: Any = document
    for part in path:
        target = target[part]
    target.update(value)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, committed)


def test_schema_accepts_one_value_or_a_list(committed: dict[str, Any], example: dict[str, Any]) -> None:
    document = json.loads(json.dumps(example))
    document["rules"][2]["when"] = {
        "kind": ["inquiry"],
        "marketplace": "A1PA6795UKMFR9",
        "fulfillment": "mfn",
        "reason_in": "other",
        "sources_include": "email",
    }
    jsonschema.validate(document, committed)
    document["rules"][2]["when"]["reason_in"] = ["found_cheaper", "change_payment_method"]
    jsonschema.validate(document, committed)


def test_schema_lists_every_reason_key(committed: dict[str, Any]) -> None:
    assert committed["$defs"]["ReasonKey"]["enum"] == [key.value for key in ReasonKey]
