"""A second scan with the same data folder lists exactly what the first one did.

The second scan reads less (saved session, inbox marks, remembered order look-ups), so anything it
remembers must decide as well as reading again would. This store's requests came only through Messages,
so each needs its order looked up: an Amazon-fulfilled shipped order (left out: Amazon handles it), a
merchant-fulfilled shipped one (listed as shipped) and a canceled one (left out).
"""

from __future__ import annotations

from pathlib import Path

from scan_support import official, run_agent, write_scenario
from scenario_kit import order, scenario

BY_AMAZON_SHIPPED = order(1, status="shipped", fulfillment="afn", request="Other", channel="messages")
SHIPPED = order(2, status="shipped", request="Order Created by Mistake", channel="messages")
CANCELED = order(3, status="canceled", request="Other", channel="messages")
UNSHIPPED = order(4, request="Shipping Cost Too High", channel="messages")
EXPECTED = sorted(
    [official(SHIPPED, ["messages"]), official(UNSHIPPED, ["messages"])], key=lambda e: e["order_id"]
)


def test_a_second_scan_lists_exactly_what_the_first_did(tmp_path: Path) -> None:
    path = write_scenario(tmp_path, scenario([BY_AMAZON_SHIPPED, SHIPPED, CANCELED, UNSHIPPED]))

    first = run_agent(tmp_path, scenario=path).document()["requests"]
    second = run_agent(tmp_path, scenario=path).document()["requests"]
    third = run_agent(tmp_path, scenario=path).document()["requests"]

    assert first == EXPECTED
    assert second == first
    assert third == first
    assert BY_AMAZON_SHIPPED["id"] not in {entry["order_id"] for entry in second}
