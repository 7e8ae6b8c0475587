"""Pagination edges on Manage Orders: 100 matching requests fill exactly one page at the largest page
size, 101 need a second page. Every request must be found either way, and the result pages the agent
fetched (seen from the sandbox's side) must differ by exactly that second page."""

from __future__ import annotations

from pathlib import Path

import pytest
from scan_support import logged_sandbox, official, run_agent, write_scenario
from scenario_kit import order, scenario

PLAIN_ORDERS = 20
"""Orders without a request, so that the filter (not the page size alone) decides what is listed."""


def _store(requests: int) -> tuple[dict, list[dict]]:
    with_request = [
        order(n, request="Order Created by Mistake", channel="manage_orders") for n in range(1, requests + 1)
    ]
    plain = [order(n) for n in range(requests + 1, requests + 1 + PLAIN_ORDERS)]
    expected = sorted((official(o, ["manage_orders"]) for o in with_request), key=lambda e: e["order_id"])
    return scenario(with_request + plain), expected


def _result_pages(searches: list[dict[str, list[str]]]) -> list[int]:
    """The offsets of the filtered Unshipped result pages fetched at 100 rows a page."""
    return [
        int(q["offset"][0])
        for q in searches
        if q.get("buyerRequestedCancel") == ["true"]
        and q.get("orderStatus") == ["unshipped"]
        and q.get("limit") == ["100"]
    ]


@pytest.mark.parametrize(("requests", "offsets"), [(100, [0]), (101, [0, 100])])
def test_every_request_is_found_on_one_or_two_pages(
    requests: int, offsets: list[int], tmp_path: Path
) -> None:
    data, expected = _store(requests)
    path = write_scenario(tmp_path, data)

    with logged_sandbox(data) as sandbox:
        run = run_agent(tmp_path, scenario=path, base_url=sandbox.base_url, verbose=True)
        fetched = _result_pages(sandbox.order_searches())

    document = run.document()
    assert document["requests"] == expected
    assert document["stats"]["orders_seen"] == requests
    assert fetched == offsets
    # The agent's own account of it: a second page read only when there is one.
    assert (f"manage_orders unshipped page 2: {requests - 100} rows" in run.stderr) is (requests > 100)
