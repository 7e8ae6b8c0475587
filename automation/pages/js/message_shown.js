// Polled: a message body equal to `want` (spacing ignored) is shown.
function main([sels, want]) {
  return all(document, sels).some((el) => el.innerText.replace(/\s+/g, " ").trim() === want);
}
