"""Inbox list items and opened threads, from the raw strings the messages page object returns."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from automation.parsers.classifier import classify
from automation.parsers.locale_texts import LocaleTexts, load_all_locale_texts
from automation.parsers.messages import parse_thread_item, snippet_truncated, thread_text
from automation.parsers.parse_error import ParseError

SELECTORS = Path(__file__).resolve().parents[3] / "selectors"


@pytest.fixture(scope="module")
def texts() -> dict[str, LocaleTexts]:
    return load_all_locale_texts(SELECTORS)


def test_parse_thread_item(texts: dict[str, LocaleTexts]) -> None:
    raw = {
        "thread_id": "t-17",
        "subject": "Inquiry from Amazon customer Jane Doe (Order: 111-1234567-1234567)",
        "buyer_name": " Jane Doe ",
        "order_id": "111-1234567-1234567",
        "date": "Nov 25, 2026 2:05 AM PST",
        "snippet": "Hi, can I still cancel this? Thanks",
    }
    thread = parse_thread_item(raw, texts["en_US"], "America/Los_Angeles")
    assert thread.thread_id == "t-17"
    assert thread.buyer_name == "Jane Doe"
    assert thread.order_id == "111-1234567-1234567"
    assert thread.received_at == datetime(2026, 11, 25, 10, 5, tzinfo=UTC)
    assert thread.snippet == "Hi, can I still cancel this? Thanks"
    assert thread.body is None


def test_thread_item_order_id_from_the_subject_and_missing_parts(texts: dict[str, LocaleTexts]) -> None:
    raw = {"thread_id": "t-2", "subject": "Anfrage von Amazon-Kunde Max (Bestellung: 302-1234567-1234567)"}
    thread = parse_thread_item(raw, texts["de_DE"], "Europe/Berlin")
    assert thread.order_id == "302-1234567-1234567"
    assert (thread.buyer_name, thread.received_at, thread.snippet) == (None, None, "")


def test_thread_item_without_order(texts: dict[str, LocaleTexts]) -> None:
    raw = {"thread_id": "t-3", "subject": "Question", "order_id": "", "date": "2026/11/25 18:30"}
    thread = parse_thread_item(raw, texts["ja_JP"], "Asia/Tokyo")
    assert thread.order_id is None
    assert thread.received_at == datetime(2026, 11, 25, 9, 30, tzinfo=UTC)


def test_thread_identity_without_thread_ids(texts: dict[str, LocaleTexts]) -> None:
    """An inbox without ids names a thread by its order id and subject: the same after a new message
    (the list's date is the latest message's), distinct for another subject or order."""
    subject = "Inquiry from Amazon customer Jane Doe (Order: 111-1234567-1234567)"
    listed = {"thread_id": "", "subject": subject, "date": "Nov 25, 2026 2:05 AM PST"}
    replied = {**listed, "subject": f"  {subject} ", "date": "Nov 26, 2026 9:00 AM PST", "snippet": "ok"}

    def identity(raw: dict[str, Any]) -> str:
        return parse_thread_item(raw, texts["en_US"], "America/Los_Angeles").thread_id

    first = identity(listed)
    assert first.startswith("h-")
    assert identity(replied) == first
    assert identity({**listed, "identity": "hash", "thread_id": "t-9"}) == first
    assert identity({**listed, "identity": "auto", "thread_id": "t-9"}) == "t-9"
    assert identity({**listed, "subject": subject.replace("Inquiry", "Question")}) != first
    assert identity({**listed, "subject": subject.replace("111-1234567", "111-7654321")}) != first


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ({"thread_id": "", "subject": "x", "identity": "row_id"}, "thread id"),
        ({"thread_id": "", "subject": "", "order_id": ""}, "thread id"),
        ({"thread_id": "t-1", "subject": "x", "date": "a while ago"}, "message date"),
    ],
)
def test_thread_item_errors(texts: dict[str, LocaleTexts], raw: dict[str, Any], field: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_thread_item(raw, texts["en_US"], "America/Los_Angeles")
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("snippet", "truncated"),
    [
        ("Hi, can I still cancel this? Thanks", False),
        ("Hello, I ordered the wrong size and would like…", True),
        ("Hello, I ordered the wrong size and would like...", True),
        ("Hello, I ordered the wrong size and would like… ", True),
        ("Wait. Really.", False),
        ("", False),
    ],
)
def test_snippet_truncated(snippet: str, truncated: bool) -> None:
    assert snippet_truncated(snippet) is truncated


def thread_view() -> dict[str, Any]:
    return {
        "subject": "Inquiry from Amazon customer Jane Doe (Order: 111-1234567-1234567)",
        "messages": [
            {"sender": "Jane Doe", "date": "Nov 25, 2026 2:05 AM PST", "body": "Where is my order?"},
            {
                "sender": "Example Store",
                "date": "Nov 25, 2026 3:00 AM PST",
                "body": "Please do not cancel, it ships today.",
            },
            {
                "sender": "Jane Doe",
                "date": "Nov 25, 2026 4:10 AM PST",
                "body": "Sorry, I found it cheaper elsewhere.\nCould you please cancel the order? Thank you.",
            },
        ],
    }


BUYER_FIRST = "Where is my order?"
BUYER_LATER = "Sorry, I found it cheaper elsewhere.\nCould you please cancel the order? Thank you."
INCOMING = f"{BUYER_FIRST}\n\n{BUYER_LATER}"
"""What the buyer wrote in `thread_view()`, whole and in page order, without the store's reply."""


def test_incoming_text_is_what_the_classifier_reads(texts: dict[str, LocaleTexts]) -> None:
    text = thread_text(thread_view(), texts["en_US"], seller_names=["Example Store"])
    assert text == INCOMING
    verdict = classify(
        thread_view()["subject"], text, thread_order_id="111-1234567-1234567", truncated=False, texts=texts
    )
    assert verdict.kind == "inquiry"


def test_thread_text_reads_the_raw_view_without_dates(texts: dict[str, LocaleTexts]) -> None:
    raw = thread_view()
    raw["messages"][1]["date"] = "not a date"  # thread_text never parses dates
    assert thread_text(raw, texts["en_US"], seller_names=["Example Store"]) == INCOMING
    assert "Please do not cancel" in thread_text(raw)  # nobody known to be the seller: all is read


def test_seller_decoy_reply_does_not_hide_the_request(texts: dict[str, LocaleTexts]) -> None:
    """The seller's "Please do not cancel" must not be read as the buyer's words."""
    raw = thread_view()
    raw["messages"] = raw["messages"][1:]
    text = thread_text(raw, texts["en_US"], seller_names=["Example Store"])
    assert "do not cancel" not in text
    verdict = classify(raw["subject"], text, thread_order_id=None, truncated=False, texts=texts)
    assert verdict.kind == "inquiry"
    assert classify(
        raw["subject"], thread_text(raw), thread_order_id=None, truncated=False, texts=texts
    ).kind == ("inquiry")


def test_seller_reply_is_not_read_as_the_buyer(texts: dict[str, LocaleTexts]) -> None:
    raw = thread_view()
    raw["messages"] = raw["messages"][:2]
    assert thread_text(raw, texts["en_US"], seller_names=["Example Store"]) == "Where is my order?"


def test_locale_you_label_marks_the_seller_but_never_the_buyer(texts: dict[str, LocaleTexts]) -> None:
    raw = {
        "subject": "s",
        "messages": [
            {"sender": "Sie", "date": "", "body": "Wir versenden heute."},
            {"sender": "Max", "date": "", "body": "Bitte stornieren."},
        ],
    }
    assert thread_text(raw, texts["de_DE"], buyer_name="Max") == "Bitte stornieren."
    # A buyer who happens to be called like the label is still the buyer.
    assert thread_text(raw, texts["de_DE"], buyer_name="Sie") == "Wir versenden heute.\n\nBitte stornieren."


def test_amazon_template_message_counts_as_incoming(texts: dict[str, LocaleTexts]) -> None:
    raw = {
        "subject": "Order cancellation request from Amazon customer Jane Doe (Order: 111-1234567-1234567)",
        "messages": [
            {
                "sender": "Amazon",
                "date": "Nov 25, 2026",
                "body": "Order ID: 111-1234567-1234567\nReason: Other",
            },
        ],
    }
    text = thread_text(raw, texts["en_US"], seller_names=["Example Store"])
    verdict = classify(raw["subject"], text, thread_order_id=None, truncated=False, texts=texts)
    assert (verdict.kind, verdict.reason) == ("official", "Other")


def test_empty_thread(texts: dict[str, LocaleTexts]) -> None:
    assert thread_text({"subject": "x", "messages": []}, texts["en_US"]) == ""
    assert thread_text({"subject": "x"}, texts["en_US"]) == ""
