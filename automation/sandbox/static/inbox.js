/* Buyer-Seller Messages: folders, search, the thread list (50 per load, "Load more") and the thread view
   with reply and "No response needed", all rendered from /messaging/api/*. */
"use strict";
(function () {
  const { h } = SC;
  const data = SC.data();
  const T = data.texts;
  const M = T.messages;
  const app = document.getElementById("messaging-app");
  const FOLDERS = [["all", M.folder_all], ["responseNeeded", M.folder_response_needed],
    ["sent", M.folder_sent], ["resolved", M.folder_resolved]];
  const state = { folder: data.folder, search: data.search, threads: [], total: 0, counts: null, openId: null };
  let listBox = null;
  let loadMoreBox = null;
  let threadPane = null;
  let metrics = null;

  function listUrl(offset) {
    const q = new URLSearchParams({ folder: state.folder, offset: offset, limit: data.pageSize });
    if (state.folder === "search") q.set("q", state.search);
    return "/messaging/api/threads?" + q.toString();
  }

  function pageUrl() {
    const q = new URLSearchParams({ fi: state.folder });
    if (state.folder === "search") q.set("ss", state.search);
    if (state.openId) q.set("cc", state.openId);
    return "/messaging/inbox?" + q.toString();
  }

  function metricsCard() {
    const c = state.counts;
    const metric = (key, label) => h("div", { class: "metric", "data-metric": key },
      h("span", { class: "metric-label" }, label), h("span", { class: "metric-value" }, c[key]));
    return h("div", { class: "metrics-card" }, metric("responseNeeded", M.metric_response_needed),
      metric("sent", M.metric_sent), metric("resolved", M.metric_resolved));
  }

  function folderList() {
    return h("nav", { id: "folder-list" }, FOLDERS.map(([key, label]) => h("a", {
      href: "/messaging/inbox?fi=" + key, "data-folder": key,
      class: "folder-link" + (state.folder === key ? " folder-selected" : ""),
    }, label)));
  }

  function searchBar() {
    const input = h("input", { id: "threads-search-input", type: "search", value: state.search,
      placeholder: M.search_placeholder, "aria-label": M.search_placeholder });
    const go = () => location.assign("/messaging/inbox?fi=search&ss=" + encodeURIComponent(input.value.trim()));
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") go();
    });
    return h("div", { id: "threads-list-search-bar" }, input,
      h("button", { id: "threads-search-button", type: "button", class: "a-button", onclick: go }, M.search_button));
  }

  function listItem(thread) {
    const selected = thread.id === state.openId;
    if (data.changedLayout) {
      return h("div", { class: "conversation" + (selected ? " conversation-open" : ""), "data-thread-id": thread.id,
        onclick: () => openThread(thread.id) },
        h("div", { class: "conversation-title" }, thread.subject),
        h("div", { class: "conversation-from" }, thread.buyerName + (thread.orderId ? " \u00b7 " + thread.orderId : "")),
        h("div", { class: "conversation-time" }, thread.display.date),
        h("div", { class: "conversation-preview" }, thread.snippet));
    }
    return h("li", { class: "thread-list-item" + (selected ? " thread-selected" : ""), "data-thread-id": thread.id,
      tabindex: 0, onclick: () => openThread(thread.id) },
      h("div", { class: "thread-subject" }, thread.subject),
      h("div", { class: "thread-meta" }, h("span", { class: "thread-buyer-name" }, thread.buyerName),
        h("span", { class: "thread-order-id" }, thread.orderId || ""),
        h("span", { class: "thread-date" }, thread.display.date)),
      h("div", { class: "thread-snippet" }, thread.snippet));
  }

  function renderList() {
    if (state.threads.length === 0) {
      listBox.replaceChildren(data.changedLayout ? h("div", { class: "conversation-feed" })
        : h("div", { id: "threads-empty-state" },
          state.folder === "responseNeeded" ? M.empty_response_needed : M.empty));
    } else {
      const items = state.threads.map(listItem);
      listBox.replaceChildren(data.changedLayout ? h("div", { class: "conversation-feed" }, items)
        : h("ul", { id: "threads-list" }, items));
    }
    loadMoreBox.replaceChildren(state.threads.length < state.total
      ? h("button", { id: "load-more-threads", type: "button", class: "a-button", onclick: loadMore }, M.load_more)
      : "");
  }

  /* A failed "Load more" keeps the list, shows the alert above it and leaves the button for a retry. */
  async function loadMore(event) {
    const button = event.target;
    button.disabled = true;
    document.querySelectorAll("#sc-error-alert").forEach((alert) => alert.remove());
    try {
      const body = await SC.fetchJson(listUrl(state.threads.length));
      const known = new Set(state.threads.map((t) => t.id));
      state.threads.push(...body.threads.filter((t) => !known.has(t.id)));
      state.total = body.total;
      renderList();
    } catch (error) {
      if (error instanceof SC.SignedOut) return;
      listBox.before(SC.errorAlert(T));
      button.disabled = false;
    }
  }

  function threadView(thread, notice) {
    const text = h("textarea", { id: "reply-text", name: "replyText", rows: 5, placeholder: M.reply_placeholder });
    const problem = h("div", { class: "reply-error", role: "alert" }, notice || "");
    const act = async (request) => {
      try {
        const body = await request();
        state.counts = body.counts;
        if (state.folder === "responseNeeded" && body.thread.status !== "responseNeeded") {
          state.threads = state.threads.filter((t) => t.id !== body.thread.id);
          state.total = Math.max(0, state.total - 1);
        } else {
          state.threads = state.threads.map((t) => (t.id === body.thread.id ? body.thread : t));
        }
        const fresh = metricsCard();
        metrics.replaceWith(fresh);
        metrics = fresh;
        renderList();
        showThread(body.thread);
      } catch (error) {
        if (error instanceof SC.SignedOut) return;
        if (error instanceof SC.HttpError && error.status === 400 && error.body) problem.textContent = error.body.error;
        else threadPane.replaceChildren(SC.errorAlert(T));
      }
    };
    const send = h("button", { id: "reply-send", type: "button", class: "a-button-primary", onclick: () => {
      if (!text.value.trim()) {
        problem.textContent = M.reply_empty;
        return;
      }
      act(() => SC.postJson("/messaging/api/threads/" + encodeURIComponent(thread.id) + "/reply",
        { text: text.value }));
    } }, M.send);
    const noResponse = h("button", { id: "no-response-needed", type: "button", class: "a-button", onclick: () =>
      act(() => SC.postJson("/messaging/api/threads/" + encodeURIComponent(thread.id) + "/no-response-needed")),
    }, M.no_response_needed);
    return h("section", { id: "thread-view", "data-thread-id": thread.id },
      h("h2", { class: "thread-view-subject" }, thread.subject),
      h("div", { class: "thread-view-meta" },
        thread.orderId ? h("span", { class: "thread-view-order" }, M.order_label + ": " + thread.orderId) : null,
        h("span", { class: "case-status-label" }, thread.statusLabel)),
      thread.messages.map((m) => h("div", { class: "message-item message-" + m.sender },
        h("div", { class: "message-sender" }, m.sender === "seller" ? M.you : m.senderName),
        h("div", { class: "message-date" }, m.display.date),
        h("div", { class: "message-body" }, m.body))),
      h("div", { class: "reply-box" }, h("label", { for: "reply-text" }, M.reply_label), text, problem,
        h("div", { class: "reply-actions" }, send, noResponse)));
  }

  function showThread(thread) {
    state.openId = thread.id;
    threadPane.replaceChildren(threadView(thread));
    listBox.querySelectorAll("[data-thread-id]").forEach((item) => {
      const open = item.dataset.threadId === thread.id;
      item.classList.toggle(data.changedLayout ? "conversation-open" : "thread-selected", open);
    });
    history.replaceState(null, "", pageUrl());
  }

  async function openThread(id) {
    threadPane.replaceChildren(SC.spinner(T));
    try {
      const body = await SC.fetchJson("/messaging/api/threads/" + encodeURIComponent(id));
      showThread(body.thread);
    } catch (error) {
      if (error instanceof SC.SignedOut) return;
      if (error instanceof SC.HttpError && error.status === 404) {
        threadPane.replaceChildren(h("div", { class: "a-alert a-alert-error" }, M.not_found));
      } else {
        threadPane.replaceChildren(SC.errorAlert(T));
      }
    }
  }

  async function start() {
    let body;
    try {
      body = await SC.fetchJson(listUrl(0));
    } catch (error) {
      if (!(error instanceof SC.SignedOut)) app.replaceChildren(SC.errorAlert(T));
      return;
    }
    state.threads = body.threads;
    state.total = body.total;
    state.counts = body.counts;
    listBox = h("div", { class: "threads-list-box" });
    loadMoreBox = h("div", { class: "load-more-box" });
    threadPane = h("div", { class: "inbox-thread-pane" }, h("p", { class: "thread-placeholder" }, M.select_thread));
    metrics = metricsCard();
    const folderTitle = state.folder === "search" ? M.folder_search
      : (FOLDERS.find(([key]) => key === state.folder) || [null, M.folder_all])[1];
    app.replaceChildren(h("h1", { class: "inbox-heading" }, M.heading), metrics,
      h("div", { class: "inbox-body" }, folderList(),
        h("div", { class: "inbox-list-pane" }, searchBar(), h("h2", { class: "current-folder" }, folderTitle),
          listBox, loadMoreBox),
        threadPane));
    renderList();
    if (data.open) openThread(data.open);
  }

  start();
})();
