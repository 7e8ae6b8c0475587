// Polled: the thread pane read as raw strings once it shows `subject` (any when null); "blocked" when
// one of `stops` shows instead.
function main([f, view, subject, stops]) {
  const ready = findIn(view, null, null)
    && (subject == null || same((first(document, f.view_subject) || {}).textContent, subject));
  if (ready) return readThreadView(f);
  return anyPresent(stops) ? "blocked" : false;
}
