"""A rule written with `reason_in` decides a German store's requests end to end: `run --execute` cancels
the one whose reason is "ordered by mistake" and holds the other, and `rules explain` says which key each
shown reason is. The German reasons are the sandbox's own (its generator's table), so the agent's locale
file is checked against an independently written text, not against itself."""

from __future__ import annotations

from pathlib import Path

from run_support import Agent, SandboxMaker, accepted_cancellations, make_sandbox, order, rules, write_yaml
from scenario_kit import order_id, scenario

from automation.sandbox.generator_phrases import PHRASES, REASON_KEYS

__all__ = ["make_sandbox"]  # the fixture, imported for pytest

SANDBOX_GERMAN = dict(zip(REASON_KEYS, PHRASES["de_DE"].reasons, strict=True))


def test_reason_in_cancels_and_explains_in_a_german_store(tmp_path: Path, make_sandbox: SandboxMaker) -> None:
    data = scenario(
        [
            order(1, request=SANDBOX_GERMAN["mistake"], sku="MUG-1"),
            order(2, request=SANDBOX_GERMAN["other"], sku="MUG-2"),
        ],
        locale="de_DE",
    )
    sandbox = make_sandbox(data)
    rules_file = write_yaml(
        tmp_path / "rules.yaml",
        rules(
            {
                "name": "mistaken orders",
                "when": {
                    "kind": "official",
                    "order_status": "unshipped",
                    "reason_in": ["created_by_mistake"],
                },
                "then": "cancel",
                "approve": "auto",
            }
        ),
    )
    agent = Agent(tmp_path / "work", sandbox)
    agent.workdir.mkdir()

    run = agent.run(rules_file, "--execute")
    assert run.returncode == 0, run.stderr
    decided = {oid: (r["decision"], r["rule"]) for oid, r in run.by_order().items()}
    assert decided == {order_id(1): ("cancel", "mistaken orders"), order_id(2): ("hold", None)}
    assert accepted_cancellations(sandbox.state()) == [order_id(1)]

    explained = agent("rules", "explain", str(rules_file))
    assert explained.returncode == 0, explained.stderr
    assert f"reason '{SANDBOX_GERMAN['other']}' is other, not created_by_mistake" in explained.stdout
