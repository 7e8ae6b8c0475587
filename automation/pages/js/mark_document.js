// Mark the current document, so that a new one is known by the mark being gone.
function main() {
  window.__scCancelOldDocument = true;
}
