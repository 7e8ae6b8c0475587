// Which named lists of CSS candidates match anything; null for a list the browser cannot parse.
function main(groups) {
  const out = {};
  for (const [name, sels] of Object.entries(groups)) {
    try { sels.forEach((s) => document.querySelector(s)); out[name] = !!first(document, sels); }
    catch (e) { out[name] = null; }
  }
  return out;
}
