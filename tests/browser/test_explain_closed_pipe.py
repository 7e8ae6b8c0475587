"""`sc-cancel rules explain rules.example.yaml | head`: with no scan yet it scans the built-in sandbox
first, then explains into a pipe whose reader has gone; it stops quietly (exit 141), not as a bug."""

from __future__ import annotations

from pathlib import Path

from closed_pipe import REPO, assert_quiet_stop, run_into_closed_pipe


def test_rules_explain_into_a_closed_pipe_stops_quietly(tmp_path: Path) -> None:
    done = run_into_closed_pipe(
        "rules", "explain", str(REPO / "rules.example.yaml"), data_dir=tmp_path / "data", cwd=tmp_path
    )
    assert_quiet_stop(done)
    assert "scan sandbox:" in done.stderr, "the explanation came without a scan:\n" + done.stderr[-2000:]
