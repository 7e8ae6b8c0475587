"""Fixtures the ledger's, the actions' and the commands' unit tests share: a hand-moved clock at
ledger_kit's START (a module may override `clock` with its own start) and a ledger in a temporary folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from ledger_kit import START, FakeClock

from automation.ledger import Ledger


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def ledger(tmp_path: Path, clock: FakeClock) -> Iterator[Ledger]:
    with Ledger.open(tmp_path / "ledger.sqlite3", clock=clock) as opened:
        yield opened
