"""Which evidence makes a request official enough to cancel with Buyer Canceled. Pure; no browser.

Amazon honours Buyer Canceled (no cost to the Cancellation Rate) only for its own buyer requests. Two
kinds of evidence say a request is Amazon's own (seller-central.md §0, §2.1, §3.3):

- Manage Orders shows it (the banner, or the "Buyer Requested Cancel" filter). The cancel form then
  preselects Buyer Canceled and locks it, which the action checks once more.
- Before the 2022 rollout, the request came only as a Buyer-Seller Messages thread in Amazon's
  cancellation-request template, whose subject names the order. For such an order the cancel form
  preselects nothing: the seller chooses Buyer Canceled, and the thread is the proof.

A buyer's own words asking to cancel (an inquiry) are no proof at all: cancelling for them with Buyer
Canceled counts against the seller.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from automation.models import CancellationRequest, Channel, RequestKind


class ProofKind(StrEnum):
    MANAGE_ORDERS = "manage_orders"
    """The banner or the filter: the form must show Buyer Canceled preselected and locked."""
    TEMPLATE_THREAD = "template_thread"
    """Only a thread in Amazon's request template: the agent chooses Buyer Canceled on the form."""


@dataclass(frozen=True)
class Proof:
    kind: ProofKind
    detail: str
    """`banner` or `filter` for Manage Orders; the thread id for a template thread."""

    @property
    def form_locks_reason(self) -> bool:
        """Whether Amazon's form is expected to preselect and lock Buyer Canceled."""
        return self.kind is ProofKind.MANAGE_ORDERS

    def describe(self) -> str:
        """One line for the audit trail: which evidence the cancellation rested on."""
        if self.kind is ProofKind.MANAGE_ORDERS:
            return (
                f"proof: Manage Orders shows the buyer's request ({self.detail}); "
                "Buyer Canceled preselected and locked by Amazon"
            )
        return (
            f"proof: the request thread {self.detail} in Amazon's cancellation-request template "
            "(subject naming this order); Buyer Canceled chosen by the agent, as the form preselects "
            "nothing for requests sent through Messages"
        )


def official_proof(request: CancellationRequest) -> Proof | None:
    """The strongest evidence in the request's sightings that it is Amazon's own, or None (an inquiry,
    or nothing that was actually seen). Manage Orders wins over a template thread."""
    official = [s for s in request.sightings if s.kind is RequestKind.OFFICIAL]
    on_orders = next((s for s in official if s.channel is Channel.MANAGE_ORDERS), None)
    if on_orders is not None:
        return Proof(ProofKind.MANAGE_ORDERS, on_orders.detail)
    threads = [
        s.thread_id
        for s in official
        if s.channel is Channel.MESSAGES and s.detail == "template" and s.thread_id is not None
    ]
    return Proof(ProofKind.TEMPLATE_THREAD, threads[0]) if threads else None
