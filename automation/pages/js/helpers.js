// Queries shared by every in-page script. Each one enters open shadow roots, as Playwright's locators
// do: a selector is tried in the light DOM first and then in each shadow root (matched within one
// root), so a list rendered inside web components is read, never taken for an empty one. The roots
// under the document are gathered once per script run.
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
const findIn = (sels, attr, value) => first(document, value == null ? sels
  : sels.map((s) => s + "[" + attr + "=\"" + CSS.escape(value) + "\"]"));
const anyPresent = (sels) => !!first(document, sels);
const same = (a, b) => (a || "").replace(/\s+/g, " ").trim() === (b || "").replace(/\s+/g, " ").trim();
const readThreadView = (f) => ({
  subject: text(first(document, f.view_subject)) || "",
  messages: all(document, f.messages).map((m) => ({
    sender: text(first(m, f.message_sender)) || "",
    date: text(first(m, f.message_date)) || "",
    body: (first(m, f.message_body) || {}).innerText || "",
  })),
});
