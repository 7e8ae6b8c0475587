"""Sessions across and within scans: a second scan reuses the saved session instead of signing in, and a
session that ends mid-scan is renewed by signing in again, without losing or doubling anything.

The sandbox runs in this process (like `sc-cancel sandbox serve`) so that its state and its sessions
outlive one agent run; it logs every request, so sign-ins are counted from the site's side as well as
from the agent's own log.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from scan_support import (
    MIXED_EXPECTED,
    logged_sandbox,
    mixed_store,
    run_agent,
    write_scenario,
)


def test_a_second_scan_signs_in_no_more(tmp_path: Path) -> None:
    data = mixed_store()
    path = write_scenario(tmp_path, data)
    with logged_sandbox(data) as sandbox:
        first = run_agent(tmp_path, scenario=path, base_url=sandbox.base_url)
        signed_in_first = sandbox.sign_ins()
        second = run_agent(tmp_path, scenario=path, base_url=sandbox.base_url)
        signed_in_second = sandbox.sign_ins() - signed_in_first

    assert first.document()["requests"] == MIXED_EXPECTED
    assert second.document()["requests"] == MIXED_EXPECTED
    assert (first.sign_ins(), signed_in_first) == (1, 1)
    assert (second.sign_ins(), signed_in_second) == (0, 0)


@pytest.mark.parametrize(
    "requests_per_session",
    [
        8,  # ends again and again: in Manage Orders tabs, opening a thread, looking an order up
        14,  # ends once, while listing the inbox
    ],
)
def test_a_session_that_ends_mid_scan_is_renewed_and_the_result_is_whole(
    requests_per_session: int, tmp_path: Path
) -> None:
    data = mixed_store(session_expires_after=requests_per_session)
    path = write_scenario(tmp_path, data)
    with logged_sandbox(data) as sandbox:
        run = run_agent(tmp_path, scenario=path, base_url=sandbox.base_url)
        sign_ins = sandbox.sign_ins()

    assert run.document()["requests"] == MIXED_EXPECTED
    assert sign_ins >= 2  # the first sign-in, then at least one more when the session ended
    assert run.sign_ins() == sign_ins
