// Click a shown button; how many `items` there were just before, or null when no button is shown.
function main([button, items]) {
  const el = findIn(button, null, null);
  if (!el || el.getClientRects().length === 0) return null;
  const before = all(document, items).length;
  el.click();
  return before;
}
