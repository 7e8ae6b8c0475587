"""Buyer-Seller Messages (ref §3): the inbox shell, its thread JSON, replies and "No response needed".

The list is newest first by last message, 50 per load; a reply or a "No response needed" mark is
recorded in the state and takes the thread out of "Response needed".
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from automation.sandbox.context import SandboxContext
from automation.sandbox.guard import protected_json, protected_page
from automation.sandbox.layout import NO_STORE, shell
from automation.sandbox.localfmt import LocalFormat
from automation.sandbox.sessions import Session
from automation.sandbox.threads import FOLDERS, Thread, ThreadMessage, ThreadStatus

PAGE_SIZE = 50
MAX_LIMIT = 100
SNIPPET_CHARS = 120
MAX_REPLY_CHARS = 4000
STATUS_TEXT = {
    ThreadStatus.RESPONSE_NEEDED: "messages.status_response_needed",
    ThreadStatus.REPLIED: "messages.status_replied",
    ThreadStatus.NO_RESPONSE_NEEDED: "messages.status_no_response_needed",
}


def snippet(message: ThreadMessage | None) -> str:
    """The first line of a message, cut at 120 characters; "…" when cut or when the message goes on."""
    if message is None:
        return ""
    first, _, rest = message.body.strip().partition("\n")
    first = first.strip()
    if len(first) > SNIPPET_CHARS:
        return first[:SNIPPET_CHARS].rstrip() + "…"
    return first + "…" if rest.strip() else first


def _summary(thread: Thread, fmt: LocalFormat) -> dict[str, Any]:
    return {
        "id": thread.id,
        "subject": thread.subject,
        "buyerName": thread.buyer_name,
        "orderId": thread.order_id,
        "lastMessageAt": thread.last_at.timestamp(),
        "status": thread.status.value,
        "snippet": snippet(thread.latest_buyer_message),
        "display": {"date": fmt.date_time(thread.last_at)},
    }


def _detail(ctx: SandboxContext, thread: Thread) -> dict[str, Any]:
    data = _summary(thread, ctx.fmt)
    data["statusLabel"] = ctx.texts(STATUS_TEXT[thread.status])
    data["messages"] = [
        {
            "sender": m.sender,
            "senderName": m.sender_name,
            "body": m.body,
            "sentAt": m.at.timestamp(),
            "display": {"date": ctx.fmt.date_time(m.at)},
        }
        for m in thread.messages
    ]
    return data


def _bad(message: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=NO_STORE)


@protected_page
async def inbox_page(request: Request, ctx: SandboxContext, session: Session) -> Response:
    params = request.query_params
    folder = params.get("fi", "responseNeeded")
    data = {
        "texts": ctx.texts.sections("messages", "common"),
        "folder": folder if folder in FOLDERS else "responseNeeded",
        "search": params.get("ss", ""),
        "open": params.get("cc", ""),
        "changedLayout": ctx.scenario.faults.changed_layout,
        "pageSize": PAGE_SIZE,
    }
    root = '<div id="messaging-app">{spinner}</div>'
    return shell(ctx, session, title=ctx.texts("messages.title"), root=root, script="inbox.js", data=data)


@protected_json
async def threads_api(request: Request, ctx: SandboxContext, session: Session) -> Response:
    params = request.query_params
    folder = params.get("folder") or "responseNeeded"
    if folder not in FOLDERS:
        return _bad(f"folder must be one of {', '.join(FOLDERS)}")
    try:
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or PAGE_SIZE)
    except ValueError:
        return _bad("offset and limit must be whole numbers")
    if offset < 0 or not 1 <= limit <= MAX_LIMIT:
        return _bad(f"offset must be 0 or more and limit between 1 and {MAX_LIMIT}")
    page, total = ctx.state.threads.list(folder, params.get("q", ""), offset, limit)
    body = {
        "threads": [_summary(t, ctx.fmt) for t in page],
        "total": total,
        "counts": ctx.state.threads.counts(),
    }
    return JSONResponse(body, headers=NO_STORE)


@protected_json
async def thread_api(request: Request, ctx: SandboxContext, session: Session) -> Response:
    thread = ctx.state.thread(request.path_params["thread_id"])
    if thread is None:
        return _bad("not_found", 404)
    return JSONResponse({"thread": _detail(ctx, thread)}, headers=NO_STORE)


async def _json_body(request: Request) -> dict[str, Any]:
    try:
        data = json.loads(await request.body() or b"{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


@protected_json
async def reply_api(request: Request, ctx: SandboxContext, session: Session) -> Response:
    thread = ctx.state.thread(request.path_params["thread_id"])
    if thread is None:
        return _bad("not_found", 404)
    text = (await _json_body(request)).get("text")
    if not isinstance(text, str) or not text.strip():
        return _bad(ctx.texts("messages.reply_empty"))
    if len(text) > MAX_REPLY_CHARS:
        return _bad(f"a reply has at most {MAX_REPLY_CHARS} characters")
    ctx.state.reply(thread, text.strip(), ctx.store_name(session.store))
    return JSONResponse(
        {"thread": _detail(ctx, thread), "counts": ctx.state.threads.counts()}, headers=NO_STORE
    )


@protected_json
async def no_response_api(request: Request, ctx: SandboxContext, session: Session) -> Response:
    thread = ctx.state.thread(request.path_params["thread_id"])
    if thread is None:
        return _bad("not_found", 404)
    ctx.state.mark_no_response_needed(thread)
    return JSONResponse(
        {"thread": _detail(ctx, thread), "counts": ctx.state.threads.counts()}, headers=NO_STORE
    )


ROUTES = [
    Route("/messaging/inbox", inbox_page, methods=["GET"]),
    Route("/messaging/api/threads", threads_api, methods=["GET"]),
    Route("/messaging/api/threads/{thread_id}", thread_api, methods=["GET"]),
    Route("/messaging/api/threads/{thread_id}/reply", reply_api, methods=["POST"]),
    Route("/messaging/api/threads/{thread_id}/no-response-needed", no_response_api, methods=["POST"]),
]
