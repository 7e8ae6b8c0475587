/* The classic layout's only script: a filter checkbox marked `data-autosubmit` submits its form at once
   (a new document, as the real filter applies on ticking), and the filter toggle says "Hide filters"
   while open. Everything else on classic pages is links and forms. */
"use strict";
(function () {
  document.querySelectorAll("input[data-autosubmit]").forEach((box) => {
    box.addEventListener("change", () => box.form.submit());
  });
  document.querySelectorAll("details > summary[data-show]").forEach((summary) => {
    summary.parentElement.addEventListener("toggle", () => {
      summary.textContent = summary.parentElement.open ? summary.dataset.hide : summary.dataset.show;
    });
  });
})();
