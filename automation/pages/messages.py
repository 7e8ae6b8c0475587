"""Buyer-Seller Messages (`/messaging/inbox`): the thread list, "Load more", search, the thread view,
reply and "No response needed". Returns raw strings; `parsers.messages` and the classifier read them."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from automation.pages.base import PageObject, TransientPageError
from automation.pages.extract import count_matches, read_thread_items, read_thread_view


class MessagesPage(PageObject):
    page_key = "messages"

    def open(self, folder: str = "all") -> str:
        self.goto(f"/messaging/inbox?fi={folder}")
        return self.wait_ready()

    def search(self, text: str) -> str:
        self.goto(f"/messaging/inbox?fi=search&ss={quote(text)}")
        return self.wait_ready()

    def item_count(self) -> int:
        return count_matches(self.page, self.sel.field("items"))

    def read_items(self, start: int = 0) -> list[dict[str, str]]:
        if not self.has("thread_list"):
            return []
        return read_thread_items(self.page, self.sel.fields, start)

    def load_more(self) -> bool:
        """Append the next threads; False when everything is shown."""
        button = self.el("load_more")
        if not button.count() or not button.is_visible():
            return False
        before = self.item_count()
        button.click()
        try:
            self.page.wait_for_function(
                "([sels, n]) => { for (const s of sels) { const c = document.querySelectorAll(s).length;"
                " if (c) return c > n; } return false; }",
                arg=[self.sel.field("items"), before],
            )
        except PlaywrightTimeoutError:
            self.classify_visible()
            raise TransientPageError("messages: 'Load more' brought nothing") from None
        return True

    def open_thread(self, thread_id: str, subject: str | None = None) -> dict[str, Any]:
        """Show one thread in the right-hand pane and read its messages.

        The pane is reused between threads, so when the listing's subject is known the wait is for
        the pane to show that subject, not merely for the pane.
        """
        attr = self.sel.field("thread_id_attr")[0]
        self.el("thread_list").locator(f'[{attr}="{thread_id}"]').first.click()
        self.el("thread_view").wait_for(state="visible")
        if subject:
            self.page.wait_for_function(
                "([sels, want]) => { for (const s of sels) { const el = document.querySelector(s);"
                " if (el) return el.innerText.trim() === want; } return false; }",
                arg=[self.sel.field("view_subject"), subject],
            )
        return read_thread_view(self.page, self.sel.fields)

    def open_thread_by_url(self, thread_id: str) -> dict[str, Any]:
        self.goto(f"/messaging/inbox?fi=all&cc={quote(thread_id)}")
        self.el("thread_view").wait_for(state="visible")
        return read_thread_view(self.page, self.sel.fields)

    def status(self) -> str:
        label = self.el("status_label")
        return label.inner_text().strip() if label.count() else ""

    def reply(self, text: str) -> None:
        self.el("reply_text").fill(text)
        self.el("reply_send").click()

    def mark_no_response_needed(self) -> None:
        self.el("no_response_needed").click()
