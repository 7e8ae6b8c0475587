"""The scan on the sandbox's server-rendered `classic` layout, followed by its selector folder alone.

Classic's lists load a new document for every page and grow by "Next" links (15 orders, 25 threads a
page), its inbox rows carry no thread id and show the latest message's date, and its threads are read on
their own pages (docs/sandbox-pages.md "The classic layout"). The seven locales are scanned by
test_scan_locales.py; these tests take the parts a small store there does not reach: lists longer than
one page, a second scan recognising threads known by their hash, and a top bar the selectors miss.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml
from scan_support import asking_to_cancel, inquiry, logged_sandbox, official, run_agent, write_scenario
from scenario_kit import order, scenario

from automation.settings import REPO_SELECTORS

CLASSIC = REPO_SELECTORS / "variants" / "classic"
REQUESTS = [order(n, request="Order Created by Mistake", channel="both") for n in range(1, 19)]
ASKING = [order(n) for n in range(20, 29)]
MESSAGES = asking_to_cancel(ASKING)


def _classic(data: dict[str, Any]) -> dict[str, Any]:
    return {**data, "format": 2, "layout": "classic"}


def _expected() -> list[dict[str, Any]]:
    entries = [official(o, ["manage_orders", "messages"]) for o in REQUESTS]
    entries += [inquiry(o, m) for o, m in zip(ASKING, MESSAGES, strict=True)]
    return sorted(entries, key=lambda e: e["order_id"])


def _pages(requests: list[tuple[str, str, dict[str, list[str]]]], path: str) -> set[str]:
    return {query.get("page", ["1"])[0] for method, p, query in requests if method == "GET" and p == path}


def test_classic_lists_are_read_page_by_page_and_known_threads_stop_a_rescan(tmp_path: Path) -> None:
    data = _classic(scenario([*REQUESTS, *ASKING], messages=MESSAGES))
    path = write_scenario(tmp_path, data)

    with logged_sandbox(data) as sandbox:
        args = ("--selectors", str(CLASSIC))
        first = run_agent(tmp_path, *args, scenario=path, base_url=sandbox.base_url).document()
        seen = len(sandbox.requests)
        second = run_agent(tmp_path, *args, scenario=path, base_url=sandbox.base_url).document()
        requests_first, requests_second = sandbox.requests[:seen], sandbox.requests[seen:]

    assert first["requests"] == _expected()
    assert second["requests"] == first["requests"]
    # 18 filtered orders at 15 a page and 27 threads at 25 a page: both lists followed "Next".
    assert {"1", "2"} <= _pages(requests_first, "/orders-v3/mfn/unshipped")
    assert _pages(requests_first, "/messaging/inbox") >= {"1", "2"}
    assert not sandbox.order_searches()
    # The second scan knows the newest thread by its hash: it stops there, on the inbox's first page.
    assert _pages(requests_second, "/messaging/inbox") == {"1"}


def test_a_top_bar_the_selectors_miss_still_signs_in_by_the_page_asked_for(tmp_path: Path) -> None:
    folder = tmp_path / "selectors"
    shutil.copytree(CLASSIC, folder)  # its locales link: copied as files
    common = yaml.safe_load((folder / "common.yaml").read_text(encoding="utf-8"))
    common["elements"]["top_nav"] = [{"css": "#a-top-bar-seller-central-no-longer-has"}]
    (folder / "common.yaml").write_text(yaml.safe_dump(common, allow_unicode=True), encoding="utf-8")
    data = _classic(scenario(REQUESTS[:2] + ASKING[:1], messages=MESSAGES[:1]))
    path = write_scenario(tmp_path, data)

    document = run_agent(tmp_path, "--selectors", str(folder), scenario=path).document()

    assert document["requests"] == sorted(
        [
            *(official(o, ["manage_orders", "messages"]) for o in REQUESTS[:2]),
            inquiry(ASKING[0], MESSAGES[0]),
        ],
        key=lambda e: e["order_id"],
    )
