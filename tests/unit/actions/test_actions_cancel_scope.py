"""What the agent does with a cancel page that asks "Cancel entire order" or "Cancel items" (seller-central.md
§12.3, the JP and NL pages): the entire order, selected and seen selected before Submit; never a partial
cancellation; a page without the choice (the US) goes on as before."""

from __future__ import annotations

import pytest

from automation.actions.cancel import CHOOSE, SUBMIT, CancelResult, entire_order_selected, scope_step
from automation.models import Outcome
from automation.pages.cancel_order import ScopeControl

NO_CHOICE = ScopeControl(entire_offered=False, items_offered=False)
BOTH_OFFERED = ScopeControl(entire_offered=True, items_offered=True)


def test_a_page_without_the_choice_is_submitted_as_before() -> None:
    assert scope_step(NO_CHOICE) == SUBMIT


@pytest.mark.parametrize(
    "control",
    [
        BOTH_OFFERED,
        ScopeControl(entire_offered=True, items_offered=True, items_selected=True),
        ScopeControl(entire_offered=True, items_offered=False),
        # both reported selected (a page out of step with itself): selected again, then checked
        ScopeControl(entire_offered=True, items_offered=True, entire_selected=True, items_selected=True),
    ],
    ids=["nothing-selected", "items-preselected", "entire-only-unselected", "both-selected"],
)
def test_the_entire_order_is_chosen_whenever_offered_and_not_alone_selected(control: ScopeControl) -> None:
    assert scope_step(control) == CHOOSE


def test_an_entire_order_already_selected_alone_is_submitted() -> None:
    control = ScopeControl(entire_offered=True, items_offered=True, entire_selected=True)
    assert scope_step(control) == SUBMIT


@pytest.mark.parametrize("selected", [False, True], ids=["unselected", "items-selected"])
def test_a_page_offering_only_items_is_refused(selected: bool) -> None:
    step = scope_step(ScopeControl(entire_offered=False, items_offered=True, items_selected=selected))
    assert isinstance(step, CancelResult)
    assert step.outcome is Outcome.SKIPPED
    assert not step.submitted
    assert '"Cancel items"' in step.reason
    assert '"Cancel entire order"' in step.reason
    assert "nothing submitted" in step.reason


def test_after_choosing_the_entire_order_must_be_selected_alone() -> None:
    chosen = ScopeControl(entire_offered=True, items_offered=True, entire_selected=True)
    assert entire_order_selected(chosen) is None
    for left in (
        BOTH_OFFERED,
        ScopeControl(entire_offered=True, items_offered=True, items_selected=True),
        ScopeControl(entire_offered=True, items_offered=True, entire_selected=True, items_selected=True),
    ):
        refused = entire_order_selected(left)
        assert refused is not None
        assert refused.outcome is Outcome.SKIPPED
        assert "nothing submitted" in refused.reason
