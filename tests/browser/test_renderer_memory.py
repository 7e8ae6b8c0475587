"""The renderer's garbage is collected on the scan's list steps: a page that replaces its list over and
over (as the inbox does on every "Load more" and opened thread) holds far fewer DOM nodes after a
collection; only every `every`-th step collects, and the first read of a list on a new page does."""

from __future__ import annotations

from playwright.sync_api import Page

from automation.browser.memory import RendererMemory

CHURN = """() => {
  const box = document.createElement("ul");
  document.body.append(box);
  for (let round = 0; round < 20; round++) {
    const items = [];
    for (let i = 0; i < 500; i++) {
      const li = document.createElement("li");
      li.textContent = "thread " + i;
      items.push(li);
    }
    box.replaceChildren(...items);
  }
}"""


def _nodes(page: Page) -> int:
    cdp = page.context.new_cdp_session(page)
    cdp.send("Performance.enable")
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    cdp.detach()
    return int(metrics["Nodes"])


def test_a_collection_frees_the_replaced_list_entries(page: Page) -> None:
    page.set_content("<!doctype html><html><body></body></html>")
    page.evaluate(CHURN)
    before = _nodes(page)
    memory = RendererMemory(page, every=3)
    memory.step()
    memory.step()
    assert memory.collections == 0
    assert _nodes(page) > 5_000  # the 19 replaced lists (two entries and a text each) are still held
    memory.step()
    assert memory.collections == 1
    after = _nodes(page)
    assert after < 2_000 < before  # the shown list (500 entries, 500 texts) and the page remain
    assert page.locator("li").count() == 500


def test_a_list_on_a_new_page_collects_at_once(page: Page) -> None:
    page.set_content("<!doctype html><html><body></body></html>")
    memory = RendererMemory(page, every=8)
    memory.step(new_page=True)
    assert memory.collections == 1
    memory.step()
    assert memory.collections == 1
