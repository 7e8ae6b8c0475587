"""Which evidence makes a request cancellable with Buyer Canceled, and what the cancel form must then show:
the banner wants Amazon's preselected, locked reason; a template thread alone lets the agent choose it
(the form preselects nothing for those); a buyer's own words never do."""

from __future__ import annotations

import pytest

from automation.actions.cancel import CHOOSE, SUBMIT, CancelResult, reason_step
from automation.actions.proof import Proof, ProofKind, official_proof
from automation.models import CancellationRequest, Channel, Outcome, RequestKind, Sighting
from automation.pages.cancel_order import ReasonControl

ORDER_ID = "111-0000001-0000007"
REASONS = ("", "NoInventory", "BuyerCanceled", "GeneralAdjustment")
BANNER = Sighting(channel=Channel.MANAGE_ORDERS, kind=RequestKind.OFFICIAL, detail="banner")
FILTER = Sighting(channel=Channel.MANAGE_ORDERS, kind=RequestKind.OFFICIAL, detail="filter")
TEMPLATE = Sighting(channel=Channel.MESSAGES, kind=RequestKind.OFFICIAL, detail="template", thread_id="t-17")
BUYER_WORDS = Sighting(
    channel=Channel.MESSAGES, kind=RequestKind.INQUIRY, detail="buyer_message", thread_id="t-18"
)


def request(*sightings: Sighting) -> CancellationRequest:
    official = any(s.kind is RequestKind.OFFICIAL for s in sightings)
    return CancellationRequest(
        order_id=ORDER_ID,
        kind=RequestKind.OFFICIAL if official else RequestKind.INQUIRY,
        sources=tuple(sorted({s.channel for s in sightings}, key=str)),
        thread_ids=tuple(s.thread_id for s in sightings if s.thread_id),
        sightings=sightings,
    )


def form(value: str = "", *, locked: bool = False, options: tuple[str, ...] = REASONS) -> ReasonControl:
    labels = {"": "Select a reason", "BuyerCanceled": "Buyer Canceled", "NoInventory": "No Inventory"}
    return ReasonControl(value=value, label=labels.get(value, value), locked=locked, options=options)


# --- the proof -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("sighting", [BANNER, FILTER], ids=["banner", "filter"])
def test_manage_orders_is_the_proof_wherever_it_shows_the_request(sighting: Sighting) -> None:
    proof = official_proof(request(TEMPLATE, sighting, BUYER_WORDS))
    assert proof == Proof(ProofKind.MANAGE_ORDERS, sighting.detail)
    assert proof.form_locks_reason
    assert "Manage Orders" in proof.describe()
    assert sighting.detail in proof.describe()


def test_a_template_thread_alone_is_the_proof_and_named_in_the_audit_line() -> None:
    proof = official_proof(request(TEMPLATE, BUYER_WORDS))
    assert proof == Proof(ProofKind.TEMPLATE_THREAD, "t-17")
    assert not proof.form_locks_reason
    assert "thread t-17" in proof.describe()
    assert "template" in proof.describe()


def test_a_buyers_own_words_are_no_proof() -> None:
    assert official_proof(request(BUYER_WORDS)) is None


def test_a_request_without_any_sighting_has_no_proof() -> None:
    bare = CancellationRequest(
        order_id=ORDER_ID, kind=RequestKind.OFFICIAL, sources=(Channel.MESSAGES,), thread_ids=("t-17",)
    )
    assert official_proof(bare) is None


# --- the reason on the form --------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(ProofKind))
def test_a_preselected_locked_buyer_canceled_is_submitted_as_it_is(kind: ProofKind) -> None:
    assert reason_step(form("BuyerCanceled", locked=True), Proof(kind, "x")) == SUBMIT


def test_a_template_thread_lets_the_agent_choose_buyer_canceled_on_an_open_form() -> None:
    assert reason_step(form(), Proof(ProofKind.TEMPLATE_THREAD, "t-17")) == CHOOSE


def test_a_banner_request_whose_form_is_open_is_skipped() -> None:
    step = reason_step(form(), Proof(ProofKind.MANAGE_ORDERS, "banner"))
    assert isinstance(step, CancelResult)
    assert step.outcome is Outcome.SKIPPED
    assert "'Select a reason' (not locked)" in step.reason
    assert "does not show an official request" in step.reason


@pytest.mark.parametrize(
    "control",
    [form(), form("BuyerCanceled"), form("BuyerCanceled", locked=True)],
    ids=["open", "preselected", "locked"],
)
def test_without_proof_nothing_is_chosen_or_submitted(control: ReasonControl) -> None:
    step = reason_step(control, None)
    assert isinstance(step, CancelResult)
    assert step.outcome is Outcome.SKIPPED
    assert "buyer's own words" in step.reason


def test_a_reason_locked_to_something_else_is_skipped_even_with_proof() -> None:
    step = reason_step(form("NoInventory", locked=True), Proof(ProofKind.TEMPLATE_THREAD, "t-17"))
    assert isinstance(step, CancelResult)
    assert "locked to 'No Inventory'" in step.reason


def test_a_form_without_buyer_canceled_is_skipped() -> None:
    step = reason_step(form(options=("", "NoInventory")), Proof(ProofKind.TEMPLATE_THREAD, "t-17"))
    assert isinstance(step, CancelResult)
    assert "no Buyer Canceled" in step.reason
