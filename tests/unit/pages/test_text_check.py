"""The comparison of an order row's structural answers with its verified texts (pages/text_check.py)."""

from __future__ import annotations

from typing import Any

from automation.pages.text_check import Disagreement, reconcile
from automation.settings import REPO_SELECTORS
from automation.verified_texts import load_verified_texts

BANNERS = ["The buyer has requested that this order be canceled."]
PATTERN = r"\b\d{3}-\d{7}-\d{7}\b"
A, B = "111-0000001-0000001", "111-0000002-0000002"


def row(
    order_id: str, banner: str | None = None, *, text_banner: int | None = None, ids: Any = None
) -> dict[str, Any]:
    return {
        "order_id": order_id,
        "banner": banner,
        "banner_lines": [],
        "text_banner": text_banner,
        "text_banner_lines": ["Cancellation reason: Other"] if text_banner is not None else [],
        "text_order_ids": [order_id] if ids is None else ids,
    }


def test_agreeing_answers_keep_the_structure_and_drop_the_text_keys() -> None:
    checked = reconcile([row(A, BANNERS[0], text_banner=0), row(B)], BANNERS, PATTERN)
    assert checked.used == []
    assert checked.disagreements == []
    assert checked.rows == [
        {"order_id": A, "banner": BANNERS[0], "banner_lines": []},
        {"order_id": B, "banner": None, "banner_lines": []},
    ]


def test_a_banner_the_selectors_find_nowhere_is_taken_from_its_verified_text() -> None:
    checked = reconcile([row(A, text_banner=0), row(B)], BANNERS, PATTERN)
    assert checked.disagreements == []
    assert checked.used == [(A, "banner_text")]
    assert checked.rows[0]["banner"] == BANNERS[0]
    assert checked.rows[0]["banner_lines"] == ["Cancellation reason: Other"]
    assert checked.rows[1]["banner"] is None


def test_a_banner_the_selectors_miss_while_finding_others_is_a_disagreement() -> None:
    checked = reconcile([row(A, "Some banner"), row(B, text_banner=0)], BANNERS, PATTERN)
    assert checked.disagreements == [Disagreement(B, "banner_text", "no request banner", BANNERS[0])]
    assert checked.used == []


def test_a_structural_banner_without_a_verified_text_stands() -> None:
    # An unverified wording (or a locale without verified texts) is the locale file's business.
    checked = reconcile([row(A, "The buyer has requested to cancel this order.")], BANNERS, PATTERN)
    assert checked.disagreements == []
    assert checked.used == []
    assert checked.rows[0]["banner"] == "The buyer has requested to cancel this order."


def test_an_order_id_the_field_misses_is_taken_from_the_row_text() -> None:
    checked = reconcile([row("", ids=[A])], BANNERS, PATTERN)
    assert checked.rows[0]["order_id"] == A
    assert checked.used == [(A, "order_id")]


def test_an_order_id_field_reading_another_id_or_no_id_disagrees_with_the_text() -> None:
    checked = reconcile([row(A, ids=[B]), row("Widget, blue", ids=[A])], BANNERS, PATTERN)
    assert checked.disagreements == [
        Disagreement(A, "order_id", repr(A), B),
        Disagreement("Widget, blue", "order_id", repr("Widget, blue"), A),
    ]


def test_without_verified_texts_nothing_is_compared() -> None:
    checked = reconcile([row("", text_banner=None, ids=[])], [], None)
    assert checked.used == []
    assert checked.disagreements == []
    assert checked.rows[0]["order_id"] == ""


def test_the_shipped_verified_banners_are_banners_the_locale_files_read() -> None:
    from automation.parsers.locale_texts import load_all_locale_texts

    verified = load_verified_texts(REPO_SELECTORS)
    assert verified is not None
    assert verified.request_banner is not None
    locales = load_all_locale_texts(REPO_SELECTORS)
    for locale, texts in verified.request_banner.texts.items():
        assert set(texts) <= set(locales[locale].manage_orders.request_banners), locale
