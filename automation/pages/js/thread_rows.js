// Thread list entries from position `start` on (earlier ones were read before "Load more"): a row's id
// is its attribute `idAttr` or the text of field `idField`, its link the address in field `linkField`.
function main([f, start, rows, idAttr, idField, linkField]) {
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
}
