"""The comparison of an order row's structural answers with its verified texts (pages/text_check.py)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from automation.errors import ExitCode
from automation.pages.text_check import Disagreement, StoodIn, gathered, reconcile
from automation.runtime import Prepared
from automation.settings import REPO_SELECTORS
from automation.verified_texts import load_verified_texts
from automation.yaml_source import YamlError

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


def _folder_with(tmp_path: Path, edit: Callable[[dict[str, Any]], None]) -> Path:
    folder = tmp_path / "selectors"
    shutil.copytree(REPO_SELECTORS, folder, ignore=shutil.ignore_patterns("variants"))
    path = folder / "verified_texts.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return folder


def test_the_shipped_folders_verified_texts_fit_their_selector_and_locale_files() -> None:
    Prepared.load(REPO_SELECTORS)
    Prepared.load(REPO_SELECTORS / "variants" / "classic")


def test_a_verified_banner_the_locale_file_does_not_read_stops_before_any_browser(tmp_path: Path) -> None:
    def reworded(data: dict[str, Any]) -> None:
        data["request_banner"]["texts"]["de_DE"] = ["Der Käufer will nicht mehr."]

    with pytest.raises(YamlError) as caught:
        Prepared.load(_folder_with(tmp_path, reworded))
    assert caught.value.exit_code == ExitCode.BAD_INPUT
    message = str(caught.value)
    assert "verified_texts.yaml" in message
    assert "request_banner.texts.de_DE: 'Der Käufer will nicht mehr.' is not one of the locale's" in message


def test_verified_texts_backing_an_unknown_field_or_page_stop_before_any_browser(tmp_path: Path) -> None:
    def misnamed(data: dict[str, Any]) -> None:
        data["request_banner"]["backs"]["field"] = "banner"
        data["order_id"]["backs"]["page"] = "orders"
        data["request_banner"]["texts"]["pt_BR"] = ["O comprador pediu."]

    with pytest.raises(YamlError) as caught:
        Prepared.load(_folder_with(tmp_path, misnamed))
    message = str(caught.value)
    assert "order_id.backs.page: no selector file for page 'orders'" in message
    assert "request_banner.backs.field: selectors/manage_orders.yaml has no field 'banner'" in message
    assert "request_banner.texts.pt_BR: no locale file locales/pt_BR.yaml" in message


def test_a_folder_without_verified_texts_has_no_text_fallback(tmp_path: Path) -> None:
    folder = _folder_with(tmp_path, lambda _data: None)
    (folder / "verified_texts.yaml").unlink()
    Prepared.load(folder)
    assert load_verified_texts(folder) is None


def test_stand_ins_are_gathered_once_per_page_and_field_over_every_list_page_read() -> None:
    check = "sc-cancel selectors check --live"
    read = [
        StoodIn("manage_orders", "banner_text", ("111-0000003-0000003", "111-0000001-0000001"), check),
        StoodIn("manage_orders", "order_id", ("111-0000002-0000002",), check),
        StoodIn("manage_orders", "banner_text", ("111-0000001-0000001", "111-0000004-0000004"), check),
    ]

    banner, order_id = gathered(read)

    assert banner.orders == ("111-0000001-0000001", "111-0000003-0000003", "111-0000004-0000004")
    assert banner.message() == (
        "field `banner_text` of selectors/manage_orders.yaml found nothing for order(s) 111-0000001-0000001, "
        "111-0000003-0000003, 111-0000004-0000004; their verified text (selectors/verified_texts.yaml) was "
        "used instead. Edit the field and check it with `sc-cancel selectors check --live`"
    )
    assert (order_id.field, order_id.orders) == ("order_id", ("111-0000002-0000002",))
