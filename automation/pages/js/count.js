// How many elements the first matching candidate finds.
function main(sels) {
  return all(document, sels).length;
}
