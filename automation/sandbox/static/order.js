/* Order details: rendered from /orders-api/order/<id>, like the real single-page app. */
"use strict";
(function () {
  const { h, fmt } = SC;
  const data = SC.data();
  const T = data.texts;
  const D = T.details;
  const app = document.getElementById("MYO-app");

  function field(label, testId, value) {
    return h("div", { class: "order-summary-field" }, h("span", { class: "order-summary-label" }, label + ": "),
      h("span", { "data-test-id": testId }, value));
  }

  function render(order) {
    const d = order.display;
    const cancelUrl = "/orders-v3/order/" + encodeURIComponent(order.amazonOrderId) + "/cancel-order";
    const banner = order.showBanner ? h("div", { class: "buyer-requested-cancel a-alert a-alert-warning",
      "data-test-id": "buyer-requested-cancel-banner" },
      h("span", { class: "a-alert-content" }, T.banner.text),
      h("div", { class: "buyer-requested-cancel-order-status-message" },
        fmt(T.banner.reason, { reason: order.buyerRequestedCancel.reason })),
      h("div", { class: "buyer-requested-cancel-date" }, fmt(T.banner.date, { date: d.bannerDate }))) : null;
    const cancel = order.actions.includes("cancelOrder")
      ? h("button", { type: "button", class: "a-button-primary", "data-test-id": "cancel-order-button",
        onclick: () => location.assign(cancelUrl) }, D.cancel_button)
      : null;
    const rows = order.orderItems.map((item) => h("tr", {},
      h("td", {}, item.productName), h("td", {}, item.sellerSku), h("td", {}, item.asin || ""),
      h("td", {}, item.quantityOrdered), h("td", {}, item.display.unitPrice)));
    app.replaceChildren(h("div", { class: "order-details" },
      h("p", {}, h("a", { href: "/orders-v3" }, D.back)),
      h("h1", { "data-test-id": "order-details-label" }, D.label),
      banner,
      h("div", { class: "a-box order-summary" },
        field(D.order_id, "order-id-value", order.amazonOrderId),
        field(D.status, "order-status-value", d.status),
        field(D.fulfillment, "order-summary-fulfillment-value", d.fulfillment),
        field(D.ship_by, "order-summary-shipby-value", d.shipByLong),
        field(D.deliver_by, "order-summary-deliverby-value", d.deliverByLong),
        field(D.purchase_date, "order-summary-purchase-date-value", d.purchaseDate),
        cancel ? h("div", { class: "order-actions" }, cancel) : null),
      h("div", { class: "a-box" }, h("h3", {}, D.ship_to),
        h("div", { "data-test-id": "shipping-section-buyer-address" },
          order.shippingAddress.map((line) => h("div", {}, line)))),
      h("h3", {}, D.items_heading),
      h("table", { class: "a-keyvalue" },
        h("thead", {}, h("tr", {}, [D.col_product, D.col_sku, D.col_asin, D.col_quantity, D.col_unit_price]
          .map((text) => h("th", {}, text)))),
        h("tbody", {}, rows))));
  }

  async function load() {
    try {
      const body = await SC.fetchJson("/orders-api/order/" + encodeURIComponent(data.orderId));
      render(body.order);
    } catch (error) {
      if (error instanceof SC.SignedOut) return;
      if (error instanceof SC.HttpError && error.status === 404) {
        app.replaceChildren(h("div", { class: "a-alert a-alert-error", "data-test-id": "order-not-found" },
          D.not_found));
      } else {
        app.replaceChildren(SC.errorAlert(T));
      }
    }
  }

  load();
})();
