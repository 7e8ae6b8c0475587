// Whether the element is (inside) a link: the current page size is often shown as plain text.
function main(el) {
  return !!el.closest("a[href]");
}
