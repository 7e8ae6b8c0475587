// Every order row of the Manage Orders table on screen, with the banner that stands above it. Beside
// the structural answers, what the verified texts find (`pages/text_check.py` compares the two): the
// index of a verified banner sentence in the row or the rows above it since the last order, with the
// banner lines there, and the order ids matching the verified pattern in the row's own text.
// Order rows before position `verified.start` were returned before "Load more" appended the rest.
function main([f, verified]) {
  const rows = all(document, f.rows);
  const out = [];
  const start = (verified && verified.start) || 0;
  let orderIndex = -1;
  let banner = null;
  const norm = (t) => (t || "").normalize("NFKD").replace(/[\u0300-\u036f]/g, "")
    .replace(/[\u2018\u2019\u02bc`\u00b4]/g, "'").replace(/\s+/g, " ").trim().toLowerCase();
  const sentences = ((verified && verified.banners) || []).map(norm);
  const idPattern = verified && verified.order_id ? new RegExp(verified.order_id, "g") : null;
  let above = [];
  const readBanner = (root) => {
    const host = first(root, f.banner_text);
    if (!host) return null;
    const extra = all(root, f.banner_lines).map(text).filter((t) => t);
    let sentence = text(host);
    for (const line of extra) sentence = sentence.replace(line, "");
    return { text: clean(sentence), lines: extra };
  };
  for (const row of rows) {
    const isOrder = matches(row, f.order_row);
    if (!isOrder) {
      if (matches(row, f.banner_row)) banner = readBanner(row);
      above.push(row);
      continue;
    }
    orderIndex += 1;
    if (orderIndex < start) { banner = null; above = []; continue; }
    const inRow = readBanner(row);
    const b = inRow || banner;
    banner = null;
    const group = [...above, row];
    above = [];
    let textBanner = null;
    let textBannerLines = [];
    if (sentences.length) {
      const said = norm(group.map((r) => r.textContent).join(" "));
      const found = sentences.findIndex((s) => s && said.includes(s));
      if (found >= 0) {
        textBanner = found;
        textBannerLines = group.flatMap((r) => all(r, f.banner_lines || [])).map(text).filter((t) => t);
      }
    }
    const textOrderIds = idPattern ? Array.from(new Set(row.textContent.match(idPattern) || [])) : [];
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
      text_banner: textBanner,
      text_banner_lines: textBannerLines,
      text_order_ids: textOrderIds,
    });
  }
  return out;
}
