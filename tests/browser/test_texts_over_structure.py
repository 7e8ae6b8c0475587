"""Texts over structure: where a structural selector finds nothing, the reference's verified texts
(selectors/verified_texts.yaml) find the answer, and say so; where the two disagree, the scan stops.

The first test breaks the banner's selectors in a copy of each layout's folder (a class the page does
not use): the verified banner sentence still finds every request, so the scan stays exact, and a warning
names the field to edit. The second serves a page whose banner selectors work for one order but miss
another order's banner, whose verified sentence stands in its row: a changed page (exit code 4) naming
both answers, never a silent choice.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from playwright.sync_api import Page
from scan_support import MIXED_EXPECTED, mixed_store, run_agent, write_scenario
from static_site import html, static_site

from automation.errors import ExitCode, PageChangedError
from automation.pages.base import PageContext
from automation.pages.manage_orders import ManageOrdersPage
from automation.runtime import Prepared
from automation.settings import REPO_SELECTORS

CLASSIC = REPO_SELECTORS / "variants" / "classic"
BANNER_EN_US = (
    "The buyer has requested that this order be canceled. Canceling this order will not affect your "
    "Cancellation Rate metric."
)
# The banner's structural fields with a class neither layout uses, as after a restyling by Amazon.
BROKEN_BANNER = {
    "spa": {"banner_row": ["tr.restyled-banner-row"], "banner_text": [".restyled-banner .a-alert-content"]},
    "classic": {"banner_row": ["tr.restyled-banner-row"], "banner_text": [".restyled-request"]},
}


def _copy_with_fields(source: Path, folder: Path, fields: dict[str, list[str]]) -> Path:
    shutil.copytree(source, folder, ignore=shutil.ignore_patterns("variants"))
    path = folder / "manage_orders.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["fields"].update(fields)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder


@pytest.mark.parametrize("layout", ["spa", "classic"])
def test_a_broken_banner_selector_is_covered_by_the_verified_banner_text(tmp_path: Path, layout: str) -> None:
    source = REPO_SELECTORS if layout == "spa" else CLASSIC
    folder = _copy_with_fields(source, tmp_path / "selectors", BROKEN_BANNER[layout])
    data: dict[str, Any] = {**mixed_store(), "format": 2, "layout": layout}
    path = write_scenario(tmp_path, data)

    run = run_agent(tmp_path, "--selectors", str(folder), scenario=path)

    document = run.document()
    assert document["requests"] == MIXED_EXPECTED
    warnings = [line for line in run.stderr.splitlines() if "verified" in line and "banner_text" in line]
    assert warnings, run.stderr[-3000:]
    assert "selectors/verified_texts.yaml" in warnings[0]
    assert f"sc-cancel selectors check --selectors {folder} --live" in warnings[0]
    # Not only in the log: a warning of the scan's JSON and of the run's report, naming the orders.
    banners = sorted(r["order_id"] for r in MIXED_EXPECTED if "manage_orders" in r["sources"])
    (warning,) = document["warnings"]
    assert warning["channel"] == "manage_orders"
    assert warning["message"].startswith(
        "field `banner_text` of selectors/manage_orders.yaml found nothing for order(s) "
        f"{', '.join(banners)}; their verified text (selectors/verified_texts.yaml) was used instead."
    ), warning
    assert f"sc-cancel selectors check --selectors {folder} --live" in warning["message"]
    (report,) = [json.loads(p.read_text()) for p in (tmp_path / "data" / "runs").glob("*/report.json")]
    assert report["warnings"] == [{**warning, "kind": "verified_text_used", "order_ids": banners}]


def _order_row(order_id: str) -> str:
    return (
        '<tr data-test-id="order-row"><td data-test-id="oth-order-details"><div class="cell-body-title">'
        f"<a href='/orders-v3/order/{order_id}'>{order_id}</a></div></td></tr>"
    )


def _manage_orders(page: Page, base_url: str) -> ManageOrdersPage:
    prepared = Prepared.load(REPO_SELECTORS)
    ctx = PageContext(
        prepared.selectors, prepared.lookup("en_US"), base_url, selectors_dir=REPO_SELECTORS, locale="en_US"
    )
    return ManageOrdersPage(page, ctx)


def test_a_banner_the_structure_misses_where_it_finds_others_stops_the_scan(page: Page) -> None:
    table = (
        '<div id="MYO-app"><table id="orders-table"><tbody>'
        '<tr class="myo-banner-row"><td><div class="buyer-requested-cancel">'
        f'<div class="a-alert-content">{BANNER_EN_US}</div></div></td></tr>'
        f"{_order_row('111-0000001-0000001')}"
        f'<tr class="notice-row"><td><div class="brc-notice">{BANNER_EN_US}</div></td></tr>'
        f"{_order_row('111-0000002-0000002')}"
        f"{_order_row('111-0000003-0000003')}"
        "</tbody></table></div>"
    )
    with static_site(lambda path, _q: html(table) if path.startswith("/orders-v3/") else None) as site:
        orders = _manage_orders(page, site.base_url)
        assert orders.open("unshipped") == "orders_table"
        with pytest.raises(PageChangedError) as caught:
            orders.read_rows()

    error = caught.value
    assert error.exit_code == ExitCode.PAGE_CHANGED
    assert (error.page_key, error.element) == ("manage_orders", "banner_text")
    message = str(error)
    # Both answers, the order they are about, what to edit and how to check it.
    assert (
        "order 111-0000002-0000002: field `banner_text` reads no request banner, its verified text finds "
        f"{BANNER_EN_US!r}"
    ) in message, message
    assert "'.buyer-requested-cancel .a-alert-content' -> 1" in message, message
    assert "selectors/verified_texts.yaml" in message
    assert f"sc-cancel selectors check --selectors {REPO_SELECTORS} --live" in message
    assert "111-0000001-0000001" not in message
    assert "111-0000003-0000003" not in message


def test_rows_where_structure_and_texts_agree_are_read_as_the_structure_says(page: Page) -> None:
    table = (
        '<div id="MYO-app"><table id="orders-table"><tbody>'
        '<tr class="myo-banner-row"><td><div class="buyer-requested-cancel">'
        f'<div class="a-alert-content">{BANNER_EN_US}</div></div></td></tr>'
        f"{_order_row('111-0000001-0000001')}{_order_row('111-0000002-0000002')}"
        "</tbody></table></div>"
    )
    with static_site(lambda path, _q: html(table) if path.startswith("/orders-v3/") else None) as site:
        orders = _manage_orders(page, site.base_url)
        orders.open("unshipped")
        rows = orders.read_rows()

    assert [(r["order_id"], r["banner"]) for r in rows] == [
        ("111-0000001-0000001", BANNER_EN_US),
        ("111-0000002-0000002", None),
    ]
    assert not any(key.startswith("text_") for row in rows for key in row)
