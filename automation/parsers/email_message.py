"""An e-mail's raw bytes as the classifier reads them: sender, subject, headers, body, Message-ID.

The standard library's `email` package does the MIME work (encoded-word subjects, charsets, quoted-
printable, multipart); this module only picks what the classifier needs, so the IMAP reader and the
tests feed the classifier the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage, Message

from automation.parsers.email_body import EmailBody, email_body


@dataclass(frozen=True)
class ParsedEmail:
    from_header: str
    subject: str
    headers: dict[str, str] = field(default_factory=dict)
    """Each header's first value, by lower-case name."""
    body: EmailBody = field(default_factory=lambda: EmailBody(text=""))
    message_id: str | None = None


def _part_text(message: EmailMessage, subtype: str) -> str | None:
    part = message.get_body(preferencelist=(subtype,))
    if part is None or part.get_content_subtype() != subtype:
        return None
    try:
        content = part.get_content()
    except (LookupError, ValueError):  # an unknown or broken charset: read what can be read
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else None
    return content if isinstance(content, str) else None


def parse_email(raw: bytes) -> ParsedEmail:
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)  # policy.default builds EmailMessage objects
    return from_message(message)


def _header_text(message: Message, name: str) -> str:
    try:
        value = message.get(name)
    except (IndexError, ValueError):  # a header the parser cannot decode: treat it as absent
        return ""
    return "" if value is None else " ".join(str(value).split())


def from_message(message: EmailMessage) -> ParsedEmail:
    headers: dict[str, str] = {}
    for name in message.keys():  # noqa: SIM118 - keys() lists repeated headers once each here
        headers.setdefault(name.lower(), _header_text(message, name))
    message_id = headers.get("message-id") or None
    return ParsedEmail(
        from_header=headers.get("from", ""),
        subject=headers.get("subject", ""),
        headers=headers,
        body=email_body(_part_text(message, "plain"), _part_text(message, "html")),
        message_id=message_id,
    )
