/* kat-dropdown-button: the row actions menu of Manage Orders, a web component with an OPEN shadow root
   (like Amazon's Katal components): a main button, a toggle `button.indicator`, and `.options .option`
   items shown after the toggle is clicked. Choosing an item fires a bubbling, composed "kat-action"
   event whose detail names the action. */
"use strict";
(function () {
  const STYLE = `
    :host { display: inline-block; position: relative; font: inherit; }
    .group { display: inline-flex; }
    button { font: inherit; background: #fff; border: 1px solid #8d9096; padding: 4px 10px; cursor: pointer; }
    button.main { border-radius: 3px 0 0 3px; }
    button.indicator { border-left: 0; border-radius: 0 3px 3px 0; padding: 4px 8px; }
    .options { position: absolute; right: 0; top: 100%; z-index: 20; min-width: 180px; background: #fff;
               border: 1px solid #8d9096; box-shadow: 0 2px 6px rgba(0,0,0,.2); }
    .options[hidden] { display: none; }
    .option { padding: 7px 12px; cursor: pointer; white-space: nowrap; }
    .option:hover, .option:focus { background: #eaeded; outline: none; }
  `;

  class KatDropdownButton extends HTMLElement {
    connectedCallback() {
      if (this.shadowRoot) return;
      const items = JSON.parse(this.getAttribute("options") || "[]");
      const root = this.attachShadow({ mode: "open" });
      const style = document.createElement("style");
      style.textContent = STYLE;
      const group = document.createElement("div");
      group.className = "group";
      const list = document.createElement("div");
      list.className = "options";
      list.setAttribute("role", "menu");
      list.hidden = true;
      const [main, ...rest] = items;
      if (main) {
        const button = document.createElement("button");
        button.className = "main";
        button.type = "button";
        button.dataset.action = main.action;
        button.textContent = main.label;
        button.addEventListener("click", () => this.fire(main.action));
        group.append(button);
      }
      const indicator = document.createElement("button");
      indicator.className = "indicator";
      indicator.type = "button";
      indicator.setAttribute("aria-label", this.getAttribute("label") || "More actions");
      indicator.setAttribute("aria-haspopup", "menu");
      indicator.setAttribute("aria-expanded", "false");
      indicator.textContent = "\u25BE";
      indicator.addEventListener("click", () => {
        list.hidden = !list.hidden;
        indicator.setAttribute("aria-expanded", String(!list.hidden));
      });
      group.append(indicator);
      for (const item of rest) {
        const option = document.createElement("div");
        option.className = "option";
        option.setAttribute("role", "menuitem");
        option.tabIndex = 0;
        option.dataset.action = item.action;
        option.textContent = item.label;
        option.addEventListener("click", () => {
          list.hidden = true;
          indicator.setAttribute("aria-expanded", "false");
          this.fire(item.action);
        });
        list.append(option);
      }
      root.append(style, group, list);
    }

    fire(action) {
      this.dispatchEvent(new CustomEvent("kat-action", { bubbles: true, composed: true, detail: { action } }));
    }
  }

  if (!customElements.get("kat-dropdown-button")) customElements.define("kat-dropdown-button", KatDropdownButton);
})();
