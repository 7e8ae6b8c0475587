"""Notifications through Apprise to a local receiver: what arrives, de-duplication, dead URLs, and that
no secret or buyer data planted in the input reaches the other end."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from loguru import logger

from automation.errors import BadInputError, PersonNeededError
from automation.models import CancellationRequest, Channel, OrderStatus, RequestKind
from automation.notify import Event, EventKind, Level, Notifier, events_for_run, notification_urls
from automation.redact import REDACTOR
from automation.report import build_report
from automation.settings import EnvSecret, Notifications

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


class Receiver:
    """A webhook on 127.0.0.1 that keeps every JSON document posted to it."""

    def __init__(self) -> None:
        self.received: list[tuple[str, dict[str, Any]]] = []
        received = self.received

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                received.append((self.path, json.loads(self.rfile.read(length))))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def url(self, path: str = "hook") -> str:
        return f"json://127.0.0.1:{self.server.server_port}/{path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def warnings() -> Iterator[list[str]]:
    messages: list[str] = []
    sink = logger.add(lambda m: messages.append(str(m)), level="WARNING", format="{message}")
    yield messages
    logger.remove(sink)


def dead_url() -> str:
    """A loopback port nobody listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"json://127.0.0.1:{port}/gone"


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


def event(*order_ids: str, kind: EventKind = EventKind.NEW_REQUESTS) -> Event:
    return Event(
        kind=kind,
        account="main",
        title=f"sc-cancel main: {len(order_ids)} new",
        body=f"New: {', '.join(order_ids)}.",
        level=Level.WARNING,
        order_ids=order_ids,
    )


def notifier(urls: list[str], tmp_path: Path, clock: Clock | None = None, **options: Any) -> Notifier:
    return Notifier(urls, state_path=tmp_path / "state" / "notified.json", clock=clock or Clock(), **options)


def test_title_body_and_type_arrive(receiver: Receiver, tmp_path: Path) -> None:
    assert notifier([receiver.url()], tmp_path).notify(event("113-0000001-0000001"))
    [(path, document)] = receiver.received
    assert path == "/hook"
    assert document["title"] == "sc-cancel main: 1 new"
    assert document["message"] == "New: 113-0000001-0000001."
    assert document["type"] == "warning"


def test_the_same_news_is_sent_once_per_window(receiver: Receiver, tmp_path: Path) -> None:
    clock = Clock()
    sender = notifier([receiver.url()], tmp_path, clock)
    assert sender.notify(event("113-0000001-0000001", "113-0000002-0000002"))
    assert not sender.notify(event("113-0000002-0000002", "113-0000001-0000001"))  # same subject
    assert sender.notify(event("113-0000003-0000003"))  # other orders: news
    clock.now += timedelta(hours=5, minutes=59)
    again = notifier([receiver.url()], tmp_path, clock)  # a new process reads what was sent
    assert not again.notify(event("113-0000001-0000001", "113-0000002-0000002"))
    clock.now += timedelta(minutes=1)
    assert again.notify(event("113-0000001-0000001", "113-0000002-0000002"))
    assert len(receiver.received) == 3
    state = tmp_path / "state" / "notified.json"
    assert state.stat().st_mode & 0o777 == 0o600
    assert set(json.loads(state.read_text())) == {
        "new_requests|main|113-0000001-0000001,113-0000002-0000002",
        "new_requests|main|113-0000003-0000003",
    }


def test_renotify_window_is_configurable(receiver: Receiver, tmp_path: Path) -> None:
    clock = Clock()
    sender = notifier([receiver.url()], tmp_path, clock, renotify_after=timedelta(minutes=10))
    assert sender.notify(event("113-0000001-0000001"))
    clock.now += timedelta(minutes=10)
    assert sender.notify(event("113-0000001-0000001"))
    assert len(receiver.received) == 2


def test_a_dead_url_is_logged_and_does_not_stop_the_others(
    receiver: Receiver, tmp_path: Path, warnings: list[str]
) -> None:
    dead = dead_url()
    sender = notifier([dead, "not a url at all", receiver.url()], tmp_path)
    assert sender.notify(event("113-0000001-0000001"))
    assert len(receiver.received) == 1
    assert any("notification URL #1 (json://...)" in w and "could not be delivered" in w for w in warnings)
    assert any("notification URL #2" in w and "not a URL Apprise understands" in w for w in warnings)
    assert not any(dead in w for w in warnings)  # URLs carry tokens: never logged


def test_nothing_delivered_is_not_remembered_as_sent(tmp_path: Path, receiver: Receiver) -> None:
    state = tmp_path / "state" / "notified.json"
    assert not notifier([dead_url()], tmp_path).notify(event("113-0000001-0000001"))
    assert not state.exists()
    assert notifier([receiver.url()], tmp_path).notify(event("113-0000001-0000001"))


def test_broken_state_file_costs_a_repeat_not_a_crash(
    receiver: Receiver, tmp_path: Path, warnings: list[str]
) -> None:
    state = tmp_path / "state" / "notified.json"
    state.parent.mkdir()
    state.write_text("[not, a, mapping")
    assert notifier([receiver.url()], tmp_path).notify(event("113-0000001-0000001"))
    assert any("unreadable" in w for w in warnings)
    assert json.loads(state.read_text())


def test_events_filter_and_unknown_events(receiver: Receiver, tmp_path: Path) -> None:
    sender = notifier([receiver.url()], tmp_path, events={"daily_summary"})
    assert not sender.notify(event("113-0000001-0000001"))
    assert receiver.received == []
    with pytest.raises(BadInputError, match=r"notifications\.events: unknown event.*new_request\b"):
        notifier([receiver.url()], tmp_path, events={"new_request"})


def test_no_urls_sends_nothing(tmp_path: Path) -> None:
    assert not notifier([], tmp_path).notify(event("113-0000001-0000001"))


def test_planted_secrets_and_buyer_data_never_reach_the_receiver(receiver: Receiver, tmp_path: Path) -> None:
    password = "Plant3d-Passw0rd!"
    buyer = "Philippa Wrenfield-Oduya"
    REDACTOR.add(password, "password")
    REDACTOR.add(buyer, "buyer")
    inquiry = CancellationRequest(
        order_id="113-0000001-0000001",
        kind=RequestKind.INQUIRY,
        sources=(Channel.MESSAGES,),
        reason=f"{buyer} here, 4 Quarry Lane, philippa@example.org, +44 20 7946 0958: please cancel",
        buyer_name=buyer,
        order_status=OrderStatus.UNSHIPPED,
    )
    report = build_report(
        run_id="20261126T120000Z-ab12",
        command="run",
        account="main",
        account_key="k",
        folder=tmp_path,
        started_at=NOW,
        finished_at=NOW,
        requests=[inquiry],
        new={inquiry.order_id},
        error=PersonNeededError(f"captcha after typing {password} for {buyer}"),
    )
    events = events_for_run(report, ["failed", "failed"], NOW)
    assert {e.kind for e in events} == {
        EventKind.PERSON_NEEDED,
        EventKind.REPEATED_FAILURES,
        EventKind.NEW_REQUESTS,
    }
    # The last guard: an event whose body carries them anyway, as a careless caller might build.
    careless = Event(
        kind=EventKind.DAILY_SUMMARY,
        account="main",
        title=f"for {buyer}",
        body=f"password {password}, buyer {buyer}, mail philippa@example.org",
    )
    sender = notifier([receiver.url()], tmp_path)
    assert sender.notify_all([*events, careless]) == 4
    arrived = json.dumps([document for _, document in receiver.received])
    for planted in (password, buyer, "Quarry Lane", "philippa@example.org", "7946 0958", "please cancel"):
        assert planted not in arrived
    assert "[password]" in arrived
    assert "[buyer]" in arrived
    assert "113-0000001-0000001" in arrived


def test_notification_urls_resolve_env_and_are_registered_as_secrets() -> None:
    secret_url = "json://127.0.0.1:9/hook-Zq81token"
    settings = Notifications(urls=["json://127.0.0.1:9/plain", EnvSecret(env="SC_TEST_HOOK")])
    urls = notification_urls(settings, {"SC_TEST_HOOK": secret_url})
    assert urls == ["json://127.0.0.1:9/plain", secret_url]
    assert "hook-Zq81token" not in REDACTOR(f"posting to {secret_url}")
    # Unset, the variable means no notifications through that entry (they are optional until set up).
    assert notification_urls(settings, {}) == ["json://127.0.0.1:9/plain"]


def test_email_events_arrive_without_subjects_or_buyer_names(receiver: Receiver, tmp_path: Path) -> None:
    """An unconfirmed e-mail's subject carries the buyer's name; the order id and why arrive, it never
    does (not even as the redactor's mark: the subject is never put in an event)."""
    from automation.scan_email import Unconfirmed
    from automation.sources.email import MailboxWarning

    buyer = "Ottoline Brackenbury-Sze"
    subject = f"Order cancellation request from Amazon customer {buyer} (Order: 113-0000002-0000002)"
    email = Unconfirmed("113-0000002-0000002", NOW, subject, "no_request_on_page", new=True)
    down = MailboxWarning("accounts[0].mailbox.host: cannot reach the mailbox 127.0.0.1:9")
    report = build_report(
        run_id="20261126T120000Z-ab12",
        command="scan",
        account="main",
        account_key="k",
        folder=tmp_path,
        started_at=NOW,
        finished_at=NOW,
        unconfirmed=[email.as_report()],
        warnings=[down.as_report()],
    )
    sender = notifier([receiver.url()], tmp_path)
    assert sender.notify_all(events_for_run(report, [], NOW)) == 2
    assert sender.notify_all(events_for_run(report, [], NOW)) == 0  # the same news, within the window
    arrived = json.dumps([document for _, document in receiver.received])
    assert buyer not in arrived
    assert "[buyer]" not in arrived
    assert "Order cancellation request" not in arrived
    assert "113-0000002-0000002" in arrived
    assert "accounts[0].mailbox.host" in arrived
