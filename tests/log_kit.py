"""Checks of sc-cancel's rotating JSON log shared by the tests of processes writing one file at once."""

from __future__ import annotations

import json
from pathlib import Path

ROTATION_BYTES = 32 * 1024
"""A small rotation size, so that a test writes enough for several rotations in little time."""
LONGEST_LINE = 2048
"""No JSON log line of these tests is longer: a line cut in two by a rotation would be."""


def assert_every_line_once(log_file: Path, expected: set[str]) -> None:
    """Every expected message is in the log or its rotated files exactly once, every line is whole JSON,
    and only full files were rotated (no process rotated a file another had just started)."""
    files = sorted(log_file.parent.glob("sc-cancel*.jsonl"), key=lambda p: p.stat().st_mtime)
    rotated = [f for f in files if f != log_file]
    assert len(rotated) >= 3, "the test wrote too little to rotate the file"
    seen: dict[str, int] = {}
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            assert len(line) < LONGEST_LINE
            message = json.loads(line)["record"]["message"]
            seen[message] = seen.get(message, 0) + 1
    assert {m for m, count in seen.items() if count != 1} == set(), "a line written twice"
    assert expected - set(seen) == set(), "lines lost"
    small = {f.name: f.stat().st_size for f in rotated if f.stat().st_size < ROTATION_BYTES - LONGEST_LINE}
    assert small == {}
