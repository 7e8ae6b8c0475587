"""One request per order, from every channel it was seen in. Pure; no browser access.

`official` wins over `inquiry` (Amazon's own request is what the seller's metrics honour); `sources`
lists every channel; the reason and time come from the most authoritative sighting that shows them
(Manage Orders, then a legacy request thread, then the buyer's own message). Requests on canceled or
Amazon-fulfilled orders are not pending and are left out; a request on a shipped order stays, marked
shipped: too late to cancel, worth knowing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from automation.models import (
    CancellationRequest,
    Channel,
    Fulfillment,
    Order,
    OrderStatus,
    RequestKind,
    Sighting,
)


def _authority(sighting: Sighting) -> int:
    """Lower is more authoritative."""
    if sighting.kind is RequestKind.OFFICIAL:
        return 0 if sighting.channel is Channel.MANAGE_ORDERS else 1
    return 2


def _first(values: Iterable[object]) -> object:
    return next((v for v in values if v is not None), None)


def is_pending(order: Order | None) -> bool:
    if order is None:
        return True
    return order.status is not OrderStatus.CANCELED and order.fulfillment is not Fulfillment.AFN


def merge_requests(
    sightings: Iterable[tuple[str, Sighting]],
    orders: Mapping[str, Order],
    *,
    marketplace: str | None = None,
) -> list[CancellationRequest]:
    """Merge sightings by order id into pending requests, sorted by order id."""
    by_order: dict[str, list[Sighting]] = defaultdict(list)
    for order_id, sighting in sightings:
        if sighting not in by_order[order_id]:
            by_order[order_id].append(sighting)
    requests = []
    for order_id in sorted(by_order):
        seen = sorted(by_order[order_id], key=_authority)
        order = orders.get(order_id)
        if not is_pending(order):
            continue
        kind = (
            RequestKind.OFFICIAL if any(s.kind is RequestKind.OFFICIAL for s in seen) else RequestKind.INQUIRY
        )
        relevant = [s for s in seen if s.kind is kind]
        requests.append(
            CancellationRequest(
                order_id=order_id,
                kind=kind,
                sources=tuple(sorted({s.channel for s in seen}, key=str)),
                reason=_first(s.reason for s in relevant),  # type: ignore[arg-type]
                requested_at=_first(s.requested_at for s in relevant),  # type: ignore[arg-type]
                order_status=order.status if order else None,
                fulfillment=order.fulfillment if order else None,
                marketplace=marketplace,
                buyer_name=order.buyer_name if order else None,
                items=order.items if order else (),
                ship_by=order.ship_by if order else None,
                thread_ids=tuple(sorted({s.thread_id for s in seen if s.thread_id})),
                sightings=tuple(seen),
            )
        )
    return requests
