"""Buyer-Seller Messages (`/messaging/inbox`): the thread list, "Load more", search, the thread view,
reply and "No response needed". Returns raw strings; `parsers.messages` and the classifier read them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar
from urllib.parse import quote

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from automation.errors import PageChangedError
from automation.pages.base import PageObject, TransientPageError
from automation.pages.element import BLOCKED
from automation.pages.list_check import check_hint, verify_rows
from automation.pages.list_growth import more_click
from automation.pages.reload import wait_for_reload
from automation.parsers.messages import HASHED, thread_identity
from automation.selector_keys import Growth, ListSpec, RowId, ThreadsSpec


class MessagesPage(PageObject):
    page_key = "messages"
    default_lists: ClassVar[Mapping[str, ListSpec]] = {
        "threads": ListSpec(
            landmark="thread_list",
            rows="items",
            empty_state="empty_state",
            response="threads_list",
            growth=Growth.LOAD_MORE,
            more="load_more",
            row_id=RowId(attribute="data-thread-id"),
        )
    }

    def open(self, folder: str = "all") -> str:
        self.goto(f"/messaging/inbox?fi={folder}")
        return self.wait_ready()

    def search(self, text: str) -> str:
        self.goto(f"/messaging/inbox?fi=search&ss={quote(text)}")
        return self.wait_ready()

    @property
    def threads(self) -> ThreadsSpec:
        """How threads are told apart and read (`threads` of the selector file; defaults: ids, a pane)."""
        return self.sel.threads or ThreadsSpec()

    @property
    def appends(self) -> bool:
        """Whether growing the list adds rows under those shown ("Load more") rather than replacing them
        with the next page's."""
        return self.list_spec("threads").growth is Growth.LOAD_MORE

    def item_count(self) -> int:
        return self.dom.count_rows(self.list_spec("threads").rows)

    def read_items(self, start: int = 0) -> list[dict[str, str]]:
        """List entries from position `start` on; none when the folder shows its empty state.

        The first read of a page is checked against the page (`list_check`): a list shown with no rows
        read, or fewer than its count says, is a changed page.
        """
        spec = self.list_spec("threads")
        row_id = spec.row_id
        items: list[dict[str, str]] = self.dom.read_rows(
            "thread_rows",
            start,
            self.sel.field(spec.rows),
            row_id.attribute if row_id else None,
            row_id.field if row_id else None,
            self.threads.link,
        )
        for item in items:
            item["identity"] = str(self.threads.identity)
        if start == 0:
            verify_rows(self, "threads", spec, len(items), only_page=spec.growth is Growth.SINGLE)
        return items

    def grow(self) -> bool:
        """The next threads, as `lists.threads.growth` says: appended by "Load more", or the next page
        in place of this one (`next`, `numbered`); False when everything was shown."""
        if self.appends:
            return self.load_more()
        spec = self.list_spec("threads")
        click = more_click(self, spec)
        if click is None:
            return False
        pattern = self.sel.responses.get(spec.response) if spec.response else None
        try:
            wait_for_reload(self.page, spec, pattern, click)
        except PlaywrightTimeoutError:
            self.classify_visible()
            raise TransientPageError("messages: the next page of threads did not load") from None
        self.wait_ready()
        return True

    def back_to_list(self, url: str) -> None:
        """Back to the page of the list at `url` (after reading a thread on its own page)."""
        if self.page.url != url:
            self.goto(url)
            self.wait_ready()

    def open_thread_page(self, link: str, thread_id: str) -> dict[str, Any]:
        """Read a thread on its own page, following its row's link (`threads.body: page`)."""
        if not link:
            raise PageChangedError(
                f"messages: thread {thread_id} is listed without a link to its page at {self.page.url}; "
                f"edit field `{self.threads.link}` (threads.link) in selectors/messages.yaml. Check the "
                f"edit with `{check_hint(self.ctx.selectors_dir)}`",
                page_key=self.page_key,
                element=self.threads.link,
            )
        self.goto(link)
        self.wait_for_part(self.el("thread_view"), f"thread {thread_id}")
        return self._read_thread_view()

    def load_more(self) -> bool:
        """Append the next threads; False when everything is shown.

        In-page steps where the candidates allow (`Elements.click_growing`): on a list of thousands each
        locator call costs 50-100 ms.
        """
        rows = self.list_spec("threads").rows
        before = self.dom.click_growing("load_more", rows)
        if before is None:
            return False
        # More entries, or what the site shows instead (its error alert above the list when loading more
        # failed, the sign-in form): those end the wait at once instead of after the full timeout.
        try:
            outcome = self.dom.wait_until_grown(rows, before)
        except PlaywrightTimeoutError:
            self.classify_visible()
            raise TransientPageError("messages: 'Load more' brought nothing") from None
        if outcome == BLOCKED:
            self.classify_visible()
            raise TransientPageError("messages: 'Load more' failed (the site showed an error)")
        return True

    def open_thread(self, thread_id: str, subject: str | None = None) -> dict[str, Any]:
        """Show one thread in the right-hand pane and read its messages.

        The pane is reused between threads, so when the listing's subject is known the wait is for
        the pane to show that subject, not merely for the pane. Both the click and the wait are in-page
        steps (`Elements.open_row`): with Playwright's mouse click and locator waits, opening a thread
        from a list of 3,000 took 0.25-0.8 s, most of it spent walking the list (bench/scan.py,
        2026-11-26). An entry no longer listed (the list was reloaded meanwhile) is opened by its URL
        instead.
        """
        attr = self.sel.field("thread_id_attr")[0]
        wanted = " ".join(subject.split()) if subject else None
        try:
            shown = self.dom.open_row(self.list_spec("threads").rows, attr, thread_id, "thread_view", wanted)
        except PlaywrightTimeoutError:
            self.classify_visible()
            raise TransientPageError(f"messages: thread {thread_id} did not show its subject") from None
        if shown is None:
            return self.open_thread_by_url(thread_id)
        if shown == BLOCKED or isinstance(shown, str):
            self.classify_visible()
            raise TransientPageError(f"messages: Seller Central showed an error alert for thread {thread_id}")
        result: dict[str, Any] = shown
        return result

    def open_known_thread(self, thread_id: str, order_id: str | None) -> dict[str, Any]:
        """Open a thread a scan named: by its URL where the site names threads by id; a thread named
        by a hash (an inbox without ids) is found again among the threads listed for its order and
        read on its own page."""
        if not thread_id.startswith(HASHED):
            return self.open_thread_by_url(thread_id)
        base, _, nth = thread_id.partition("#")
        if order_id:
            self.search(order_id)
        else:
            self.open("all")
        rows = [r for r in self.read_items() if thread_identity(r) == base]
        index = int(nth) - 1 if nth.isdigit() else 0
        if index >= len(rows):
            raise TransientPageError(f"messages: thread {thread_id} is not listed for order {order_id}")
        return self.open_thread_page(str(rows[index].get("link") or ""), thread_id)

    def open_thread_by_url(self, thread_id: str) -> dict[str, Any]:
        self.goto(f"/messaging/inbox?fi=all&cc={quote(thread_id)}")
        self.wait_for_part(self.el("thread_view"), f"thread {thread_id}")
        return self._read_thread_view()

    def _read_thread_view(self) -> dict[str, Any]:
        view: dict[str, Any] = self.dom.read_rows("thread_view")
        return view

    def status(self) -> str:
        label = self.el("status_label")
        return label.inner_text().strip() if label.count() else ""

    def reply(self, text: str) -> None:
        self.el("reply_text").fill(text)
        self.el("reply_send").click()

    def wait_for_message(self, body: str) -> None:
        """Wait until the open thread shows a message with this body (spacing ignored)."""
        self.dom.wait_until_text("message_body", body)

    def mark_no_response_needed(self) -> None:
        self.el("no_response_needed").click()
