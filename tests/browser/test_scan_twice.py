"""A second scan with the same data folder lists exactly what the first one did.

The second scan reads less (saved session, inbox marks, remembered order look-ups), so anything it
remembers must decide as well as reading again would. This store's requests came only through Messages,
so each needs its order looked up: an Amazon-fulfilled shipped order (left out: Amazon handles it), a
merchant-fulfilled shipped one (listed as shipped) and a canceled one (left out).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

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


ASKED_IN_MESSAGES = [order(n, request="Other", channel="messages") for n in range(10, 16)]
"""Unshipped orders only Messages names: more than a look-up each is worth, so the whole Unshipped
tab is read to find them (`look_up_orders`), unless their cached look-ups may be reused."""


def test_a_rescan_within_order_lookup_ttl_reuses_the_look_ups_and_past_it_reads_again(
    tmp_path: Path,
) -> None:
    orders = [*ASKED_IN_MESSAGES, order(30), order(31)]
    path = write_scenario(tmp_path, scenario(orders))

    def scan_with_ttl(ttl: str | None) -> dict[str, Any]:
        if ttl is None:
            return run_agent(tmp_path, scenario=path).document()
        config = tmp_path / f"settings-{ttl}.yaml"
        config.write_text(f"format: 1\norder_lookup_ttl: {ttl}\n", encoding="utf-8")
        return run_agent(tmp_path, "--config", str(config), scenario=path).document()

    first = scan_with_ttl(None)
    unchanged = scan_with_ttl(None)  # the default: a look-up lasts the run that made it
    within = scan_with_ttl("1h")
    # The look-ups were last cached by the default scan, a whole scan ago: older than a second.
    past = scan_with_ttl("1s")

    expected = sorted((official(o, ["messages"]) for o in ASKED_IN_MESSAGES), key=lambda e: e["order_id"])
    for document in (first, unchanged, within, past):
        assert document["requests"] == expected
    pages = {
        name: d["stats"]["pages_visited"]
        for name, d in {"default": unchanged, "within": within, "past": past}.items()
    }
    assert pages["within"] < pages["default"]
    assert pages["past"] == pages["default"]
