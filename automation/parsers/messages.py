"""Buyer-Seller Messages: inbox list items and the opened thread (raw strings from `pages.messages`).

The inbox shows per thread a subject, buyer, order id, date and a snippet: the first line of the latest
buyer message, cut at 120 characters with "…" (sandbox-pages.md "Messages", seller-central.md §3). The
classifier reads the snippet first; when it is cut and says nothing decisive, the thread is opened and
what the buyer (or Amazon) wrote in it is read whole.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
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


HASHED = "h-"
"""How a thread identity made by `thread_hash` starts (a row id from the site is used as it is)."""


def thread_hash(order_id: str | None, subject: str) -> str:
    """A thread's identity on an inbox without thread ids: a hash of its order id and subject.

    Both stay as they are for the thread's life, while the date a list shows is its latest message's
    and changes with every reply (ours included); a hash with it would make a known thread new again.
    """
    key = f"{order_id or ''}\n{' '.join(subject.split())}"
    return HASHED + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def thread_identity(raw: Mapping[str, Any]) -> str:
    """A listed thread's identity as `parse_thread_item` names it ("" when the row gives none)."""
    subject = text_of(raw, "subject")
    ids = find_order_ids(text_of(raw, "order_id")) or find_order_ids(subject)
    row_id = text_of(raw, "thread_id")
    mode = str(raw.get("identity") or "auto")
    if mode == "hash" or (mode == "auto" and not row_id):
        return thread_hash(ids[0] if ids else None, subject) if (ids or subject) else ""
    return row_id


def parse_thread_item(raw: Mapping[str, Any], texts: LocaleTexts, zone: str | tzinfo) -> MessageThread:
    """One inbox list entry; the order id comes from its own field, else from the subject.

    Its identity (`raw["identity"]`, the selector file's `threads.identity`): `row_id` is the row's
    own id; `hash` the `thread_hash` of its order id and subject; `auto` (the default) the row id
    where the row has one, else the hash.
    """
    subject = text_of(raw, "subject")
    ids = find_order_ids(text_of(raw, "order_id")) or find_order_ids(subject)
    thread_id = thread_identity(raw)
    if not thread_id:
        raise ParseError(
            "thread id", raw.get("thread_id"), "the list item has no thread id, order id or subject"
        )
    return MessageThread(
        thread_id=thread_id,
        subject=subject,
        buyer_name=text_of(raw, "buyer_name") or None,
        order_id=ids[0] if ids else None,
        received_at=_when(text_of(raw, "date"), texts, zone, "message date"),
        snippet=str(raw.get("snippet") or "").strip(),
    )


def _seller_keys(texts: LocaleTexts | None, seller_names: Sequence[str]) -> set[str]:
    labels = texts.messages.seller_senders if texts is not None else ()
    return {compact(n) for n in (*seller_names, *labels) if compact(n)}


def _is_seller(sender: str, sellers: set[str], buyer_name: str | None) -> bool:
    key = compact(sender)
    return bool(key) and key in sellers and key != compact(buyer_name or "")


def thread_text(
    raw: Mapping[str, Any],
    texts: LocaleTexts | None = None,
    *,
    buyer_name: str | None = None,
    seller_names: Sequence[str] = (),
) -> str:
    """What `classify` reads once a thread is opened: every message not written by the seller, whole,
    in page order (Amazon's template body, or all the buyer said, so no request is missed).

    `seller_names` (e.g. the store name) mark the seller's replies, as do the locale's "You"-style sender
    labels; the buyer's own name never does. Without `texts` and `seller_names` no message can be told
    to be the seller's, and all are read. No date is read: a thread's date is the inbox list's.
    """
    sellers = _seller_keys(texts, seller_names)
    bodies = (
        str(item.get("body") or "").strip()
        for item in raw.get("messages") or []
        if not _is_seller(text_of(item, "sender"), sellers, buyer_name)
    )
    return "\n\n".join(body for body in bodies if body)
