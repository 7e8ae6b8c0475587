"""Amazon's e-mails to the seller, as the sandbox writes them: the cancellation-request notice and a
buyer's forwarded message (shared/reference/seller-central.md §12.1, §12.2).

Pure: a function of the site (language, marketplace, the seller's address) and what happened, nothing
written anywhere. The words are the sandbox's own (`i18n/mail/<locale>.yaml`), never the agent's, so an
agent that reads them wrong cannot agree with itself. Message-IDs are derived from what an e-mail is
about, so a sandbox restarted on the same Maildir recognises the e-mails it already wrote.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from automation.html_templates import html_environment
from automation.sandbox.marketplaces import Marketplace

MAIL_TEXTS_DIR = Path(__file__).resolve().parent / "i18n" / "mail"
_TEMPLATES = html_environment(Path(__file__).resolve().parent / "templates")

NOTICE_SENDER = "donotreply@amazon.com"
NOTICE_TYPE = "BRC_SELLER_NOTIFICATION"
MESSAGE_TYPE = "BBC_MESSAGE_SENT_TO_MERCHANT"
# Maildir files end lines with LF. Bodies are encoded in 76-character lines as they are set (BODY_POLICY);
# headers are written unfolded up to RFC 5322's 998 characters (FILE_POLICY), as Amazon's are: with the
# default 78, Python folds an encoded display name such that it reads back with a space added. The price
# is that a long non-ASCII header is one encoded word longer than RFC 2047's 75 characters, which
# Dovecot and Python's parser read as meant.
BODY_POLICY = policy.default.clone(linesep="\n")
FILE_POLICY = BODY_POLICY.clone(max_line_length=998)

_REGIONS = {"US": "us-east-1", "CA": "us-east-1", "MX": "us-east-1", "BR": "us-east-1"}
_REGIONS |= {"JP": "us-west-2", "AU": "us-west-2", "SG": "us-west-2", "IN": "us-west-2"}


@cache
def mail_texts(locale: str) -> dict[str, Any]:
    """One locale's e-mail words (`notice`, `message`); cached, every e-mail of a sandbox uses them."""
    path = MAIL_TEXTS_DIR / f"{locale}.yaml"
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict) or not {"notice", "message"} <= data.keys():
        raise ValueError(f"{path}: an e-mail text table has the sections notice and message")
    return data


@dataclass(frozen=True)
class MailSite:
    """Who writes to whom: the scenario's language and marketplace, and the seller's address."""

    locale: str
    marketplace_id: str
    marketplace: Marketplace
    seller_address: str
    buyer_canceled_label: str
    """The cancel page's name for the reason "Buyer Canceled", which the notice tells the seller to pick."""

    @property
    def domain(self) -> str:
        """`amazon.it` for Amazon.it: the storefront's host without `www`."""
        return self.marketplace.storefront.lower()

    @property
    def seller_central(self) -> str:
        return f"https://sellercentral.{self.domain}"

    @property
    def ses_domain(self) -> str:
        return f"{_REGIONS.get(self.marketplace.country, 'eu-west-1')}.amazonses.com"

    def digest(self, *parts: str) -> str:
        """A stable hex digest of what an e-mail is about, in this site (account and marketplace)."""
        text = "|".join((self.seller_address, self.marketplace_id, *parts))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def ses_message_id(site: MailSite, *about: str) -> str:
    """`<010201…-…-000000@eu-west-1.amazonses.com>`, the shape of Amazon SES ids, stable for `about`."""
    h = site.digest(*about)
    return f"<0102{h[:12]}-{h[12:20]}-{h[20:24]}-{h[24:28]}-{h[28:32]}-{h[32:44]}-000000@{site.ses_domain}>"


def _headers(
    message: EmailMessage, site: MailSite, *, sender: Address, subject: str, at: datetime, message_id: str
) -> None:
    message["Date"] = format_datetime(at.astimezone(UTC))
    message["From"] = sender
    message["Reply-To"] = sender
    message["To"] = site.seller_address
    message["Message-ID"] = message_id
    message["Subject"] = subject
    message["X-Marketplace-ID"] = site.marketplace_id


def cancel_link(site: MailSite, order_id: str) -> str:
    return f"{site.seller_central}/orders-v3/order/{order_id}/cancel-order"


def cancel_request_notice(
    site: MailSite, order_id: str, at: datetime, *, sender: str | None = None
) -> EmailMessage:
    """Amazon's notice of a buyer's cancellation request: HTML only, the order id in the subject and
    as the link to the cancel page, no reason, items or buyer (§12.1). `sender` replaces Amazon's
    address (a spoof), keeping the display name."""
    words = mail_texts(site.locale)["notice"]
    html = _TEMPLATES.get_template("mail/notice.html").render(
        greeting=words["greeting"],
        paragraphs=[p.format(reason=site.buyer_canceled_label) for p in words["paragraphs"]],
        request_line=words["request_line"],
        link=cancel_link(site, order_id),
        order_id=order_id,
        shipped=words["shipped"],
        signoff=words["signoff"],
    )
    message = EmailMessage(policy=BODY_POLICY)
    from_ = Address(words["from_name"], addr_spec=sender or NOTICE_SENDER)
    subject = words["subject"].format(order_id=order_id)
    message_id = ses_message_id(site, NOTICE_TYPE, order_id, at.isoformat())
    _headers(message, site, sender=from_, subject=subject, at=at, message_id=message_id)
    message["X-Space-Notification-Type"] = NOTICE_TYPE
    message.set_content(html, subtype="html", cte="quoted-printable")
    message.make_alternative()  # multipart/alternative with the one HTML part, as Amazon sends it
    return message


@dataclass(frozen=True)
class ForwardedMessage:
    """A buyer's message as the sandbox knows it: `key` names it uniquely (thread and position)."""

    key: str
    order_id: str | None
    buyer_name: str
    subject: str
    body: str
    at: datetime


def buyer_alias(site: MailSite, buyer_name: str) -> str:
    """`a0952547w2gonh17wevw`: Amazon's anonymous address part, one per buyer and seller."""
    return "a" + site.digest("buyer", buyer_name)[:19]


def _message_text(site: MailSite, message: ForwardedMessage, alias: str) -> str:
    words = mail_texts(site.locale)["message"]
    h = site.digest("thread", message.key)
    mp = site.marketplace_id
    lines = [words["intro"], ""]
    if message.order_id:
        lines += [words["order_line"].format(order_id=message.order_id), ""]
    lines += [words["begin"], "", message.body, "", words["end"], ""]
    lines += [
        words["helpful"],
        f"{site.seller_central}/gp/satisfaction/survey-form.html?ie=UTF8&HMDName=NotificationBusEmailHMD"
        f"&customAttribute1Value={MESSAGE_TYPE}",
        "",
        words["resolve"],
        f"{site.seller_central}/messaging/no-response-needed?t={h[:20].upper()}&m={alias.upper()}"
        f"&mp={mp}&c={h[20:33].upper()}&h={h[:40]}&s=1",
        "",
        words["report"],
        f"https://www.{site.domain}/messaging/{int(h[40:56], 16) % 10**19:019d}?marketplaceId={mp}"
        f"&ref_=bsm_email_report&report=true&lc={site.locale}",
        "",
        "--------------------------",
        "",
        f"[commMgrTok:{h[44:64].upper()}]",
    ]
    return "\n".join(lines) + "\n"


def forwarded_message(
    site: MailSite, message: ForwardedMessage, *, sender: str | None = None
) -> EmailMessage:
    """A buyer's message as Amazon forwards it: from the buyer's anonymous alias at
    `marketplace.amazon.<tld>`, the thread's subject, plain text between the markers (§12.2, §3.3)."""
    words = mail_texts(site.locale)["message"]
    alias = buyer_alias(site, message.buyer_name)
    from_ = Address(words["from_name"], addr_spec=sender or f"{alias}@marketplace.{site.domain}")
    email = EmailMessage(policy=BODY_POLICY)
    message_id = ses_message_id(site, MESSAGE_TYPE, message.key, message.at.isoformat())
    _headers(email, site, sender=from_, subject=message.subject, at=message.at, message_id=message_id)
    email["X-Space-Notification-Type"] = MESSAGE_TYPE
    email.set_content(_message_text(site, message, alias), cte="8bit")
    return email


def free_mail(
    site: MailSite,
    *,
    sender: str,
    subject: str,
    body: str,
    at: datetime,
    html: bool = False,
    headers: dict[str, str] | None = None,
    key: str,
) -> EmailMessage:
    """Any e-mail a test asks for (a refund notice, a spoof with its own text): the seller is the
    recipient, the rest is as given."""
    email = EmailMessage(policy=BODY_POLICY)
    email["Date"] = format_datetime(at.astimezone(UTC))
    email["From"] = sender
    email["To"] = site.seller_address
    email["Message-ID"] = ses_message_id(site, "free", key)
    email["Subject"] = subject
    for name, value in (headers or {}).items():
        del email[name]
        email[name] = value
    email.set_content(body, subtype="html" if html else "plain", cte="quoted-printable")
    return email
