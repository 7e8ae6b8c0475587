/* Shared by every sandbox page: page data, element building, JSON fetching, top bar and picker.
   Hand-written, no build step, nothing loaded from outside the sandbox. */
"use strict";
(function () {
  const SC = {};

  SC.data = function () {
    const node = document.getElementById("sc-page-data");
    return node ? JSON.parse(node.textContent) : {};
  };

  /* "Unshipped ({n})" + {n: 3} -> "Unshipped (3)" */
  SC.fmt = function (text, values) {
    return String(text).replace(/\{(\w+)\}/g, (whole, key) => (key in values ? String(values[key]) : whole));
  };

  /* h("a", {href: "/x", class: "y", "data-test-id": "z", onclick: fn}, "text", child, [more]) */
  SC.h = function (tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name.startsWith("on") && typeof value === "function") node.addEventListener(name.slice(2), value);
      else if (name === "class") node.className = value;
      else if (value === true) node.setAttribute(name, "");
      else node.setAttribute(name, String(value));
    }
    const add = (child) => {
      if (child === null || child === undefined || child === false) return;
      if (Array.isArray(child)) child.forEach(add);
      else node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    };
    children.forEach(add);
    return node;
  };

  SC.spinner = function (texts) {
    return SC.h("div", { id: "apploading" },
      SC.h("span", { class: "a-spinner", role: "progressbar", "aria-label": texts.common.loading }));
  };

  SC.errorAlert = function (texts) {
    return SC.h("div", { id: "sc-error-alert", class: "a-alert a-alert-error", role: "alert" },
      SC.h("h4", { class: "a-alert-heading" }, texts.common.error_heading),
      SC.h("div", { class: "a-alert-content" }, texts.common.error_alert));
  };

  SC.signInUrl = function () {
    return "/ap/signin?openid.return_to=" + encodeURIComponent(location.pathname + location.search) +
      "&openid.assoc_handle=sc_na_amazon_v2&openid.mode=checkid_setup&mons_redirect=sign_in";
  };

  class HttpError extends Error {
    constructor(status, body) {
      super("HTTP " + status);
      this.status = status;
      this.body = body;
    }
  }
  class SignedOut extends Error {}
  SC.HttpError = HttpError;
  SC.SignedOut = SignedOut;

  /* JSON from the sandbox's API; a 401 means the session is gone: go to sign-in, as a reload would. */
  SC.fetchJson = async function (url, options) {
    const init = Object.assign({ credentials: "same-origin" }, options || {});
    init.headers = Object.assign({ accept: "application/json", "anti-csrftoken-a2z-request": "true" }, init.headers || {});
    const response = await fetch(url, init);
    if (response.status === 401) {
      location.assign(SC.signInUrl());
      throw new SignedOut("signed out");
    }
    let body = null;
    try {
      body = await response.json();
    } catch (ignored) {
      body = null;
    }
    if (!response.ok) throw new HttpError(response.status, body);
    return body;
  };

  SC.postJson = function (url, payload) {
    return SC.fetchJson(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(payload || {}),
    });
  };

  /* Top bar settings menu: opens on click (and on hover, by CSS). */
  document.addEventListener("click", (event) => {
    const trigger = event.target.closest('[data-test-tag="settings-menu-trigger"]');
    document.querySelectorAll(".settings-menu.open").forEach((menu) => {
      if (menu !== trigger) menu.classList.remove("open");
    });
    if (trigger && !event.target.closest("a")) trigger.classList.toggle("open");
  });

  /* Account picker: a click marks a store; "Select Account" submits the marked one. */
  document.addEventListener("click", (event) => {
    const button = event.target.closest(".picker-button");
    if (!button) return;
    document.querySelectorAll(".picker-button").forEach((other) => {
      other.setAttribute("aria-pressed", "false");
      other.classList.remove("picker-selected");
    });
    button.setAttribute("aria-pressed", "true");
    button.classList.add("picker-selected");
    document.getElementById("picker-store").value = button.dataset.storeIndex;
    document.querySelector(".picker-switch-accounts-button").disabled = false;
  });

  window.SC = SC;
})();
