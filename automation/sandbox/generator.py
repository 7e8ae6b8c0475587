"""Seeded, realistic sandbox scenarios in any size: `sc-cancel sandbox generate`.

Hand-written scenarios cover the special cases; tests and benchmarks also need thousands of orders and
threads that look like a real seller's, with the few official requests and buyer inquiries hidden among
ordinary questions and decoys. Everything is drawn from one `random.Random(seed)`, so the same arguments
always give the same file. The generator also knows which threads it wrote as inquiries, so it can say
what a correct scan must find (`expected_requests`), which nobody could compute from the file alone.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from random import Random
from typing import Any, NoReturn

import yaml

from automation.sandbox.errors import SandboxInputError
from automation.sandbox.generator_draw import ScenarioDraw, iso
from automation.sandbox.generator_phrases import PHRASES
from automation.sandbox.scenario import Fulfillment, OrderStatus, Rollout, Scenario, parse_scenario

DEFAULT_NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
"""Generated scenarios carry their own clock, so a seed gives the same file on any day."""

SANDBOX_ACCOUNT = {"email": "seller@example.com", "password": "sandbox-password"}  # sandbox only, not real


class GeneratedScenario(dict[str, Any]):
    """A scenario as plain data, plus what only the generator knows: its parameters and inquiries.

    It is a `dict`, so `json.dumps` and the scenario model take it as is; write it with
    `dump_scenario`, which turns it into YAML with a header naming the parameters.
    """

    def __init__(self, data: dict[str, Any], parameters: dict[str, Any], inquiry_order_ids: frozenset[str]):
        super().__init__(data)
        self.parameters = parameters
        self.inquiry_order_ids = inquiry_order_ids


def _check_arguments(orders: int, requests: int, threads: int, message_requests: int, inquiries: int) -> None:
    problems = []
    if orders < 1:
        problems.append(f"orders must be at least 1 (got {orders})")
    if requests < 0 or requests > orders:
        problems.append(f"requests must be between 0 and orders={orders}, one per order (got {requests})")
    if message_requests < 0 or message_requests > requests:
        problems.append(
            f"message_requests must be between 0 and requests={requests} (got {message_requests})"
        )
    if threads < message_requests:
        problems.append(
            f"threads ({threads}) must be at least message_requests ({message_requests}): every request in "
            "Messages is a thread of its own; raise threads or lower message_requests"
        )
    elif inquiries < 0 or inquiries > threads - message_requests:
        problems.append(
            f"inquiries must be between 0 and threads - message_requests = {threads - message_requests} "
            f"(got {inquiries})"
        )
    if problems:
        raise SandboxInputError("cannot generate a scenario: " + "; ".join(problems))


def generate_scenario(
    *,
    orders: int,
    requests: int,
    threads: int,
    seed: int,
    locale: str = "en_US",
    inquiries: int | None = None,
    message_requests: int | None = None,
    unshipped_only: bool = False,
    now: datetime | None = None,
) -> GeneratedScenario:
    """A scenario as plain data (times as ISO strings), the same for the same arguments.

    `threads` counts what the inbox shows: the sandbox's template threads of the `message_requests`
    official requests in Messages, plus the generated `messages` (of which `inquiries` ask to cancel in
    the buyer's own words). Defaults: 40% of requests in Messages, inquiries 2/3 of that.
    """
    if locale not in PHRASES:
        raise SandboxInputError(
            f"cannot generate a scenario: unknown locale '{locale}' (one of {', '.join(PHRASES)})"
        )
    message_requests = round(0.4 * requests) if message_requests is None else message_requests
    if inquiries is None:
        inquiries = max(0, min(round(2 * message_requests / 3), threads - message_requests))
    _check_arguments(orders, requests, threads, message_requests, inquiries)
    clock = (
        DEFAULT_NOW
        if now is None
        else (now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC))
    )
    clock = clock.replace(microsecond=0)
    parameters = {
        "orders": orders,
        "requests": requests,
        "threads": threads,
        "seed": seed,
        "locale": locale,
        "inquiries": inquiries,
        "message_requests": message_requests,
        "unshipped_only": unshipped_only,
        "now": iso(clock),
    }
    draw = ScenarioDraw(Random(seed), locale, clock, unshipped_only)
    order_list = draw.orders(orders)
    requested = set(draw.add_requests(order_list, requests, message_requests))
    inquiry_messages = draw.inquiries(order_list, requested, inquiries)
    asked = {m["order_id"] for m in inquiry_messages}
    ordinary = draw.ordinary(order_list, requested, asked, threads - message_requests - inquiries)
    data = {
        "format": 1,
        "locale": locale,
        "now": iso(clock),
        "rollout": Rollout.MANAGE_ORDERS.value,  # every request names its channel anyway
        "account": dict(SANDBOX_ACCOUNT),
        "orders": order_list,
        "messages": sorted(inquiry_messages + ordinary, key=lambda m: m["received_at"]),
    }
    return GeneratedScenario(data, parameters, frozenset(asked))


def expected_requests(scenario: Scenario, inquiry_order_ids: Iterable[str]) -> list[dict[str, Any]]:
    """What a correct `scan --json` lists for a scenario, given which orders have buyer inquiries.

    Follows docs/interfaces.md: one entry per order, sorted by id; canceled and Amazon-fulfilled orders
    are left out, shipped ones kept; an order with an official request is `official` whatever else was
    seen. Inquiries carry no reason and no request time (the buyer's message states neither).
    """
    inquiries = set(inquiry_order_ids)
    out: list[dict[str, Any]] = []
    for order in sorted(scenario.orders, key=lambda o: o.id):
        channel = scenario.channel_of(order)
        if channel is None and order.id not in inquiries:
            continue
        if order.status is OrderStatus.CANCELED or order.fulfillment is Fulfillment.AFN:
            continue
        sources = set()
        if channel in (Rollout.MANAGE_ORDERS, Rollout.BOTH):
            sources.add("manage_orders")
        if channel in (Rollout.MESSAGES, Rollout.BOTH) or order.id in inquiries:
            sources.add("messages")
        request = order.cancel_request
        out.append(
            {
                "order_id": order.id,
                "kind": "official" if request else "inquiry",
                "sources": sorted(sources),
                "reason": request.reason if request else None,
                "requested_at": iso(request.requested_at) if request else None,
                "order_status": order.status.value,
            }
        )
    return out


class _MultilineDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Writes multi-line bodies as `|` blocks, so a person can read the generated file."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_MultilineDumper.add_representer(str, _represent_str)


def _header(data: Mapping[str, Any], parameters: Mapping[str, Any] | None) -> list[str]:
    """Say the file was generated, how to get it again, and what it holds (counted from the data)."""
    channels = [o["cancel_request"].get("channel") for o in data.get("orders", []) if o.get("cancel_request")]
    templates = sum(1 for c in channels if c in ("messages", "both"))
    written = len(data.get("messages", []))
    header = [
        "# Sandbox scenario generated by `sc-cancel sandbox generate` (automation/sandbox/generator.py)."
    ]
    if parameters:
        header.append("# Parameters: " + " ".join(f"{k}={v}" for k, v in parameters.items()))
        header.append("# The same parameters give the same file; edits by hand are lost on regenerating.")
    header.append(
        f"# Contents: {len(data.get('orders', []))} orders; {len(channels)} official requests "
        f"({channels.count('manage_orders')} on Manage Orders only, {channels.count('messages')} in Messages "
        f"only, {channels.count('both')} in both); {templates + written} inbox threads ({templates} "
        f"legacy-template threads the sandbox adds, {written} written here)."
    )
    return header


def dump_scenario(data: Mapping[str, Any], parameters: Mapping[str, Any] | None = None) -> str:
    """YAML text for a scenario, headed by a comment saying it was generated and with which parameters.

    `parameters` defaults to those a `GeneratedScenario` carries.
    """
    parameters = parameters if parameters is not None else getattr(data, "parameters", None)
    body = yaml.dump(
        dict(data),
        Dumper=_MultilineDumper,
        sort_keys=False,
        allow_unicode=True,
        width=1000,
        default_flow_style=False,
    )
    return "\n".join(_header(data, parameters)) + "\n" + body


def write_scenario(data: Mapping[str, Any], path: Path, parameters: Mapping[str, Any] | None = None) -> None:
    """Write `dump_scenario(data)` to `path` (UTF-8), creating its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dump_scenario(data, parameters), encoding="utf-8")


class _ArgumentParser(argparse.ArgumentParser):
    """argparse that raises `SandboxInputError` (exit code 2 through the CLI) instead of exiting by itself."""

    def error(self, message: str) -> NoReturn:
        raise SandboxInputError(f"{self.prog}: {message}\n{self.format_usage().rstrip()}")


def _parse_now(text: str) -> datetime:
    if text == "now":
        return datetime.now(UTC).replace(microsecond=0)
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise SandboxInputError(
            f"--now: '{text}' is not an ISO 8601 time like 2026-11-26T12:00:00Z"
        ) from None


GENERATE_DESCRIPTION = "Write a large, seeded, realistic sandbox scenario (YAML) for tests and benchmarks."


def _parser() -> argparse.ArgumentParser:
    parser = _ArgumentParser(prog="sc-cancel sandbox generate", description=GENERATE_DESCRIPTION)
    add_generate_options(parser)
    return parser


def add_generate_options(parser: argparse.ArgumentParser) -> None:
    """The options of `sc-cancel sandbox generate`, for this module's parser and the command line's."""
    parser.add_argument("--orders", type=int, required=True, help="number of orders")
    parser.add_argument("--requests", type=int, required=True, help="official cancellation requests")
    parser.add_argument(
        "--threads",
        type=int,
        required=True,
        help="inbox threads in all: template threads of requests in Messages + written messages",
    )
    parser.add_argument("--seed", type=int, required=True, help="the same seed gives the same scenario")
    parser.add_argument("--locale", default="en_US", choices=sorted(PHRASES))
    parser.add_argument("--inquiries", type=int, help="buyer messages asking to cancel (default: 2/3 of R)")
    parser.add_argument(
        "--message-requests",
        type=int,
        help="requests shown in Messages (channel messages or both; default: 40%% of K)",
    )
    parser.add_argument(
        "--unshipped-only", action="store_true", help="every order unshipped and seller-fulfilled"
    )
    parser.add_argument("--now", help=f"the sandbox clock, ISO 8601, or 'now' (default {iso(DEFAULT_NOW)})")
    parser.add_argument("--output", type=Path, help="file to write (default: standard output)")
    parser.add_argument(
        "--expected",
        type=Path,
        help="also write the correct scan result for this scenario (JSON) to this file",
    )


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m automation.sandbox.generator ...`: bad arguments raise `SandboxInputError` (exit code 2)."""
    return generate(_parser().parse_args(argv))


def generate(args: argparse.Namespace) -> int:
    """`sc-cancel sandbox generate ...`, its options parsed (`add_generate_options`)."""
    data = generate_scenario(
        orders=args.orders,
        requests=args.requests,
        threads=args.threads,
        seed=args.seed,
        locale=args.locale,
        inquiries=args.inquiries,
        message_requests=args.message_requests,
        unshipped_only=args.unshipped_only,
        now=_parse_now(args.now) if args.now else None,
    )
    text = dump_scenario(data)
    scenario = parse_scenario(text, args.output or Path("<generated>"))  # never hand out an invalid file
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text, encoding="utf-8")
        print(
            f"wrote {args.output}: {len(scenario.orders)} orders, {args.requests} requests, "
            f"{args.threads} threads",
            file=sys.stderr,
        )
    else:
        sys.stdout.write(text)
    if args.expected:
        args.expected.parent.mkdir(parents=True, exist_ok=True)
        document = {"format": 1, "requests": expected_requests(scenario, data.inquiry_order_ids)}
        args.expected.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except SandboxInputError as error:
        print(error, file=sys.stderr)
        sys.exit(int(error.exit_code))
