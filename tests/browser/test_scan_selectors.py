"""`--selectors DIR`: when Seller Central changes a page, the operator fixes the agent by editing YAML,
not code.

The sandbox's `changed_layout` fault renders Manage Orders as cards (`div.orders-grid > div.order-card`)
and the inbox as a feed (`div.conversation-feed > div.conversation`), without the table, its
`data-test-id` cells, the thread list or the empty states (docs/sandbox-pages.md). With the bundled
selectors the scan stops with "page changed" (exit code 4). A copy of `selectors/` in which only YAML
was edited, each new candidate added after the old ones, reads the changed pages to the exact result,
and still reads the usual pages too.

The cards show no request date and fuse the reason into the banner's sentence, so this store's requests
are all in Messages as well, whose legacy template gives both (a request on Manage Orders alone would be
listed with a null reason and time under this layout: the page does not show them apart).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml
from error_document import error_document
from scan_support import inquiry, message, official, run_agent, write_scenario
from scenario_kit import order, scenario

from automation.settings import REPO_SELECTORS

BOTH = order(1, request="Order Created by Mistake", channel="both")
ALSO_BOTH = order(2, request="Shipping Cost Too High", channel="both")
MESSAGES_ONLY = order(3, request="Other", channel="messages")
ASKS = order(4)
DECOY = order(5)
PLAIN = [order(n) for n in range(6, 10)]
ASKS_MESSAGE = message(
    ASKS,
    f"Inquiry from Amazon customer {ASKS['buyer_name']} (Order: {ASKS['id']})",
    "Hi, could you please cancel this order? I ordered the wrong colour.",
    minutes_ago=25,
)
DECOY_MESSAGE = message(
    DECOY,
    f"Order delivery inquiry from Amazon customer {DECOY['buyer_name']} (Order: {DECOY['id']})",
    "Please don't cancel, I just want to know when it ships.",
    minutes_ago=15,
)
EXPECTED = sorted(
    [
        official(BOTH, ["manage_orders", "messages"]),
        official(ALSO_BOTH, ["manage_orders", "messages"]),
        official(MESSAGES_ONLY, ["messages"]),
        inquiry(ASKS, ASKS_MESSAGE),
    ],
    key=lambda e: e["order_id"],
)

# What an operator adds after looking at the changed pages: new candidates after the old ones.
MANAGE_ORDERS_EDITS: dict[str, dict[str, list[Any]]] = {
    "elements": {
        "orders_table": [{"css": "div.orders-grid"}],
        # No empty-state element any more: an empty results box right before the pagination says it.
        "empty_state": [{"css": "#myo-results:empty + .pagination-controls"}],
    },
    "fields": {
        "rows": ["div.orders-grid > div.order-card"],
        "order_row": ["div.order-card"],
        "banner_text": [".order-card-note"],
        "order_id": [".order-card-head a"],
        "order_date_parts": [".order-card-date"],
        "buyer_name": [".order-card-buyer"],
        "status": [".order-card-status"],
    },
}
MESSAGES_EDITS: dict[str, dict[str, list[Any]]] = {
    "elements": {"thread_list": [{"css": "div.conversation-feed"}]},
    "fields": {
        "items": ["div.conversation-feed > div.conversation"],
        "subject": [".conversation-title"],
        "buyer_name": [".conversation-from"],
        "order_id": [".conversation-from"],
        "date": [".conversation-time"],
        "snippet": [".conversation-preview"],
    },
}


def _store(*, changed: bool) -> dict[str, Any]:
    return scenario(
        [BOTH, ALSO_BOTH, MESSAGES_ONLY, ASKS, DECOY, *PLAIN],
        messages=[ASKS_MESSAGE, DECOY_MESSAGE],
        faults={"changed_layout": changed},
    )


def _add_candidates(path: Path, edits: dict[str, dict[str, list[Any]]]) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for section, entries in edits.items():
        for name, added in entries.items():
            data[section][name] = [*data[section][name], *added]
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _edited_copy(folder: Path) -> Path:
    copy = folder / "selectors"
    shutil.copytree(REPO_SELECTORS, copy)
    _add_candidates(copy / "manage_orders.yaml", MANAGE_ORDERS_EDITS)
    _add_candidates(copy / "messages.yaml", MESSAGES_EDITS)
    return copy


def test_a_changed_layout_is_fixed_by_editing_selector_yaml_alone(tmp_path: Path) -> None:
    changed = write_scenario(tmp_path, _store(changed=True), "changed.yaml")
    usual = write_scenario(tmp_path, _store(changed=False), "usual.yaml")
    edited = _edited_copy(tmp_path)

    bundled = run_agent(tmp_path / "bundled", scenario=changed)
    fixed = run_agent(tmp_path / "fixed", "--selectors", str(edited), scenario=changed)
    still = run_agent(tmp_path / "still", "--selectors", str(edited), scenario=usual)

    assert bundled.code == 4, bundled.stderr[-3000:]
    error_document(bundled.stdout, 4)
    assert fixed.document()["requests"] == EXPECTED
    assert still.document()["requests"] == EXPECTED
    # Only YAML changed: every other file of the copy is the bundled one, byte for byte.
    changed_files = sorted(
        str(p.relative_to(edited))
        for p in edited.rglob("*")
        if p.is_file() and p.read_bytes() != (REPO_SELECTORS / p.relative_to(edited)).read_bytes()
    )
    assert changed_files == ["manage_orders.yaml", "messages.yaml"]
