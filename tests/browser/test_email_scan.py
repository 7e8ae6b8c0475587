"""The e-mail channel in a scan: a real Dovecot serves the sandbox's Maildir, and `sc-cancel scan` reads
it through a settings file's `accounts[0].mailbox`.

An e-mail that names a request is checked against Seller Central's pages: confirmed, it adds `email`
to the request's sources; otherwise it is listed in `unconfirmed` and never acted on. A spoof is never
looked up. A mailbox that cannot be read is a warning, never a failed scan.
"""

from __future__ import annotations

import imaplib
import json
import re
import tempfile
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from mail_server import MailServer, free_port, running_mail_server
from run_support import (
    AUTO_CANCEL_OFFICIAL,
    Agent,
    AgentRun,
    Hook,
    Sandbox,
    accepted_cancellations,
    order,
    rules,
    start_sandbox,
    write_yaml,
)
from scenario_kit import PASSWORD, order_id, scenario, settings_account

from automation.sandbox.scenario import Rollout

MAILBOX_ENV = "SHOP_MAILBOX_PASSWORD"
UNKNOWN_ORDER = "999-0000000-0000001"
SPOOFER = "cancel-request@amaz0n-support.com"


@dataclass
class Shop:
    """A sandbox writing its e-mails into the Maildir a Dovecot serves, and a settings file naming both."""

    sandbox: Sandbox
    mail: MailServer
    config: Path
    agent: Agent

    def scan(self) -> AgentRun:
        return self.agent("scan", "--json", "--config", str(self.config), target=False, env=self.secrets())

    def run(self, rules_file: Path, *extra: str) -> AgentRun:
        return self.agent(
            "run", "--json", "--rules", str(rules_file), "--config", str(self.config), *extra,
            target=False, env=self.secrets(),
        )  # fmt: skip

    def secrets(self) -> dict[str, str]:
        return {"SHOP_PASSWORD": PASSWORD, MAILBOX_ENV: self.mail.password}

    def send(self, **mail: Any) -> None:
        """`POST /__sandbox/mail`: one more e-mail into the Maildir."""
        data = json.dumps(mail).encode()
        call = urllib.request.Request(
            self.sandbox.base_url + "/__sandbox/mail", data=data, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(call, timeout=10) as answer:
            assert answer.status == 201

    def eat_notices(self, oid: str) -> None:
        """Delete every e-mail naming `oid` from the Maildir, as a mail filter eating Amazon's notices."""
        eaten = [
            path
            for path in self.mail.maildir.rglob("*")
            if path.is_file() and path.parent.name in ("new", "cur") and oid.encode() in path.read_bytes()
        ]
        assert eaten
        for path in eaten:
            path.unlink()

    def flags(self) -> dict[bytes, bytes]:
        """Every message's flags, by UID, read without changing them."""
        with imaplib.IMAP4(self.mail.host, self.mail.port) as imap:
            imap.login(self.mail.username, self.mail.password)
            imap.select("INBOX", readonly=True)
            _, data = imap.uid("FETCH", "1:*", "(FLAGS)")
        found = {}
        for line in data:
            assert isinstance(line, bytes)
            uid, flags = re.search(rb"UID (\d+)", line), re.search(rb"FLAGS \(([^)]*)\)", line)
            assert uid is not None
            assert flags is not None
            found[uid[1]] = flags[1]
        return found


def settings(folder: Path, base_url: str, mailbox: dict[str, Any]) -> Path:
    account = settings_account("shop", base_url, mailbox=mailbox)
    return write_yaml(folder / "sc-cancel.yaml", {"format": 1, "accounts": [account]})


def mailbox_of(mail: MailServer, **changes: Any) -> dict[str, Any]:
    return {
        "host": mail.host,
        "port": mail.port,
        "security": "none",
        "username": mail.username,
        "password": {"env": MAILBOX_ENV},
        "folders": ["INBOX"],
        "since_days": 30,
        **changes,
    }


@pytest.fixture
def reachable_dir() -> Iterator[Path]:
    """A folder Dovecot's own users can reach: pytest's tmp_path sits below a 0700 folder of root's."""
    with tempfile.TemporaryDirectory(prefix="sc-cancel-email-scan-") as name:
        Path(name).chmod(0o755)
        yield Path(name)


@pytest.fixture
def shop(tmp_path: Path, reachable_dir: Path) -> Iterator[Any]:
    """`shop(orders, hook=None, **mailbox)`: the store served with its mail, and a settings file."""
    with shops(tmp_path, reachable_dir) as make:
        yield make


@contextmanager
def shops(tmp_path: Path, reachable_dir: Path, *, idle: bool = True) -> Iterator[Any]:
    """The `shop` fixture's maker, its Dovecot listing IDLE or (`idle=False`) not."""
    started: list[Sandbox] = []
    with running_mail_server(reachable_dir / "imap", idle=idle) as mail:

        def make(orders: list[dict[str, Any]], hook: Hook | None = None, **mailbox: Any) -> Shop:
            path = write_yaml(tmp_path / "scenario.yaml", scenario(orders))
            started.append(start_sandbox(path, hook, maildir=mail.maildir))
            sandbox = started[-1]
            config = settings(tmp_path, sandbox.base_url, mailbox_of(mail, **mailbox))
            return Shop(sandbox, mail, config, Agent(tmp_path))

        try:
            yield make
        finally:
            for sandbox in started:
                sandbox.server.stop()


def unconfirmed(run: AgentRun) -> list[tuple[str | None, str]]:
    return [(u["order_id"], u["why"]) for u in run.json()["unconfirmed"]]


def test_emails_are_checked_against_the_pages(shop: Any, tmp_path: Path) -> None:
    store = shop([order(1, request="Order Created by Mistake"), order(2), order(3), order(4)])
    store.send(kind="cancel_request", order_id=order_id(2))
    store.send(kind="cancel_request", order_id=UNKNOWN_ORDER)
    store.send(kind="cancel_request", order_id=order_id(3), **{"from": SPOOFER})
    flags = store.flags()

    run = store.scan()

    assert run.returncode == 0, run.stderr
    document = run.json()
    assert {r["order_id"]: r["sources"] for r in document["requests"]} == {
        order_id(1): ["email", "manage_orders"]
    }
    assert document["requests"][0]["reason"] == "Order Created by Mistake"
    assert unconfirmed(run) == sorted(
        [
            (order_id(2), "no_request_on_page"),
            (order_id(3), "sender_not_allowed"),
            (UNKNOWN_ORDER, "order_not_found"),
        ]
    )
    assert all(u["received_at"].endswith("Z") and u["subject"] for u in document["unconfirmed"])
    assert document["stats"]["emails_seen"] == len(flags)
    assert document["warnings"] == []
    assert store.flags() == flags

    executed = store.run(write_yaml(tmp_path / "rules.yaml", rules(AUTO_CANCEL_OFFICIAL)), "--execute")

    assert executed.returncode == 0, executed.stderr
    assert accepted_cancellations(store.sandbox.state()) == [order_id(1)]
    assert (order_id(2), "no_request_on_page") in unconfirmed(executed)
    assert store.flags() == flags


def test_a_request_only_the_email_named_is_confirmed_on_its_details_page(shop: Any) -> None:
    """The buyer asks after Manage Orders was read: the notice names an order the lists did not show,
    and its details page confirms it in the same scan."""
    raised: list[str] = []

    def hook(method: str, path: str) -> None:
        if path.startswith("/messaging") and not raised:
            raised.append(path)
            ctx = store.sandbox.server.context
            entry = ctx.state.raise_request(order_id(2), "Delivery too late", Rollout.MANAGE_ORDERS)
            assert entry is not None
            assert ctx.mail is not None
            ctx.mail.request_raised(*entry)

    store = shop([order(1), order(2)], hook)

    run = store.scan()

    assert run.returncode == 0, run.stderr
    assert raised
    requests = run.by_order()
    assert list(requests) == [order_id(2)]
    assert requests[order_id(2)]["sources"] == ["email", "manage_orders"]
    assert requests[order_id(2)]["reason"] == "Delivery too late"
    assert unconfirmed(run) == []


def test_a_second_scan_keeps_email_and_reads_no_email_twice(shop: Any) -> None:
    store = shop([order(1, request="Order Created by Mistake"), order(2)])
    store.send(kind="cancel_request", order_id=order_id(2))

    first = store.scan()
    second = store.scan()

    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    assert first.json()["stats"]["emails_seen"] == 2
    assert second.json()["stats"]["emails_seen"] == 0
    assert second.by_order()[order_id(1)]["sources"] == ["email", "manage_orders"]
    assert unconfirmed(second) == [(order_id(2), "no_request_on_page")]
    # The run reports say which unconfirmed e-mails are new (what `email_unconfirmed` announces), and
    # keep no subject.
    reports = sorted(
        (json.loads(path.read_text()) for path in (store.agent.data_dir / "runs").glob("*/report.json")),
        key=lambda report: report["started_at"],
    )
    assert [[(u["order_id"], u["new"], u["subject"]) for u in r["unconfirmed"]] for r in reports] == [
        [(order_id(2), True, None)],
        [(order_id(2), False, None)],
    ]


def test_a_mailbox_that_is_down_is_a_warning_and_the_pages_still_count(shop: Any) -> None:
    store = shop([order(1, request="Order Created by Mistake")], port=free_port())

    run = store.scan()

    assert run.returncode == 0, run.stderr
    document = run.json()
    assert [r["order_id"] for r in document["requests"]] == [order_id(1)]
    assert document["requests"][0]["sources"] == ["manage_orders"]
    assert document["stats"]["emails_seen"] is None
    assert [w["channel"] for w in document["warnings"]] == ["email"]
    assert "accounts[0].mailbox.host" in document["warnings"][0]["message"]


def test_a_rule_on_sources_include_email_acts_only_on_requests_an_email_named(
    shop: Any, tmp_path: Path
) -> None:
    """Two requests on the pages; a mail filter ate Amazon's notice of the second. A rule asking for
    `sources_include: email` cancels the first only; `rules explain` and report.html show the e-mail."""
    store = shop([order(1, request="Order Created by Mistake"), order(3, request="Delivery too late")])
    store.eat_notices(order_id(3))
    rules_file = write_yaml(
        tmp_path / "rules.yaml",
        rules(
            {
                **AUTO_CANCEL_OFFICIAL,
                "name": "named by amazon",
                "when": {"kind": "official", "sources_include": "email"},
            }
        ),
    )

    run = store.run(rules_file, "--execute")

    assert run.returncode == 0, run.stderr
    assert {oid: r["sources"] for oid, r in run.by_order().items()} == {
        order_id(1): ["email", "manage_orders"],
        order_id(3): ["manage_orders"],
    }
    assert accepted_cancellations(store.sandbox.state()) == [order_id(1)]

    explained = store.agent(
        "rules", "explain", str(rules_file), "--config", str(store.config), target=False, env=store.secrets()
    )

    assert explained.returncode == 0, explained.stderr
    blocks = explained.stdout.split(order_id(3))
    assert re.search(r"e-mail: named by Amazon's notice received \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", blocks[0])
    assert "e-mail:" not in blocks[1]
    assert "not seen in email" in blocks[1]
    [html] = (store.agent.data_dir / "runs").glob("*/report.html")
    page = html.read_text()
    assert 'class="channel seen">✓</td><td class="channel muted">—</td><td class="channel seen">✓' in page


def test_at_most_50_orders_are_looked_up_a_scan_and_the_rest_wait_for_the_next(shop: Any) -> None:
    """51 allowed notices name orders the pages show with no request: a scan opens 50 details pages,
    says the other one waits, and the next scan opens the one that waited."""
    named = [order_id(n) for n in range(1, 52)]
    details: list[str] = []

    def hook(method: str, path: str) -> None:
        if method == "GET" and path.startswith("/orders-v3/order/"):
            details.append(path.removeprefix("/orders-v3/order/"))

    store = shop([order(n) for n in range(1, 52)], hook)
    for oid in named:
        store.send(kind="cancel_request", order_id=oid)

    first = store.scan()

    assert first.returncode == 0, first.stderr
    looked_up = [oid for oid in details if oid in named]
    assert len(looked_up) == len(set(looked_up)) == 50
    [waiting] = set(named) - set(looked_up)
    [warning] = first.json()["warnings"]
    assert warning["channel"] == "email"
    assert "51 orders" in warning["message"]
    assert "50 were looked up" in warning["message"]
    assert "1 wait for the next scan" in warning["message"]
    assert {oid for oid, _ in unconfirmed(first)} == set(looked_up)
    details.clear()

    second = store.scan()

    assert second.returncode == 0, second.stderr
    assert waiting in details
    assert (waiting, "no_request_on_page") in unconfirmed(second)


@pytest.mark.parametrize(("grace", "late"), [("1m", [order_id(3)]), ("1d", [])], ids=["short", "generous"])
def test_a_request_with_no_notice_after_notice_grace_is_one_warning(
    shop: Any, grace: str, late: list[str]
) -> None:
    """A mail filter ate Amazon's notice of a request raised 2 h 20 min before the site's time: with
    `notice_grace` under that, the scan warns once, naming that order (not the one whose notice came)."""
    store = shop(
        [order(1, request="Order Created by Mistake"), order(3, request="Delivery too late")],
        notice_grace=grace,
    )
    store.eat_notices(order_id(3))

    run = store.scan()

    assert run.returncode == 0, run.stderr
    assert {oid: r["sources"] for oid, r in run.by_order().items()} == {
        order_id(1): ["email", "manage_orders"],
        order_id(3): ["manage_orders"],
    }
    warnings = run.json()["warnings"]
    assert [w["channel"] for w in warnings] == ["email"] * len(late)
    for warning in warnings:
        assert all(oid in warning["message"] for oid in late)
        assert order_id(1) not in warning["message"]
        assert "notice_grace" in warning["message"]
