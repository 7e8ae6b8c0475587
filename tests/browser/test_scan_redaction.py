"""Buyer names are hidden for as long as the run that read them lasts, and forgotten when it ends.

A scheduled loop runs account after account in one process for months: the redactor must not gather
every buyer name it ever saw. Two scans run one after the other in one interpreter, as the loop runs
them; while each is open its buyers' names are masked, and once it has ended they are no longer held.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from scan_support import AGENT_TIMEOUT_S, write_scenario
from scenario_kit import order, scenario

FIRST = [order(1, buyer="Wilhelmina Quartermaine", request="Order Created by Mistake")]
SECOND = [order(2, buyer="Bartholomew Inkwater", request="Shipping Cost Too High")]

TWO_RUNS = r"""
import json, os, sys
from pathlib import Path
from automation.redact import REDACTOR
from automation.runner import scan_account
from automation.runtime import Runtime
from automation.settings import REPO_SELECTORS, BrowserSettings
from automation.targets import resolve_targets

data = Path(sys.argv[3])
seen = []


def during(report, ledger):
    seen.append({"held": REDACTOR.secrets(), "masked": REDACTOR(" | ".join(sys.argv[4:]))})


rt = Runtime(
    data_dir=data, runs_dir=data / "runs", selectors_dir=REPO_SELECTORS, browser=BrowserSettings(),
    env=dict(os.environ), after_run=during,
)
runs = []
for path in sys.argv[1:3]:
    target = resolve_targets(scenario=Path(path), base_url=None, settings=None, account=None, env={})[0]
    result = scan_account(target, rt)
    runs.append(sorted({r.buyer_name for r in result.requests if r.buyer_name}))
print(json.dumps({"names": runs, "during": seen, "held_after": REDACTOR.secrets(),
                  "after": REDACTOR(" | ".join(sys.argv[4:]))}))
"""


def run_twice(tmp_path: Path, first: Path, second: Path, names: list[str]) -> dict[str, Any]:
    environ = {**os.environ}
    environ.pop("SC_CANCEL_CONFIG", None)
    done = subprocess.run(
        [sys.executable, "-c", TWO_RUNS, str(first), str(second), str(tmp_path / "data"), *names],
        cwd=tmp_path,
        env=environ,
        capture_output=True,
        text=True,
        timeout=AGENT_TIMEOUT_S,
        check=False,
    )
    assert done.returncode == 0, f"exit {done.returncode}\n{done.stderr[-4000:]}"
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_a_buyer_name_is_held_during_its_run_and_forgotten_after(tmp_path: Path) -> None:
    first = write_scenario(tmp_path, scenario(FIRST), "first.yaml")
    second = write_scenario(tmp_path, scenario(SECOND), "second.yaml")
    one, two = FIRST[0]["buyer_name"], SECOND[0]["buyer_name"]

    out = run_twice(tmp_path, first, second, [one, two])

    assert out["names"] == [[one], [two]], "each scan reads its own buyer's name"
    during_first, during_second = out["during"]
    assert one in during_first["held"]
    assert during_first["masked"] == f"[buyer] | {two}"
    assert one not in during_second["held"], "the first run's buyer is still held in the next run"
    assert during_second["masked"] == f"{one} | [buyer]"
    assert one not in out["held_after"]
    assert two not in out["held_after"]
    assert out["after"] == f"{one} | {two}"
