// How many elements each CSS candidate matches (-1: not valid CSS).
function main(sels) {
  return countEach(document, sels);
}
