"""List behaviours the sandbox does not serve, each read through a real Chromium from a small site on
loopback (static_site.py) with a selector folder edited to fit it, as an operator would:

- Manage Orders paged by numbered links (`growth: numbered`), its page size chosen by links, every page
  a new document (`reload: navigation`), counted by a range ("Showing 11–20 of 23");
- Manage Orders grown in place by "Load more" (`growth: load_more`), its page size a select that
  re-fetches the rows, counted by a bare total ("60 orders");
- an inbox read from its previews alone (`threads.body: preview`), paged by numbered links.

Each reads every row of every page exactly once, in order; a page showing fewer rows than its own count
says is a changed page (exit code 4).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from playwright.sync_api import Page
from static_site import Query, html, json_answer, static_site

from automation.errors import ExitCode, PageChangedError
from automation.ledger.records import ThreadKind
from automation.pages.base import PageContext
from automation.pages.manage_orders import ManageOrdersPage
from automation.runtime import Prepared
from automation.settings import REPO_SELECTORS
from automation.sources import messages
from automation.sources.context import SourceContext

ORDERS = [f"111-{n:07d}-{n:07d}" for n in range(1, 61)]


def selectors_with(folder: Path, page_key: str, edit: Callable[[dict[str, Any]], None]) -> Path:
    """A copy of the bundled selectors with one file edited (YAML in, YAML out, validated on load)."""
    if not folder.exists():
        shutil.copytree(REPO_SELECTORS, folder, ignore=shutil.ignore_patterns("variants"))
    path = folder / f"{page_key}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder


def context(folder: Path, base_url: str) -> tuple[Prepared, PageContext]:
    prepared = Prepared.load(folder)
    return prepared, PageContext(
        prepared.selectors, prepared.lookup("en_US"), base_url, selectors_dir=folder, locale="en_US"
    )


def order_row(order_id: str, *, broken: bool = False) -> str:
    """A row the bundled selectors read; `broken`: restyled so that none of them knows it."""
    if broken:
        return f'<tr class="restyled"><td class="details"><a>{order_id}</a></td></tr>'
    return (
        '<tr data-test-id="order-row"><td data-test-id="oth-order-details"><div class="cell-body-title">'
        f"<a href='/orders-v3/order/{order_id}'>{order_id}</a></div></td></tr>"
    )


def read_every_page(mo: ManageOrdersPage) -> list[str]:
    """What the Manage Orders source does with a tab: open, largest page size, read, next, read..."""
    mo.open("unshipped")
    mo.set_largest_page_size()
    read: list[str] = []
    while True:
        read += [row["order_id"] for row in mo.read_rows()]
        if not mo.next_page():
            return read


# -- numbered pages, page-size links, navigation ------------------------------------------------------


def numbered_orders(total: int, short_page: int | None = None) -> Callable[[str, Query], Any]:
    def answer(path: str, query: Query) -> Any:
        if path != "/orders-v3/mfn/unshipped":
            return None
        size = int(query.get("size", ["5"])[0])
        page = int(query.get("page", ["1"])[0])
        first = (page - 1) * size
        shown = ORDERS[first : min(first + size, total)]
        sizes = " ".join(
            f'<span class="size-now">{s}</span>'
            if s == size
            else f'<a class="size" href="?size={s}&page=1">{s}</a>'
            for s in (5, 10)
        )
        pages = "".join(
            f'<li class="num-on">{n}</li>'
            if n == page
            else f'<li><a class="num" href="?page={n}&size={size}">{n}</a></li>'
            for n in range(1, (total + size - 1) // size + 1)
        )
        rows = "".join(order_row(o, broken=(page == short_page and i == 0)) for i, o in enumerate(shown))
        return html(
            f'<div id="MYO-app"><div class="sizes">Results per page: {sizes}</div>'
            f'<p class="range">Showing {first + 1}–{first + len(shown)} of {total}</p>'
            f'<table id="orders-table"><tbody>{rows}</tbody></table><ul class="pages">{pages}</ul></div>'
        )

    return answer


def numbered_edit(data: dict[str, Any]) -> None:
    data["elements"]["results_per_page"] = [{"css": ".sizes a.size"}, {"css": ".sizes .size-now"}]
    data["elements"]["page_links"] = [{"css": "ul.pages a.num"}]
    data["elements"]["current_page"] = [{"css": "ul.pages .num-on"}]
    data["elements"]["range_text"] = [{"css": "p.range"}]
    data["lists"]["orders"] = {
        "landmark": "orders_table",
        "rows": "order_rows",
        "empty_state": "empty_state",
        "count": "range_text",
        "reload": "navigation",
        "growth": "numbered",
        "more": "page_links",
        "current_page": "current_page",
        "row_id": {"field": "order_id"},
    }


def test_numbered_pages_after_a_page_size_link_are_each_read_once(page: Page, tmp_path: Path) -> None:
    folder = selectors_with(tmp_path / "selectors", "manage_orders", numbered_edit)
    with static_site(numbered_orders(23)) as site:
        _, ctx = context(folder, site.base_url)
        read = read_every_page(ManageOrdersPage(page, ctx))

    assert read == ORDERS[:23]
    # The larger size was chosen by its link, then pages 2 and 3 followed by their numbers, once each.
    pages = [
        (q.get("size", ["5"])[0], q.get("page", ["1"])[0]) for q in site.fetched("/orders-v3/mfn/unshipped")
    ]
    assert pages == [("5", "1"), ("10", "1"), ("10", "2"), ("10", "3")]


def test_a_numbered_page_short_of_its_range_is_a_changed_page(page: Page, tmp_path: Path) -> None:
    folder = selectors_with(tmp_path / "selectors", "manage_orders", numbered_edit)
    with static_site(numbered_orders(23, short_page=2)) as site:
        _, ctx = context(folder, site.base_url)
        with pytest.raises(PageChangedError) as caught:
            read_every_page(ManageOrdersPage(page, ctx))

    assert caught.value.exit_code == ExitCode.PAGE_CHANGED
    assert "9 rows were read where the page says 'Showing 11–20 of 23'" in str(caught.value)


# -- "Load more" in place, page size as a select -------------------------------------------------------

LOAD_MORE_PAGE = """<div id="MYO-app">
<select id="myo-table-results-per-page"><option>10</option><option>25</option></select>
<div class="total-orders-heading"><span>{total} orders</span></div>
<table id="orders-table"><tbody>{rows}</tbody></table>
<button id="more-orders">Load more</button></div>
<script>
const body = document.querySelector("#orders-table tbody");
const more = document.querySelector("#more-orders");
let size = 10;
async function load(reset) {{
  const offset = reset ? 0 : body.querySelectorAll("tr").length;
  const answer = await (await fetch(`/orders-api/search?offset=${{offset}}&limit=${{size}}`)).json();
  if (reset) body.innerHTML = "";
  body.insertAdjacentHTML("beforeend", answer.rows);
  if (answer.done && more.isConnected) more.remove();
}}
document.querySelector("select").addEventListener("change", (e) => {{ size = +e.target.value; load(true); }});
more.addEventListener("click", () => load(false));
</script>"""


def load_more_orders(total: int, *, served: int | None = None) -> Callable[[str, Query], Any]:
    """`served`: how many orders the site actually lists (fewer than it says when short)."""
    listed = ORDERS[: served if served is not None else total]

    def answer(path: str, query: Query) -> Any:
        if path == "/orders-v3/mfn/unshipped":
            return html(LOAD_MORE_PAGE.format(total=total, rows="".join(map(order_row, listed[:10]))))
        if path == "/orders-api/search":
            offset, limit = int(query["offset"][0]), int(query["limit"][0])
            batch = listed[offset : offset + limit]
            rows = "".join(map(order_row, batch))
            return json_answer(json.dumps({"rows": rows, "done": offset + limit >= len(listed)}))
        return None

    return answer


def load_more_edit(data: dict[str, Any]) -> None:
    data["elements"]["load_more_orders"] = [{"css": "#more-orders"}]
    data["lists"]["orders"].update(
        {"count": "total_heading", "reload": "in_place", "growth": "load_more", "more": "load_more_orders"}
    )


def test_load_more_in_place_returns_each_row_once(page: Page, tmp_path: Path) -> None:
    folder = selectors_with(tmp_path / "selectors", "manage_orders", load_more_edit)
    with static_site(load_more_orders(60)) as site:
        _, ctx = context(folder, site.base_url)
        read = read_every_page(ManageOrdersPage(page, ctx))

    assert read == ORDERS
    # The select re-fetched the first 25 in place; "Load more" appended 25, then the last 10.
    offsets = [(q["offset"][0], q["limit"][0]) for q in site.fetched("/orders-api/search")]
    assert offsets == [("0", "25"), ("25", "25"), ("50", "25")]
    assert len(site.fetched("/orders-v3/mfn/unshipped")) == 1


def test_a_load_more_list_ending_short_of_its_total_is_a_changed_page(page: Page, tmp_path: Path) -> None:
    folder = selectors_with(tmp_path / "selectors", "manage_orders", load_more_edit)
    with static_site(load_more_orders(60, served=59)) as site:
        _, ctx = context(folder, site.base_url)
        with pytest.raises(PageChangedError) as caught:
            read_every_page(ManageOrdersPage(page, ctx))

    assert caught.value.exit_code == ExitCode.PAGE_CHANGED
    assert "59 rows were read where the page says '60 orders' (60 expected)" in str(caught.value)


# -- an inbox read from its previews, numbered pages ----------------------------------------------------

ASKING = "Hi, could you please cancel this order? I ordered the wrong colour."
CUT_OFF = "Hello, about order 111-0000007-0000007, I wanted to ask whether you could…"


def inbox(total: int) -> Callable[[str, Query], Any]:
    def answer(path: str, query: Query) -> Any:
        if path != "/messaging/inbox" or "cc" in query:
            return None
        page = int(query.get("page", ["1"])[0])
        first = (page - 1) * 12
        rows = "".join(
            f'<li class="thread-list-item" data-thread-id="t{n}"><span class="thread-subject">'
            f"Inquiry from Amazon customer Buyer {n} (Order: {ORDERS[n]})</span>"
            f'<span class="thread-order-id">{ORDERS[n]}</span>'
            f'<span class="thread-date">11/25/2026 10:{n:02d} AM</span>'
            f'<span class="thread-snippet">{CUT_OFF if n == 6 else ASKING}</span></li>'
            for n in range(first, min(first + 12, total))
        )
        pages = "".join(
            f'<b class="on">{n}</b>' if n == page else f'<a class="num" href="?fi=all&page={n}">{n}</a>'
            for n in range(1, (total + 11) // 12 + 1)
        )
        last = min(first + 12, total)
        return html(
            f'<div id="messaging-app"><ul id="threads-list">{rows}</ul>'
            f'<p class="range">{first + 1}–{last} of {total}</p><nav class="pages">{pages}</nav></div>'
        )

    return answer


def preview_edit(data: dict[str, Any]) -> None:
    data["elements"]["page_links"] = [{"css": "nav.pages a.num"}]
    data["elements"]["current_page"] = [{"css": "nav.pages b.on"}]
    data["elements"]["range_text"] = [{"css": "p.range"}]
    data["lists"]["threads"].update(
        {
            "count": "range_text",
            "reload": "navigation",
            "growth": "numbered",
            "more": "page_links",
            "current_page": "current_page",
        }
    )
    data["lists"]["threads"].pop("response", None)
    data["threads"] = {"identity": "row_id", "body": "preview"}


def test_an_inbox_read_from_its_previews_lists_each_thread_once_and_opens_none(
    page: Page, tmp_path: Path
) -> None:
    folder = selectors_with(tmp_path / "selectors", "messages", preview_edit)
    with static_site(inbox(30)) as site:
        prepared, pages = context(folder, site.base_url)

        def no_sign_in() -> None:
            raise AssertionError("the static inbox never asks to sign in")

        ctx = SourceContext(
            page=page,
            pages=pages,
            texts=prepared.texts["en_US"],
            all_texts=prepared.texts,
            zone="America/Los_Angeles",
            reauthenticate=no_sign_in,
        )
        reading = messages.read_requests(ctx, {}, knows_details=lambda _order: True)

    assert reading.threads_listed == 30
    assert [m.thread_id for m in reading.marks] == [f"t{n}" for n in range(30)]
    assert reading.threads_opened == 0
    kinds = {m.thread_id: m.kind for m in reading.marks}
    # The cut-off preview cannot decide and is not opened: it stays another kind of thread.
    assert kinds.pop("t6") is ThreadKind.OTHER
    assert set(kinds.values()) == {ThreadKind.INQUIRY}
    # Pages 1-3 once each (numbered links, new documents); no thread was opened by its URL.
    assert [q.get("page", ["1"])[0] for q in site.fetched("/messaging/inbox")] == ["1", "2", "3"]
