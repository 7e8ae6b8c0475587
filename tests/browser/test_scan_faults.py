"""The scan when things go wrong: each failure ends with its exit code and a message saying what to do,
with nothing on standard output; and failures the agent can ride out (transient errors, slow answers)
must leave the result exact, not merely non-empty.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from error_document import error_document
from scan_support import (
    MIXED_EXPECTED,
    AgentRun,
    account_key,
    logged_sandbox,
    mixed_store,
    run_agent,
    write_scenario,
)

from automation.locks import account_lock

FAST_RETRIES = {"SC_CANCEL_RETRY_SCALE": "0.05"}
"""The same tries with a twentieth of the waits between them (automation/settings.py)."""


def _failed(run: AgentRun, code: int) -> str:
    """The error message of a run that must have failed with `code`; stdout holds only the error document."""
    assert run.code == code, f"exit code {run.code}, not {code}; stderr:\n{run.stderr[-3000:]}"
    error_document(run.stdout, code)
    errors = [line for line in run.stderr.splitlines() if " ERROR " in line]
    assert errors, run.stderr[-3000:]
    return errors[-1]


def test_a_captcha_at_sign_in_needs_a_person(tmp_path: Path) -> None:
    path = write_scenario(tmp_path, mixed_store(captcha_at_signin=True))

    message_text = _failed(run_agent(tmp_path, scenario=path), 3)

    assert "captcha" in message_text
    assert "sc-cancel login --prompt" in message_text
    assert "sc-cancel login --headed" in message_text


def test_a_changed_layout_stops_the_scan_with_a_screenshot(tmp_path: Path) -> None:
    path = write_scenario(tmp_path, mixed_store(changed_layout=True))

    message_text = _failed(run_agent(tmp_path, scenario=path), 4)

    assert "selectors/manage_orders.yaml" in message_text
    shown = re.search(r"screenshot: ([^)\s]+\.png)", message_text)
    assert shown, message_text
    screenshot = Path(shown.group(1))
    assert screenshot.is_file()
    assert screenshot.read_bytes().startswith(b"\x89PNG")
    assert tmp_path in screenshot.parents  # the run folder is under the working folder


def test_a_site_that_keeps_failing_ends_with_exit_code_5(tmp_path: Path) -> None:
    path = write_scenario(tmp_path, mixed_store(error_share=1.0, seed=3))

    run = run_agent(tmp_path, scenario=path, env=FAST_RETRIES)

    assert "kept failing after 5 tries" in _failed(run, 5)
    assert run.stderr.count("retrying in") == 4  # four waits between the five tries


def test_a_bad_retry_scale_is_bad_input(tmp_path: Path) -> None:
    path = write_scenario(tmp_path, mixed_store())

    run = run_agent(tmp_path, scenario=path, env={"SC_CANCEL_RETRY_SCALE": "fast"})

    assert "SC_CANCEL_RETRY_SCALE" in _failed(run, 2)


def test_transient_errors_still_give_the_exact_result(tmp_path: Path) -> None:
    data = mixed_store(error_share=0.3, seed=7)
    path = write_scenario(tmp_path, data)
    with logged_sandbox(data) as sandbox:
        run = run_agent(tmp_path, scenario=path, base_url=sandbox.base_url, env=FAST_RETRIES)
        failed_requests = sum(1 for draw in sandbox.faults if draw.error_status is not None)

    assert run.document()["requests"] == MIXED_EXPECTED
    assert failed_requests >= 3  # the seed really made the site fail, more than once
    assert "retrying in" in run.stderr


def test_slow_responses_still_give_the_exact_result(tmp_path: Path) -> None:
    data = mixed_store(slow_share=0.25, slow_seconds=0.6, seed=11)
    path = write_scenario(tmp_path, data)
    with logged_sandbox(data) as sandbox:
        run = run_agent(tmp_path, scenario=path, base_url=sandbox.base_url)
        slowed = sum(1 for draw in sandbox.faults if draw.delay_s > 0)

    assert run.document()["requests"] == MIXED_EXPECTED
    assert slowed >= 3


def test_a_scan_while_another_run_holds_the_account_ends_with_exit_code_6(tmp_path: Path) -> None:
    path = write_scenario(tmp_path, mixed_store())
    data_dir = tmp_path / "data"

    with account_lock(data_dir, account_key(path)):
        run = run_agent(tmp_path, scenario=path, data_dir=data_dir)

    message_text = _failed(run, 6)
    assert f"PID {os.getpid()}" in message_text  # it names who holds the lock
    assert run_agent(tmp_path, scenario=path, data_dir=data_dir).document()["requests"] == MIXED_EXPECTED
