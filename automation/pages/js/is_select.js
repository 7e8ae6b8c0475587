// Whether the element is a <select> (page sizes are offered as a select or as links).
function main(el) {
  return el.tagName === "SELECT";
}
