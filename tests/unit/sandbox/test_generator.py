"""The scenario generator: deterministic, counts as asked, valid in every locale, and a CLI."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from automation.sandbox.errors import SandboxInputError
from automation.sandbox.generator import (
    DEFAULT_NOW,
    dump_scenario,
    expected_requests,
    generate_scenario,
    main,
    write_scenario,
)
from automation.sandbox.generator_phrases import PHRASES
from automation.sandbox.scenario import Locale, Rollout, Scenario, parse_scenario

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
ORDER_ID = re.compile(r"^\d{3}-\d{7}-\d{7}$")
ENGLISH_REASONS = set(PHRASES["en_US"].reasons)


def _generate(**overrides: Any) -> Any:
    arguments: dict[str, Any] = {"orders": 300, "requests": 40, "threads": 120, "seed": 11, "now": NOW}
    arguments.update(overrides)
    return generate_scenario(**arguments)


def _valid(data: Any) -> Scenario:
    return parse_scenario(dump_scenario(data), Path("generated.yaml"))


def _in_messages(data: Any) -> list[dict[str, Any]]:
    return [
        o
        for o in data["orders"]
        if o.get("cancel_request", {}).get("channel") in (Rollout.MESSAGES, Rollout.BOTH)
    ]


# ---- determinism ---------------------------------------------------------------------------------


def test_the_same_arguments_give_the_same_scenario_and_text() -> None:
    first, second = _generate(), _generate()
    assert first == second
    assert first.inquiry_order_ids == second.inquiry_order_ids
    assert dump_scenario(first) == dump_scenario(second)


def test_another_seed_gives_another_scenario() -> None:
    assert _generate(seed=1)["orders"] != _generate(seed=2)["orders"]


def test_without_now_the_clock_is_fixed_so_output_stays_deterministic() -> None:
    data = generate_scenario(orders=5, requests=1, threads=2, seed=3)
    assert data["now"] == "2026-11-26T12:00:00Z" == DEFAULT_NOW.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert data == generate_scenario(orders=5, requests=1, threads=2, seed=3)


# ---- counts --------------------------------------------------------------------------------------


def test_counts_follow_the_arguments() -> None:
    data = _generate(orders=500, requests=60, threads=200, message_requests=25, inquiries=15)
    scenario = _valid(data)
    assert len(scenario.orders) == 500
    requested = [o for o in scenario.orders if o.cancel_request is not None]
    assert len(requested) == 60
    in_messages = [o for o in requested if scenario.channel_of(o) in (Rollout.MESSAGES, Rollout.BOTH)]
    assert len(in_messages) == 25
    assert {scenario.channel_of(o) for o in in_messages} == {Rollout.MESSAGES, Rollout.BOTH}
    # What the inbox shows: the sandbox's template threads plus the written messages.
    assert len(in_messages) + len(scenario.messages) == 200
    inquiry_threads = [m for m in scenario.messages if m.order_id in data.inquiry_order_ids]
    assert len(inquiry_threads) == 15
    assert len(data.inquiry_order_ids) == 15
    # Inquiries are on orders without an official request, so the two kinds stay countable.
    assert not data.inquiry_order_ids & {o.id for o in requested}


def test_defaults_put_40_percent_of_requests_in_messages_and_inquiries_at_two_thirds_of_that() -> None:
    data = _generate(requests=50, threads=100)
    assert data.parameters["message_requests"] == 20
    assert len(_in_messages(data)) == 20
    assert data.parameters["inquiries"] == 13
    assert len(data.inquiry_order_ids) == 13
    assert len(data["messages"]) == 80


def test_more_inquiries_than_quiet_orders_means_buyers_write_twice() -> None:
    data = _generate(orders=5, requests=3, threads=6, message_requests=0, inquiries=4)
    assert len(data.inquiry_order_ids) == 2
    assert len(data["messages"]) == 6
    assert sum(1 for m in data["messages"] if m.get("order_id") in data.inquiry_order_ids) >= 4


def test_the_benchmark_size_is_generated_and_valid() -> None:
    """The benchmark's scenario (bench/scan.py times it; tests never assert on time)."""
    data = generate_scenario(
        orders=2000,
        requests=150,
        threads=3000,
        message_requests=60,
        inquiries=40,
        unshipped_only=True,
        seed=1,
        now=NOW,
    )
    scenario = _valid(data)
    assert len(scenario.orders) == 2000
    assert len(scenario.messages) == 3000 - 60


# ---- realism -------------------------------------------------------------------------------------


def test_orders_look_real() -> None:
    data = _generate(orders=400, requests=40)
    ids = [o["id"] for o in data["orders"]]
    assert len(set(ids)) == 400
    assert all(ORDER_ID.match(i) and i[:3] in PHRASES["en_US"].order_prefixes for i in ids)
    statuses = Counter(o["status"] for o in data["orders"])
    assert statuses["unshipped"] > 200
    assert statuses["pending"]
    assert statuses["shipped"]
    assert statuses["canceled"]
    afn = sum(1 for o in data["orders"] if o["fulfillment"] == "afn")
    assert 4 <= afn <= 40  # about 5%
    sizes = Counter(len(o["items"]) for o in data["orders"])
    assert set(sizes) == {1, 2, 3}
    assert sizes[1] > sizes[2] > sizes[3]
    items = [i for o in data["orders"] for i in o["items"]]
    assert any(i["sku"].startswith("MUG-") for i in items)
    assert any(i["price"] > 200 for i in items)
    assert any(i["price"] < 20 for i in items)
    assert all(re.match(r"^B0[A-Z0-9]{8}$", i["asin"]) for i in items)
    # One ASIN per SKU, as in a real catalogue.
    assert all(len({i["asin"] for i in items if i["sku"] == sku}) == 1 for sku in {i["sku"] for i in items})


def test_times_are_consistent_with_the_clock() -> None:
    scenario = _valid(_generate())
    by_id = {o.id: o for o in scenario.orders}
    for order in scenario.orders:
        assert NOW - timedelta(days=10) <= order.purchased_at <= NOW - timedelta(minutes=30)
        assert order.ship_by is not None
        assert order.ship_by > order.purchased_at.date()
        if order.cancel_request:
            # After the buyer's own 30 minutes to cancel, before now.
            assert order.purchased_at + timedelta(minutes=30) <= order.cancel_request.requested_at <= NOW
    for message in scenario.messages:
        assert message.received_at <= NOW
        if message.order_id:
            assert message.received_at >= by_id[message.order_id].purchased_at


def test_request_ages_include_young_and_old_ones() -> None:
    scenario = _valid(_generate(orders=1000, requests=200, threads=80))
    ages = [NOW - o.cancel_request.requested_at for o in scenario.orders if o.cancel_request]
    assert any(age < timedelta(minutes=30) for age in ages)
    assert any(age > timedelta(hours=6) for age in ages)


def test_unshipped_only_means_unshipped_and_seller_fulfilled() -> None:
    data = _generate(orders=400, unshipped_only=True)
    assert {o["status"] for o in data["orders"]} == {"unshipped"}
    assert {o["fulfillment"] for o in data["orders"]} == {"mfn"}


def test_requests_are_mostly_on_unshipped_orders() -> None:
    data = _generate(orders=1000, requests=100)
    statuses = Counter(o["status"] for o in data["orders"] if "cancel_request" in o)
    assert statuses["unshipped"] >= 75


def test_messages_mix_inquiries_ordinary_questions_and_decoys() -> None:
    data = _generate(orders=400, requests=30, threads=400, message_requests=10, inquiries=40)
    inquiries = [m for m in data["messages"] if m.get("order_id") in data.inquiry_order_ids]
    ordinary = [m for m in data["messages"] if m.get("order_id") not in data.inquiry_order_ids]
    assert all(m["subject"].startswith("Inquiry from Amazon customer ") for m in inquiries)
    assert all(re.search(r"cancel|cancle", m["body"], re.IGNORECASE) for m in inquiries)
    assert len({m["body"] for m in inquiries}) >= 35  # many phrasings
    assert any(m["order_id"] in m["body"] for m in inquiries)  # some name the order
    assert any("\n" in m["body"] for m in inquiries)
    styles = Counter(m["subject"].split(" from Amazon customer")[0] for m in ordinary)
    assert {"Inquiry", "Order delivery inquiry", "Return policy inquiry", "Product details inquiry"} <= set(
        styles
    )
    assert any("order_id" not in m for m in ordinary)  # questions before buying
    assert any(re.search(r"do not cancel|don't cancel", m["body"], re.IGNORECASE) for m in ordinary)
    assert any(re.search(r"other order \d{3}-\d{7}-\d{7}|also placed order", m["body"]) for m in ordinary)
    # Nothing may look like Amazon's official template: only the sandbox writes that.
    assert not any(m["subject"].startswith("Order cancellation request") for m in data["messages"])


@pytest.mark.parametrize("locale", [loc.value for loc in Locale])
def test_every_locale_gives_a_valid_scenario_in_its_language(locale: str) -> None:
    data = _generate(locale=locale, orders=200, requests=30, threads=60)
    scenario = _valid(data)
    assert scenario.locale.value == locale
    phrases = PHRASES[locale]
    assert all(o.id[:3] in phrases.order_prefixes for o in scenario.orders)
    reasons = {o.cancel_request.reason for o in scenario.orders if o.cancel_request}
    assert reasons <= set(phrases.reasons)
    if phrases.language != "en":
        assert not reasons & ENGLISH_REASONS
        assert not any(m.subject.startswith("Inquiry from Amazon customer") for m in scenario.messages)
    inquiry_prefix = phrases.subjects["inquiry"].split("{name}")[0]
    assert any(m.subject.startswith(inquiry_prefix) for m in scenario.messages)
    if locale == "ja_JP":
        assert all(
            isinstance(i.price, type(scenario.orders[0].items[0].price))
            for o in scenario.orders
            for i in o.items
        )
        assert all(i.price == i.price.to_integral_value() for o in scenario.orders for i in o.items)


# ---- arguments -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"orders": 0, "requests": 0, "threads": 0}, "orders must be at least 1"),
        ({"orders": 10, "requests": 11}, "requests must be between 0 and orders=10"),
        ({"requests": 10, "message_requests": 11}, "message_requests must be between 0 and requests=10"),
        (
            {"requests": 10, "message_requests": 8, "threads": 5},
            "threads (5) must be at least message_requests (8)",
        ),
        ({"requests": 50, "threads": 10}, "threads (10) must be at least message_requests (20)"),
        (
            {"requests": 10, "message_requests": 4, "threads": 10, "inquiries": 7},
            "inquiries must be between 0 and threads - message_requests = 6",
        ),
        ({"requests": -1}, "requests must be between 0"),
        ({"locale": "pt_BR"}, "unknown locale 'pt_BR'"),
    ],
)
def test_bad_arguments_are_refused_clearly(overrides: dict[str, Any], fragment: str) -> None:
    with pytest.raises(SandboxInputError) as caught:
        _generate(**overrides)
    assert fragment in str(caught.value)
    assert caught.value.exit_code == 2


# ---- writing ---------------------------------------------------------------------------------------


def test_dump_has_a_header_with_the_parameters_and_readable_bodies() -> None:
    data = _generate(seed=7)
    text = dump_scenario(data)
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert "generated by `sc-cancel sandbox generate`" in header[0]
    assert "seed=7" in header[1]
    assert "orders=300" in header[1]
    assert "unshipped_only=False" in header[1]
    assert "120 inbox threads" in text.split("\n", 4)[3]
    assert "body: |-" in text  # multi-line bodies as blocks
    assert yaml.safe_load(text)["orders"][0]["id"] == data["orders"][0]["id"]


def test_dump_of_a_plain_dict_says_generated_without_parameters() -> None:
    text = dump_scenario(dict(_generate()))
    assert text.startswith("# Sandbox scenario generated")
    assert "Parameters:" not in text


def test_write_scenario_creates_the_folder(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "s.yaml"
    data = _generate()
    write_scenario(data, path)
    assert path.read_text(encoding="utf-8") == dump_scenario(data)


def test_expected_requests_for_a_generated_scenario() -> None:
    data = _generate(orders=500, requests=40, threads=100, message_requests=16, inquiries=12)
    scenario = _valid(data)
    expected = expected_requests(scenario, data.inquiry_order_ids)
    assert [r["order_id"] for r in expected] == sorted(r["order_id"] for r in expected)
    by_id = {o.id: o for o in scenario.orders}
    listed = {r["order_id"] for r in expected}
    for order in scenario.orders:
        wanted = (order.cancel_request is not None or order.id in data.inquiry_order_ids) and (
            order.status.value != "canceled" and order.fulfillment.value != "afn"
        )
        assert (order.id in listed) == wanted, order.id
    for request in expected:
        order = by_id[request["order_id"]]
        assert request["order_status"] == order.status.value
        if request["kind"] == "inquiry":
            assert request["sources"] == ["messages"]
            assert request["reason"] is None
        else:
            assert order.cancel_request is not None
            assert request["reason"] == order.cancel_request.reason
            channel = scenario.channel_of(order)
            assert ("manage_orders" in request["sources"]) == (
                channel in (Rollout.MANAGE_ORDERS, Rollout.BOTH)
            )
            assert ("messages" in request["sources"]) == (channel in (Rollout.MESSAGES, Rollout.BOTH))


# ---- the CLI ---------------------------------------------------------------------------------------


def test_main_writes_a_valid_file_and_the_expected_result(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, answers = tmp_path / "s.yaml", tmp_path / "expected.json"
    code = main(
        [
            "--orders",
            "120",
            "--requests",
            "12",
            "--threads",
            "30",
            "--seed",
            "5",
            "--locale",
            "de_DE",
            "--inquiries",
            "4",
            "--message-requests",
            "6",
            "--unshipped-only",
            "--now",
            "2026-12-01T08:00:00Z",
            "--output",
            str(out),
            "--expected",
            str(answers),
        ]
    )
    assert code == 0
    assert capsys.readouterr().out == ""
    scenario = parse_scenario(out.read_text(encoding="utf-8"), out)
    assert scenario.locale is Locale.DE_DE
    assert scenario.now == datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    assert len(scenario.orders) == 120
    assert {o.status.value for o in scenario.orders} == {"unshipped"}
    document = json.loads(answers.read_text(encoding="utf-8"))
    kinds = Counter(r["kind"] for r in document["requests"])
    assert kinds == {"official": 12, "inquiry": 4}
    same = generate_scenario(
        orders=120,
        requests=12,
        threads=30,
        seed=5,
        locale="de_DE",
        inquiries=4,
        message_requests=6,
        unshipped_only=True,
        now=datetime(2026, 12, 1, 8, tzinfo=UTC),
    )
    assert out.read_text(encoding="utf-8") == dump_scenario(same)


def test_main_prints_to_stdout_without_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--orders", "3", "--requests", "1", "--threads", "1", "--seed", "1"]) == 0
    text = capsys.readouterr().out
    assert (
        parse_scenario(text).orders[0].id
        == generate_scenario(orders=3, requests=1, threads=1, seed=1)["orders"][0]["id"]
    )


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (
            ["--requests", "1", "--threads", "1", "--seed", "1"],
            "the following arguments are required: --orders",
        ),
        (["--orders", "x", "--requests", "1", "--threads", "1", "--seed", "1"], "invalid int value: 'x'"),
        (["--orders", "3", "--requests", "5", "--threads", "1", "--seed", "1"], "requests must be between"),
        (
            ["--orders", "3", "--requests", "1", "--threads", "1", "--seed", "1", "--locale", "xx"],
            "invalid choice",
        ),
        (
            ["--orders", "3", "--requests", "1", "--threads", "1", "--seed", "1", "--now", "soon"],
            "--now: 'soon' is not an ISO 8601 time",
        ),
    ],
)
def test_main_refuses_bad_arguments_with_exit_code_2(argv: list[str], fragment: str) -> None:
    with pytest.raises(SandboxInputError) as caught:
        main(argv)
    assert fragment in str(caught.value)
    assert caught.value.exit_code == 2
