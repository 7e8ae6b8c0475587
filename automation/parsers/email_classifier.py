"""What one e-mail in the seller's mailbox is: Amazon's cancellation-request notice, a forwarded buyer
message (an inquiry, a decoy, or nothing about cancelling), or anything else (ignored).

Amazon's own mail carries `X-Space-Notification-Type`, which decides first (seller-central.md §12.1);
mail that lost its headers on the way (a filter's forward) is read by its subject, from
`selectors/emails.yaml`. A forwarded buyer message is judged by the same classifier as a Messages
thread, so an e-mail and a thread with the same words get the same verdict. Only senders matching the
mailbox's `senders` count: a notice or inquiry from anyone else is a spoof (`why: sender_not_allowed`).
Headers can be forged too, which is why no verdict here is ever acted on before Seller Central confirms.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Literal

from automation.models import Record
from automation.parsers.classifier import classify
from automation.parsers.email_body import EmailBody
from automation.parsers.email_message import ParsedEmail
from automation.parsers.email_senders import sender_address, sender_allowed
from automation.parsers.email_texts import CompiledEmailTexts, SubjectTemplate
from automation.parsers.normalize import compact, find_order_ids

if TYPE_CHECKING:
    from automation.parsers.locale_texts import LocaleTexts

NOTIFICATION_TYPE_HEADER = "x-space-notification-type"

EmailKind = Literal["request", "inquiry", "decoy", "message", "ignored"]
"""`request`: Amazon's notice of a buyer cancellation request; `inquiry`: a forwarded buyer message
asking to cancel; `decoy`: one that mentions cancelling without asking ("please do not cancel");
`message`: one about something else; `ignored`: any other e-mail (shipping, refunds, A-to-z claims,
returns, the seller's own reply copies, newsletters)."""
How = Literal["header", "subject", "body"]


class EmailVerdict(Record):
    kind: EmailKind
    order_id: str | None = None
    sender: str = ""
    """The bare From address, lower-cased."""
    sender_allowed: bool = True
    why: Literal["sender_not_allowed"] | None = None
    """Set when the e-mail names a request or an inquiry but its sender does not count."""
    how: How | None = None
    """What recognised it: the notification header, a subject template, or a body line."""
    language: str | None = None
    subject_status: str | None = None
    """`V`, `seed` or `P` (a guess) for the subject template that matched, if any."""
    evidence: str | None = None

    @property
    def names_request(self) -> bool:
        """A notice or an inquiry: what the scan must check against Seller Central."""
        return self.kind in ("request", "inquiry")


def header(headers: Mapping[str, str], name: str) -> str:
    """A header's value whatever the case of its name (first one), stripped; '' when absent."""
    for key, value in headers.items():
        if key.lower() == name:
            return str(value).strip()
    return ""


def strip_subject_prefixes(subject: str, emails: CompiledEmailTexts) -> tuple[str, bool]:
    """The subject without "Fwd:", "RE:" ... in front, and whether one of them was a reply prefix."""
    replied = False
    while True:
        match = emails.prefix.match(subject)
        if match is None:
            return subject.strip(), replied
        replied = replied or match.group("word").casefold() in emails.reply_words
        subject = subject[match.end() :]


def _matching(subject: str, templates: Iterable[SubjectTemplate]) -> SubjectTemplate | None:
    return next((t for t in templates if t.matches(subject)), None)


def _body_line_order(body: EmailBody, emails: CompiledEmailTexts) -> tuple[str | None, str | None]:
    """(language, order id) from a body line such as "Buyer Cancellation Request for Order ID:", with
    the id on that line or the next; (None, None) when no such line."""
    lines = [line for line in body.text.splitlines() if line.strip()]
    for i, line in enumerate(lines):
        folded = compact(line)
        for language, wanted in emails.request_body_lines:
            if wanted and wanted in folded:
                ids = find_order_ids(line) or (find_order_ids(lines[i + 1]) if i + 1 < len(lines) else [])
                return language, (ids[0] if ids else None)
    return None, None


def _order_id(subject: str, body: EmailBody, from_body_line: str | None) -> str | None:
    """The order a notice is about: the subject, a body line, the `/cancel-order` link, any id."""
    for ids in (
        find_order_ids(subject),
        [from_body_line] if from_body_line else [],
        body.cancel_link_order_ids(),
        find_order_ids(body.text),
    ):
        if ids:
            return ids[0]
    return None


def buyer_words(body: EmailBody, emails: CompiledEmailTexts) -> str:
    """The buyer's own words in a forwarded message: between the markers when present, else the body."""
    text = body.text
    folded = text.casefold()
    for markers in emails.texts.message_markers:
        start = folded.find(markers.begin.casefold())
        if start < 0:
            continue
        start += len(markers.begin)
        end = folded.find(markers.end.casefold(), start)
        return text[start : end if end >= 0 else len(text)].strip()
    return text


def classify_email(
    email: ParsedEmail,
    *,
    senders: Iterable[str],
    emails: CompiledEmailTexts,
    texts: Mapping[str, LocaleTexts],
) -> EmailVerdict:
    """Classify one e-mail. `texts` are the locale texts the buyer-message classifier reads with."""
    sender = sender_address(email.from_header)
    allowed = sender_allowed(sender, senders)
    bare, replied = strip_subject_prefixes(email.subject, emails)
    body = email.body
    types = emails.texts.notification_types
    kind_header = header(email.headers, NOTIFICATION_TYPE_HEADER).upper()

    verdict: EmailVerdict
    if kind_header in types.request:
        verdict = _request(bare, body, emails, "header")
    elif kind_header in types.buyer_message:
        verdict = _buyer_message(bare, body, emails, texts, "header")
    elif kind_header in types.ignored or replied:
        verdict = EmailVerdict(kind="ignored", how="header" if kind_header else "subject")
    elif _matching(bare, emails.request_subjects) is not None:
        verdict = _request(bare, body, emails, "subject")
    elif _matching(bare, emails.buyer_message_subjects) is not None:
        verdict = _buyer_message(bare, body, emails, texts, "subject")
    elif _body_line_order(body, emails)[0] is not None:
        verdict = _request(bare, body, emails, "body")
    else:
        verdict = EmailVerdict(kind="ignored")
    flagged = verdict.names_request and not allowed
    return verdict.model_copy(
        update={"sender": sender, "sender_allowed": allowed, "why": "sender_not_allowed" if flagged else None}
    )


def _request(subject: str, body: EmailBody, emails: CompiledEmailTexts, how: How) -> EmailVerdict:
    template = _matching(subject, emails.request_subjects)
    body_language, body_order = _body_line_order(body, emails)
    return EmailVerdict(
        kind="request",
        order_id=_order_id(subject, body, body_order),
        how=how,
        language=template.language if template else body_language,
        subject_status=template.status if template else None,
        evidence=subject[:200] or None,
    )


def _buyer_message(
    subject: str, body: EmailBody, emails: CompiledEmailTexts, texts: Mapping[str, LocaleTexts], how: How
) -> EmailVerdict:
    template = _matching(subject, emails.buyer_message_subjects)
    subject_ids = find_order_ids(subject)
    words = buyer_words(body, emails)
    thread_order = subject_ids[0] if subject_ids else None
    judged = classify(subject, words, thread_order_id=thread_order, truncated=False, texts=texts)
    order_id = judged.order_id or thread_order or next(iter(find_order_ids(body.text)), None)
    kind: EmailKind = "decoy" if judged.evidence else "message"
    if judged.kind == "official":  # the legacy request template, forwarded as a message
        kind = "request"
    elif judged.kind == "inquiry":
        kind = "inquiry"
    return EmailVerdict(
        kind=kind,
        order_id=order_id,
        how=how,
        language=judged.language or (template.language if template else None),
        subject_status=template.status if template else None,
        evidence=judged.evidence,
    )
