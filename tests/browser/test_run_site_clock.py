"""Request ages are measured on the site's clock (the `Date` header of the last document loaded), never
the machine's: against a sandbox whose scenario clock is years away from today, a "at least 30 minutes
old" rule leaves a 12-minute-old request alone and cancels a 45-minute-old one, and `rules explain`
shows the same ages."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from run_support import Agent, SandboxMaker, accepted_cancellations, make_sandbox, rules, write_yaml
from scenario_kit import NOW, iso, order, order_id, scenario

__all__ = ["make_sandbox"]  # the fixture, imported for pytest

SITE_NOW = datetime(2031, 6, 10, 15, 0, tzinfo=UTC)
"""Far from any day these tests run on, in either direction a machine's clock could be off."""
YOUNG = order_id(1)
OLD = order_id(2)
OLD_ENOUGH = {
    "name": "official requests older than 30 minutes",
    "when": {"kind": "official", "order_status": ["unshipped"], "request_age_minutes_min": 30},
    "then": "cancel",
    "approve": "auto",
}


def site_order(n: int, minutes_ago: int) -> dict[str, object]:
    """Order `n` bought two hours before SITE_NOW, its official request made `minutes_ago` before it."""
    bought_hours_before_now = (NOW - SITE_NOW) / timedelta(hours=1) + 2
    data = order(
        n,
        hours_ago=bought_hours_before_now,
        request="Order Created by Mistake",
        requested_at=SITE_NOW - timedelta(minutes=minutes_ago),
    )
    assert data["purchased_at"] == iso(SITE_NOW - timedelta(hours=2))
    return data


def test_request_ages_follow_the_site_clock(tmp_path: Path, make_sandbox: SandboxMaker) -> None:
    sandbox = make_sandbox({**scenario([site_order(1, 12), site_order(2, 45)]), "now": iso(SITE_NOW)})
    rules_file = write_yaml(tmp_path / "rules.yaml", rules(OLD_ENOUGH))
    agent = Agent(tmp_path, sandbox)

    ran = agent.run(rules_file, "--execute")

    assert ran.returncode == 0, ran.stderr
    assert accepted_cancellations(sandbox.state()) == [OLD]
    requests = ran.by_order()
    assert (requests[OLD]["decision"], requests[OLD]["outcome"]) == ("cancel", "done")
    assert (requests[YOUNG]["decision"], requests[YOUNG]["rule"]) == ("hold", None)
    assert "no Date header" not in ran.stderr

    explained = agent("rules", "explain", str(rules_file))
    assert explained.returncode == 0, explained.stderr
    young = explained.stdout.split(YOUNG, 1)[1]
    age = re.search(r"request age ([\d.]+) min", young)
    assert age is not None, explained.stdout
    assert 12 <= float(age.group(1)) < 20, explained.stdout
