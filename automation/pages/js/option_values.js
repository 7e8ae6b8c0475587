// The values of a select's <option> elements.
function main(opts) {
  return opts.map((o) => o.value);
}
