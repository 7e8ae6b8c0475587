// The thread pane as raw strings.
function main(f) {
  return readThreadView(f);
}
