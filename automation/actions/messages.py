"""Acting in Buyer-Seller Messages: the official-request instructions as a reply, and "No response needed".

Both happen at most once per thread (the ledger's action key is the thread), and both are verified by
reading the thread back: a reply must appear in the thread, a mark must show on its status.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from loguru import logger

from automation.errors import ScCancelError
from automation.ledger import ActionKind, ActionRecord, ApprovalWithdrawnError, Ledger
from automation.models import Outcome
from automation.pages.messages import MessagesPage
from automation.sources.context import SourceContext


@dataclass(frozen=True)
class ThreadActionResult:
    state: Outcome
    reason: str


def _open(ctx: SourceContext, action: ActionRecord) -> tuple[MessagesPage, dict[str, Any]]:
    assert action.thread_id is not None
    thread_id, order_id = action.thread_id, action.order_id
    page = MessagesPage(ctx.page, ctx.pages)
    view = ctx.retrying(f"thread {thread_id}", lambda _a: page.open_known_thread(thread_id, order_id))
    return page, view


def _normalized(text: str) -> str:
    return " ".join(text.split())


def send_reply(ctx: SourceContext, ledger: Ledger, action: ActionRecord, text: str) -> ThreadActionResult:
    """Post `text` in the action's thread once, then check it shows in the thread."""
    assert action.thread_id is not None
    page, view = _open(ctx, action)
    if any(_normalized(text) == _normalized(m.get("body", "")) for m in view.get("messages", [])):
        result = ThreadActionResult(Outcome.DONE, "the reply was already in the thread")
        ledger.transition(action.action_id, Outcome.DONE, reason=result.reason)
        return result
    try:
        ledger.transition(action.action_id, Outcome.IN_FLIGHT)
    except ApprovalWithdrawnError as withdrawn:  # a person said no while this run was on its way
        logger.warning("{}", withdrawn)
        return ThreadActionResult(Outcome.PLANNED, str(withdrawn))
    try:
        page.reply(text)
        page.wait_for_message(_normalized(text))
        result = ThreadActionResult(Outcome.DONE, "reply sent")
    except (ScCancelError, Exception) as exc:
        logger.warning("reply in {} not confirmed: {}", action.thread_id, exc)
        result = ThreadActionResult(Outcome.UNKNOWN, f"reply sent but not seen in the thread ({exc})")
    ledger.transition(action.action_id, result.state, reason=result.reason)
    return result


def mark_no_response_needed(
    ctx: SourceContext, ledger: Ledger, action: ActionRecord, done_label: str
) -> ThreadActionResult:
    """Mark the thread "No response needed" once; `done_label` is the status text that proves it."""
    assert action.thread_id is not None
    page, _view = _open(ctx, action)
    if done_label and _normalized(page.status()).casefold() == _normalized(done_label).casefold():
        result = ThreadActionResult(Outcome.DONE, "already marked")
        ledger.transition(action.action_id, Outcome.DONE, reason=result.reason)
        return result
    ledger.transition(action.action_id, Outcome.IN_FLIGHT)
    try:
        page.mark_no_response_needed()
        if done_label:
            page.el("status_label").filter(has_text=done_label).wait_for(state="visible")
        result = ThreadActionResult(Outcome.DONE, "marked No response needed")
    except Exception as exc:
        logger.warning("'No response needed' on {} not confirmed: {}", action.thread_id, exc)
        result = ThreadActionResult(Outcome.UNKNOWN, f"clicked but not confirmed ({exc})")
    ledger.transition(action.action_id, result.state, reason=result.reason)
    return result


def settle_thread_action(
    ctx: SourceContext, ledger: Ledger, action: ActionRecord, *, reply_text: str, done_label: str
) -> ThreadActionResult:
    """Resolve a reply or mark a previous run left in flight or unknown, by reading the thread, never by
    acting again: what the thread shows is what happened. Without this, a run killed while a reply was
    on its way would leave the action failed (and every later run reporting it) although the reply
    reached the buyer."""
    assert action.thread_id is not None
    page, view = _open(ctx, action)
    if action.kind is ActionKind.REPLY:
        happened = any(
            _normalized(reply_text) == _normalized(m.get("body", "")) for m in view.get("messages", [])
        )
        seen = "the reply is in the thread"
    else:
        happened = bool(done_label) and (
            _normalized(page.status()).casefold() == _normalized(done_label).casefold()
        )
        seen = "the thread shows No response needed"
    if happened:
        result = ThreadActionResult(Outcome.DONE, f"confirmed on a later run: {seen}")
    else:
        result = ThreadActionResult(
            Outcome.FAILED,
            f"lost sight of it after sending and the thread does not show it; not repeated, check the "
            f"thread by hand ({action.thread_id})",
        )
    ledger.transition(action.action_id, result.state, reason=result.reason)
    return result
