// Click the first element matching one of `sels` (with `attr` equal to `value` when given).
function main([sels, attr, value]) {
  const el = findIn(sels, attr, value);
  if (!el) return false;
  el.click();
  return true;
}
