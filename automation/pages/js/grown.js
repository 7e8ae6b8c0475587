// Polled: "grown" once more than `before` items show, "blocked" when one of `stops` does.
function main([items, before, stops]) {
  if (all(document, items).length > before) return "grown";
  return anyPresent(stops) ? "blocked" : false;
}
