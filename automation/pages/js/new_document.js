// Polled: the marked document was replaced and the new one has been parsed.
function main() {
  return !window.__scCancelOldDocument && document.readyState !== "loading";
}
