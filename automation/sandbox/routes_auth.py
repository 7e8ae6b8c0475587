"""Sign-in like Seller Central's (ref §4): password, optional captcha, an e-mailed verification code
(a sandbox-only switch), one-time code, account picker.

After a correct password the steps still owed are kept in a pending sign-in; each step hands over to
the next until the session cookie is set and the browser goes back to where it was sent from.
"""

from __future__ import annotations

import json
import secrets

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from automation.sandbox import captcha, totp, verification
from automation.sandbox.auth_pages import captcha_page, cvf_page, mfa_page, picker_page, signin_page
from automation.sandbox.context import SandboxContext, context_of
from automation.sandbox.guard import (
    SESSION_COOKIE,
    apply_faults,
    picker_url,
    public_page,
    read_form,
    redirect,
    signin_url,
)
from automation.sandbox.layout import NO_STORE, html
from automation.sandbox.sessions import DEVICE_TRUST_SECONDS, Session
from automation.sandbox.signin_flow import PENDING_COOKIE, PendingSignIn, safe_return_to

DEVICE_COOKIE = "sc-device-trust"


def _set_session_cookie(ctx: SandboxContext, response: Response, token: str, session: Session) -> None:
    max_age = int(ctx.sessions.lifetime_s) if session.persistent else None
    response.set_cookie(SESSION_COOKIE, token, max_age=max_age, httponly=True, samesite="lax", path="/")


def _next_step(ctx: SandboxContext, pending: PendingSignIn) -> RedirectResponse:
    """Send the browser to the first step this sign-in still owes, or finish it."""
    if pending.captcha_answer is not None:
        return redirect("/ap/captcha")
    if pending.needs_verification:
        if pending.verification_code is None:
            pending.verification_code = ctx.verification.send(ctx.scenario.account.email)
        return redirect("/ap/cvf/verify")
    if pending.needs_mfa:
        return redirect("/ap/mfa")
    ctx.pending.finish(pending)
    several = len(ctx.stores) > 1
    token, session = ctx.sessions.issue(store=None if several else 0, persistent=pending.remember)
    response = redirect(picker_url(pending.return_to) if several else pending.return_to)
    _set_session_cookie(ctx, response, token, session)
    response.delete_cookie(PENDING_COOKIE, path="/")
    return response


def _pending(ctx: SandboxContext, request: Request) -> PendingSignIn | None:
    return ctx.pending.get(request.cookies.get(PENDING_COOKIE))


@public_page
async def signin_get(request: Request, ctx: SandboxContext) -> Response:
    return_to = safe_return_to(request.query_params.get("openid.return_to"))
    return html(signin_page(ctx, return_to=return_to))


@public_page
async def signin_post(request: Request, ctx: SandboxContext) -> Response:
    form = await read_form(request)
    return_to = safe_return_to(form.get("openid.return_to"))
    email, password = form.get("email", "").strip(), form.get("password", "")
    account = ctx.scenario.account
    if email.lower() != account.email.lower():
        return html(
            signin_page(ctx, return_to=return_to, email=email, error=ctx.texts("signin.unknown_email"))
        )
    if not secrets.compare_digest(password.encode(), account.password.encode()):
        return html(
            signin_page(ctx, return_to=return_to, email=email, error=ctx.texts("signin.wrong_password"))
        )
    pending = ctx.pending.start(
        remember=form.get("rememberMe") == "true",
        return_to=return_to,
        needs_mfa=bool(account.totp_secret)
        and not ctx.sessions.device_trusted(request.cookies.get(DEVICE_COOKIE)),
        captcha_answer=captcha.new_answer() if ctx.scenario.faults.captcha_at_signin else None,
        needs_verification=ctx.verification.enabled,
    )
    response = _next_step(ctx, pending)
    if pending.captcha_answer is not None or pending.needs_verification or pending.needs_mfa:
        response.set_cookie(PENDING_COOKIE, pending.id, httponly=True, samesite="lax", path="/")
    return response


@public_page
async def captcha_get(request: Request, ctx: SandboxContext) -> Response:
    pending = _pending(ctx, request)
    if pending is None or pending.captcha_answer is None:
        return redirect(signin_url("/home"))
    return html(captcha_page(ctx, image_url=f"/ap/captcha/image?r={secrets.token_hex(4)}"))


async def captcha_image(request: Request) -> Response:
    """The captcha's picture; not a counted request (the page that shows it was)."""
    ctx = context_of(request)
    pending = _pending(ctx, request)
    if pending is None or pending.captcha_answer is None:
        return Response("Not found", status_code=404, media_type="text/plain")
    return Response(captcha.svg(pending.captcha_answer), media_type="image/svg+xml", headers=NO_STORE)


@public_page
async def captcha_post(request: Request, ctx: SandboxContext) -> Response:
    pending = _pending(ctx, request)
    if pending is None or pending.captcha_answer is None:
        return redirect(signin_url("/home"))
    form = await read_form(request)
    if not captcha.matches(pending.captcha_answer, form.get("guess", "")):
        pending.captcha_answer = captcha.new_answer()
        image_url = f"/ap/captcha/image?r={secrets.token_hex(4)}"
        return html(captcha_page(ctx, image_url=image_url, error=ctx.texts("captcha.wrong_guess")))
    pending.captcha_answer = None
    return _next_step(ctx, pending)


def _cvf_page(ctx: SandboxContext, error: str | None = None) -> str:
    return cvf_page(ctx, sent_to=verification.masked_address(ctx.scenario.account.email), error=error)


@public_page
async def cvf_get(request: Request, ctx: SandboxContext) -> Response:
    pending = _pending(ctx, request)
    if pending is None or pending.verification_code is None:
        return redirect(signin_url("/home"))
    return html(_cvf_page(ctx))


@public_page
async def cvf_post(request: Request, ctx: SandboxContext) -> Response:
    """A wrong code shows the page again with an error and keeps the code sent, as Amazon's does."""
    pending = _pending(ctx, request)
    if pending is None or pending.verification_code is None:
        return redirect(signin_url("/home"))
    form = await read_form(request)
    if not verification.matches(pending.verification_code, form.get("code", "")):
        return html(_cvf_page(ctx, error=ctx.texts("cvf.wrong_code")))
    pending.needs_verification = False
    pending.verification_code = None
    return _next_step(ctx, pending)


async def verification_switch(request: Request) -> Response:
    """`GET`: whether sign-ins owe an e-mailed code, and the codes sent; `POST {"enabled": bool}`: switch.
    Inspection, like `/__sandbox/state`: never faulted, never protected."""
    ctx = context_of(request)
    if request.method == "POST":
        try:
            enabled = json.loads(await request.body() or b"{}")["enabled"]
        except (ValueError, KeyError, TypeError):
            enabled = None
        if not isinstance(enabled, bool):
            return JSONResponse({"error": 'send {"enabled": true} or {"enabled": false}'}, status_code=400)
        ctx.verification.enabled = enabled
    return JSONResponse(ctx.verification.document(), headers=NO_STORE)


@public_page
async def mfa_get(request: Request, ctx: SandboxContext) -> Response:
    pending = _pending(ctx, request)
    if pending is None or not pending.needs_mfa:
        return redirect(signin_url("/home"))
    return html(mfa_page(ctx))


@public_page
async def mfa_post(request: Request, ctx: SandboxContext) -> Response:
    pending = _pending(ctx, request)
    secret = ctx.scenario.account.totp_secret
    if pending is None or not pending.needs_mfa or secret is None:
        return redirect(signin_url("/home"))
    form = await read_form(request)
    if not totp.verify(secret, form.get("otpCode", "")):
        return html(mfa_page(ctx, error=ctx.texts("mfa.wrong_code")))
    pending.needs_mfa = False
    response = _next_step(ctx, pending)
    if form.get("rememberDevice") == "true":
        response.set_cookie(
            DEVICE_COOKIE,
            ctx.sessions.device_trust_token(),
            max_age=DEVICE_TRUST_SECONDS,
            httponly=True,
            samesite="lax",
            path="/",
        )
    return response


async def picker(request: Request) -> Response:
    """The account picker: needs a session, but one without a store yet (so no protected_page)."""
    ctx = context_of(request)
    await apply_faults(ctx, is_json=False)
    session = ctx.sessions.check(request.cookies.get(SESSION_COOKIE))
    if request.method == "GET":
        return_to = safe_return_to(request.query_params.get("returnTo"))
        if session is None:
            return redirect(signin_url(return_to))
        return html(picker_page(ctx, return_to=return_to))
    form = await read_form(request)
    return_to = safe_return_to(form.get("returnTo"))
    if session is None:
        return redirect(signin_url(return_to))
    try:
        store = int(form.get("store", ""))
    except ValueError:
        store = -1
    if not 0 <= store < len(ctx.stores):
        return html(picker_page(ctx, return_to=return_to))
    token, renewed = ctx.sessions.issue(store=store, persistent=session.persistent, sid=session.sid)
    response = redirect(return_to)
    _set_session_cookie(ctx, response, token, renewed)
    return response


@public_page
async def signout(request: Request, ctx: SandboxContext) -> Response:
    session = ctx.sessions.check(request.cookies.get(SESSION_COOKIE), count=False)
    if session is not None:
        ctx.sessions.revoke(session.sid)
    response = redirect("/ap/signin")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


ROUTES = [
    Route("/ap/signin", signin_get, methods=["GET"]),
    Route("/ap/signin", signin_post, methods=["POST"]),
    Route("/ap/captcha", captcha_get, methods=["GET"]),
    Route("/ap/captcha", captcha_post, methods=["POST"]),
    Route("/ap/captcha/image", captcha_image, methods=["GET"]),
    Route("/ap/cvf/verify", cvf_get, methods=["GET"]),
    Route("/ap/cvf/verify", cvf_post, methods=["POST"]),
    Route("/__sandbox/verification", verification_switch, methods=["GET", "POST"]),
    Route("/ap/mfa", mfa_get, methods=["GET"]),
    Route("/ap/mfa", mfa_post, methods=["POST"]),
    Route("/authorization/select-account", picker, methods=["GET", "POST"]),
    Route("/ap/signout", signout, methods=["GET"]),
]
