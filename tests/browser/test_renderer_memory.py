"""The renderer's garbage is collected on the scan's list steps once it piles up: a page that replaces
its list over and over (as the inbox does on every "Load more" and opened thread) holds far fewer DOM
nodes after a collection; a step that leaves little garbage behind costs no collection."""

from __future__ import annotations

from playwright.sync_api import Page

from automation.browser.memory import RendererMemory

CHURN = """(rounds) => {
  let box = document.querySelector("ul");
  if (!box) { box = document.createElement("ul"); document.body.append(box); }
  for (let round = 0; round < rounds; round++) {
    const items = [];
    for (let i = 0; i < 500; i++) {
      const li = document.createElement("li");
      li.textContent = "thread " + i;
      items.push(li);
    }
    box.replaceChildren(...items);
  }
}"""
"""Replaces a 500-entry list `rounds` times: each replaced list leaves 1,000 nodes of garbage (an entry
and its text each)."""


def _nodes(page: Page) -> int:
    cdp = page.context.new_cdp_session(page)
    cdp.send("Performance.enable")
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    cdp.detach()
    return int(metrics["Nodes"])


def test_a_collection_runs_once_the_replaced_list_entries_pass_the_budget(page: Page) -> None:
    page.set_content("<!doctype html><html><body></body></html>")
    memory = RendererMemory(page, floor=8_000, per_live=4.0)
    page.evaluate(CHURN, 2)
    memory.step()
    assert memory.collections == 0  # about 2,000 nodes of garbage: under the budget, nothing to pay for
    page.evaluate(CHURN, 12)
    assert _nodes(page) > 10_000  # the replaced lists are still held
    memory.step()
    assert memory.collections == 1
    after = _nodes(page)
    assert after < 2_000  # the shown list (500 entries, 500 texts) and the page remain
    assert memory.live == after
    assert page.locator("li").count() == 500
    page.evaluate(CHURN, 3)
    memory.step()
    assert memory.collections == 1  # 3,000 nodes of garbage since: under the budget again


def test_the_budget_grows_with_what_is_alive(page: Page) -> None:
    """A big page's collection costs more, so it waits for more garbage: `per_live` times the nodes
    left alive, where that is more than the floor."""
    page.set_content("<!doctype html><html><body></body></html>")
    page.evaluate(
        "() => { for (let i = 0; i < 5000; i++) document.body.append(document.createElement('p')); }"
    )
    memory = RendererMemory(page, floor=1_000, per_live=4.0)
    memory.collect()
    assert memory.live > 5_000
    assert memory.budget() == int(4.0 * memory.live)
    page.evaluate(CHURN, 10)  # 10,000 nodes of garbage: over the floor, under four times the page
    memory.step()
    assert memory.collections == 1
