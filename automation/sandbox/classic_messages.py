"""Buyer-Seller Messages in the `classic` layout: the same threads and records as the single-page inbox,
rendered on the server the way ref §12.4 describes today's inbox.

- The list's rows are `kat-table-row`s inside a `kat-table`'s open shadow root (declarative shadow DOM,
  so there is no script to wait for): a reader that does not enter shadow roots sees no rows.
- No thread id on any row; the order id appears only inside the subject.
- 25 threads per page, a range text ("1–25 of 41") and Previous/Next links that load a new document.
- A thread opens on its own page, `?fi=caseId&cc=<case id>`, by following its subject. Case ids are
  opaque numbers (as Amazon's are), never the sandbox's `t-N`.
"""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from automation.sandbox.context import SandboxContext
from automation.sandbox.guard import protected_page, read_form, redirect
from automation.sandbox.layout import screen
from automation.sandbox.routes_messages import MAX_REPLY_CHARS, STATUS_TEXT, snippet
from automation.sandbox.sessions import Session
from automation.sandbox.threads import FOLDERS, Thread

PAGE_SIZE = 25
_FOLDER_TEXT = {
    "all": "messages.folder_all",
    "responseNeeded": "messages.folder_response_needed",
    "sent": "messages.folder_sent",
    "resolved": "messages.folder_resolved",
}


def case_id(thread: Thread) -> str:
    """A stable, opaque number for a thread, like the `cc=` of Amazon's case links."""
    return str(int.from_bytes(hashlib.sha256(thread.id.encode()).digest()[:5], "big"))


def _thread_of(ctx: SandboxContext, case: str) -> Thread | None:
    return next((t for t in ctx.state.threads.threads.values() if case_id(t) == case), None)


def _case_url(thread: Thread) -> str:
    return "/messaging/inbox?" + urlencode({"fi": "caseId", "cc": case_id(thread)})


def _list_url(folder: str, search: str, page: int) -> str:
    params = {"fi": folder, **({"ss": search} if folder == "search" else {}), "page": str(page)}
    return "/messaging/inbox?" + urlencode(params)


def _list_page(request: Request, ctx: SandboxContext, session: Session) -> Response:
    params = request.query_params
    folder = params.get("fi", "responseNeeded")
    folder = folder if folder in FOLDERS else "responseNeeded"
    search = params.get("ss", "") if folder == "search" else ""
    try:
        page = max(1, int(params.get("page") or 1))
    except ValueError:
        page = 1
    total = ctx.state.threads.list(folder, search, 0, 0)[1]
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(page, pages)
    threads, _ = ctx.state.threads.list(folder, search, (page - 1) * PAGE_SIZE, PAGE_SIZE)
    first = (page - 1) * PAGE_SIZE + 1
    shown = [
        {
            "buyer": t.buyer_name,
            "subject": t.subject,
            "preview": snippet(t.latest_buyer_message),
            "date": ctx.fmt.date_time(t.last_at),
            "href": _case_url(t),
        }
        for t in threads
    ]
    folders = [(key, ctx.texts(text)) for key, text in _FOLDER_TEXT.items()]
    title = ctx.texts(_FOLDER_TEXT[folder]) if folder in _FOLDER_TEXT else ctx.texts("messages.folder_search")
    empty = ctx.texts("messages.empty_response_needed" if folder == "responseNeeded" else "messages.empty")
    counters = [
        ("responseNeeded", ctx.texts("messages.metric_response_needed")),
        ("sent", ctx.texts("messages.metric_sent")),
        ("resolved", ctx.texts("messages.metric_resolved")),
    ]
    values: dict[str, Any] = {
        "counters": counters,
        "counts": ctx.state.threads.counts(),
        "folders": folders,
        "folder": folder,
        "search": search,
        "folder_title": title,
        "threads": shown,
        "empty": empty,
        "changed_layout": ctx.scenario.faults.changed_layout,
        "range": ctx.texts("classic.range", first=first, last=first + len(threads) - 1, total=total)
        if threads
        else "",
        "previous": _list_url(folder, search, page - 1) if page > 1 else None,
        "next": _list_url(folder, search, page + 1) if page < pages else None,
    }
    return screen(ctx, session, "classic/inbox.html", title=ctx.texts("messages.title"), scripts=(), **values)


def _thread_page(
    ctx: SandboxContext, session: Session, case: str, *, problem: str | None = None, status_code: int = 200
) -> Response:
    thread = _thread_of(ctx, case)
    messages = []
    if thread is not None:
        messages = [
            {
                "sender": m.sender,
                "name": ctx.texts("messages.you") if m.sender == "seller" else m.sender_name,
                "date": ctx.fmt.date_time(m.at),
                "body": m.body,
            }
            for m in thread.messages
        ]
    response = screen(
        ctx,
        session,
        "classic/thread.html",
        title=thread.subject if thread else ctx.texts("messages.title"),
        scripts=(),
        thread=thread,
        status=ctx.texts(STATUS_TEXT[thread.status]) if thread else "",
        messages=messages,
        case=case,
        problem=problem,
        back="/messaging/inbox?fi=responseNeeded",
    )
    if thread is None:
        response.status_code = 404
    return response


@protected_page
async def inbox(request: Request, ctx: SandboxContext, session: Session) -> Response:
    if request.query_params.get("cc"):
        return _thread_page(ctx, session, request.query_params["cc"])
    return _list_page(request, ctx, session)


@protected_page
async def reply(request: Request, ctx: SandboxContext, session: Session) -> Response:
    form = await read_form(request)
    case = form.get("cc", "")
    thread = _thread_of(ctx, case)
    text = form.get("text", "").strip()
    if thread is None:
        return _thread_page(ctx, session, case)
    if not text:
        return _thread_page(ctx, session, case, problem=ctx.texts("messages.reply_empty"))
    if len(text) > MAX_REPLY_CHARS:
        return _thread_page(ctx, session, case, problem=f"a reply has at most {MAX_REPLY_CHARS} characters")
    ctx.state.reply(thread, text, ctx.store_name(session.store))
    return redirect(_case_url(thread))


@protected_page
async def no_response_needed(request: Request, ctx: SandboxContext, session: Session) -> Response:
    case = (await read_form(request)).get("cc", "")
    thread = _thread_of(ctx, case)
    if thread is None:
        return _thread_page(ctx, session, case)
    ctx.state.mark_no_response_needed(thread)
    return redirect(_case_url(thread))


ROUTES = [
    Route("/messaging/inbox", inbox, methods=["GET"]),
    Route("/messaging/inbox/reply", reply, methods=["POST"]),
    Route("/messaging/inbox/no-response-needed", no_response_needed, methods=["POST"]),
]
