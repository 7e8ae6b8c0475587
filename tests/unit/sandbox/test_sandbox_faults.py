"""Faults are the same sequence for the same seed, in request order, and honour their shares."""

from __future__ import annotations

from automation.sandbox.faults import FaultDraw, FaultPlan
from automation.sandbox.scenario import Faults


def _sequence(faults: Faults, kinds: list[bool]) -> list[FaultDraw]:
    plan = FaultPlan(faults)
    return [plan.draw(is_json=is_json) for is_json in kinds]


KINDS = [i % 3 != 0 for i in range(300)]  # a mix of pages (False) and JSON (True)


def test_the_same_seed_gives_the_same_faults() -> None:
    faults = Faults(seed=7, slow_share=0.3, slow_seconds=2, error_share=0.2)
    assert _sequence(faults, KINDS) == _sequence(faults, KINDS)
    assert _sequence(faults, KINDS) != _sequence(faults.model_copy(update={"seed": 8}), KINDS)


def test_shares_are_honoured_and_errors_hit_json_only() -> None:
    draws = _sequence(Faults(seed=1, slow_share=0.3, slow_seconds=2, error_share=0.2), KINDS)
    slow = [d for d in draws if d.delay_s]
    assert all(d.delay_s == 2 for d in slow)
    assert 60 <= len(slow) <= 120
    errors = [(d, is_json) for d, is_json in zip(draws, KINDS, strict=True) if d.error_status is not None]
    assert all(is_json for _, is_json in errors)
    assert {d.error_status for d, _ in errors} == {500, 503}
    assert 20 <= len(errors) <= 60


def test_no_faults_by_default_and_everything_at_share_one() -> None:
    assert set(_sequence(Faults(), KINDS)) == {FaultDraw()}
    everything = _sequence(Faults(slow_share=1.0, slow_seconds=0.5, error_share=1.0), [True] * 50)
    assert all(d.delay_s == 0.5 and d.error_status in (500, 503) for d in everything)


def test_a_draw_does_not_depend_on_the_kind_of_the_requests_before_it() -> None:
    faults = Faults(seed=3, slow_share=0.5, slow_seconds=1)
    pages = _sequence(faults, [False] * 40)
    mixed = _sequence(faults, [True] * 40)
    assert [d.delay_s for d in pages] == [d.delay_s for d in mixed]
