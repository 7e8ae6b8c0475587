/* Manage Orders: renders tabs, search, filters, the orders table and pagination from /orders-api/search.
   Filter, page, page size and sort live in `state` and are mirrored in the URL (history.replaceState),
   so they survive pagination, and a copied URL or a reload shows the same page. */
"use strict";
(function () {
  const { h, fmt } = SC;
  const data = SC.data();
  const T = data.texts;
  const O = T.orders;
  const view = data.view;
  const app = document.getElementById("MYO-app");
  const params = new URLSearchParams(location.search);
  const pageSizeParam = Number(params.get("pageSize"));
  const state = {
    page: Math.max(1, parseInt(params.get("page") || "1", 10) || 1),
    pageSize: data.pageSizes.includes(pageSizeParam) ? pageSizeParam : data.pageSizes[0],
    sort: data.sorts.includes(params.get("sort")) ? params.get("sort") : "order_date_desc",
    brc: params.get("brc") === "1",
    filtersOpen: params.get("brc") === "1",
  };
  let result = null;
  let sequence = 0;

  function apiUrl() {
    const q = new URLSearchParams({
      limit: state.pageSize, offset: (state.page - 1) * state.pageSize, sort: state.sort,
    });
    if (view.kind === "tab") {
      q.set("orderStatus", view.tab);
      q.set("fulfillmentType", "mfn");
    } else {
      q.set("orderStatus", "all");
      q.set("fulfillmentType", "all");
      q.set("q", view.q);
      q.set("qt", view.qt);
    }
    if (state.brc) q.set("buyerRequestedCancel", "true");
    return "/orders-api/search?" + q.toString();
  }

  function pageUrl(page) {
    const q = new URLSearchParams();
    if (view.kind === "search") {
      q.set("q", view.q);
      q.set("qt", view.qt);
    }
    q.set("page", page);
    if (state.sort !== "order_date_desc") q.set("sort", state.sort);
    if (state.pageSize !== data.pageSizes[0]) q.set("pageSize", state.pageSize);
    if (state.brc) q.set("brc", "1");
    return location.pathname + "?" + q.toString();
  }

  async function load() {
    const mine = ++sequence;
    showLoading();
    let body;
    try {
      body = await SC.fetchJson(apiUrl());
    } catch (error) {
      if (mine === sequence && !(error instanceof SC.SignedOut)) showError();
      return;
    }
    if (mine !== sequence) return;
    const pages = Math.max(1, Math.ceil(body.total / state.pageSize));
    if (state.page > pages) {
      state.page = pages;
      load();
      return;
    }
    result = body;
    render();
    history.replaceState(null, "", pageUrl(state.page));
  }

  function showLoading() {
    const results = document.getElementById("myo-results");
    if (!results) return; /* first load: the shell's spinner is showing */
    results.replaceChildren(SC.spinner(T));
    document.querySelectorAll(".pagination-controls, .total-orders-heading").forEach((node) => node.remove());
  }

  function showError() {
    const results = document.getElementById("myo-results");
    if (results) results.replaceChildren(SC.errorAlert(T));
    else app.replaceChildren(SC.errorAlert(T));
  }

  /* ---------- controls ---------- */

  function tabs() {
    const label = {
      pending: fmt(O.tab_pending, { n: result.counts.pending }),
      unshipped: fmt(O.tab_unshipped, { n: result.counts.unshipped }),
      canceled: O.tab_canceled,
      shipped: O.tab_shipped,
    };
    return h("ul", { class: "a-tabs myo-tabs", role: "tablist" },
      ["pending", "unshipped", "canceled", "shipped"].map((tab) => {
        const selected = view.kind === "tab" && view.tab === tab;
        return h("li", { class: "a-tab-heading" + (selected ? " a-active" : "") },
          h("a", { href: "/orders-v3/mfn/" + tab, "data-test-id": "tab-/mfn/" + tab, role: "tab",
            class: selected ? "a-tab-selected" : null, "aria-selected": String(selected) }, label[tab]));
      }));
  }

  function searchForm() {
    const current = view.kind === "search" ? view.qt : "orderid";
    return h("form", { id: "myo-search", action: "/orders-v3/search", method: "get", role: "search" },
      h("input", { id: "myo-search-input", name: "q", type: "search", placeholder: O.search_placeholder,
        value: view.kind === "search" ? view.q : "", "aria-label": O.search_placeholder }),
      h("select", { id: "myo-search-type", name: "qt", "aria-label": O.search_type_orderid },
        ["orderid", "sku", "asin"].map((qt) => h("option", { value: qt, selected: qt === current },
          O["search_type_" + qt]))),
      h("button", { id: "myo-search-button-announce", type: "submit", class: "a-button" }, O.search_button));
  }

  function filters() {
    const toggleText = state.filtersOpen ? O.hide_filters : O.show_filters;
    const checkbox = h("input", { type: "checkbox", id: "myo-filter-buyer-requested-cancel", checked: state.brc,
      onchange: (event) => {
        state.brc = event.target.checked;
        state.page = 1;
        load();
      } });
    const pane = h("div", { id: "myo-filter-pane", hidden: !state.filtersOpen },
      h("div", { class: "myo-filter-section" },
        h("h4", { class: "myo-filter-section-heading" }, O.pending_action),
        h("div", { class: "myo-filter-option" }, checkbox,
          h("label", { for: "myo-filter-buyer-requested-cancel" }, O.buyer_requested_cancel))));
    const toggle = h("button", { id: "myo-filter-toggle", type: "button", class: "a-button", value: toggleText,
      "aria-expanded": String(state.filtersOpen), onclick: () => {
        state.filtersOpen = !state.filtersOpen;
        pane.hidden = !state.filtersOpen;
        const text = state.filtersOpen ? O.hide_filters : O.show_filters;
        toggle.textContent = text;
        toggle.value = text;
        toggle.setAttribute("aria-expanded", String(state.filtersOpen));
      } }, toggleText);
    const chip = state.brc ? h("span", { class: "myo-active-filter" }, O.buyer_requested_cancel) : null;
    return h("div", { class: "myo-filters" }, h("div", { class: "myo-filter-bar" }, toggle, chip), pane);
  }

  function tableControls() {
    const count = result.total === 1 ? O.count_one : fmt(O.count_other, { n: result.total });
    const perPage = h("select", { id: "myo-table-results-per-page", name: "myo-table-results-per-page",
      onchange: (event) => {
        state.pageSize = Number(event.target.value);
        state.page = 1;
        load();
      } }, data.pageSizes.map((size) => h("option", { value: size, selected: size === state.pageSize }, size)));
    const sort = h("select", { id: "myo-table-sort-order", name: "myo-table-sort-order",
      onchange: (event) => {
        state.sort = event.target.value;
        state.page = 1;
        load();
      } }, data.sorts.map((key) => h("option", { value: key, selected: key === state.sort }, O["sort_" + key])));
    return h("div", { class: "myo-table-controls" },
      h("div", { class: "total-orders-heading" }, h("span", {}, count)),
      h("label", { for: "myo-table-sort-order" }, O.sort_label), sort,
      h("label", { for: "myo-table-results-per-page" }, O.results_per_page), perPage);
  }

  /* ---------- rows ---------- */

  function banner(order) {
    return h("div", { class: "buyer-requested-cancel a-alert a-alert-warning",
      "data-test-id": "buyer-requested-cancel-banner" },
      h("span", { class: "a-alert-content" }, T.banner.text),
      h("div", { class: "buyer-requested-cancel-order-status-message" },
        fmt(T.banner.reason, { reason: order.buyerRequestedCancel.reason })),
      h("div", { class: "buyer-requested-cancel-date" }, fmt(T.banner.date, { date: order.display.bannerDate })));
  }

  function actionsMenu(order) {
    if (!order.actions.includes("cancelOrder")) return null;
    const options = [
      { action: "buyShipping", label: O.action_buy_shipping },
      { action: "printPackingSlip", label: O.action_print_packing_slip },
      { action: "cancelOrder", label: O.action_cancel_order },
    ];
    return h("kat-dropdown-button", { "data-order-id": order.amazonOrderId, label: O.action_more,
      options: JSON.stringify(options) });
  }

  function items(order) {
    return order.orderItems.map((item) => h("div", { class: "myo-list-orders-item" },
      h("div", { class: "myo-list-orders-product-name-cell" },
        h("a", { href: "/dp/" + encodeURIComponent(item.asin || item.sellerSku), target: "_blank" }, item.productName)),
      item.asin ? h("div", {}, fmt(O.asin, { asin: item.asin })) : null,
      h("div", {}, fmt(O.sku, { sku: item.sellerSku })),
      h("div", {}, fmt(O.quantity, { n: item.quantityOrdered })),
      h("div", {}, fmt(O.item_subtotal, { amount: item.display.subtotal }))));
  }

  function orderRow(order) {
    const d = order.display;
    const link = "/orders-v3/order/" + encodeURIComponent(order.amazonOrderId);
    return h("tr", { "data-test-id": "order-row", "data-order-id": order.amazonOrderId },
      h("td", { class: "myo-checkbox-cell" }, h("input", { type: "checkbox", "aria-label": order.amazonOrderId })),
      h("td", { "data-test-id": "oth-order-date" },
        h("div", { class: "cell-body" }, h("div", {}, d.age), h("div", {}, d.date), h("div", {}, d.time))),
      h("td", { "data-test-id": "oth-order-details" }, h("div", { class: "cell-body" },
        h("div", { class: "cell-body-title" }, h("a", { href: link }, order.amazonOrderId)),
        h("div", {}, O.buyer_name + ": ", h("a", { "data-test-id": "buyer-name-with-link",
          href: "/messaging/inbox?fi=search&ss=" + encodeURIComponent(order.amazonOrderId) }, order.buyerName)),
        h("div", { class: "myo-fulfillment-method" }, fmt(O.fulfillment_method, { method: d.fulfillment })))),
      h("td", { "data-test-id": "oth-image" }, h("img", { src: order.orderItems[0].imageUrl, alt: "",
        width: 60, height: 60 })),
      h("td", { "data-test-id": "oth-product-info" }, items(order)),
      h("td", { "data-test-id": "oth-sales-channel" }, d.salesChannel),
      h("td", { "data-test-id": "oth-customer-option" }, h("div", { class: "cell-body" },
        h("div", { class: "cell-body-title" }, O.shipping_standard),
        h("div", {}, fmt(O.ship_by, { date: d.shipBy })),
        h("div", {}, fmt(O.deliver_by, { date: d.deliverBy })))),
      h("td", { "data-test-id": "oth-order-status" }, h("div", { class: "order-status-column" },
        h("span", { class: "main-status " + order.orderStatus.toLowerCase() + "-status" }, d.status))),
      h("td", { class: "myo-table-action-column" }, actionsMenu(order)));
  }

  function table(orders) {
    const heads = ["", O.col_order_date, O.col_order_details, O.col_image, O.col_product_name,
      O.col_sales_channel, O.col_customer_option, O.col_order_status, O.col_action];
    const rows = [];
    for (const order of orders) {
      if (order.showBanner) {
        rows.push(h("tr", { class: "myo-banner-row" }, h("td", { colspan: heads.length }, banner(order))));
      }
      rows.push(orderRow(order));
    }
    return h("table", { id: "orders-table", class: "a-bordered" },
      h("thead", {}, h("tr", {}, heads.map((text) => h("th", {}, text)))), h("tbody", {}, rows));
  }

  /* Fault `changed_layout`: the same content without the table, its data-test-ids or the empty state. */
  function grid(orders) {
    return h("div", { class: "orders-grid" }, orders.map((order) => h("div", { class: "order-card" },
      h("div", { class: "order-card-head" },
        h("a", { href: "/orders-v3/order/" + encodeURIComponent(order.amazonOrderId) }, order.amazonOrderId),
        h("span", { class: "order-card-date" }, order.display.date + " " + order.display.time)),
      order.showBanner ? h("p", { class: "order-card-note" }, T.banner.text + " " +
        fmt(T.banner.reason, { reason: order.buyerRequestedCancel.reason })) : null,
      h("div", { class: "order-card-buyer" }, order.buyerName),
      order.orderItems.map((item) => h("div", { class: "order-card-item" },
        item.productName + " \u00d7" + item.quantityOrdered)),
      h("div", { class: "order-card-status" }, order.display.status),
      actionsMenu(order))));
  }

  function pagination() {
    const pages = Math.max(1, Math.ceil(result.total / state.pageSize));
    const current = state.page;
    const link = (page, text) => h("a", { href: pageUrl(page), "data-page": page }, text);
    const shown = new Set([1, pages]);
    for (let p = current - 2; p <= current + 2; p += 1) if (p >= 1 && p <= pages) shown.add(p);
    const numbers = [...shown].sort((a, b) => a - b);
    const items = [current > 1
      ? h("li", { class: "a-first" }, link(current - 1, O.previous))
      : h("li", { class: "a-first a-disabled" }, O.previous)];
    let previous = 0;
    for (const page of numbers) {
      if (page - previous > 1) items.push(h("li", { class: "a-gap", "aria-hidden": "true" }, "\u2026"));
      items.push(page === current
        ? h("li", { class: "a-selected" }, h("a", { href: pageUrl(page), "aria-current": "page" }, page))
        : h("li", { class: "a-normal" }, link(page, page)));
      previous = page;
    }
    items.push(current < pages
      ? h("li", { class: "a-last" }, link(current + 1, O.next))
      : h("li", { class: "a-last a-disabled" }, O.next));
    return h("div", { class: "pagination-controls" }, h("ul", { class: "a-pagination" }, items));
  }

  function results() {
    const box = h("div", { id: "myo-results" });
    if (result.orders.length === 0) {
      if (!data.changedLayout) box.append(h("div", { "data-test-id": "myo-empty-state", class: "myo-empty" }, O.empty));
    } else {
      box.append(data.changedLayout ? grid(result.orders) : table(result.orders));
    }
    return box;
  }

  function render() {
    const heading = view.kind === "search" ? O.search_heading : O.heading;
    app.replaceChildren(
      h("h1", { class: "myo-heading" }, heading),
      tabs(),
      h("div", { class: "myo-toolbar" }, searchForm(), filters()),
      tableControls(),
      results(),
      pagination());
  }

  app.addEventListener("click", (event) => {
    const link = event.target.closest("a[data-page]");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    state.page = Number(link.dataset.page);
    load();
  });

  app.addEventListener("kat-action", (event) => {
    const id = event.target.dataset.orderId;
    const base = "/orders-v3/order/" + encodeURIComponent(id);
    if (event.detail.action === "cancelOrder") location.assign(base + "/cancel-order");
    else if (event.detail.action === "buyShipping") location.assign(base);
  });

  load();
})();
