"""Reading many rows in one round trip: small in-page scripts that return raw strings.

Reading a 100-row table element by element costs a round trip per cell; one `evaluate` per page reads
them all. Every query enters open shadow roots, as Playwright's locators do: a selector is tried in the
light DOM first and then in each shadow root (matched within one root), so a list rendered inside web
components is read, never taken for an empty one. The scripts only copy text (no parsing, no
decisions): the CSS they use comes from the selector files' `fields`, each a list of candidates tried
in order, and parsing happens in Python (`automation/parsers/`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Page

DOM_HELPERS = r"""
let documentRoots = null;
const shadowRootsUnder = (root) => {
  if (root === document && documentRoots) return documentRoots;
  const out = [];
  if (root === document) documentRoots = out;
  const walk = (r) => {
    if (r.shadowRoot) { out.push(r.shadowRoot); walk(r.shadowRoot); }
    const it = document.createTreeWalker(r, NodeFilter.SHOW_ELEMENT);
    for (let n = it.nextNode(); n; n = it.nextNode()) {
      if (n.shadowRoot) { out.push(n.shadowRoot); walk(n.shadowRoot); }
    }
  };
  walk(root);
  return out;
};
const first = (root, sels) => {
  let inner = null;
  for (const s of sels) {
    try {
      const el = root.querySelector(s);
      if (el) return el;
      inner = inner || shadowRootsUnder(root);
      for (const r of inner) { const found = r.querySelector(s); if (found) return found; }
    } catch (e) {}
  }
  return null;
};
const all = (root, sels) => {
  let inner = null;
  for (const s of sels) {
    try {
      const els = root.querySelectorAll(s);
      if (els.length) return Array.from(els);
      inner = inner || shadowRootsUnder(root);
      const found = inner.flatMap((r) => Array.from(r.querySelectorAll(s)));
      if (found.length) return found;
    } catch (e) {}
  }
  return [];
};
const countEach = (root, sels) => sels.map((s) => {
  try {
    return root.querySelectorAll(s).length
      + shadowRootsUnder(root).reduce((n, r) => n + r.querySelectorAll(s).length, 0);
  } catch (e) { return -1; }
});
const matches = (el, sels) => sels.some((s) => { try { return el.matches(s); } catch (e) { return false; } });
const clean = (t) => (t || "").replace(/[ \t\u00a0]+/g, " ").trim();
const text = (el) => (el ? clean(el.innerText) : null);
const lines = (el) => (el ? el.innerText.split("\n").map(clean).filter((l) => l) : []);
"""

_ORDER_ROWS_JS = (
    "(f) => {"
    + DOM_HELPERS
    + r"""
  const rows = all(document, f.rows);
  const out = [];
  let banner = null;
  const readBanner = (root) => {
    const host = first(root, f.banner_text);
    if (!host) return null;
    const extra = all(root, f.banner_lines).map(text).filter((t) => t);
    let main = text(host);
    for (const line of extra) main = main.replace(line, "");
    return { text: clean(main), lines: extra };
  };
  for (const row of rows) {
    const isOrder = matches(row, f.order_row);
    if (!isOrder) {
      if (matches(row, f.banner_row)) banner = readBanner(row);
      continue;
    }
    const inRow = readBanner(row);
    const b = inRow || banner;
    banner = null;
    const dateParts = all(row, f.order_date_parts).map(text);
    const items = all(row, f.items).map((item) => ({
      title: text(first(item, f.item_title)),
      lines: all(item, f.item_lines).flatMap(lines),
    }));
    const menu = first(row, f.actions_menu);
    let actions = [];
    if (menu) {
      const scope = menu.shadowRoot || menu;
      actions = Array.from(scope.querySelectorAll(f.action_items.join(","))).map(
        (a) => a.getAttribute("data-action") || clean(a.textContent));
    }
    out.push({
      order_id: text(first(row, f.order_id)),
      order_date: dateParts.length > 1 ? dateParts[1] : (dateParts[0] || ""),
      order_time: dateParts.length > 2 ? dateParts[2] : "",
      buyer_name: text(first(row, f.buyer_name)) || "",
      fulfillment: text(first(row, f.fulfillment)) || "",
      status: text(first(row, f.status)) || "",
      customer_option_lines: all(row, f.customer_option_lines).map(text),
      items,
      banner: b ? b.text : null,
      banner_lines: b ? b.lines : [],
      actions,
    });
  }
  return out;
}"""
)

_THREAD_ITEMS_JS = (
    "([f, start, rows, idAttr, idField, linkField]) => {"
    + DOM_HELPERS
    + r"""
  const items = all(document, rows).slice(start);
  const linkOf = (el) => (el ? el.href || (el.querySelector("a[href]") || {}).href || "" : "");
  return items.map((li) => ({
    thread_id: (idAttr ? li.getAttribute(idAttr) : text(first(li, f[idField] || []))) || "",
    subject: text(first(li, f.subject)) || "",
    buyer_name: text(first(li, f.buyer_name)) || "",
    order_id: text(first(li, f.order_id)) || "",
    date: text(first(li, f.date)) || "",
    snippet: text(first(li, f.snippet)) || "",
    link: linkOf(linkField ? first(li, f[linkField] || []) : null),
  }));
}"""
)

THREAD_VIEW_READER = r"""
const readThreadView = (f) => ({
  subject: text(first(document, f.view_subject)) || "",
  messages: all(document, f.messages).map((m) => ({
    sender: text(first(m, f.message_sender)) || "",
    date: text(first(m, f.message_date)) || "",
    body: (first(m, f.message_body) || {}).innerText || "",
  })),
});
"""
"""The thread pane as raw strings; also used by `quick_dom` to read the pane as soon as it shows."""

_THREAD_VIEW_JS = "(f) => {" + DOM_HELPERS + THREAD_VIEW_READER + " return readThreadView(f); }"

_COUNT_JS = "(sels) => {" + DOM_HELPERS + " return all(document, sels).length; }"

_ORDER_DETAIL_ITEMS_JS = (
    "(f) => {"
    + DOM_HELPERS
    + r"""
  const banner = first(document, f.banner_text);
  const extra = all(document, f.banner_lines).map(text).filter((t) => t);
  let main = banner ? text(banner) : null;
  if (main) for (const line of extra) main = clean(main.replace(line, ""));
  return {
    banner: main,
    banner_lines: extra,
    items: all(document, f.item_rows).map((tr) => all(tr, f.item_cells).map(text)),
  };
}"""
)


def read_order_rows(page: Page, fields: dict[str, list[str]]) -> list[dict[str, Any]]:
    """Every order row of the Manage Orders table on screen, with the banner that stands above it."""
    result: list[dict[str, Any]] = page.evaluate(_ORDER_ROWS_JS, fields)
    return result


def read_thread_items(
    page: Page,
    fields: dict[str, list[str]],
    start: int = 0,
    *,
    rows: str = "items",
    id_attribute: str | None = None,
    id_field: str | None = None,
    link_field: str | None = None,
) -> list[dict[str, str]]:
    """Thread list entries from position `start` on (earlier ones were read before "Load more"): the
    rows are field `rows`, a row's id its attribute `id_attribute` or the text of field `id_field`, its
    link to the thread's own page the address in field `link_field`."""
    args = [fields, start, fields[rows], id_attribute, id_field, link_field]
    result: list[dict[str, str]] = page.evaluate(_THREAD_ITEMS_JS, args)
    return result


_COUNT_EACH_JS = "(sels) => {" + DOM_HELPERS + " return countEach(document, sels); }"


def count_each(page: Page, css: list[str]) -> list[int]:
    """How many elements each CSS candidate matches, open shadow roots included (-1: not valid CSS)."""
    result: list[int] = page.evaluate(_COUNT_EACH_JS, css)
    return result


_MESSAGE_SHOWN_JS = (
    "([sels, want]) => {"
    + DOM_HELPERS
    + r""" return all(document, sels).some((el) => el.innerText.replace(/\s+/g, " ").trim() === want); }"""
)


def wait_for_message_body(page: Page, css: list[str], body: str) -> None:
    """Wait until a message body equal to `body` (spacing ignored) is shown (Playwright's timeout)."""
    page.wait_for_function(_MESSAGE_SHOWN_JS, arg=[css, body]).dispose()


def count_matches(page: Page, css: list[str]) -> int:
    result: int = page.evaluate(_COUNT_JS, css)
    return result


def read_thread_view(page: Page, fields: dict[str, list[str]]) -> dict[str, Any]:
    result: dict[str, Any] = page.evaluate(_THREAD_VIEW_JS, fields)
    return result


def read_order_detail_extras(page: Page, fields: dict[str, list[str]]) -> dict[str, Any]:
    result: dict[str, Any] = page.evaluate(_ORDER_DETAIL_ITEMS_JS, fields)
    return result
