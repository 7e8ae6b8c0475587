"""The operator's path: a copy of the `spa` selectors, a written list of YAML edits, a `classic` scan.

When Amazon changes a page, the promise is that an edit under `selectors/` follows it without code
(README.md "When Amazon changes a page"). The sandbox's server-rendered `classic` layout differs from
`spa` the way a changed Seller Central would (other ids and classes, lists that load a new document and
grow by "Next", an inbox in a shadow root without thread ids, threads on their own pages). The edits that
follow it are written down in classic_edits.yaml; applied to a copy of selectors/, they must give the
exact scan, lists longer than one page included. Unedited, the copy must stop with exit code 4 and say
what to edit, never answer with an empty result.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml
from scan_support import (
    MIXED_ASKS,
    MIXED_ASKS_MESSAGE,
    MIXED_BOTH,
    MIXED_MANAGE_ORDERS_ONLY,
    MIXED_MESSAGES_ONLY,
    MIXED_PLAIN,
    asking_to_cancel,
    inquiry,
    logged_sandbox,
    official,
    run_agent,
    write_scenario,
)
from scenario_kit import order, scenario

from automation.settings import REPO_SELECTORS

EDITS = Path(__file__).resolve().parent / "classic_edits.yaml"

# Besides the mixed store, enough requests and inquiries that both classic lists need "Next": 20 filtered
# orders at 15 a page, 27 threads at 25 a page.
MORE_REQUESTS = [order(n, request="Order Created by Mistake", channel="both") for n in range(10, 28)]
MORE_ASKING = [order(n) for n in range(30, 36)]
MORE_MESSAGES = asking_to_cancel(MORE_ASKING)


def classic_store() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A classic scenario and the exact `requests` a correct scan lists for it."""
    orders = [
        MIXED_BOTH,
        MIXED_MESSAGES_ONLY,
        MIXED_MANAGE_ORDERS_ONLY,
        MIXED_ASKS,
        MIXED_PLAIN,
        *MORE_REQUESTS,
        *MORE_ASKING,
    ]
    data = {
        **scenario(orders, messages=[MIXED_ASKS_MESSAGE, *MORE_MESSAGES]),
        "format": 2,
        "layout": "classic",
    }
    expected = [
        official(MIXED_BOTH, ["manage_orders", "messages"]),
        official(MIXED_MESSAGES_ONLY, ["messages"]),
        official(MIXED_MANAGE_ORDERS_ONLY, ["manage_orders"]),
        inquiry(MIXED_ASKS, MIXED_ASKS_MESSAGE),
        *(official(o, ["manage_orders", "messages"]) for o in MORE_REQUESTS),
        *(inquiry(o, m) for o, m in zip(MORE_ASKING, MORE_MESSAGES, strict=True)),
    ]
    return data, sorted(expected, key=lambda e: e["order_id"])


def spa_copy(folder: Path) -> Path:
    """What an operator starts from: a copy of the bundled selectors (without the variants)."""
    shutil.copytree(REPO_SELECTORS, folder, ignore=shutil.ignore_patterns("variants"))
    return folder


def apply_edits(folder: Path, edits_file: Path) -> int:
    """Apply each written edit (file, dotted key path, new value) to the YAML files of `folder`; return
    how many were applied. A key path that does not lead through existing mappings fails the test: the
    list must stay true to the files it edits."""
    edits: list[dict[str, Any]] = yaml.safe_load(edits_file.read_text(encoding="utf-8"))["edits"]
    documents: dict[str, dict[str, Any]] = {}
    for edit in edits:
        name = edit["file"]
        if name not in documents:
            documents[name] = yaml.safe_load((folder / name).read_text(encoding="utf-8"))
        *parents, last = edit["key"].split(".")
        node = documents[name]
        for key in parents:
            assert isinstance(node.get(key), dict), f"{name}: {edit['key']}: no mapping {key!r}"
            node = node[key]
        node[last] = edit["value"]
    for name, document in documents.items():
        text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
        (folder / name).write_text(text, encoding="utf-8")
    return len(edits)


def _pages(requests: list[tuple[str, str, dict[str, list[str]]]], path: str) -> set[str]:
    return {query.get("page", ["1"])[0] for method, p, query in requests if method == "GET" and p == path}


def test_the_spa_selectors_with_the_written_edits_scan_classic_exactly(tmp_path: Path) -> None:
    folder = spa_copy(tmp_path / "selectors")
    assert apply_edits(folder, EDITS) > 0
    data, expected = classic_store()
    path = write_scenario(tmp_path, data)

    with logged_sandbox(data) as sandbox:
        run = run_agent(tmp_path, "--selectors", str(folder), scenario=path, base_url=sandbox.base_url)

    assert run.document()["requests"] == expected
    # Both lists were followed past their first page, by navigation (classic serves no JSON search).
    assert {"1", "2"} <= _pages(sandbox.requests, "/orders-v3/mfn/unshipped")
    assert {"1", "2"} <= _pages(sandbox.requests, "/messaging/inbox")


def test_the_edited_copy_reads_an_empty_classic_store_as_empty(tmp_path: Path) -> None:
    # Classic shows its own empty states and no table: without the edited `empty_state` elements this is
    # a changed page (exit code 4), never an empty answer.
    folder = spa_copy(tmp_path / "selectors")
    apply_edits(folder, EDITS)
    path = write_scenario(tmp_path, {**scenario([]), "format": 2, "layout": "classic"})

    document = run_agent(tmp_path, "--selectors", str(folder), scenario=path).document()

    assert document["requests"] == []
    assert document["stats"]["orders_seen"] == document["stats"]["threads_seen"] == 0


def test_the_unedited_spa_selectors_on_classic_stop_and_say_what_to_edit(tmp_path: Path) -> None:
    folder = spa_copy(tmp_path / "selectors")
    data, _ = classic_store()
    path = write_scenario(tmp_path, data)

    run = run_agent(tmp_path, "--selectors", str(folder), scenario=path)

    assert run.code == 4, run.stderr[-3000:]
    error = yaml.safe_load(run.stdout)["error"]["message"]
    # The classic page is signed in but shows none of the elements the spa files know for a signed-in
    # page: the message names the file and element to edit, each candidate with its matches, and the
    # command that checks the edited folder.
    assert "selectors/common.yaml" in error, error
    assert "common.top_nav: 'css=#sc-top-nav' -> 0" in error, error
    assert "manage_orders.orders_table: 'css=table#orders-table' -> 0" in error, error
    assert f"sc-cancel selectors check --selectors {folder} --live" in error, error
    assert run.stdout.count("error-signin.png") == 1, error
