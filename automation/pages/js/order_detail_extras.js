// The order details page's banner (its main sentence and extra lines) and item rows as raw strings.
function main(f) {
  const banner = first(document, f.banner_text);
  const extra = all(document, f.banner_lines).map(text).filter((t) => t);
  let sentence = banner ? text(banner) : null;
  if (sentence) for (const line of extra) sentence = clean(sentence.replace(line, ""));
  return {
    banner: sentence,
    banner_lines: extra,
    items: all(document, f.item_rows).map((tr) => all(tr, f.item_cells).map(text)),
  };
}
