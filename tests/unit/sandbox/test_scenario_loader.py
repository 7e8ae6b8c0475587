"""The scenario loader: strict, and every error names the file, line and field (exit code 2)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from automation.errors import ExitCode
from automation.sandbox.errors import SandboxInputError, ScenarioError
from automation.sandbox.scenario import (
    DEFAULT_MARKETPLACE,
    Fulfillment,
    Layout,
    Locale,
    OrderStatus,
    Rollout,
    Scenario,
    load_scenario,
    parse_scenario,
)

FILE = Path("shop.yaml")
ORDER = "111-1234567-1234567"

# Line numbers matter: the tests below name them.
BASE = f"""\
format: 1
locale: en_US
now: 2026-11-26T12:00:00Z
account:
  email: seller@example.com
  password: sandbox-password
  totp_secret: ONRS2Y3BNZRWK3BNONQW4ZDCN54C2ZDF
orders:
  - id: {ORDER}
    purchased_at: 2026-11-25T09:30:00Z
    status: unshipped
    buyer_name: Jane Doe
    items:
      - sku: MUG-RED-01
        title: Red ceramic mug
        quantity: 1
        price: 12.99
    cancel_request:
      reason: Order Created by Mistake
      requested_at: 2026-11-25T10:00:00Z
faults:
  seed: 7
messages:
  - order_id: {ORDER}
    buyer_name: Jane Doe
    subject: "Inquiry from Amazon customer Jane Doe (Order: {ORDER})"
    body: "Hi, can I still cancel this? Thanks"
    received_at: 2026-11-25T10:05:00Z
"""


def edit(old: str, new: str, text: str = BASE) -> str:
    assert text.count(old) == 1, f"{old!r} must occur once"
    return text.replace(old, new)


def problem_of(text: str) -> str:
    """The single problem the loader reports for `text`."""
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, FILE)
    assert len(caught.value.problems) == 1, caught.value.problems
    return caught.value.problems[0]


def test_the_base_scenario_loads() -> None:
    scenario = parse_scenario(BASE, FILE)
    order = scenario.orders[0]
    assert order.id == ORDER
    assert order.items[0].price == Decimal("12.99")
    assert scenario.messages[0].order_id == ORDER
    assert scenario.faults.seed == 7


def test_errors_are_bad_input_with_exit_code_2() -> None:
    with pytest.raises(SandboxInputError) as caught:
        parse_scenario(edit("format: 1", "format: 3"), FILE)
    assert isinstance(caught.value, ScenarioError)
    assert caught.value.exit_code == ExitCode.BAD_INPUT == 2
    assert caught.value.path == FILE


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("locale: en_US\n", "locale: en_US\ncolour: red\n", "shop.yaml:3:1: colour: unknown field"),
        (
            "  password: sandbox-password\n",
            "  password: sandbox-password\n  pin: 1234\n",
            "shop.yaml:7:3: account.pin: unknown field",
        ),
        (
            "    status: unshipped\n",
            "    status: unshipped\n    gift: true\n",
            f"shop.yaml:12:5: orders[0].gift (order {ORDER}): unknown field",
        ),
        (
            "        quantity: 1\n",
            "        quantity: 1\n        colour: red\n",
            f"shop.yaml:17:9: orders[0].items[0].colour (order {ORDER}): unknown field",
        ),
        (
            "      reason: Order Created by Mistake\n",
            "      reason: Order Created by Mistake\n      via: app\n",
            f"shop.yaml:20:7: orders[0].cancel_request.via (order {ORDER}): unknown field",
        ),
        ("  seed: 7\n", "  seed: 7\n  slow: 1\n", "shop.yaml:23:3: faults.slow: unknown field"),
        (
            '    body: "Hi',
            '    thread: t-1\n    body: "Hi',
            "shop.yaml:27:5: messages[0].thread (message #1): unknown field",
        ),
    ],
    ids=["top level", "account", "order", "item", "cancel_request", "faults", "message"],
)
def test_unknown_fields_are_named_with_their_line(old: str, new: str, expected: str) -> None:
    problem = problem_of(edit(old, new))
    assert problem.startswith(expected)
    assert "check the spelling" in problem


@pytest.mark.parametrize(
    ("old", "new", "expected", "allowed"),
    [
        (
            "status: unshipped",
            "status: sent",
            f"shop.yaml:11:5: orders[0].status (order {ORDER}):",
            "'unshipped'",
        ),
        ("locale: en_US", "locale: en_AU", "shop.yaml:2:1: locale:", "'ja_JP'"),
        (
            "now: 2026-11-26T12:00:00Z",
            "now: 2026-11-26T12:00:00Z\nrollout: email",
            "shop.yaml:4:1: rollout:",
            "'both'",
        ),
        (
            "      requested_at: 2026-11-25T10:00:00Z\n",
            "      requested_at: 2026-11-25T10:00:00Z\n      channel: email\n",
            f"shop.yaml:21:7: orders[0].cancel_request.channel (order {ORDER}):",
            "'manage_orders'",
        ),
        (
            "    status: unshipped\n",
            "    status: unshipped\n    fulfillment: fba\n",
            f"shop.yaml:12:5: orders[0].fulfillment (order {ORDER}):",
            "'afn'",
        ),
    ],
    ids=["status", "locale", "rollout", "channel", "fulfillment"],
)
def test_wrong_enum_values_list_the_allowed_ones(old: str, new: str, expected: str, allowed: str) -> None:
    problem = problem_of(edit(old, new))
    assert problem.startswith(expected)
    assert allowed in problem


def test_a_bad_order_id_is_named() -> None:
    problem = problem_of(edit(f"  - id: {ORDER}", "  - id: 111-123456-1234567"))
    assert problem.startswith("shop.yaml:9:5: orders[0].id")
    assert "'111-123456-1234567' is not an order id like 111-1234567-1234567" in problem


def test_a_bad_order_id_in_a_message_is_named() -> None:
    problem = problem_of(edit(f"  - order_id: {ORDER}", "  - order_id: 111-1234567-12345678"))
    assert problem.startswith("shop.yaml:24:5: messages[0].order_id (message #1):")
    assert "is not an order id" in problem


def test_a_duplicate_order_id_names_the_line_of_the_second_one() -> None:
    second = f"""\
  - id: {ORDER}
    purchased_at: 2026-11-25T11:00:00Z
    status: shipped
    buyer_name: John Roe
    items:
      - {{sku: MUG-BLU-02, title: Blue mug, quantity: 1, price: 9.5}}
faults:"""
    problem = problem_of(edit("faults:", second))
    assert problem == (f"shop.yaml:21:5: orders[1].id (order {ORDER}): listed twice; first at line 9")


def test_a_newer_format_is_refused_saying_to_upgrade() -> None:
    problem = problem_of(edit("format: 1", "format: 3"))
    assert problem == (
        "shop.yaml:1:1: format: format 3 is newer than this sc-cancel understands (up to 2);"
        " upgrade sc-cancel"
    )


def test_a_format_1_file_is_still_valid_and_its_layout_is_spa() -> None:
    assert parse_scenario(BASE, FILE).layout is Layout.SPA


@pytest.mark.parametrize(
    ("written", "layout"),
    [("", Layout.SPA), ("layout: spa\n", Layout.SPA), ("layout: classic\n", Layout.CLASSIC)],
)
def test_format_2_takes_a_layout_whose_default_is_spa(written: str, layout: Layout) -> None:
    text = edit("format: 1\n", "format: 2\n" + written)
    loaded = parse_scenario(text, FILE)
    assert (loaded.format, loaded.layout) == (2, layout)
    assert loaded.orders == parse_scenario(BASE, FILE).orders


def test_a_layout_in_a_format_1_file_is_refused_at_its_line() -> None:
    problem = problem_of(edit("format: 1\n", "format: 1\nlayout: classic\n"))
    assert problem == (
        "shop.yaml:2:1: layout: is a format 2 field: write `format: 2` at the top, or leave `layout` out"
    )


def test_an_unknown_layout_lists_the_known_ones() -> None:
    problem = problem_of(edit("format: 1\n", "format: 2\nlayout: modern\n"))
    assert problem == "shop.yaml:2:1: layout: expected 'spa' or 'classic', got 'modern'"


def test_format_0_is_refused() -> None:
    assert problem_of(edit("format: 1", "format: 0")).startswith("shop.yaml:1:1: format: format must be 1")


@pytest.mark.parametrize(
    ("secret", "message"),
    [
        ("ONRS2Y3BNZRWK3BNONQW4ZDCN54C2ZD1", "must be base32 (letters A-Z and digits 2-7)"),
        ("ONRS2Y3B-NZRWK3BN", "must be base32"),
        ("ONRS2Y3BNZRWK3BN", "is 80 bits; RFC 6238 secrets need at least 160 bits"),
    ],
    ids=["digit 1", "dash", "too short"],
)
def test_bad_totp_secrets_are_refused(secret: str, message: str) -> None:
    problem = problem_of(edit("ONRS2Y3BNZRWK3BNONQW4ZDCN54C2ZDF", secret))
    assert problem.startswith("shop.yaml:7:3: account.totp_secret:")
    assert message in problem


def test_a_totp_secret_may_be_lower_case_with_spaces() -> None:
    text = edit("ONRS2Y3BNZRWK3BNONQW4ZDCN54C2ZDF", "onrs 2y3b nzrw k3bn onqw 4zdc n54c 2zdf")
    assert parse_scenario(text, FILE).account.totp_secret == "ONRS2Y3BNZRWK3BNONQW4ZDCN54C2ZDF"


def test_a_bad_marketplace_id_is_named() -> None:
    problem = problem_of(edit("locale: en_US\n", "locale: en_US\nmarketplace: A1B2C3\n"))
    assert problem.startswith("shop.yaml:3:1: marketplace:")
    assert "'A1B2C3' is not an Amazon marketplace id" in problem


def test_an_explicit_marketplace_overrides_the_locale_default() -> None:
    scenario = parse_scenario(edit("locale: en_US\n", "locale: en_US\nmarketplace: A2EUQ1WTGCTBG2\n"), FILE)
    assert scenario.marketplace_id == "A2EUQ1WTGCTBG2"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "    buyer_name: Jane Doe\n    items:",
            "    items:",
            f"shop.yaml:9:5: orders[0].buyer_name (order {ORDER}): required field is missing",
        ),
        (
            "        title: Red ceramic mug\n",
            "",
            f"shop.yaml:14:9: orders[0].items[0].title (order {ORDER}): required field is missing",
        ),
        (
            "      reason: Order Created by Mistake\n",
            "",
            f"shop.yaml:18:5: orders[0].cancel_request.reason (order {ORDER}): required field is missing",
        ),
        (
            "    received_at: 2026-11-25T10:05:00Z\n",
            "",
            "shop.yaml:24:5: messages[0].received_at (message #1): required field is missing",
        ),
        ("locale: en_US\n", "", "shop.yaml:1:1: locale: required field is missing"),
    ],
    ids=["order buyer_name", "item title", "request reason", "message received_at", "locale"],
)
def test_missing_required_fields_are_named(old: str, new: str, expected: str) -> None:
    assert problem_of(edit(old, new)) == expected


def test_every_problem_is_listed_each_with_its_line() -> None:
    text = edit("status: unshipped", "status: sent", edit("  seed: 7\n", "  seed: 7\n  slow: 1\n"))
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, FILE)
    problems = caught.value.problems
    assert [p.split(": ")[0] for p in problems] == ["shop.yaml:11:5", "shop.yaml:23:3"]
    assert str(caught.value) == "\n".join(problems)


def test_a_yaml_syntax_error_gives_its_line() -> None:
    problem = problem_of(edit("    status: unshipped\n", "    status: [unshipped\n"))
    assert re.match(r"shop\.yaml:12:\d+: not valid YAML: ", problem), problem


def test_a_tab_in_the_indentation_gives_its_line() -> None:
    problem = problem_of(edit("  seed: 7\n", "\tseed: 7\n"))
    assert problem.startswith("shop.yaml:22:1: not valid YAML:")


def test_a_duplicate_yaml_key_is_refused_at_the_second_one() -> None:
    problem = problem_of(edit("    status: unshipped\n", "    status: unshipped\n    status: shipped\n"))
    assert problem == "shop.yaml:12:5: 'status' is given twice — remove one of the two"


@pytest.mark.parametrize("document", ["- 1\n- 2\n", "just words\n"], ids=["list", "scalar"])
def test_a_document_that_is_not_a_mapping_is_refused(document: str) -> None:
    assert problem_of(document).startswith("shop.yaml:1:1: a scenario is a mapping")


def test_an_empty_file_is_refused() -> None:
    assert "a scenario is a mapping" in problem_of("")


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.yaml"
    with pytest.raises(ScenarioError) as caught:
        load_scenario(missing)
    assert str(caught.value) == f"{missing}: file not found — check the path"
    assert caught.value.exit_code == 2


def test_load_scenario_names_the_real_path(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(edit("status: unshipped", "status: sent"), encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert caught.value.problems[0].startswith(f"{path}:11:5: orders[0].status")
    path.write_text(BASE, encoding="utf-8")
    assert load_scenario(path) == parse_scenario(BASE, FILE)


# ---- times ---------------------------------------------------------------------------------------


def _now_of(value: str) -> datetime | None:
    return parse_scenario(edit("now: 2026-11-26T12:00:00Z", f"now: {value}"), FILE).now


@pytest.mark.parametrize(
    "written",
    [
        "2026-11-26T12:00:00Z",
        '"2026-11-26T12:00:00Z"',
        "'2026-11-26T12:00:00Z'",
        "2026-11-26T13:00:00+01:00",
        '"2026-11-26T04:00:00-08:00"',
        "2026-11-26 12:00:00",
        '"2026-11-26T12:00:00"',
        "2026-11-26T12:00:00",
    ],
    ids=[
        "yaml Z",
        "quoted Z",
        "single-quoted Z",
        "yaml +01:00",
        "quoted -08:00",
        "yaml naive",
        "quoted naive",
        "yaml naive T",
    ],
)
def test_times_mean_the_same_written_any_way_and_are_kept_in_utc(written: str) -> None:
    moment = _now_of(written)
    assert moment == datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
    assert moment is not None
    assert moment.utcoffset() is not None
    assert moment.utcoffset().total_seconds() == 0  # type: ignore[union-attr]


def test_nested_times_are_utc_too() -> None:
    text = edit("requested_at: 2026-11-25T10:00:00Z", 'requested_at: "2026-11-25 11:00:00+01:00"')
    text = edit("received_at: 2026-11-25T10:05:00Z", "received_at: 2026-11-25 10:05:00", text)
    scenario = parse_scenario(text, FILE)
    request = scenario.orders[0].cancel_request
    assert request is not None
    assert request.requested_at == datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
    assert scenario.messages[0].received_at == datetime(2026, 11, 25, 10, 5, tzinfo=UTC)
    assert scenario.messages[0].received_at.tzinfo is not None


@pytest.mark.parametrize("written", ["2026-11-27", '"2026-11-27"'], ids=["yaml date", "quoted"])
def test_ship_by_is_a_date_written_either_way(written: str) -> None:
    text = edit("    status: unshipped\n", f"    status: unshipped\n    ship_by: {written}\n")
    assert parse_scenario(text, FILE).orders[0].ship_by == date(2026, 11, 27)


def test_a_time_that_is_not_a_time_is_named() -> None:
    problem = problem_of(edit("purchased_at: 2026-11-25T09:30:00Z", "purchased_at: yesterday"))
    assert problem.startswith(f"shop.yaml:10:5: orders[0].purchased_at (order {ORDER}):")


# ---- defaults ------------------------------------------------------------------------------------


def test_defaults() -> None:
    text = edit("now: 2026-11-26T12:00:00Z\n", "", edit("faults:\n  seed: 7\n", ""))
    scenario = parse_scenario(text, FILE)
    assert scenario.now is None  # the real clock
    assert scenario.rollout is Rollout.MANAGE_ORDERS
    assert scenario.marketplace is None
    assert scenario.marketplace_id == "ATVPDKIKX0DER"
    order = scenario.orders[0]
    assert order.fulfillment is Fulfillment.MFN
    assert order.ship_by is None
    assert order.items[0].asin is None
    assert order.cancel_request is not None
    assert order.cancel_request.channel is None
    assert scenario.channel_of(order) is Rollout.MANAGE_ORDERS
    assert scenario.faults.error_share == 0.0
    assert scenario.faults.captcha_at_signin is False
    assert scenario.account.stores is None


def test_a_request_without_channel_follows_the_rollout_and_its_own_channel_wins() -> None:
    scenario = parse_scenario(
        edit("now: 2026-11-26T12:00:00Z\n", "now: 2026-11-26T12:00:00Z\nrollout: both\n")
    )
    assert scenario.channel_of(scenario.orders[0]) is Rollout.BOTH
    text = edit(
        "      requested_at: 2026-11-25T10:00:00Z\n",
        "      requested_at: 2026-11-25T10:00:00Z\n      channel: messages\n",
    )
    text = edit("now: 2026-11-26T12:00:00Z\n", "now: 2026-11-26T12:00:00Z\nrollout: both\n", text)
    scenario = parse_scenario(text)
    assert scenario.channel_of(scenario.orders[0]) is Rollout.MESSAGES


@pytest.mark.parametrize("locale", list(Locale))
def test_the_marketplace_defaults_by_locale(locale: Locale) -> None:
    scenario: Scenario = parse_scenario(edit("locale: en_US", f"locale: {locale.value}"), FILE)
    assert scenario.marketplace_id == DEFAULT_MARKETPLACE[locale]
    expected = {
        "en_US": "ATVPDKIKX0DER",
        "en_GB": "A1F83G8C2ARO7P",
        "de_DE": "A1PA6795UKMFR9",
        "fr_FR": "A13V1IB3VIYZZH",
        "es_ES": "A1RKKUPIHCS9HS",
        "it_IT": "APJ6JRA9NG5V4",
        "ja_JP": "A1VC38T7YXB528",
    }
    assert scenario.marketplace_id == expected[locale.value]


def test_statuses_are_read() -> None:
    for status in OrderStatus:
        scenario = parse_scenario(edit("status: unshipped", f"status: {status.value}"), FILE)
        assert scenario.orders[0].status is status
