"""The sandbox's mail to the seller: what Amazon would have e-mailed, written into a Maildir.

Amazon e-mails the seller for every buyer cancellation request, whichever page shows it, and forwards
every buyer message (docs/sandbox-pages.md, "E-mail"). So with a Maildir the sandbox writes, at start,
one notice per order with a request (at the request's time) and one e-mail per buyer message of every
thread (at the message's time), oldest first; later, one notice per request raised through
`POST /__sandbox/orders/<id>`, and whatever a test posts to `/__sandbox/mail`. An e-mail whose
Message-ID the Maildir already holds is not written again, so restarting on the same Maildir adds
nothing but what is new.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path

from automation.sandbox.errors import SandboxInputError
from automation.sandbox.i18n import Texts
from automation.sandbox.mail_compose import (
    ForwardedMessage,
    MailSite,
    cancel_request_notice,
    forwarded_message,
)
from automation.sandbox.mail_maildir import MaildirWriter
from automation.sandbox.marketplaces import Marketplace
from automation.sandbox.orders_index import OrderEntry
from automation.sandbox.scenario import Scenario
from automation.sandbox.threads import Thread


def mail_site(scenario: Scenario, texts: Texts, marketplace: Marketplace) -> MailSite:
    return MailSite(
        locale=scenario.locale.value,
        marketplace_id=scenario.marketplace_id,
        marketplace=marketplace,
        seller_address=scenario.account.email,
        buyer_canceled_label=texts("reasons.BuyerCanceled"),
    )


def thread_mails(site: MailSite, thread: Thread) -> list[tuple[EmailMessage, datetime]]:
    """One forwarded e-mail per buyer message of a thread (the seller's own replies are not mailed)."""
    return [
        (
            forwarded_message(
                site,
                ForwardedMessage(
                    f"{thread.id}#{i}", thread.order_id, m.sender_name, thread.subject, m.body, m.at
                ),
            ),
            m.at,
        )
        for i, m in enumerate(thread.messages)
        if m.sender == "buyer"
    ]


def request_mail(site: MailSite, entry: OrderEntry) -> list[tuple[EmailMessage, datetime]]:
    if entry.request is None:
        return []
    at = entry.request.requested_at
    return [(cancel_request_notice(site, entry.id, at), at)]


class SandboxMail:
    """A sandbox's outbox into the Maildir `root`; safe to call from the server's and a test's thread."""

    def __init__(self, root: Path, site: MailSite) -> None:
        try:
            self.writer = MaildirWriter(root)
        except OSError as exc:
            raise SandboxInputError(
                f"--maildir {root}: cannot use it as a Maildir ({exc.strerror or exc}); "
                "choose a folder the sandbox can create and write"
            ) from None
        self.site = site
        self._lock = threading.Lock()
        self._known = self.writer.message_ids()

    @property
    def root(self) -> Path:
        return self.writer.root

    def deliver(self, mails: Iterable[tuple[EmailMessage, datetime]]) -> list[Path]:
        """Write the e-mails not written before, oldest first; the files written."""
        written: list[Path] = []
        with self._lock:
            for message, at in sorted(mails, key=lambda pair: pair[1]):
                message_id = str(message["Message-ID"])
                if message_id in self._known:
                    continue
                written.append(self.writer.deliver(message, at))
                self._known.add(message_id)
        return written

    def write_scenario(self, orders: Iterable[OrderEntry], threads: Iterable[Thread]) -> list[Path]:
        mails = [mail for entry in orders for mail in request_mail(self.site, entry)]
        mails += [mail for thread in threads for mail in thread_mails(self.site, thread)]
        return self.deliver(mails)

    def request_raised(self, entry: OrderEntry, thread: Thread | None) -> list[Path]:
        """A request raised while serving: its notice, and its legacy thread's message if it has one."""
        mails = request_mail(self.site, entry)
        if thread is not None:
            mails += thread_mails(self.site, thread)
        return self.deliver(mails)
