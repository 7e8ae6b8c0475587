"""Buyer-Seller Messages: inbox list items and the opened thread (raw strings from `pages.messages`).

The inbox shows per thread a subject, buyer, order id, date and a snippet: the first line of the latest
buyer message, cut at 120 characters with "…" (sandbox-pages.md "Messages", seller-central.md §3). The
classifier reads the snippet first; when it is cut and says nothing decisive, the thread is opened and
the latest buyer message is read whole.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any

from automation.models import MessageThread
from automation.parsers.dates import parse_local_datetime
from automation.parsers.normalize import compact, find_order_ids
from automation.parsers.order_fields import text_of
from automation.parsers.parse_error import ParseError

if TYPE_CHECKING:
    from automation.parsers.locale_texts import LocaleTexts

_ELLIPSES = ("…", "...")


def snippet_truncated(snippet: str) -> bool:
    """Whether the inbox cut the message short (the snippet ends with an ellipsis)."""
    return snippet.rstrip().endswith(_ELLIPSES)


def _when(text: str, texts: LocaleTexts, zone: str | tzinfo, field: str) -> datetime | None:
    return parse_local_datetime(text, None, texts, zone, field=field) if text else None


def parse_thread_item(raw: Mapping[str, Any], texts: LocaleTexts, zone: str | tzinfo) -> MessageThread:
    """One inbox list entry; the order id comes from its own field, else from the subject."""
    thread_id = text_of(raw, "thread_id")
    if not thread_id:
        raise ParseError("thread id", raw.get("thread_id"), "the list item has no thread id")
    subject = text_of(raw, "subject")
    ids = find_order_ids(text_of(raw, "order_id")) or find_order_ids(subject)
    return MessageThread(
        thread_id=thread_id,
        subject=subject,
        buyer_name=text_of(raw, "buyer_name") or None,
        order_id=ids[0] if ids else None,
        received_at=_when(text_of(raw, "date"), texts, zone, "message date"),
        snippet=str(raw.get("snippet") or "").strip(),
    )


@dataclass(frozen=True)
class ThreadMessage:
    sender: str
    sent_at: datetime | None
    body: str
    from_seller: bool
    """The seller's own reply (by the sender's name); Amazon's and the buyer's messages are not."""


@dataclass(frozen=True)
class ThreadView:
    subject: str
    messages: tuple[ThreadMessage, ...]

    def latest_incoming(self) -> ThreadMessage | None:
        """The newest message not written by the seller: the one the inbox snippet was cut from."""
        incoming = [m for m in self.messages if not m.from_seller]
        if not incoming:
            return None
        if all(m.sent_at is not None for m in incoming):
            return max(reversed(incoming), key=lambda m: m.sent_at)  # type: ignore[arg-type,return-value]
        return incoming[-1]

    @property
    def incoming_text(self) -> str:
        """Every message not written by the seller, whole, in page order: what `classify` reads once a
        thread is opened (Amazon's template body, or all the buyer said, so no request is missed)."""
        return _joined(m.body for m in self.messages if not m.from_seller)


def _joined(bodies: Iterable[str]) -> str:
    return "\n\n".join(body for body in bodies if body)


def _seller_keys(texts: LocaleTexts | None, seller_names: Sequence[str]) -> set[str]:
    labels = texts.messages.seller_senders if texts is not None else ()
    return {compact(n) for n in (*seller_names, *labels) if compact(n)}


def _is_seller(sender: str, sellers: set[str], buyer_name: str | None) -> bool:
    key = compact(sender)
    return bool(key) and key in sellers and key != compact(buyer_name or "")


def parse_thread_view(
    raw: Mapping[str, Any],
    texts: LocaleTexts,
    zone: str | tzinfo,
    *,
    buyer_name: str | None = None,
    seller_names: Sequence[str] = (),
) -> ThreadView:
    """An opened thread. `seller_names` (e.g. the store name) mark the seller's replies, as do the
    locale's "You"-style sender labels; the buyer's own name never does."""
    sellers = _seller_keys(texts, seller_names)
    messages = tuple(
        ThreadMessage(
            sender=text_of(item, "sender"),
            sent_at=_when(text_of(item, "date"), texts, zone, "message date"),
            body=str(item.get("body") or "").strip(),
            from_seller=_is_seller(text_of(item, "sender"), sellers, buyer_name),
        )
        for item in raw.get("messages") or []
    )
    return ThreadView(subject=text_of(raw, "subject"), messages=messages)


def thread_text(
    raw: Mapping[str, Any],
    texts: LocaleTexts | None = None,
    *,
    buyer_name: str | None = None,
    seller_names: Sequence[str] = (),
) -> str:
    """`ThreadView.incoming_text` straight from the page object's raw thread, reading no dates.

    Without `texts` and `seller_names` no message can be told to be the seller's, and all are read.
    """
    sellers = _seller_keys(texts, seller_names)
    return _joined(
        str(item.get("body") or "").strip()
        for item in raw.get("messages") or []
        if not _is_seller(text_of(item, "sender"), sellers, buyer_name)
    )
