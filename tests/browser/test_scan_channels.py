"""The scan's two channels merged into one request per order, and its `--json` document as a fixed
interface (shared/design/sandbox-scenario.md "Scan output").

One scan of one store serves every test here (an agent run costs seconds): requests in both channels,
in Messages only, in Manage Orders with the buyer also writing, inquiries (one on a shipped order, one
about an order this store does not have), and what must stay out: a decoy, an inquiry on a canceled
order, a request on an order fulfilled by Amazon.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from scan_support import AgentRun, inquiry, message, official, run_agent, write_scenario
from scenario_kit import order, scenario

UNKNOWN_ORDER = "111-9999999-9999999"
UTC_SECOND = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


@dataclass(frozen=True)
class Scanned:
    run: AgentRun
    document: dict[str, Any]
    expected: list[dict[str, Any]]
    started: datetime
    ended: datetime

    def entry(self, order_id: str) -> dict[str, Any]:
        matches = [e for e in self.document["requests"] if e["order_id"] == order_id]
        assert len(matches) == 1, f"{order_id} listed {len(matches)} times"
        return matches[0]


BOTH = order(1, request="Order Created by Mistake")  # no channel: the scenario's rollout, `both`
MESSAGES_ONLY = order(2, request="Shipping Cost Too High", channel="messages")
ALSO_WROTE = order(3, request="Found cheaper somewhere else", channel="manage_orders")
ASKS = order(4)
ASKS_SHIPPED = order(5, status="shipped")
ASKS_CANCELED = order(6, status="canceled")
PENDING_IN_MESSAGES = order(7, status="pending", request="Other", channel="messages")
DECOY = order(8)
PLAIN = order(9)
BY_AMAZON = order(10, fulfillment="afn", request="Other", channel="both")
STORE = [
    BOTH,
    MESSAGES_ONLY,
    ALSO_WROTE,
    ASKS,
    ASKS_SHIPPED,
    ASKS_CANCELED,
    PENDING_IN_MESSAGES,
    DECOY,
    PLAIN,
]
STORE.append(BY_AMAZON)


def _inquiry_subject(data: dict[str, Any]) -> str:
    return f"Inquiry from Amazon customer {data['buyer_name']} (Order: {data['id']})"


ALSO_WROTE_MESSAGE = message(
    ALSO_WROTE, _inquiry_subject(ALSO_WROTE), "Hi! Please cancel it, I found it cheaper.", minutes_ago=150
)
ASKS_MESSAGE = message(
    ASKS,
    _inquiry_subject(ASKS),
    f"Good morning,\nI placed order {ASKS['id']} twice by accident.\nCould you cancel this one?\nThanks",
    minutes_ago=70,
)
ASKS_SHIPPED_MESSAGE = message(
    ASKS_SHIPPED, _inquiry_subject(ASKS_SHIPPED), "pls cancel my order i dont need it anymore", minutes_ago=65
)
ASKS_CANCELED_MESSAGE = message(
    ASKS_CANCELED, _inquiry_subject(ASKS_CANCELED), "Can you cancel my order? Thank you", minutes_ago=60
)
DECOY_MESSAGE = message(
    DECOY,
    f"Order delivery inquiry from Amazon customer {DECOY['buyer_name']} (Order: {DECOY['id']})",
    "Please do NOT cancel my order, I just need it by Friday. Will it arrive in time?",
    minutes_ago=50,
)
UNKNOWN_MESSAGE = message(
    None,
    "Inquiry from Amazon customer Sam Rivers",
    f"Hello, could you please cancel my order {UNKNOWN_ORDER}? I ordered the wrong one.",
    minutes_ago=45,
    buyer="Sam Rivers",
)
MESSAGES = [
    ALSO_WROTE_MESSAGE,
    ASKS_MESSAGE,
    ASKS_SHIPPED_MESSAGE,
    ASKS_CANCELED_MESSAGE,
    DECOY_MESSAGE,
    UNKNOWN_MESSAGE,
]


def _expected() -> list[dict[str, Any]]:
    unknown = {
        "order_id": UNKNOWN_ORDER,
        "kind": "inquiry",
        "sources": ["messages"],
        "reason": None,
        "requested_at": UNKNOWN_MESSAGE["received_at"],
        "order_status": None,  # not found when looked up
    }
    entries = [
        official(BOTH, ["manage_orders", "messages"]),
        official(MESSAGES_ONLY, ["messages"]),
        official(ALSO_WROTE, ["manage_orders", "messages"]),
        inquiry(ASKS, ASKS_MESSAGE),
        inquiry(ASKS_SHIPPED, ASKS_SHIPPED_MESSAGE),
        official(PENDING_IN_MESSAGES, ["messages"]),
        unknown,
    ]
    return sorted(entries, key=lambda e: e["order_id"])


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> Scanned:
    folder = tmp_path_factory.mktemp("channels")
    path = write_scenario(folder, scenario(STORE, rollout="both", messages=MESSAGES))
    started = datetime.now(UTC).replace(microsecond=0)
    run = run_agent(folder, scenario=path)
    ended = datetime.now(UTC) + timedelta(seconds=1)
    return Scanned(run, run.document(), _expected(), started, ended)


def test_a_request_in_both_channels_is_listed_once_with_both_sources(scanned: Scanned) -> None:
    assert scanned.entry(BOTH["id"]) == official(BOTH, ["manage_orders", "messages"])


def test_a_request_only_in_messages_is_found_with_its_reason_time_and_the_order_looked_up(
    scanned: Scanned,
) -> None:
    assert scanned.entry(MESSAGES_ONLY["id"]) == official(MESSAGES_ONLY, ["messages"])
    assert scanned.entry(PENDING_IN_MESSAGES["id"])["order_status"] == "pending"


def test_an_official_request_stays_official_when_the_buyer_also_wrote(scanned: Scanned) -> None:
    assert scanned.entry(ALSO_WROTE["id"]) == official(ALSO_WROTE, ["manage_orders", "messages"])


def test_a_buyers_own_request_is_an_inquiry_with_no_reason(scanned: Scanned) -> None:
    assert scanned.entry(ASKS["id"]) == inquiry(ASKS, ASKS_MESSAGE)
    assert scanned.entry(ASKS_SHIPPED["id"]) == inquiry(ASKS_SHIPPED, ASKS_SHIPPED_MESSAGE)
    assert scanned.entry(UNKNOWN_ORDER)["kind"] == "inquiry"
    assert scanned.entry(UNKNOWN_ORDER)["order_status"] is None


def test_decoys_canceled_and_amazon_fulfilled_orders_are_left_out(scanned: Scanned) -> None:
    listed = {e["order_id"] for e in scanned.document["requests"]}
    assert listed.isdisjoint({DECOY["id"], ASKS_CANCELED["id"], BY_AMAZON["id"], PLAIN["id"]})


def test_the_scan_lists_exactly_the_pending_requests(scanned: Scanned) -> None:
    assert scanned.document["requests"] == scanned.expected


def test_the_json_document_is_exactly_the_fixed_interface(scanned: Scanned) -> None:
    document = scanned.document
    assert list(document) == [
        "format",
        "account",
        "scanned_at",
        "requests",
        "stats",
        "unconfirmed",
        "warnings",
    ]
    assert document["unconfirmed"] == []  # no mailbox: no e-mail channel
    assert document["warnings"] == []
    assert document["format"] == 1
    assert document["account"] == "seller@example.com"
    assert UTC_SECOND.match(document["scanned_at"])
    scanned_at = datetime.fromisoformat(document["scanned_at"].replace("Z", "+00:00"))
    assert scanned.started <= scanned_at <= scanned.ended  # the real clock, not the sandbox's
    ids = [e["order_id"] for e in document["requests"]]
    assert ids == sorted(ids)
    assert len(ids) == len(set(ids))
    for entry in document["requests"]:
        assert list(entry) == ["order_id", "kind", "sources", "reason", "requested_at", "order_status"]
        assert re.match(r"^\d{3}-\d{7}-\d{7}$", entry["order_id"])
        assert entry["kind"] in ("official", "inquiry")
        assert entry["sources"] == sorted(set(entry["sources"]))
        assert set(entry["sources"]) <= {"manage_orders", "messages"}
        assert entry["sources"]
        assert entry["reason"] is None or isinstance(entry["reason"], str)
        assert entry["requested_at"] is None or UTC_SECOND.match(entry["requested_at"])
        assert entry["order_status"] in (None, "pending", "unshipped", "shipped", "canceled")
    stats = document["stats"]
    assert list(stats) == ["orders_seen", "threads_seen", "pages_visited", "seconds", "emails_seen"]
    assert stats["emails_seen"] is None
    assert all(type(stats[k]) is int for k in ("orders_seen", "threads_seen", "pages_visited"))
    assert isinstance(stats["seconds"], float)
    assert stats["seconds"] > 0
    # Ten threads: the template threads of BOTH, MESSAGES_ONLY, PENDING_IN_MESSAGES and BY_AMAZON, and
    # the six messages written above.
    assert stats["threads_seen"] == 10
    # At least the two rows the filter shows (BOTH, ALSO_WROTE); more when the orders the messages name
    # are looked up by reading whole tabs rather than one by one.
    assert stats["orders_seen"] >= 2
    assert stats["pages_visited"] >= 3


def test_nothing_but_the_json_goes_to_standard_output(scanned: Scanned) -> None:
    assert json.loads(scanned.run.stdout) == scanned.document  # the whole of stdout is one document
    assert scanned.run.stdout.lstrip().startswith("{")
    assert "signing in to" in scanned.run.stderr  # the logs went to standard error
    assert "signing in to" not in scanned.run.stdout
