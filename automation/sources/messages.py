"""The Buyer-Seller Messages channel: legacy official requests and buyers' own cancellation inquiries.

Reads the "All" view newest first, grown as the selector file says ("Load more" or page after page),
and stops at the first thread it already classified with the same last activity (everything below it is
older and was read before), where the dates listed show the list newest first (`NewestFirst`). A
thread is opened only when its list entry cannot decide (a cut-off preview without a decisive phrase),
or when it is an official request whose reason and time no other channel showed; where
(`threads.body`): a pane beside the list, its own page, or nowhere (the preview is all).
Threads read earlier still count: their verdicts come from the ledger's marks.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from loguru import logger

from automation.errors import PageChangedError
from automation.ledger.records import ThreadKind, ThreadMark
from automation.models import Channel, MessageThread, RequestKind, Sighting
from automation.pages.messages import MessagesPage
from automation.parsers.classifier import Verdict, classify
from automation.parsers.messages import parse_thread_item, snippet_truncated, thread_text
from automation.selector_keys import ThreadBody
from automation.sources.context import SourceContext


@dataclass
class MessagesReading:
    sightings: list[tuple[str, Sighting]] = field(default_factory=list)
    marks: list[ThreadMark] = field(default_factory=list)
    threads_listed: int = 0
    threads_opened: int = 0
    stopped_at_seen: bool = False


class NewestFirst:
    """Whether the list read so far shows itself sorted newest first: each entry's date no later than
    the one above it. Only then does a thread already seen, unchanged, stand for everything below it; on
    a list in another order the listing goes on (skipping the unchanged threads themselves). Every row of
    a batch is seen before any of it is judged, so a stop rests on the whole page shown."""

    def __init__(self) -> None:
        self.last: datetime | None = None
        self.holds = True

    def see(self, received_at: datetime | None) -> None:
        if received_at is None:
            self.holds = False
            return
        if self.last is not None and received_at > self.last:
            if self.holds:
                logger.info("messages: the inbox is not listed newest first; reading all of it")
            self.holds = False
        self.last = received_at


def _list_new_threads(
    ctx: SourceContext,
    mp: MessagesPage,
    marks: Mapping[str, ThreadMark],
    judge: Callable[[MessageThread, str], None],
) -> tuple[int, int, bool]:
    """List threads newer than the last scan, newest first, and `judge` each as soon as it is listed.

    Judging (and opening where needed) before the next "Load more" opens every thread while the list is
    as short as it will be: the inbox re-renders its whole list on each open, so on 3,000 entries an open
    costs twice what it costs on the first few hundred. Returns how many entries were listed, how many
    were new, and whether the listing stopped at a thread already seen.

    A list shown page by page is read from its top each page; the page's address is kept, so after
    threads read on their own pages (or a failure) the listing goes back to it before the next page.
    Two rows with one identity in a listing (same order and subject, on an inbox without thread ids)
    are told apart by their order in it.
    """
    ctx.retrying("messages", lambda _a: mp.open("all"))
    listed = fresh = 0
    named: dict[str, int] = {}
    order = NewestFirst()
    while True:
        items = mp.read_items(listed if mp.appends else 0)
        list_url = mp.page.url
        listed += len(items)
        threads = [ctx.parse(parse_thread_item, raw) for raw in items]
        for thread in threads:
            order.see(thread.received_at)
        for raw, listed_thread in zip(items, threads, strict=True):
            thread = listed_thread
            named[thread.thread_id] = named.get(thread.thread_id, 0) + 1
            if named[thread.thread_id] > 1:
                thread = thread.model_copy(
                    update={"thread_id": f"{thread.thread_id}#{named[thread.thread_id]}"}
                )
            mark = marks.get(thread.thread_id)
            if mark is not None and mark.last_activity == thread.received_at:
                if order.holds:
                    return listed, fresh, True
                continue  # this thread is unchanged; the list's order says nothing about those below
            fresh += 1
            judge(thread, str(raw.get("link") or ""))

        def more(attempt: int, shown: int = listed, url: str = list_url) -> bool:
            if not mp.appends:
                if attempt > 0:
                    mp.goto(url)
                    mp.wait_ready()
                else:
                    mp.back_to_list(url)
                return mp.grow()
            # After an error alert, a new sign-in, or a thread opened by its URL, the list may have
            # started over: load it back to where it was first.
            if attempt > 0 and not mp.has("thread_list"):
                mp.open("all")
            while mp.item_count() < shown:
                if not mp.load_more():
                    break
            return mp.load_more()

        if not ctx.retrying(f"messages load more (after {listed})", more):
            return listed, fresh, False
        ctx.list_step()


def _kind(verdict: Verdict) -> ThreadKind:
    return ThreadKind(verdict.kind) if verdict.kind in ("official", "inquiry") else ThreadKind.OTHER


def read_requests(
    ctx: SourceContext,
    marks: Mapping[str, ThreadMark],
    *,
    knows_details: Callable[[str], bool],
) -> MessagesReading:
    """Requests found in the inbox. `knows_details(order_id)` says another channel already gave the
    reason and time of an official request, so its thread need not be opened."""
    mp = MessagesPage(ctx.page, ctx.pages)
    reading = MessagesReading()

    body = mp.threads.body

    def judge(thread: MessageThread, link: str) -> None:
        verdict = classify(
            thread.subject,
            thread.snippet,
            thread_order_id=thread.order_id,
            truncated=snippet_truncated(thread.snippet),
            texts=ctx.all_texts,
        )
        order_id = verdict.order_id or thread.order_id
        must_open = verdict.kind == "undecided" or (
            verdict.kind == "official"
            and (verdict.reason is None or verdict.requested_at is None)
            and not (order_id and knows_details(order_id))
        )
        if must_open and body is ThreadBody.PREVIEW:
            # Nothing to open: a cut-off preview stays undecided (listed as another kind of thread).
            logger.warning(
                "thread {}: its preview cannot decide and threads are not opened", thread.thread_id
            )
        elif must_open:

            def open_view(attempt: int, t: MessageThread = thread) -> dict[str, Any]:
                if body is ThreadBody.PAGE:
                    return mp.open_thread_page(link, t.thread_id)
                if attempt == 0:
                    return mp.open_thread(t.thread_id, t.subject)
                return mp.open_thread_by_url(t.thread_id)

            view = ctx.retrying(f"thread {thread.thread_id}", open_view)
            reading.threads_opened += 1
            ctx.list_step()
            verdict = classify(
                thread.subject,
                thread_text(view, ctx.texts, buyer_name=thread.buyer_name, seller_names=ctx.seller_names),
                thread_order_id=thread.order_id,
                truncated=False,
                texts=ctx.all_texts,
            )
            order_id = verdict.order_id or thread.order_id
        kind = _kind(verdict)
        if thread.received_at is None:
            # The date is how a later scan knows the thread is unchanged: a list without dates is not
            # the page the selectors were written for.
            raise PageChangedError(
                f"messages: thread {thread.thread_id} is listed without a date; Seller Central may have "
                "changed the inbox (check the `date` field of selectors/messages.yaml)",
                page_key="messages",
            )
        requested_at = verdict.requested_at or (thread.received_at if kind is ThreadKind.INQUIRY else None)
        earlier = marks.get(thread.thread_id)
        if earlier is not None and earlier.kind is kind and earlier.requested_at is not None:
            # A thread moves up with every new message (our own reply too); the request is as old as
            # when it was first seen.
            requested_at = min(requested_at, earlier.requested_at) if requested_at else earlier.requested_at
        reading.marks.append(
            ThreadMark(
                thread_id=thread.thread_id,
                last_activity=thread.received_at,
                kind=kind,
                order_id=order_id,
                reason=verdict.reason,
                requested_at=requested_at,
            )
        )

    reading.threads_listed, fresh, reading.stopped_at_seen = _list_new_threads(ctx, mp, marks, judge)
    fresh_ids = {m.thread_id for m in reading.marks}
    carried = [m for tid, m in marks.items() if tid not in fresh_ids]
    for mark in [*reading.marks, *carried]:
        if mark.kind is ThreadKind.OTHER or mark.order_id is None:
            continue
        official = mark.kind is ThreadKind.OFFICIAL
        reading.sightings.append(
            (
                mark.order_id,
                Sighting(
                    channel=Channel.MESSAGES,
                    kind=RequestKind.OFFICIAL if official else RequestKind.INQUIRY,
                    detail="template" if official else "buyer_message",
                    thread_id=mark.thread_id,
                    reason=mark.reason,
                    requested_at=mark.requested_at,
                ),
            )
        )
    logger.debug(
        "messages: {} listed, {} new, {} opened, stopped at a seen thread: {}",
        reading.threads_listed,
        fresh,
        reading.threads_opened,
        reading.stopped_at_seen,
    )
    return reading
