// A <select>'s state: the selected value and label, whether it is locked, every option's value.
function main(s) {
  return {
    value: s.value,
    label: s.selectedIndex >= 0 ? s.options[s.selectedIndex].text : "",
    locked: s.disabled,
    options: Array.from(s.options).map((o) => o.value),
  };
}
