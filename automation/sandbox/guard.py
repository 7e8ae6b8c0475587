"""What happens to every counted request before its handler: faults first, then the session check.

Both kinds of endpoint pass through here so that the fault sequence is one sequence (request order)
and a missing or expired session is answered the way Seller Central answers it: a 302 to sign-in with
the return URL for pages, a 401 `{"reason": "sign_in"}` for JSON.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from functools import wraps
from urllib.parse import parse_qsl, quote, urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from automation.sandbox.context import SandboxContext, context_of
from automation.sandbox.sessions import Session

SESSION_COOKIE = "session-token"
SIGNIN_QUERY_TAIL = "&openid.assoc_handle=sc_na_amazon_v2&openid.mode=checkid_setup&mons_redirect=sign_in"

Handler = Callable[[Request, SandboxContext, Session], Awaitable[Response]]
PublicHandler = Callable[[Request, SandboxContext], Awaitable[Response]]
Endpoint = Callable[[Request], Awaitable[Response]]


def path_and_query(request: Request) -> str:
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


def signin_url(return_to: str) -> str:
    return f"/ap/signin?openid.return_to={quote(return_to, safe='')}{SIGNIN_QUERY_TAIL}"


def picker_url(return_to: str) -> str:
    return "/authorization/select-account?" + urlencode(
        {"returnTo": return_to, "mons_redirect": "remedy_url"}
    )


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=302, headers={"Cache-Control": "no-store"})


async def apply_faults(ctx: SandboxContext, *, is_json: bool) -> int | None:
    draw = ctx.faults.draw(is_json=is_json)
    if draw.delay_s:
        await asyncio.sleep(draw.delay_s)
    return draw.error_status


def protected_page(handler: Handler) -> Endpoint:
    @wraps(handler)
    async def endpoint(request: Request) -> Response:
        ctx = context_of(request)
        await apply_faults(ctx, is_json=False)
        session = ctx.sessions.check(request.cookies.get(SESSION_COOKIE))
        if session is None:
            target = path_and_query(request) if request.method == "GET" else request.url.path
            return redirect(signin_url(target))
        if session.store is None and len(ctx.stores) > 1:
            return redirect(picker_url(path_and_query(request)))
        return await handler(request, ctx, session)

    return endpoint


def protected_json(handler: Handler) -> Endpoint:
    @wraps(handler)
    async def endpoint(request: Request) -> Response:
        ctx = context_of(request)
        error_status = await apply_faults(ctx, is_json=True)
        session = ctx.sessions.check(request.cookies.get(SESSION_COOKIE))
        if session is None:
            return JSONResponse({"reason": "sign_in"}, status_code=401, headers={"Cache-Control": "no-store"})
        if error_status is not None:
            return JSONResponse(
                {"error": "InternalFailure" if error_status == 500 else "ServiceUnavailable"},
                status_code=error_status,
                headers={"Cache-Control": "no-store"},
            )
        return await handler(request, ctx, session)

    return endpoint


def public_page(handler: PublicHandler) -> Endpoint:
    @wraps(handler)
    async def endpoint(request: Request) -> Response:
        ctx = context_of(request)
        await apply_faults(ctx, is_json=False)
        return await handler(request, ctx)

    return endpoint


async def read_form(request: Request) -> dict[str, str]:
    """A urlencoded form body (the sandbox's forms post nothing else); the last value of a name wins."""
    body = (await request.body()).decode("utf-8", errors="replace")
    return dict(parse_qsl(body, keep_blank_values=True))
